// neardup_index_eval: figures of the near-duplicate index (neardup/index.h)
// on generated news documents (news_generator.h): inserts and queries per
// second on one core, one at a time and in batches; memory per indexed
// document; index bytes per document on disk; and the recall and precision
// of queries against exact Jaccard.
//
//   neardup_index_eval [--docs 100000] [--doc-bytes 2000] [--copies 5000]
//                      [--threads 2] [--seed 1] [--verify-exact]
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
#include <fstream>
#include <string>
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

}  // namespace

int main(int argc, char** argv) {
  size_t docs = 100000, doc_bytes = 2000, copies = 5000;
  int threads = 2;
  uint64_t seed = 1;
  bool verify_exact = false;
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
    } else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  neardup::bench::NewsGenerator gen(seed);
  neardup::bench::SplitMix64 rng(seed * 7 + 1);
  std::vector<std::string> texts(docs);
  uint64_t text_bytes = 0;
  for (std::string& t : texts) {
    t = gen.Document(gen.SampleDocumentSize(doc_bytes));
    text_bytes += t.size();
  }
  std::vector<std::string> queries(copies);
  std::vector<uint32_t> source(copies);
  for (size_t c = 0; c < copies; ++c) {
    source[c] = static_cast<uint32_t>(rng.Below(docs));
    queries[c] = Edit(texts[source[c]], rng.Uniform() * 0.06, gen, rng);
  }
  std::vector<std::string> keys(docs);
  for (size_t d = 0; d < docs; ++d) keys[d] = "doc-" + std::to_string(d);
  std::printf("neardup_index_eval: %zu documents (%.1f MB, mean %zu bytes), "
              "%zu edited copies as queries, verify %s\n",
              docs, text_bytes / 1e6, static_cast<size_t>(text_bytes / docs),
              copies, verify_exact ? "exact" : "signature");

  neardup::IndexOptions options;
  options.verify = verify_exact ? neardup::VerifyMode::kExact
                                : neardup::VerifyMode::kSignature;
  // One at a time, one core.
  const uint64_t rss_before = RssBytes();
  auto index = neardup::Index::Create(options);
  if (!index.ok()) return 1;
  auto start = Clock::now();
  for (size_t d = 0; d < docs; ++d) {
    if (!index->Insert(keys[d], texts[d]).ok()) return 1;
  }
  double s = Seconds(start);
  const uint64_t rss_after = RssBytes();
  std::printf("insert, one at a time, 1 core: %.0f docs/s, %.1f MB/s\n",
              docs / s, text_bytes / 1e6 / s);
  std::printf("memory: %.0f bytes per indexed document (resident memory "
              "growth while inserting; keys 'doc-N' included)\n",
              static_cast<double>(rss_after - rss_before) / docs);
  const std::string image = index->Serialize();
  uint64_t key_bytes = 0;
  for (const std::string& k : keys) key_bytes += k.size();
  std::printf("disk: %.1f bytes per document (%.1f without the keys: "
              "signature %d, offsets 16%s)\n",
              static_cast<double>(image.size()) / docs,
              static_cast<double>(image.size() - key_bytes) / docs,
              4 * options.num_perm,
              verify_exact ? ", shingle sets 8 per shingle + 8" : "");

  {
    auto batch = neardup::Index::Create(options);
    std::vector<std::string_view> kv(keys.begin(), keys.end());
    std::vector<std::string_view> tv(texts.begin(), texts.end());
    for (const int t : {1, threads}) {
      batch = neardup::Index::Create(options);
      start = Clock::now();
      if (!neardup::InsertBatch(*batch, kv, tv, t).ok()) return 1;
      s = Seconds(start);
      std::printf("insert_batch, %d thread%s: %.0f docs/s (%.0f per thread)\n",
                  t, t > 1 ? "s" : "", docs / s, docs / s / t);
    }
  }

  // Queries.
  std::vector<std::vector<neardup::IndexMatch>> results(copies);
  start = Clock::now();
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
  size_t at90 = 0, found90 = 0, at_t = 0, found_t = 0, returned = 0,
         correct = 0;
  for (size_t c = 0; c < copies; ++c) {
    const auto q = ShingleSet(*shingler, queries[c]);
    const double j = neardup::ExactJaccard(q, ShingleSet(*shingler, texts[source[c]]));
    bool found = false;
    for (const neardup::IndexMatch& m : results[c]) {
      found |= m.key == keys[source[c]];
      const size_t d = std::strtoull(m.key.c_str() + 4, nullptr, 10);
      ++returned;
      correct += neardup::ExactJaccard(q, ShingleSet(*shingler, texts[d])) >=
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
  std::printf("precision (matches with exact Jaccard >= %.2f): %zu of %zu = "
              "%.4f\n",
              options.threshold, correct, returned,
              returned ? static_cast<double>(correct) / returned : 1.0);
  return 0;
}
