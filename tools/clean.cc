// neardup clean INPUT... -o OUTDIR: cuts repeated blocks, repeated lines
// and boilerplate from every document, lists every cut, and writes the
// records back with only their text changed.


#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "neardup/clean.h"
#include "neardup/io.h"
#include "neardup/pipeline.h"
#include "simdjson.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace neardup::tools {
namespace {

struct CleanFlags {
  std::vector<std::string> inputs;
  std::string outdir;
  bool no_repeats = false;
  bool no_boilerplate = false;
  uint32_t min_docs = 3;
  size_t max_line_bytes = 200;
  size_t min_repeat_line_bytes = 30;
  double near_similarity = 0.8;
  double block_similarity = 0.5;
  std::string line_counts;
  bool syndicated = false;
  double syndicated_threshold = 0.8;
  size_t syndicated_min_words = 20;
  size_t bloom_bytes = size_t{256} << 20;
  bool gopher_filter = false;
  bool signals_only = false;
  bool annotate = false;
  ReaderFlags reader;
  std::string url_field = "url";
  int threads = 0;
  bool overwrite = false;
  bool quiet = false;
  bool no_report = false;
  std::string output_format = "as-input";
  std::string explain;  // a record id
};

// One line of edits.jsonl.
struct Edit {
  uint64_t start = 0, end = 0;
  std::string reason;
  int64_t source_start = -1;
  std::string site;
  uint64_t docs = 0, families = 0;
  std::string first_id;
};

// Returns the edits of record `id` in OUTDIR/edits.jsonl, in file order.
absl::StatusOr<std::vector<Edit>> ReadEdits(const std::string& outdir,
                                            const std::string& id) {
  std::ifstream in(outdir + "/edits.jsonl");
  if (!in) return absl::NotFoundError(outdir + "/edits.jsonl: cannot open");
  std::vector<Edit> edits;
  simdjson::dom::parser parser;
  std::string line;
  while (std::getline(in, line)) {
    simdjson::dom::element e;
    if (parser.parse(line).get(e) != simdjson::SUCCESS) {
      return absl::DataLossError(outdir + "/edits.jsonl: a line is not JSON");
    }
    std::string_view rid;
    if (e["id"].get(rid) != simdjson::SUCCESS || rid != id) continue;
    Edit edit;
    std::string_view text;
    if (e["start"].get(edit.start) != simdjson::SUCCESS) edit.start = 0;
    if (e["end"].get(edit.end) != simdjson::SUCCESS) edit.end = 0;
    if (e["reason"].get(text) == simdjson::SUCCESS) edit.reason = text;
    int64_t source = 0;
    if (e["source_start"].get(source) == simdjson::SUCCESS) edit.source_start = source;
    if (e["site"].get(text) == simdjson::SUCCESS) edit.site = text;
    if (e["docs"].get(edit.docs) != simdjson::SUCCESS) edit.docs = 0;
    if (e["families"].get(edit.families) != simdjson::SUCCESS) edit.families = 0;
    if (e["first_id"].get(text) == simdjson::SUCCESS) edit.first_id = text;
    edits.push_back(std::move(edit));
  }
  return edits;
}

// Line number (from 1) of byte `at` of `text`.
size_t LineOf(std::string_view text, uint64_t at) {
  return 1 + std::count(text.begin(), text.begin() + std::min<uint64_t>(at, text.size()), '\n');
}

// Prints record `id` of the run's inputs with its cuts marked: each line
// with '-' (cut whole), '~' (cut in part) or ' ' (kept), and under the
// first line of each cut its reason and evidence.
int ExplainRecord(const std::vector<InputFile>& inputs,
                  const ReaderOptions& reader_options,
                  const std::string& outdir, const std::string& id) {
  auto edits = ReadEdits(outdir, id);
  if (!edits.ok()) return Fail("clean", edits.status());
  for (const InputFile& input : inputs) {
    auto reader = RecordReader::Open(input.path, reader_options);
    if (!reader.ok()) return Fail("clean", reader.status());
    Record record;
    Rejection rejection;
    for (;;) {
      const auto result = (*reader)->Next(&record, &rejection);
      if (result == RecordReader::Result::kEnd) break;
      if (result != RecordReader::Result::kRecord || record.id != id) continue;
      const std::string_view text = record.text;
      uint64_t cut_bytes = 0;
      for (const Edit& e : *edits) cut_bytes += e.end - e.start;
      std::printf("record %s (%s line %llu): %zu cuts, %llu of %zu bytes cut\n",
                  id.c_str(), input.path.c_str(),
                  static_cast<unsigned long long>(record.line), edits->size(),
                  static_cast<unsigned long long>(cut_bytes), text.size());
      std::printf("('-' cut, '~' cut in part, ' ' kept)\n");
      size_t number = 0;
      for (const TextSpan& span : SplitLines(text)) {
        ++number;
        uint64_t covered = 0;
        for (const Edit& e : *edits) {
          const uint64_t lo = std::max<uint64_t>(e.start, span.begin);
          const uint64_t hi = std::min<uint64_t>(e.end, span.end);
          if (lo < hi) covered += hi - lo;
        }
        const size_t length = span.end - span.begin;
        const char mark = covered == 0 ? ' ' : covered >= length ? '-' : '~';
        size_t shown_bytes = std::min<size_t>(length, 160);
        while (shown_bytes < length && shown_bytes > 0 &&
               (static_cast<unsigned char>(text[span.begin + shown_bytes]) & 0xC0) == 0x80) {
          --shown_bytes;  // not inside a UTF-8 sequence
        }
        std::string shown(span.In(text).substr(0, shown_bytes));
        std::printf("%5zu %c %s%s\n", number, mark, shown.c_str(),
                    length > 160 ? "..." : "");
        for (size_t k = 0; k < edits->size(); ++k) {
          const Edit& e = (*edits)[k];
          if (LineOf(text, e.start) != number) continue;
          std::printf("        ^ cut %zu [%llu, %llu) %s", k + 1,
                      static_cast<unsigned long long>(e.start),
                      static_cast<unsigned long long>(e.end), e.reason.c_str());
          if (e.source_start >= 0) {
            std::printf(": repeats the text from line %zu (byte %lld) on",
                        LineOf(text, static_cast<uint64_t>(e.source_start)),
                        static_cast<long long>(e.source_start));
          } else if (e.reason == "boilerplate") {
            std::printf(": in %llu documents (%llu article families) of %s",
                        static_cast<unsigned long long>(e.docs),
                        static_cast<unsigned long long>(e.families),
                        e.site.empty() ? "the documents without url"
                                       : e.site.c_str());
            if (!e.first_id.empty()) {
              std::printf(", the first %s", e.first_id.c_str());
            }
          } else if (e.reason == "syndicated") {
            std::printf(": most of its word 5-grams occurred in earlier "
                        "documents");
          }
          std::printf("\n");
        }
      }
      return 0;
    }
  }
  std::fprintf(stderr, "neardup clean: --explain: no record with id '%s' in the inputs\n",
               id.c_str());
  return 1;
}

int RunCleanCommand(const CleanFlags& flags) {
  if (auto s = CheckOutputFolderFlag(flags.outdir); !s.ok()) {
    return Fail("clean", s, 2);
  }
  CleanOptions options;
  options.repeats = !flags.no_repeats;
  options.repeat_options.min_single_line_bytes = flags.min_repeat_line_bytes;
  options.repeat_options.near_similarity = flags.near_similarity;
  options.repeat_options.block_similarity = flags.block_similarity;
  options.boilerplate = !flags.no_boilerplate;
  options.boilerplate_options.min_docs = flags.min_docs;
  options.boilerplate_options.max_line_bytes = flags.max_line_bytes;
  options.line_counts_file = flags.line_counts;
  options.syndicated = flags.syndicated;
  options.syndication.threshold = flags.syndicated_threshold;
  options.syndication.min_words = flags.syndicated_min_words;
  options.syndication.bloom_bytes = flags.bloom_bytes;
  options.gopher_filter = flags.gopher_filter;
  options.signals_only = flags.signals_only;
  options.annotate = flags.annotate;
  if (auto s = ApplyReaderFlags(flags.reader, &options.reader); !s.ok()) {
    return Fail("clean", s, 2);
  }
  options.reader.url_field = flags.url_field;
  options.threads = flags.threads;
  options.overwrite = flags.overwrite;
  options.report = !flags.no_report;
  if (flags.min_docs < 2) {
    std::fprintf(stderr, "neardup clean: --boilerplate-min-docs must be at least 2\n");
    return 2;
  }
  auto output_format = ParseOutputFormat(flags.output_format);
  if (!output_format.ok()) return Fail("clean", output_format.status(), 2);
  options.output_format = *output_format;
  auto inputs =
      PlanAndReportInputs("clean", flags.inputs, &options.skipped_files);
  if (!inputs.ok()) return Fail("clean", inputs.status());
  const ProgressFn progress = TerminalProgress(flags.quiet);
  options.cancel = InterruptFlag();
  auto stats = RunClean(*inputs, flags.outdir, options, progress);
  ClearProgress(progress);
  if (!stats.ok()) return FailJob("clean", stats.status(), flags.outdir);
  const CleanStats& s = *stats;
  if (!flags.quiet) {
    const double total = TotalSeconds(s);
    std::printf("neardup clean: %llu documents edited; cuts: %llu repeated "
                "blocks, %llu repeated lines, %llu boilerplate lines (%llu "
                "distinct), %llu syndicated; %.1f MB of %.1f MB of text cut\n",
                static_cast<unsigned long long>(s.edited),
                static_cast<unsigned long long>(s.cuts_of(CutReason::kRepeatedBlock)),
                static_cast<unsigned long long>(s.cuts_of(CutReason::kRepeatedLine)),
                static_cast<unsigned long long>(s.cuts_of(CutReason::kBoilerplate)),
                static_cast<unsigned long long>(s.boilerplate_lines),
                static_cast<unsigned long long>(s.cuts_of(CutReason::kSyndicated)),
                s.cut_bytes / 1e6, s.text_bytes / 1e6);
    std::printf("%zu files in %.2f s (%.1f MB/s), peak memory %.1f MB%s\n",
                s.files.size(), total, total > 0 ? s.text_bytes / 1e6 / total : 0.0,
                s.peak_rss_bytes / 1e6,
                options.annotate || options.signals_only
                    ? "; nothing changed (annotate/signals only)"
                    : "");
    if (s.without_url > 0) {
      std::printf("%llu records have no url: they count as one site, so a "
                  "line of theirs is boilerplate only in the header or footer "
                  "of the document and in at least %u of them (2 x "
                  "--boilerplate-min-docs)\n",
                  static_cast<unsigned long long>(s.without_url),
                  2 * std::max<uint32_t>(flags.min_docs, 2));
    }
    if (s.not_rewritten > 0) {
      std::printf("%llu WARC response records (HTML) with cuts were written as "
                  "read: HTML cannot be cut line by line; their cuts are in "
                  "edits.jsonl, and --output-format jsonl writes their cleaned "
                  "text\n",
                  static_cast<unsigned long long>(s.not_rewritten));
    }
    std::printf("output: %s/ (records, edits.jsonl, removed.jsonl, "
                "rejected.jsonl, line_counts.jsonl, stats.json%s)\n",
                flags.outdir.c_str(),
                options.signals_only || options.gopher_filter ? ", signals.jsonl" : "");
    if (options.report) {
      std::printf("report: %s/report.html (open it in a browser)\n",
                  flags.outdir.c_str());
    }
  }
  const int status = FinishJob("clean", s, options.reader);
  if (!flags.explain.empty()) {
    const int explained =
        ExplainRecord(*inputs, options.reader, flags.outdir, flags.explain);
    if (explained != 0) return explained;
  }
  return status;
}

}  // namespace

void AddCleanCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<CleanFlags>();
  CLI::App* cmd = app.add_subcommand(
      "clean",
      "Cut repeated blocks, repeated lines and boilerplate from every "
      "document, listing every cut; records keep every other field.");
  AddInputAndOutputFlags(cmd,
                         "JSONL, WARC/WET or text files, folders, or - "
                         "(stdin); in folders, files of other names "
                         "(.wat.gz, .bin) are skipped and listed",
                         &flags->inputs, &flags->outdir);
  cmd->add_flag("--no-repeats", flags->no_repeats,
                "keep repeated blocks and lines inside documents");
  cmd->add_flag("--no-boilerplate", flags->no_boilerplate,
                "keep lines that recur across documents (one pass only)");
  cmd->add_option("--boilerplate-min-docs", flags->min_docs,
                  "a line on at least this many pages of a site (versions of "
                  "one article count once; short lines: one less) that "
                  "stands next to the lines it stands next to on other "
                  "pages is boilerplate; records without url count as one "
                  "site and need twice as many, in their header or footer")
      ->capture_default_str();
  cmd->add_option("--boilerplate-max-line-bytes", flags->max_line_bytes,
                  "longer (normalized) lines are content, never boilerplate")
      ->capture_default_str();
  cmd->add_option("--line-counts", flags->line_counts,
                  "use the line counts of an earlier run (its "
                  "line_counts.bin) instead of counting");
  cmd->add_flag("--syndicated", flags->syndicated,
                "cut paragraphs whose 5-grams mostly occurred in earlier "
                "documents (input order; the first occurrence stays)");
  cmd->add_option("--syndicated-threshold", flags->syndicated_threshold,
                  "fraction of a paragraph's 5-grams seen before")
      ->capture_default_str();
  cmd->add_option("--syndicated-min-words", flags->syndicated_min_words,
                  "shorter paragraphs are never syndicated")
      ->capture_default_str();
  cmd->add_option("--bloom-bytes", flags->bloom_bytes,
                  "memory of the syndication filter")
      ->capture_default_str();
  cmd->add_option("--min-repeat-line-bytes", flags->min_repeat_line_bytes,
                  "a repeated line standing alone is cut only if this long")
      ->capture_default_str();
  cmd->add_option("--near-similarity", flags->near_similarity,
                  "word 3-gram Jaccard at which a line repeats an earlier "
                  "one (1 = exact repeats only)")
      ->capture_default_str();
  cmd->add_option("--block-similarity", flags->block_similarity,
                  "a run of lines aligned in order with an earlier run (a "
                  "body captured twice from an edited version; a line "
                  "inserted, dropped or edited) is one repeated block when "
                  "its byte-weighted similarity reaches this (1 = off)")
      ->capture_default_str();
  cmd->add_flag("--gopher-filter", flags->gopher_filter,
                "remove documents over the published Gopher repetition "
                "thresholds");
  cmd->add_flag("--signals-only", flags->signals_only,
                "write signals.jsonl and change nothing");
  cmd->add_flag("--annotate", flags->annotate,
                "write edits.jsonl but leave the text as it is");
  AddReaderFlags(cmd, &flags->reader);
  AddOutputFormatFlag(cmd, &flags->output_format);
  cmd->add_option("--url-field", flags->url_field,
                  "JSONL URL field (its host is the site)")
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads,
                  "threads of both passes (default: all cores; the output is the same for any count)");
  AddOverwriteAndReportFlags(cmd, &flags->overwrite, &flags->no_report);
  cmd->add_flag("-q,--quiet", flags->quiet, "no progress and only the last line");
  cmd->add_option("--explain", flags->explain,
                  "after the run, print the record with this id with its "
                  "cuts marked and the reason and evidence of each");
  cmd->footer(
      "Example:\n"
      "  neardup clean crawl/ -o cleaned/\n"
      "    cleaned/crawl/...        the records, text cleaned, other fields as read\n"
      "    cleaned/edits.jsonl      {id, start, end, reason, source_id, source_start}\n"
      "                             boilerplate also {site, docs, families, first_id}\n"
      "    cleaned/removed.jsonl    {id, file, line, reason} (empty_after_clean, gopher:...)\n"
      "    cleaned/line_counts.jsonl the boilerplate lines cut, most frequent first\n"
      "    cleaned/report.html      the run's page: cuts by reason, boilerplate, examples\n"
      "  neardup clean next-crawl/ -o out/ --line-counts cleaned/line_counts.bin\n"
      "  neardup clean crawl.jsonl -o out/ --annotate       review before cutting\n"
      "  neardup clean crawl.jsonl -o out/ --explain doc-17  show one record's cuts");
  cmd->callback([flags, exit_code] { *exit_code = RunCleanCommand(*flags); });
}

}  // namespace neardup::tools
