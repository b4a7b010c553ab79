// neardup dedup INPUT... -o OUTDIR: removes near-duplicate documents from a
// crawl, keeps one record of each cluster, and writes down every decision.


#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "neardup/pipeline.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace neardup::tools {
namespace {

struct DedupFlags {
  std::vector<std::string> inputs;
  std::string outdir;
  std::string method = "minhash";
  double threshold = 0.8;
  int ngram = 0;  // 0: 5 for minhash, 3 for simhash
  bool chars = false;
  int num_perm = 112;
  int bands = 0, rows = 0;
  int hamming = 3;
  std::string keep = "first";
  std::string verify = "signature";
  ReaderFlags reader;
  int threads = 0;
  uint64_t seed = 0;
  bool dry_run = false;
  bool overwrite = false;
  bool quiet = false;
  std::string max_memory;  // "" (no ceiling), bytes, or 500M, 2G...
};

std::string Megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MB", bytes / 1e6);
  return buf;
}

int RunDedupCommand(const DedupFlags& flags) {
  DedupOptions options;
  if (flags.method == "minhash") {
    options.method = DedupMethod::kMinHash;
  } else if (flags.method == "simhash") {
    options.method = DedupMethod::kSimHash;
  } else if (flags.method == "exact") {
    options.method = DedupMethod::kExact;
  } else {
    std::fprintf(stderr, "neardup dedup: --method must be minhash, simhash "
                         "or exact\n");
    return 2;
  }
  auto keep = ParseKeepPolicy(flags.keep, &options.keep_field);
  if (!keep.ok()) {
    return Fail("dedup", keep.status(), 2);
  }
  if (flags.verify != "signature" && flags.verify != "exact") {
    std::fprintf(stderr, "neardup dedup: --verify must be signature or exact\n");
    return 2;
  }
  options.keep = *keep;
  options.threshold = flags.threshold;
  options.shingles.kind = flags.chars ? ShingleKind::kChar : ShingleKind::kWord;
  options.shingles.n = flags.ngram > 0 ? flags.ngram
                       : options.method == DedupMethod::kSimHash ? 3
                                                                 : 5;
  options.num_perm = flags.num_perm;
  options.bands = flags.bands;
  options.rows = flags.rows;
  options.hamming = flags.hamming;
  options.verify =
      flags.verify == "exact" ? VerifyMode::kExact : VerifyMode::kSignature;
  if (auto s = ApplyReaderFlags(flags.reader, &options.reader); !s.ok()) {
    return Fail("dedup", s, 2);
  }
  if (!flags.max_memory.empty()) {
    auto bytes = ParseByteSize(flags.max_memory);
    if (!bytes.ok()) return Fail("dedup", bytes.status(), 2);
    options.max_memory_bytes = *bytes;
  }
  options.threads = flags.threads;
  options.seed = flags.seed;
  options.dry_run = flags.dry_run;
  options.overwrite = flags.overwrite;

  auto inputs = PlanInputs(flags.inputs);
  if (!inputs.ok()) return Fail("dedup", inputs.status());
  const ProgressFn progress = TerminalProgress(flags.quiet);
  options.cancel = InterruptFlag();
  auto stats = RunDedup(*inputs, flags.outdir, options, progress);
  ClearProgress(progress);
  if (!stats.ok()) return FailJob("dedup", stats.status(), flags.outdir);
  const DedupStats& s = *stats;
  if (!flags.quiet) {
    std::printf("neardup dedup: %s, %s %d-grams", DedupMethodName(options.method),
                flags.chars ? "character" : "word", options.shingles.n);
    if (options.method == DedupMethod::kMinHash) {
      std::printf(", %d permutations, threshold %.2f\n", options.num_perm,
                  options.threshold);
      std::printf("LSH: %d bands x %d rows; a pair becomes a candidate with "
                  "probability",
                  s.lsh.bands, s.lsh.rows);
      for (double d : {-0.1, 0.0, 0.1}) {
        const double t = std::clamp(options.threshold + d, 0.0, 1.0);
        std::printf(" %.3f at J=%.2f%s", CandidateProbability(t, s.lsh), t,
                    d < 0.1 ? "," : "\n");
      }
    } else if (options.method == DedupMethod::kSimHash) {
      std::printf(", Hamming distance <= %d\n", options.hamming);
    } else {
      std::printf(" (normalized text hashed)\n");
    }
    std::printf("candidates: %llu pairs, %llu verified, %llu joined; %llu "
                "clusters of 2 or more\n",
                static_cast<unsigned long long>(s.candidate_pairs),
                static_cast<unsigned long long>(s.verified_pairs),
                static_cast<unsigned long long>(s.joined_pairs),
                static_cast<unsigned long long>(s.clusters));
    double total = 0;
    for (const auto& [stage, seconds] : s.stage_seconds) {
      if (stage == "total") total = seconds;
    }
    std::printf("%zu files, %s of text in %.2f s (%.1f MB/s, %d threads), "
                "peak memory %s\n",
                s.files.size(), Megabytes(s.text_bytes).c_str(), total,
                total > 0 ? s.text_bytes / 1e6 / total : 0.0, s.threads,
                Megabytes(s.peak_rss_bytes).c_str());
    std::printf("output: %s/ (%sremoved.jsonl, clusters.jsonl, "
                "rejected.jsonl, stats.json)\n",
                flags.outdir.c_str(),
                options.dry_run ? "dry run, no records; " : "kept records, ");
  }
  PrintAccounting(s.read, s.kept, s.removed, s.rejected, s.truncated,
                  options.dry_run ? " (dry run: nothing written)" : "");
  ReaderOptions reader = options.reader;
  if (options.keep == KeepPolicy::kField) reader.number_field = options.keep_field;
  return FinishJob("dedup", s.fields, reader, s.read, s.rejected);
}

}  // namespace

void AddDedupCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<DedupFlags>();
  CLI::App* cmd = app.add_subcommand(
      "dedup",
      "Remove near-duplicate documents: keep one record of each cluster, and "
      "write every decision down.");
  cmd->add_option("INPUT", flags->inputs,
                  "JSONL, WARC/WET or text files, folders, or - (stdin); "
                  "gzip and zstd are detected")
      ->required();
  cmd->add_option("-o,--output", flags->outdir, "output folder")->required();
  cmd->add_option("--method", flags->method, "minhash, simhash or exact")
      ->capture_default_str();
  cmd->add_option("--threshold", flags->threshold,
                  "Jaccard similarity of duplicates (minhash)")
      ->capture_default_str();
  cmd->add_option("--ngram", flags->ngram,
                  "shingle size (default 5 for minhash, 3 for simhash)");
  cmd->add_flag("--char", flags->chars, "character n-grams instead of words");
  cmd->add_option("--num-perm", flags->num_perm, "MinHash permutations")
      ->capture_default_str();
  cmd->add_option("--bands", flags->bands,
                  "LSH bands (default: chosen from --threshold)");
  cmd->add_option("--rows", flags->rows,
                  "LSH rows per band (default: chosen from --threshold)");
  cmd->add_option("--hamming", flags->hamming,
                  "SimHash: largest Hamming distance of duplicates")
      ->capture_default_str();
  cmd->add_option("--verify", flags->verify,
                  "how candidates are confirmed: signature (estimated "
                  "Jaccard) or exact (Jaccard of the shingle sets)")
      ->capture_default_str();
  cmd->add_option("--keep", flags->keep,
                  "record kept per cluster: first (in input order), longest "
                  "(most text bytes), or field:NAME (the largest numeric "
                  "value of JSONL field NAME; ties and records without it: "
                  "the first)")
      ->capture_default_str();
  AddReaderFlags(cmd, &flags->reader);
  cmd->add_option("--threads", flags->threads, "threads (default: all cores)");
  cmd->add_option("--max-memory", flags->max_memory,
                  "memory ceiling (bytes, or with K, M, G: 500M, 2G): the job "
                  "estimates the memory its documents will need (signatures, "
                  "ids, the index) as it reads them, and stops with an error "
                  "before the estimate passes the ceiling, writing no output, "
                  "rather than being killed; it does not spill to disk. "
                  "Default: no ceiling");
  cmd->add_option("--seed", flags->seed, "hash seed")->capture_default_str();
  cmd->add_flag("--dry-run", flags->dry_run,
                "write the decisions only, no record files");
  cmd->add_flag("--overwrite", flags->overwrite,
                "accept an output folder that is not empty");
  cmd->add_flag("-q,--quiet", flags->quiet,
                "no progress and only the last line");
  cmd->footer(
      "Example:\n"
      "  neardup dedup crawl/ -o out/\n"
      "    reads every .jsonl/.warc/.wet/.txt file (gzip or zstd too) under\n"
      "    crawl/, writes the kept records to out/crawl/..., and\n"
      "    out/removed.jsonl  {id, file, line, reason, cluster, kept_id, "
      "similarity}\n"
      "    out/clusters.jsonl {id, cluster, kept_id} for clusters of 2+\n"
      "    out/rejected.jsonl {file, line, offset, reason}\n"
      "    out/stats.json     counts, parameters, seconds, peak memory\n"
      "  neardup dedup a.jsonl.zst b.jsonl.zst -o out --threshold 0.7 "
      "--keep longest\n"
      "  neardup dedup pages.warc.wet.gz -o out --method simhash --hamming 3");
  cmd->callback([flags, exit_code] { *exit_code = RunDedupCommand(*flags); });
}

}  // namespace neardup::tools
