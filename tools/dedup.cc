// neardup dedup INPUT... -o OUTDIR: removes near-duplicate documents from a
// crawl, keeps one record of each cluster, and writes down every decision.


#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "neardup/index.h"
#include "neardup/pipeline.h"
#include "pipeline/similarity_method.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace neardup::tools {
namespace {

struct DedupFlags {
  std::vector<std::string> inputs;
  std::string outdir;
  CompareFlags compare;
  std::string keep = "first";
  ReaderFlags reader;
  int threads = 0;
  size_t min_words = 0;
  bool dry_run = false;
  bool overwrite = false;
  bool quiet = false;
  bool no_report = false;
  std::string max_memory;  // "" (no ceiling), bytes, or 500M, 2G...
  std::string output_format = "as-input";
  std::string index_dir;  // --index
  bool index_readonly = false;
};

std::string Megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MB", bytes / 1e6);
  return buf;
}

int RunDedupCommand(const DedupFlags& flags) {
  if (auto s = CheckOutputFolderFlag(flags.outdir); !s.ok()) {
    return Fail("dedup", s, 2);
  }
  DedupOptions options;
  if (auto s = ApplyCompareFlags(flags.compare, &options); !s.ok()) {
    return Fail("dedup", s, 2);
  }
  auto keep = ParseKeepPolicy(flags.keep, &options.keep_field);
  if (!keep.ok()) {
    return Fail("dedup", keep.status(), 2);
  }
  options.keep = *keep;
  if (auto s = ApplyReaderFlags(flags.reader, &options.reader); !s.ok()) {
    return Fail("dedup", s, 2);
  }
  if (!flags.max_memory.empty()) {
    auto bytes = ParseByteSize(flags.max_memory);
    if (!bytes.ok()) return Fail("dedup", bytes.status(), 2);
    options.max_memory_bytes = *bytes;
  }
  options.threads = flags.threads;
  options.min_words = flags.min_words;
  options.dry_run = flags.dry_run;
  options.overwrite = flags.overwrite;
  options.report = !flags.no_report;

  auto output_format = ParseOutputFormat(flags.output_format);
  if (!output_format.ok()) return Fail("dedup", output_format.status(), 2);
  options.output_format = *output_format;
  auto inputs =
      PlanAndReportInputs("dedup", flags.inputs, &options.skipped_files);
  if (!inputs.ok()) return Fail("dedup", inputs.status());
  const ProgressFn progress = TerminalProgress(flags.quiet);
  options.cancel = InterruptFlag();
  if (flags.index_readonly && flags.index_dir.empty()) {
    return Fail("dedup", absl::InvalidArgumentError(
                             "--index-readonly needs --index DIR"), 2);
  }
  uint64_t indexed = 0;
  auto stats = flags.index_dir.empty()
                   ? RunDedup(*inputs, flags.outdir, options, progress)
                   : RunDedupWithIndex(*inputs, flags.outdir, options,
                                       flags.index_dir, flags.index_readonly,
                                       progress, &indexed);
  ClearProgress(progress);
  if (!stats.ok()) return FailJob("dedup", stats.status(), flags.outdir);
  const DedupStats& s = *stats;
  if (!flags.quiet) {
    std::printf("neardup dedup: %s, %s %d-grams", DedupMethodName(options.method),
                flags.compare.chars ? "character" : "word",
                options.shingles.n);
    std::fputs(internal::SimilarityMethod::Of(options.method)
                   .RuleSummary(options, s.lsh)
                   .c_str(),
               stdout);
    std::printf("candidates: %llu pairs, %llu verified, %llu joined; %llu "
                "clusters of 2 or more\n",
                static_cast<unsigned long long>(s.candidate_pairs),
                static_cast<unsigned long long>(s.verified_pairs),
                static_cast<unsigned long long>(s.joined_pairs),
                static_cast<unsigned long long>(s.clusters));
    const double total = TotalSeconds(s);
    std::printf("%zu files, %s of text in %.2f s (%.1f MB/s, %d threads), "
                "peak memory %s\n",
                s.files.size(), Megabytes(s.text_bytes).c_str(), total,
                total > 0 ? s.text_bytes / 1e6 / total : 0.0, s.threads,
                Megabytes(s.peak_rss_bytes).c_str());
    std::printf("output: %s/ (%sremoved.jsonl, clusters.jsonl, "
                "rejected.jsonl, stats.json)\n",
                flags.outdir.c_str(),
                options.dry_run ? "dry run, no records; " : "kept records, ");
    if (!flags.index_dir.empty()) {
      std::printf("index: %s/ (%s)\n", flags.index_dir.c_str(),
                  flags.index_readonly || options.dry_run
                      ? "read only"
                      : (std::to_string(indexed) +
                         " kept records added as a new generation")
                            .c_str());
    }
    if (options.report) {
      std::printf("report: %s/report.html (open it in a browser)\n",
                  flags.outdir.c_str());
    }
  }
  return FinishJob("dedup", s, ReaderOptionsOf(options),
                   options.dry_run ? " (dry run: nothing written)" : "");
}

}  // namespace

void AddDedupCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<DedupFlags>();
  CLI::App* cmd = app.add_subcommand(
      "dedup",
      "Remove near-duplicate documents: keep one record of each cluster, and "
      "write every decision down.");
  AddInputAndOutputFlags(cmd,
                         "JSONL, WARC/WET or text files, folders, or - (stdin); "
                         "gzip and zstd are detected; in folders, files of other "
                         "names (.wat.gz, .bin) are skipped and listed",
                         &flags->inputs, &flags->outdir);
  AddCompareFlags(cmd, &flags->compare);
  cmd->add_option("--keep", flags->keep,
                  "record kept per cluster: first (in input order), longest "
                  "(most text bytes), or field:NAME (the largest numeric "
                  "value of JSONL field NAME; ties and records without it: "
                  "the first). A record is removed only as a duplicate of "
                  "the record kept (no chains): records, best first by this "
                  "policy, each join the first kept record they are a "
                  "duplicate of, else are kept")
      ->capture_default_str();
  AddReaderFlags(cmd, &flags->reader);
  AddOutputFormatFlag(cmd, &flags->output_format);
  cmd->add_option("--threads", flags->threads, "threads (default: all cores)");
  cmd->add_option("--max-memory", flags->max_memory,
                  "memory ceiling (bytes, or with K, M, G: 500M, 2G): the job "
                  "estimates the memory its documents will need (signatures, "
                  "ids, the index; --main-text: its line tables) as it reads "
                  "them; before the estimate passes the ceiling it spills "
                  "line tables, signatures and ids to files "
                  "in the output folder (read through mmap; outputs "
                  "byte-identical to a run without a ceiling; stats.json: "
                  "spilled_bytes). When even what stays in memory (about 50 "
                  "bytes per document, up to 120 while clustering) would pass "
                  "it, it stops with an error, writing no output, rather than "
                  "being killed. Default: no ceiling");
  cmd->add_option("--min-words", flags->min_words,
                  "remove documents with fewer words (reason too_short) and "
                  "compare them with nothing; 0: keep all. Documents without "
                  "any word are always compared for byte equality only")
      ->capture_default_str();
  cmd->add_flag("--dry-run", flags->dry_run,
                "write the decisions only, no record files");
  AddOverwriteAndReportFlags(cmd, &flags->overwrite, &flags->no_report);
  cmd->add_option("--index", flags->index_dir,
                  "index folder of earlier runs: records are also compared "
                  "with every record it holds (a match is removed, kept_id "
                  "the indexed record's id, kept_source its generation, file "
                  "and line), and the records this run keeps are added as a "
                  "new generation when it completes (created when missing). "
                  "The index fixes its parameters: other options are "
                  "refused. Needs --keep first; not with --main-text, "
                  "--min-words, --containment or --verify exact (the "
                  "default containment is off with it). See "
                  "'neardup index'");
  cmd->add_flag("--index-readonly", flags->index_readonly,
                "with --index: compare with the index, add nothing");
  cmd->add_flag("-q,--quiet", flags->quiet,
                "no progress and only the last line");
  cmd->footer(
      "Example:\n"
      "  neardup dedup crawl/ -o out/\n"
      "    reads every .jsonl/.warc/.wet/.txt file (gzip or zstd too) under\n"
      "    crawl/, writes the kept records to out/crawl/..., and\n"
      "    out/removed.jsonl  {id, file, line, reason, cluster, kept_id, "
      "similarity,\n"
      "                       containment}\n"
      "                       kept_id: the record it was judged against "
      "(no chains)\n"
      "    out/clusters.jsonl {id, cluster, kept_id} for clusters of 2+\n"
      "    out/rejected.jsonl {file, line, offset, reason}\n"
      "    out/stats.json     counts, parameters, seconds, peak memory\n"
      "    out/report.html    the run's page: counts, charts, examples side by\n"
      "                       side (--no-report: none)\n"
      "  neardup dedup a.jsonl.zst b.jsonl.zst -o out --threshold 0.7 "
      "--keep longest\n"
      "  neardup dedup pages.warc.wet.gz -o out --method simhash --hamming 3\n"
      "  neardup dedup pages.jsonl -o out --main-text on\n"
      "    pages compared without their site's boilerplate lines\n"
      "  neardup dedup crawl.jsonl -o out --containment 0\n"
      "    Jaccard alone: an excerpt or an extended version (containment\n"
      "    >= 0.7 by default) is no longer a duplicate\n"
      "  neardup dedup may.jsonl -o out-may --index seen/\n"
      "    removes what duplicates earlier runs' kept records too, then adds\n"
      "    May's kept records to seen/ (neardup index info seen/)");
  cmd->callback([flags, exit_code] { *exit_code = RunDedupCommand(*flags); });
}

}  // namespace neardup::tools
