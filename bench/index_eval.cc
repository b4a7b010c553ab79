// neardup_index_eval: figures of the near-duplicate index (neardup/index.h)
// on generated news documents (news_generator.h): inserts and queries per
// second on one core, one at a time and in batches; memory per indexed
// document; index bytes per document on disk; and the recall and precision
// of queries against exact Jaccard.
//
//   neardup_index_eval [--docs 100000] [--doc-bytes 2000] [--copies 5000]
//                      [--threads 2] [--seed 1] [--verify-exact]
//   neardup_index_eval --folder DIR --generations 10 [--docs ...]
//                      [--doc-bytes ...] [--threads 2]
//
// With --folder, an index folder (IndexFolder, what `neardup dedup --index`
// grows) gets --docs documents in --generations runs: each run generates
// its documents (1 in 20 an edited copy of an earlier run's document),
// signs them on --threads threads, looks each up in the folder (FindFirst,
// the dedup job's lookup), adds those not found and commits (with the
// automatic merges). Per run: seconds (generation of the texts excluded),
// private memory (RssAnon: what the run holds) and mapped index pages
// resident (RssFile: page cache, shared and evictable), files, bytes on
// disk.
//
// The index holds --docs original documents. --copies queries are edited
// copies of random originals (a share of their words, 0 to 6%, replaced
// by other words), so that their exact Jaccard to their source (word
// 5-grams, the default shingles) spreads over about 0.6 to 1. Recall: of
// the copies whose exact Jaccard to their source is >= 0.9 (and >= the
// threshold), the share whose query returns the source. Precision: of all
// the matches queries return, the share whose exact Jaccard to the query is
// >= the threshold. Rates depend on the machine and its load: repeat a run
// and report ranges.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

#include "neardup/index.h"
#include "neardup/minhash.h"
#include "neardup/shingle.h"
#include "news_generator.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

uint64_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// A copy of `text` with about `share` of its words replaced.
std::string Edit(const std::string& text, double share,
                 neardup::bench::NewsGenerator& gen,
                 neardup::bench::SplitMix64& rng) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    if (rng.Chance(share)) {
      out.append(gen.Word());
    } else {
      out.append(text, at, end - at);
    }
    if (end < text.size()) out.push_back(' ');
    at = end + 1;
  }
  return out;
}

std::vector<uint64_t> ShingleSet(neardup::Shingler& shingler,
                                 std::string_view text) {
  std::vector<uint64_t> h;
  shingler.Hash(text, &h);
  std::sort(h.begin(), h.end());
  h.erase(std::unique(h.begin(), h.end()), h.end());
  return h;
}


// kB of a /proc/self/status field ("RssAnon:", "RssFile:", "VmHWM:").
uint64_t StatusKb(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) {
      return std::strtoull(line.c_str() + std::strlen(field), nullptr, 10);
    }
  }
  return 0;
}

// Runs f(i) for i in [0, n) on `threads` threads.
template <typename F>
void ParallelFor(int threads, size_t n, const F& f) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (size_t i = t; i < n; i += threads) f(i);
    });
  }
  for (std::thread& th : pool) th.join();
}

int FolderEval(const std::string& dir, size_t docs, size_t doc_bytes,
               int generations, int threads, uint64_t seed) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::remove_all(dir, ec);
  auto folder = neardup::IndexFolder::OpenForWriting(dir, {});
  if (!folder.ok()) {
    std::fprintf(stderr, "%s\n", folder.status().ToString().c_str());
    return 1;
  }
  neardup::bench::NewsGenerator gen(seed);
  neardup::bench::SplitMix64 rng(seed * 7 + 1);
  // Earlier documents to copy from (a bounded reservoir).
  std::vector<std::string> earlier;
  constexpr size_t kReservoir = 20000, kChunk = 100000;
  const size_t per_run = docs / generations;
  std::printf("neardup_index_eval --folder: %zu documents of about %zu bytes "
              "in %d runs, %d threads\n", docs, doc_bytes, generations, threads);
  std::printf("run  seconds  docs/s  found  added  RssAnon_MB  peak_RssAnon_MB"
              "  RssFile_MB  files  disk_MB  disk_B/record\n");
  uint64_t text_bytes = 0;
  for (int g = 0; g < generations; ++g) {
    double seconds = 0;
    uint64_t found = 0, peak_anon = 0;
    std::vector<std::string> texts;
    std::vector<neardup::DocSketch> sketches;
    std::vector<std::optional<neardup::IndexFolderMatch>> first;
    std::vector<std::string> copies;
    for (size_t at = 0; at < per_run; at += kChunk) {
      const size_t n = std::min(kChunk, per_run - at);
      texts.resize(n);
      for (size_t i = 0; i < n; ++i) {
        if (!earlier.empty() && rng.Chance(0.05)) {
          texts[i] = Edit(earlier[rng.Below(earlier.size())],
                          rng.Uniform() * 0.03, gen, rng);
        } else {
          texts[i] = gen.Document(gen.SampleDocumentSize(doc_bytes));
        }
        text_bytes += texts[i].size();
        if (copies.size() < kReservoir / generations && rng.Chance(0.01)) {
          copies.push_back(texts[i]);
        }
      }
      sketches.resize(n);
      first.assign(n, std::nullopt);
      const auto start = Clock::now();
      ParallelFor(threads, n, [&](size_t i) {
        sketches[i] = folder->Sketch(texts[i]);
        auto m = folder->FindFirst(sketches[i]);
        if (m.ok()) first[i] = *m;
      });
      for (size_t i = 0; i < n; ++i) {
        if (first[i]) {
          ++found;
          continue;
        }
        folder->Add("doc-" + std::to_string(g) + "-" + std::to_string(at + i),
                    "run.jsonl", at + i + 1, sketches[i]);
      }
      seconds += Seconds(start);
      peak_anon = std::max(peak_anon, StatusKb("RssAnon:"));
    }
    const uint64_t added = folder->pending();
    const auto start = Clock::now();
    if (auto st = folder->Commit("run " + std::to_string(g + 1)); !st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
    seconds += Seconds(start);
    peak_anon = std::max(peak_anon, StatusKb("RssAnon:"));
    earlier.insert(earlier.end(), copies.begin(), copies.end());
    uint64_t disk = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_regular_file()) disk += e.file_size();
    }
    std::printf("%3d  %7.1f  %6.0f  %5llu  %6llu  %10.0f  %15.0f  %10.0f  %5zu"
                "  %7.0f  %13.1f\n",
                g + 1, seconds, per_run / seconds,
                static_cast<unsigned long long>(found),
                static_cast<unsigned long long>(added),
                StatusKb("RssAnon:") / 1024.0, peak_anon / 1024.0,
                StatusKb("RssFile:") / 1024.0, folder->generations().size(),
                disk / 1e6, static_cast<double>(disk) / folder->size());
    std::fflush(stdout);
  }
  std::printf("%zu documents, %.1f MB of text; %zu records indexed\n", docs,
              text_bytes / 1e6, folder->size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  size_t docs = 100000, doc_bytes = 2000, copies = 5000;
  int threads = 2;
  uint64_t seed = 1;
  bool verify_exact = false;
  std::string folder_dir;
  int generations = 10;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--docs") {
      docs = std::strtoull(next(), nullptr, 10);
    } else if (a == "--doc-bytes") {
      doc_bytes = std::strtoull(next(), nullptr, 10);
    } else if (a == "--copies") {
      copies = std::strtoull(next(), nullptr, 10);
    } else if (a == "--threads") {
      threads = std::atoi(next());
    } else if (a == "--seed") {
      seed = std::strtoull(next(), nullptr, 10);
    } else if (a == "--verify-exact") {
      verify_exact = true;
    } else if (a == "--folder") {
      folder_dir = next();
    } else if (a == "--generations") {
      generations = std::max(1, std::atoi(next()));
    } else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (!folder_dir.empty()) {
    return FolderEval(folder_dir, docs, doc_bytes, generations,
                      std::max(1, threads), seed);
  }
  // The documents are generated in chunks and inserted chunk by chunk, so
  // that memory holds the index, one chunk and the query sources only (10
  // million documents fit); only the inserts are timed. A document's text
  // depends on the seed and its number alone, so the batch figures below
  // generate the first documents again.
  neardup::bench::SplitMix64 rng(seed * 7 + 1);
  std::vector<uint32_t> source(copies);
  for (size_t c = 0; c < copies; ++c) {
    source[c] = static_cast<uint32_t>(rng.Below(docs));
  }
  std::vector<uint32_t> wanted(source);
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  std::vector<std::string> source_text(wanted.size());
  auto key_of = [](size_t d) { return "doc-" + std::to_string(d); };
  constexpr size_t kChunk = 100000;
  auto generate = [&](neardup::bench::NewsGenerator& g, size_t first,
                      size_t n, std::vector<std::string>* texts,
                      std::vector<std::string>* keys) {
    texts->resize(n);
    keys->resize(n);
    for (size_t i = 0; i < n; ++i) {
      (*texts)[i] = g.Document(g.SampleDocumentSize(doc_bytes));
      (*keys)[i] = key_of(first + i);
    }
  };

  neardup::IndexOptions options;
  options.verify = verify_exact ? neardup::VerifyMode::kExact
                                : neardup::VerifyMode::kSignature;
  // One at a time, one core.
  uint64_t rss_before = 0;
  auto index = neardup::Index::Create(options);
  if (!index.ok()) return 1;
  neardup::bench::NewsGenerator gen(seed);
  std::vector<std::string> texts, keys;
  uint64_t text_bytes = 0, key_bytes = 0;
  double s = 0;
  size_t next_wanted = 0;
  for (size_t first = 0; first < docs; first += kChunk) {
    const size_t n = std::min(kChunk, docs - first);
    generate(gen, first, n, &texts, &keys);
    for (size_t i = 0; i < n; ++i) {
      text_bytes += texts[i].size();
      key_bytes += keys[i].size();
      while (next_wanted < wanted.size() && wanted[next_wanted] == first + i) {
        source_text[next_wanted++] = texts[i];
      }
    }
    // Memory is counted from here: the chunk's buffers are reused by the
    // next chunks (the query sources, at most --copies texts, are in it).
    if (first == 0) rss_before = RssBytes();
    const auto start = Clock::now();
    for (size_t i = 0; i < n; ++i) {
      if (!index->Insert(keys[i], texts[i]).ok()) return 1;
    }
    s += Seconds(start);
  }
  const uint64_t rss_after = RssBytes();
  std::vector<std::string>().swap(texts);
  std::vector<std::string>().swap(keys);
  std::printf("neardup_index_eval: %zu documents (%.1f MB, mean %zu bytes), "
              "%zu edited copies as queries, verify %s\n",
              docs, text_bytes / 1e6, static_cast<size_t>(text_bytes / docs),
              copies, verify_exact ? "exact" : "signature");
  std::printf("insert, one at a time, 1 core: %.0f docs/s, %.1f MB/s\n",
              docs / s, text_bytes / 1e6 / s);
  std::printf("memory: %.0f bytes per indexed document (resident memory "
              "growth while inserting; keys 'doc-N' included)\n",
              static_cast<double>(rss_after - rss_before) / docs);
  {
    const std::string image = index->Serialize();
    std::printf("disk: %.1f bytes per document (%.1f without the keys: "
                "signature %d, offsets 16%s)\n",
                static_cast<double>(image.size()) / docs,
                static_cast<double>(image.size() - key_bytes) / docs,
                4 * options.num_perm,
                verify_exact ? ", shingle sets 8 per shingle + 8" : "");
  }
  auto text_of = [&](uint32_t d) -> const std::string& {
    return source_text[std::lower_bound(wanted.begin(), wanted.end(), d) -
                       wanted.begin()];
  };
  std::vector<std::string> queries(copies);
  for (size_t c = 0; c < copies; ++c) {
    queries[c] = Edit(text_of(source[c]), rng.Uniform() * 0.06, gen, rng);
  }

  {
    // Batches: a second index of the first documents (at most one chunk,
    // so that it fits beside the first at any --docs).
    neardup::bench::NewsGenerator again(seed);
    const size_t n = std::min(kChunk, docs);
    generate(again, 0, n, &texts, &keys);
    std::vector<std::string_view> kv(keys.begin(), keys.end());
    std::vector<std::string_view> tv(texts.begin(), texts.end());
    for (const int t : {1, threads}) {
      auto batch = neardup::Index::Create(options);
      const auto start = Clock::now();
      if (!neardup::InsertBatch(*batch, kv, tv, t).ok()) return 1;
      const double b = Seconds(start);
      std::printf("insert_batch of %zu, %d thread%s: %.0f docs/s (%.0f per "
                  "thread)\n",
                  n, t, t > 1 ? "s" : "", n / b, n / b / t);
    }
    std::vector<std::string>().swap(texts);
    std::vector<std::string>().swap(keys);
  }

  // Queries.
  std::vector<std::vector<neardup::IndexMatch>> results(copies);
  auto start = Clock::now();
  for (size_t c = 0; c < copies; ++c) results[c] = *index->Query(queries[c]);
  s = Seconds(start);
  std::printf("query, one at a time, 1 core: %.0f queries/s\n", copies / s);
  std::vector<std::string_view> qv(queries.begin(), queries.end());
  for (const int t : {1, threads}) {
    start = Clock::now();
    auto batch = neardup::QueryBatch(*index, qv, t);
    s = Seconds(start);
    if (!batch.ok()) return 1;
    std::printf("query_batch, %d thread%s: %.0f queries/s (%.0f per thread)\n",
                t, t > 1 ? "s" : "", copies / s, copies / s / t);
  }

  // Recall and precision against exact Jaccard.
  auto shingler = neardup::Shingler::Create({});
  size_t other_matches = 0;
  size_t at90 = 0, found90 = 0, at_t = 0, found_t = 0, returned = 0,
         correct = 0;
  for (size_t c = 0; c < copies; ++c) {
    const auto q = ShingleSet(*shingler, queries[c]);
    const double j =
        neardup::ExactJaccard(q, ShingleSet(*shingler, text_of(source[c])));
    bool found = false;
    for (const neardup::IndexMatch& m : results[c]) {
      found |= m.key == key_of(source[c]);
      ++returned;
      // A match other than the source needs its text: generated again
      // (rare: documents are independent, so such matches are few).
      const size_t d = std::strtoull(m.key.c_str() + 4, nullptr, 10);
      if (d == source[c]) {
        correct += j >= options.threshold;
        continue;
      }
      ++other_matches;
      neardup::bench::NewsGenerator other(seed);
      std::string text;
      for (size_t i = 0; i <= d; ++i) {
        text = other.Document(other.SampleDocumentSize(doc_bytes));
      }
      correct += neardup::ExactJaccard(q, ShingleSet(*shingler, text)) >=
                 options.threshold;
    }
    if (j >= 0.9) {
      ++at90;
      found90 += found;
    }
    if (j >= options.threshold) {
      ++at_t;
      found_t += found;
    }
  }
  std::printf("recall, exact Jaccard >= 0.9: %zu of %zu = %.4f\n", found90,
              at90, at90 ? static_cast<double>(found90) / at90 : 0.0);
  std::printf("recall, exact Jaccard >= %.2f: %zu of %zu = %.4f\n",
              options.threshold, found_t, at_t,
              at_t ? static_cast<double>(found_t) / at_t : 0.0);
  std::printf("matches other than the query's source: %zu\n", other_matches);
  std::printf("precision (matches with exact Jaccard >= %.2f): %zu of %zu = "
              "%.4f\n",
              options.threshold, correct, returned,
              returned ? static_cast<double>(correct) / returned : 1.0);
  return 0;
}
