// neardup benchmarks: throughput of the hashing core, stage by stage, from
// raw text, on one core.
//
// Every stage starts from the raw bytes of the same fixed corpus (about
// 8 MB of generated English news, see news_generator.h) and reuses one
// object across documents, as the library intends:
//   BM_ValidateUtf8       IsValidUtf8 alone: reading the bytes once
//   BM_Normalize          Normalizer::Normalize
//   BM_Tokenize           + SplitWords on the normalized text
//   BM_Floor              Shingler::Hash, default options (normalize, words,
//                         word 5-gram hashes): the floor of any method
//   BM_MinHash/K          Shingler::Hash + MinHasher::Sign, K permutations,
//                         the widest kernel the CPU has
//   BM_MinHashDistinct/K  the same with SignCountingDistinct, as the dedup
//                         job signs at its defaults (containment)
//   BM_CleanLines         RepeatFinder + LineCounter::Prepare: the clean
//                         job's count pass, per document, at its defaults
//   BM_MinHashKernel/k    the same at 112 permutations with kernel k
//   BM_SimHash64          Shingler::Hash + SimHash
//   BM_SignOnly/k,
//   BM_SimHashOnly        the sketch alone, on shingle hashes computed before
//                         timing; MB/s counts the raw text the hashes came
//                         from, so the cost adds to the floor's
// One iteration is one pass over the whole corpus. After the runs, a table
// prints MB/s and docs/s per core and each stage's time as a multiple of the
// floor measured in the same run, and checks the performance targets
// (report only: the exit status does not depend on them). Host, compiler,
// git revision and corpus go into the benchmark context, so they land in
// --benchmark_out JSON files too.
//
// Usage: core_benchmark [--benchmark_min_time=1] [--benchmark_out=r.json]
//        [any other Google Benchmark flag]

#include <sys/utsname.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "benchmark/benchmark.h"
#include "neardup/clean.h"
#include "neardup/minhash.h"
#include "neardup/shingle.h"
#include "neardup/simhash.h"
#include "neardup/text.h"
#include "neardup/version.h"
#include "news_generator.h"

#ifndef NEARDUP_GIT_REVISION
#define NEARDUP_GIT_REVISION "unknown"
#endif

namespace neardup::bench {
namespace {

constexpr uint64_t kCorpusSeed = 20240601;
constexpr size_t kCorpusBytes = size_t{8} << 20;

struct Corpus {
  std::vector<std::string> docs;
  size_t bytes = 0;
  size_t longest = 0;  // index of the longest document
  size_t non_ascii_bytes = 0;
};

const Corpus& GetCorpus() {
  static const Corpus* corpus = [] {
    auto* c = new Corpus;
    c->docs = MakeCorpus(kCorpusBytes, kCorpusSeed);
    for (size_t i = 0; i < c->docs.size(); ++i) {
      c->bytes += c->docs[i].size();
      if (c->docs[i].size() > c->docs[c->longest].size()) c->longest = i;
      for (unsigned char ch : c->docs[i]) c->non_ascii_bytes += ch >= 0x80;
    }
    return c;
  }();
  return *corpus;
}

// Shingle hashes of every corpus document, computed once, for the
// sketch-only benchmarks: doc i is hashes[offsets[i] .. offsets[i + 1]).
struct ShingledCorpus {
  std::vector<uint64_t> hashes;
  std::vector<size_t> offsets;

  absl::Span<const uint64_t> Doc(size_t i) const {
    return absl::MakeConstSpan(hashes.data() + offsets[i],
                               offsets[i + 1] - offsets[i]);
  }
};

const ShingledCorpus* GetShingledCorpus() {
  static const ShingledCorpus* shingled = []() -> const ShingledCorpus* {
    absl::StatusOr<Shingler> shingler = Shingler::Create(ShingleOptions{});
    if (!shingler.ok()) return nullptr;
    auto* s = new ShingledCorpus;
    std::vector<uint64_t> doc_hashes;
    s->offsets.push_back(0);
    for (const std::string& doc : GetCorpus().docs) {
      shingler->Hash(doc, &doc_hashes);
      s->hashes.insert(s->hashes.end(), doc_hashes.begin(), doc_hashes.end());
      s->offsets.push_back(s->hashes.size());
    }
    return s;
  }();
  return shingled;
}

void SetCounters(benchmark::State& state) {
  const Corpus& corpus = GetCorpus();
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(corpus.bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(corpus.docs.size()));
}

// Not a stage: the cost of reading the bytes once (UTF-8 validation), the
// lower bound any stage pays.
void BM_ValidateUtf8(benchmark::State& state) {
  const Corpus& corpus = GetCorpus();
  for (auto _ : state) {
    for (const std::string& doc : corpus.docs) {
      bool valid = IsValidUtf8(doc);
      benchmark::DoNotOptimize(valid);
    }
  }
  SetCounters(state);
}
BENCHMARK(BM_ValidateUtf8);

// Times `each(doc)` over every corpus document, one pass an iteration,
// after one call on the longest document, so that the scratch buffers it
// keeps have grown and the timed loop does not allocate.
template <typename Each>
void TimeEachDoc(benchmark::State& state, Each each) {
  const Corpus& corpus = GetCorpus();
  each(corpus.docs[corpus.longest]);
  for (auto _ : state) {
    for (const std::string& doc : corpus.docs) each(doc);
  }
  SetCounters(state);
}

// Times Normalize over every document, then `then(normalized)`: the
// stages that start from normalized text.
template <typename Then>
void NormalizeEach(benchmark::State& state, Then then) {
  Normalizer normalizer;
  std::string out;
  TimeEachDoc(state, [&](const std::string& doc) {
    normalizer.Normalize(doc, &out);
    then(out);
  });
}

void BM_Normalize(benchmark::State& state) {
  NormalizeEach(state, [](std::string& out) { benchmark::DoNotOptimize(out); });
}
BENCHMARK(BM_Normalize);

void BM_Tokenize(benchmark::State& state) {
  NormalizeEach(state, [](const std::string& out) {
    // SplitWords returns a new vector: one allocation per document, the
    // library's own.
    std::vector<TextSpan> words = SplitWords(out);
    benchmark::DoNotOptimize(words.data());
  });
}
BENCHMARK(BM_Tokenize);

// Shingles every corpus document each iteration and hands its hashes to
// `use` (the floor of every sketch, and what a sketch adds to it).
template <typename UseHashes>
void ShingleEachDoc(benchmark::State& state, UseHashes use) {
  absl::StatusOr<Shingler> shingler = Shingler::Create(ShingleOptions{});
  if (!shingler.ok()) {
    state.SkipWithError(shingler.status().ToString().c_str());
    return;
  }
  std::vector<uint64_t> hashes;
  TimeEachDoc(state, [&](const std::string& doc) {
    shingler->Hash(doc, &hashes);
    use(hashes);
  });
}

void BM_Floor(benchmark::State& state) {
  ShingleEachDoc(state, [](const std::vector<uint64_t>& hashes) {
    benchmark::DoNotOptimize(hashes.data());
  });
}
BENCHMARK(BM_Floor);

// With `distinct`, signs as the dedup job does at its defaults
// (SignCountingDistinct: containment needs each document's number of
// distinct shingles).
void RunMinHash(benchmark::State& state, int num_perm, MinHashKernel kernel,
                bool distinct = false) {
  absl::StatusOr<MinHasher> hasher =
      MinHasher::Create(MinHashOptions{.num_perm = num_perm}, kernel);
  if (!hasher.ok()) {
    state.SkipWithError(hasher.status().ToString().c_str());
    return;
  }
  std::vector<uint32_t> signature(static_cast<size_t>(num_perm));
  std::vector<uint64_t> table;
  size_t count = 0;
  ShingleEachDoc(state, [&](const std::vector<uint64_t>& hashes) {
    if (distinct) {
      hasher->SignCountingDistinct(hashes, absl::MakeSpan(signature), &table,
                                   &count)
          .IgnoreError();  // fits
      benchmark::DoNotOptimize(count);
    } else {
      hasher->Sign(hashes, absl::MakeSpan(signature)).IgnoreError();  // fits
    }
    benchmark::DoNotOptimize(signature.data());
    benchmark::ClobberMemory();
  });
  state.SetLabel(MinHashKernelName(hasher->kernel()));
}

void BM_MinHash(benchmark::State& state) {
  RunMinHash(state, static_cast<int>(state.range(0)), MinHashKernel::kAuto);
}
BENCHMARK(BM_MinHash)->Arg(kDefaultNumPerm)->Arg(256);

// What the dedup job's sign stage computes per document at its defaults.
void BM_MinHashDistinct(benchmark::State& state) {
  RunMinHash(state, static_cast<int>(state.range(0)), MinHashKernel::kAuto,
             /*distinct=*/true);
}
BENCHMARK(BM_MinHashDistinct)->Arg(kDefaultNumPerm);

// What the clean job's count pass computes for each document at its
// defaults, on its worker threads: each line normalized and keyed, repeated
// and near-repeated lines found with their word hashes kept
// (RepeatFinder), then the line counter's input (LineCounter::Prepare:
// line and pair keys, the long lines' word 5-grams and their bands). The
// corpus's documents are counted as pages of one site.
void BM_CleanLines(benchmark::State& state) {
  absl::StatusOr<RepeatFinder> finder = RepeatFinder::Create(RepeatOptions{});
  if (!finder.ok()) {
    state.SkipWithError(finder.status().ToString().c_str());
    return;
  }
  std::vector<Cut> cuts;
  TimeEachDoc(state, [&](const std::string& doc) {
    finder->FindKeepingWordHashes(doc, &cuts);
    LineCounter::Prepared prepared =
        LineCounter::Prepare(*finder, "news.example");
    benchmark::DoNotOptimize(prepared.lines.data());
    benchmark::DoNotOptimize(cuts.data());
  });
}
BENCHMARK(BM_CleanLines);

void BM_SimHash64(benchmark::State& state) {
  ShingleEachDoc(state, [](const std::vector<uint64_t>& hashes) {
    uint64_t fingerprint = SimHash(hashes);
    benchmark::DoNotOptimize(fingerprint);
  });
}
BENCHMARK(BM_SimHash64);

// Registered from main, once per kernel this CPU supports.
void BM_MinHashKernel(benchmark::State& state, MinHashKernel kernel) {
  RunMinHash(state, kDefaultNumPerm, kernel);
}

void BM_SignOnly(benchmark::State& state, MinHashKernel kernel) {
  const ShingledCorpus* shingled = GetShingledCorpus();
  absl::StatusOr<MinHasher> hasher =
      MinHasher::Create(MinHashOptions{.num_perm = kDefaultNumPerm}, kernel);
  if (shingled == nullptr || !hasher.ok()) {
    state.SkipWithError(hasher.ok() ? "Shingler::Create failed"
                                    : hasher.status().ToString().c_str());
    return;
  }
  const size_t num_docs = shingled->offsets.size() - 1;
  std::vector<uint32_t> signature(kDefaultNumPerm);
  for (auto _ : state) {
    for (size_t i = 0; i < num_docs; ++i) {
      hasher->Sign(shingled->Doc(i), absl::MakeSpan(signature))
          .IgnoreError();  // sized to kDefaultNumPerm
      benchmark::DoNotOptimize(signature.data());
      benchmark::ClobberMemory();
    }
  }
  SetCounters(state);
}

void BM_SimHashOnly(benchmark::State& state) {
  const ShingledCorpus* shingled = GetShingledCorpus();
  if (shingled == nullptr) {
    state.SkipWithError("Shingler::Create failed");
    return;
  }
  const size_t num_docs = shingled->offsets.size() - 1;
  for (auto _ : state) {
    for (size_t i = 0; i < num_docs; ++i) {
      uint64_t fingerprint = SimHash(shingled->Doc(i));
      benchmark::DoNotOptimize(fingerprint);
    }
  }
  SetCounters(state);
}

// ---------------------------------------------------------------------------
// Context and the summary table.

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        size_t start = line.find_first_not_of(' ', colon + 1);
        return start == std::string::npos ? "" : line.substr(start);
      }
    }
  }
  return "unknown";
}

std::string Uname() {
  struct utsname u;
  if (uname(&u) != 0) return "unknown";
  return std::string(u.sysname) + " " + u.release + " " + u.machine + " (" +
         u.nodename + ")";
}

std::string Compiler() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "g++ " __VERSION__;
#else
  return "unknown";
#endif
}

std::string Today() {
  std::time_t now = std::time(nullptr);
  std::tm tm;
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// Checks that every supported kernel signs the first documents exactly as
// the portable kernel does; the stable-format promise of minhash.h.
std::string CheckKernels() {
  const ShingledCorpus* shingled = GetShingledCorpus();
  if (shingled == nullptr) return "skipped (Shingler::Create failed)";
  absl::StatusOr<MinHasher> portable = MinHasher::Create(
      MinHashOptions{.num_perm = kDefaultNumPerm}, MinHashKernel::kPortable);
  if (!portable.ok()) return "skipped (" + portable.status().ToString() + ")";
  std::string result = "ok";
  for (MinHashKernel k : {MinHashKernel::kAvx2, MinHashKernel::kAvx512}) {
    if (!MinHashKernelSupported(k)) continue;
    absl::StatusOr<MinHasher> other =
        MinHasher::Create(MinHashOptions{.num_perm = kDefaultNumPerm}, k);
    if (!other.ok()) return other.status().ToString();
    for (size_t i = 0; i + 1 < shingled->offsets.size() && i < 64; ++i) {
      if (portable->Sign(shingled->Doc(i)) != other->Sign(shingled->Doc(i))) {
        result = std::string("MISMATCH: ") + MinHashKernelName(k) +
                 " differs from portable on document " + std::to_string(i);
        break;
      }
    }
  }
  return result;
}

struct Figures {
  // Registration order, for printing (--benchmark_enable_random_interleaving
  // reports in shuffled order).
  std::pair<int64_t, int64_t> order;
  double bytes_per_second = 0;
  double items_per_second = 0;
  int runs = 0;         // iteration runs averaged
  bool median = false;  // taken from a median aggregate
  double cv = -1;       // coefficient of variation of MB/s, if repeated
};

// Passes everything to the display reporter the flags ask for (the console
// reporter by default) and keeps each run's rates for the summary table.
class SummaryReporter : public benchmark::BenchmarkReporter {
 public:
  explicit SummaryReporter(benchmark::BenchmarkReporter* display)
      : display_(display) {}

  bool ReportContext(const Context& context) override {
    return display_->ReportContext(context);
  }

  void ReportRuns(const std::vector<Run>& runs) override {
    display_->ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      std::string name = run.run_name.str();
      auto bytes = run.counters.find("bytes_per_second");
      auto items = run.counters.find("items_per_second");
      if (bytes == run.counters.end() || items == run.counters.end()) continue;
      auto [it, inserted] = figures_.try_emplace(name);
      Figures& f = it->second;
      if (inserted) {
        f.order = {run.family_index, run.per_family_instance_index};
        order_.push_back(name);
        std::sort(order_.begin(), order_.end(),
                  [this](const std::string& a, const std::string& b) {
                    return figures_[a].order < figures_[b].order;
                  });
      }
      if (run.run_type == Run::RT_Aggregate) {
        if (run.aggregate_name == "cv") {
          f.cv = bytes->second.value;
        } else if (run.aggregate_name == "median") {
          f.bytes_per_second = bytes->second.value;
          f.items_per_second = items->second.value;
          f.median = true;
        }
      } else if (!f.median) {
        // Mean over repetitions.
        f.bytes_per_second =
            (f.bytes_per_second * f.runs + bytes->second.value) / (f.runs + 1);
        f.items_per_second =
            (f.items_per_second * f.runs + items->second.value) / (f.runs + 1);
        ++f.runs;
      }
    }
  }

  void Finalize() override { display_->Finalize(); }

  const std::vector<std::string>& order() const { return order_; }
  const Figures* Find(const std::string& name) const {
    auto it = figures_.find(name);
    return it == figures_.end() ? nullptr : &it->second;
  }

 private:
  benchmark::BenchmarkReporter* display_;
  std::map<std::string, Figures> figures_;
  std::vector<std::string> order_;
};

void PrintSummary(const SummaryReporter& reporter, FILE* out) {
  if (reporter.order().empty()) return;
  const Corpus& corpus = GetCorpus();
  const Figures* floor = reporter.Find("BM_Floor");
  std::fprintf(out, "\nneardup core benchmark, %s\n", Today().c_str());
  std::fprintf(out, "host:     %s\n", Uname().c_str());
  std::fprintf(out, "cpu:      %s\n", CpuModel().c_str());
  std::fprintf(out, "compiler: %s\n", Compiler().c_str());
  std::fprintf(out, "neardup:  %s, git %s\n", std::string(Version()).c_str(),
               NEARDUP_GIT_REVISION);
  std::fprintf(out,
               "corpus:   %zu documents, %.2f MB, %.2f%% non-ASCII bytes, "
               "seed %llu\n",
               corpus.docs.size(), corpus.bytes / 1e6,
               100.0 * corpus.non_ascii_bytes / corpus.bytes,
               static_cast<unsigned long long>(kCorpusSeed));
  absl::StatusOr<MinHasher> auto_hasher = MinHasher::Create(MinHashOptions{});
  std::fprintf(out, "minhash:  auto kernel %s, kernels agree: %s\n",
               auto_hasher.ok() ? MinHashKernelName(auto_hasher->kernel())
                                : "unavailable",
               CheckKernels().c_str());
  std::fprintf(out,
               "(one core; MB = 10^6 bytes of raw text; x floor = "
               "floor MB/s / stage MB/s)\n\n");
  bool repeated = false;
  for (const std::string& name : reporter.order()) {
    repeated = repeated || reporter.Find(name)->cv >= 0;
  }
  std::fprintf(out, "| %-26s | %13s | %15s | %7s |%s\n", "stage",
               "MB/s per core", "docs/s per core", "x floor",
               repeated ? " MB/s cv |" : "");
  std::fprintf(out, "| %.26s | %.12s: | %.14s: | %.6s: |%s\n",
               "--------------------------------", "----------------",
               "----------------", "----------", repeated ? " ------: |" : "");
  for (const std::string& name : reporter.order()) {
    const Figures* f = reporter.Find(name);
    char ratio[32] = "-";
    if (floor != nullptr && f->bytes_per_second > 0) {
      std::snprintf(ratio, sizeof(ratio), "%.2f",
                    floor->bytes_per_second / f->bytes_per_second);
    }
    char cv[32] = "";
    if (repeated && f->cv >= 0) {
      std::snprintf(cv, sizeof(cv), " %6.1f%% |", 100 * f->cv);
    } else if (repeated) {
      std::snprintf(cv, sizeof(cv), " %7s |", "-");
    }
    std::fprintf(out, "| %-26s | %13.1f | %15.0f | %7s |%s\n", name.c_str(),
                 f->bytes_per_second / 1e6, f->items_per_second, ratio, cv);
  }
  if (repeated) {
    std::fprintf(out,
                 "(medians over repetitions; cv = their coefficient of "
                 "variation)\n");
  }

  std::fprintf(out, "\ntargets (report only):\n");
  const Figures* minhash = reporter.Find("BM_MinHash/112");
  const Figures* simhash = reporter.Find("BM_SimHash64");
  auto line = [out](const char* what, const Figures* f, double value,
                    const char* unit, bool met) {
    if (f == nullptr) {
      std::fprintf(out, "  %-28s %10s   not measured\n", what, "-");
    } else {
      std::fprintf(out, "  %-28s %8.2f%-2s   %s\n", what, value, unit,
                   met ? "met" : "NOT MET");
    }
  };
  double mh_mbps = minhash ? minhash->bytes_per_second / 1e6 : 0;
  line("MinHash/112 >= 100 MB/s", minhash, mh_mbps, "", mh_mbps >= 100);
  const Figures* mh_floor = floor ? minhash : nullptr;
  double mh_ratio =
      mh_floor ? floor->bytes_per_second / minhash->bytes_per_second : 0;
  line("MinHash/112 <= 2.0x floor", mh_floor, mh_ratio, "x", mh_ratio <= 2.0);
  const Figures* sh_floor = floor ? simhash : nullptr;
  double sh_ratio =
      sh_floor ? floor->bytes_per_second / simhash->bytes_per_second : 0;
  line("SimHash64 <= 1.5x floor", sh_floor, sh_ratio, "x", sh_ratio <= 1.5);
}

// Returns true if the flags select a machine-readable display format, in
// which case the summary goes to stderr to keep stdout parseable.
bool MachineReadableDisplay(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--benchmark_format=json" || arg == "--benchmark_format=csv") {
      return true;
    }
  }
  return false;
}

int Main(int argc, char** argv) {
  const bool machine_readable = MachineReadableDisplay(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  for (MinHashKernel k : {MinHashKernel::kPortable, MinHashKernel::kAvx2,
                          MinHashKernel::kAvx512}) {
    if (!MinHashKernelSupported(k)) continue;
    std::string name = std::string("BM_MinHashKernel/") + MinHashKernelName(k);
    benchmark::RegisterBenchmark(name.c_str(), [k](benchmark::State& state) {
      BM_MinHashKernel(state, k);
    });
  }
  for (MinHashKernel k : {MinHashKernel::kPortable, MinHashKernel::kAvx2,
                          MinHashKernel::kAvx512}) {
    if (!MinHashKernelSupported(k)) continue;
    std::string name = std::string("BM_SignOnly/") + MinHashKernelName(k);
    benchmark::RegisterBenchmark(
        name.c_str(), [k](benchmark::State& state) { BM_SignOnly(state, k); });
  }
  benchmark::RegisterBenchmark("BM_SimHashOnly", BM_SimHashOnly);

  const Corpus& corpus = GetCorpus();
  benchmark::AddCustomContext("neardup_version", std::string(Version()));
  benchmark::AddCustomContext("git_revision", NEARDUP_GIT_REVISION);
  benchmark::AddCustomContext("host", Uname());
  benchmark::AddCustomContext("cpu_model", CpuModel());
  benchmark::AddCustomContext("compiler", Compiler());
  benchmark::AddCustomContext(
      "corpus", std::to_string(corpus.docs.size()) + " documents, " +
                    std::to_string(corpus.bytes) + " bytes, seed " +
                    std::to_string(kCorpusSeed));
  absl::StatusOr<MinHasher> auto_hasher = MinHasher::Create(MinHashOptions{});
  benchmark::AddCustomContext("minhash_auto_kernel",
                              auto_hasher.ok()
                                  ? MinHashKernelName(auto_hasher->kernel())
                                  : auto_hasher.status().ToString());
  std::string kernel_check = CheckKernels();
  benchmark::AddCustomContext("minhash_kernel_check", kernel_check);
  if (kernel_check != "ok") {
    std::fprintf(stderr, "warning: minhash kernel check: %s\n",
                 kernel_check.c_str());
  }

  SummaryReporter reporter(benchmark::CreateDefaultDisplayReporter());
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  PrintSummary(reporter, machine_readable ? stderr : stdout);
  return 0;
}

}  // namespace
}  // namespace neardup::bench

int main(int argc, char** argv) { return neardup::bench::Main(argc, argv); }
