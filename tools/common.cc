// Shared pieces of the job commands.

#include "tools/common.h"

#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstring>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "pipeline/similarity_method.h"

namespace neardup::tools {

std::string FormatProgress(const ProgressEvent& e, double seconds) {
  std::string line = "[" + std::string(e.stage) + "] ";
  const bool bands = e.stage == "index";
  char buf[160];
  if (e.total_records > 0) {
    std::snprintf(buf, sizeof(buf), "%llu of %llu %s",
                  static_cast<unsigned long long>(e.records),
                  static_cast<unsigned long long>(e.total_records),
                  bands ? "bands" : "records");
  } else {
    std::snprintf(buf, sizeof(buf), "%llu %s",
                  static_cast<unsigned long long>(e.records),
                  bands ? "bands" : "records");
  }
  line += buf;
  if (e.bytes > 0) {
    std::snprintf(buf, sizeof(buf), ", %.1f MB", e.bytes / 1e6);
    line += buf;
    if (seconds >= 0.2) {
      std::snprintf(buf, sizeof(buf), ", %.1f MB/s", e.bytes / 1e6 / seconds);
      line += buf;
    }
  }
  // Time left from the share done so far, once a second of the stage has
  // passed (earlier rates mean little); none when the total is unknown.
  double done = -1;
  if (e.total_records > 0) {
    done = static_cast<double>(e.records) / e.total_records;
  } else if (e.total_bytes > 0 && e.bytes <= e.total_bytes) {
    done = static_cast<double>(e.bytes) / e.total_bytes;
  }
  if (done >= 1) {
    line += ", done";
  } else if (done > 0 && seconds >= 1) {
    const int left = static_cast<int>(seconds * (1 - done) / done + 0.5);
    std::snprintf(buf, sizeof(buf), ", %d:%02d left", left / 60, left % 60);
    line += buf;
  }
  return line;
}

ProgressFn TerminalProgress(bool quiet) {
  if (quiet || !isatty(STDERR_FILENO)) return nullptr;
  struct State {
    std::string stage;
    std::chrono::steady_clock::time_point started;
  };
  auto state = std::make_shared<State>();
  return [state](const ProgressEvent& e) {
    const auto now = std::chrono::steady_clock::now();
    if (e.stage != state->stage) {
      state->stage = std::string(e.stage);
      state->started = now;
    }
    const double seconds =
        std::chrono::duration<double>(now - state->started).count();
    std::fputs(("\r" + FormatProgress(e, seconds) + "\033[K").c_str(), stderr);
    std::fflush(stderr);
  };
}

void ClearProgress(const ProgressFn& progress) {
  if (progress) std::fputs("\r\033[K", stderr);
}

void AddReaderFlags(CLI::App* cmd, ReaderFlags* flags) {
  cmd->add_option("--text-field", flags->text_field, "JSONL text field")
      ->capture_default_str();
  cmd->add_option("--id-field", flags->id_field,
                  "JSONL id field (absent: FILE:LINE)")
      ->capture_default_str();
  cmd->add_option("--max-doc-bytes", flags->max_doc_bytes,
                  "documents with more text bytes are rejected or truncated "
                  "(--oversize)")
      ->capture_default_str();
  cmd->add_option("--oversize", flags->oversize,
                  "reject: a larger document goes to rejected.jsonl; "
                  "truncate: it is read as its first --max-doc-bytes bytes "
                  "(cut at a character boundary), counted as truncated, and "
                  "the rest of its text is written back unchanged")
      ->capture_default_str();
}

absl::Status ApplyReaderFlags(const ReaderFlags& flags,
                              ReaderOptions* options) {
  options->text_field = flags.text_field;
  options->id_field = flags.id_field;
  options->max_document_bytes = flags.max_doc_bytes;
  if (flags.oversize == "reject") {
    options->oversize = Oversize::kReject;
  } else if (flags.oversize == "truncate") {
    options->oversize = Oversize::kTruncate;
  } else {
    return absl::InvalidArgumentError(
        "--oversize must be reject or truncate");
  }
  return absl::OkStatus();
}

void AddOutputFormatFlag(CLI::App* cmd, std::string* format) {
  cmd->add_option("--output-format", *format,
                  "as-input: each input's format and compression; jsonl: "
                  "WARC/WET and text inputs are written as JSONL records "
                  "{id, url, date, text} of their documents' text "
                  "(a.warc.gz -> a.warc.jsonl.gz; non-document WARC records are not "
                  "written), JSONL inputs as they are")
      ->capture_default_str();
}

absl::StatusOr<OutputFormat> ParseOutputFormat(std::string_view format) {
  if (format == "as-input") return OutputFormat::kAsInput;
  if (format == "jsonl") return OutputFormat::kTextJsonl;
  return absl::InvalidArgumentError("--output-format must be as-input or jsonl, not \"" +
                                    std::string(format) + "\"");
}

void AddCompareFlags(CLI::App* cmd, CompareFlags* flags) {
  cmd->add_option("--method", flags->method, internal::MethodNamesText())
      ->capture_default_str();
  cmd->add_option("--threshold", flags->threshold,
                  "Jaccard similarity of duplicates (minhash): greater than "
                  "0 and less than 1")
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
                  "SimHash: largest Hamming distance of duplicates (0 to 8)")
      ->capture_default_str();
  cmd->add_option("--verify", flags->verify,
                  "how candidates are confirmed: signature (estimated "
                  "Jaccard) or exact (Jaccard of the shingle sets)")
      ->capture_default_str();
  cmd->add_option("--containment", flags->containment,
                  "a pair is also a duplicate when |A & B| / min(|A|, |B|) "
                  "of its shingle sets is at least this (an excerpt, a "
                  "shortened or extended version, not an edit: see "
                  "--containment-asymmetry); 0: off. Default: 0.7 with "
                  "--method minhash, off with other methods and with "
                  "--index. Estimated from the signatures and set sizes, "
                  "exact with --verify exact. Two pages of one site (URL "
                  "host) count only with --main-text on (their furniture "
                  "contains a short page). LSH bands are chosen for Jaccard "
                  "C / (3 - C); which of the two is removed is --keep's "
                  "choice (longest: the shorter)");
  cmd->add_option("--containment-asymmetry", flags->containment_asymmetry,
                  "containment counts only for an excerpt or an extension, "
                  "not an edit: of the shingles the two do not share, the "
                  "longer must hold at least this many times as many as "
                  "the shorter (at least 1; 1: any containment counts)")
      ->capture_default_str();
  cmd->add_option("--digits", flags->digits,
                  "digits in shingles: zero (every digit becomes 0: changed "
                  "dates and counts do not hide a duplicate) or keep "
                  "(tables of different numbers are not duplicates)")
      ->capture_default_str();
  cmd->add_option("--main-text", flags->main_text,
                  "on: compare documents without the lines that are "
                  "boilerplate of their site (clean's rule: a line in 3 or "
                  "more documents of the site, the host of the url field), "
                  "counted while the inputs are signed (pages with such "
                  "lines are read and signed again); records "
                  "without a url are compared whole; the records written "
                  "stay as read. off: compare the whole text")
      ->capture_default_str();
  cmd->add_option("--line-counts", flags->line_counts,
                  "with --main-text on: use this line_counts.bin (of a "
                  "neardup clean run) instead of counting the inputs");
  cmd->add_option("--seed", flags->seed, "hash seed")->capture_default_str();
}

absl::Status ApplyCompareFlags(const CompareFlags& flags,
                               DedupOptions* options) {
  auto method = ParseDedupMethod(flags.method);
  if (!method.ok()) {
    return absl::InvalidArgumentError("--method must be " +
                                      internal::MethodNamesText());
  }
  options->method = *method;
  const internal::SimilarityMethod& rule =
      internal::SimilarityMethod::Of(options->method);
  if (flags.verify != "signature" && flags.verify != "exact") {
    return absl::InvalidArgumentError("--verify must be signature or exact");
  }
  DedupOptions threshold = *options;
  threshold.threshold = flags.threshold;
  if (!rule.CheckRule(threshold).ok()) {
    char got[32];
    std::snprintf(got, sizeof(got), "%g", flags.threshold);
    return absl::InvalidArgumentError(
        std::string("--threshold must be greater than 0 and less than 1 "
                    "(got ") + got + ")");
  }
  options->threshold = flags.threshold;
  options->shingles.kind =
      flags.chars ? ShingleKind::kChar : ShingleKind::kWord;
  options->shingles.n = flags.ngram > 0
                            ? flags.ngram
                            : DefaultShingleSize(options->method);
  options->num_perm = flags.num_perm;
  options->bands = flags.bands;
  options->rows = flags.rows;
  options->hamming = flags.hamming;
  options->verify =
      flags.verify == "exact" ? VerifyMode::kExact : VerifyMode::kSignature;
  if (flags.digits != "zero" && flags.digits != "keep") {
    return absl::InvalidArgumentError("--digits must be zero or keep");
  }
  options->shingles.normalize.digits_to_zero = flags.digits == "zero";
  // -1, the flag's unset value, is the default (ResolveDedupOptions).
  if (flags.containment != -1 && flags.containment != 0) {
    if (!(flags.containment > 0 && flags.containment <= 1)) {
      char got[32];
      std::snprintf(got, sizeof(got), "%g", flags.containment);
      return absl::InvalidArgumentError(
          std::string("--containment must be 0 (off) or greater than 0 and "
                      "at most 1 (got ") + got + ")");
    }
    if (!rule.compares_sets()) {
      return absl::InvalidArgumentError(
          "--containment needs --method minhash (it compares shingle sets)");
    }
  }
  options->containment = flags.containment;
  if (!(flags.containment_asymmetry >= 1 &&
        std::isfinite(flags.containment_asymmetry))) {
    char got[32];
    std::snprintf(got, sizeof(got), "%g", flags.containment_asymmetry);
    return absl::InvalidArgumentError(
        std::string("--containment-asymmetry must be at least 1 (got ") + got +
        ")");
  }
  options->containment_asymmetry = flags.containment_asymmetry;
  if (flags.main_text != "on" && flags.main_text != "off") {
    return absl::InvalidArgumentError("--main-text must be on or off");
  }
  options->main_text = flags.main_text == "on";
  if (!flags.line_counts.empty() && !options->main_text) {
    return absl::InvalidArgumentError(
        "--line-counts is read only with --main-text on");
  }
  options->line_counts_file = flags.line_counts;
  options->seed = flags.seed;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ParseByteSize(std::string_view text) {
  uint64_t value = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (value > (UINT64_MAX - 9) / 10) break;
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  int shift = -1;
  if (i > 0 && i == text.size()) {
    shift = 0;
  } else if (i > 0 && i + 1 == text.size()) {
    switch (text[i] | 0x20) {
      case 'k': shift = 10; break;
      case 'm': shift = 20; break;
      case 'g': shift = 30; break;
      case 't': shift = 40; break;
    }
  }
  if (shift < 0 || value > (UINT64_MAX >> shift)) {
    return absl::InvalidArgumentError(
        "\"" + std::string(text) +
        "\" is not a size (bytes, or a number with K, M, G or T: 500M, 2G)");
  }
  return value << shift;
}

std::string InFlagTerms(std::string_view message) {
  // The library names its options; the command names its flags. Only the
  // names that differ are translated, each where it starts a word.
  static constexpr std::pair<std::string_view, std::string_view> kFlags[] = {
      {"set the overwrite option", "use --overwrite"},
      {"the ceiling max_memory_bytes", "--max-memory"},
      {"an index folder (RunDedupWithIndex)", "an index folder (--index)"},
      {"keep policy kField needs keep_field", "--keep field:NAME needs NAME"},
      {"keep policy", "--keep"},
      {"permutations (num_perm)", "permutations (--num-perm)"},
      {"bands and rows", "--bands and --rows"},
      {"<= num_perm", "<= --num-perm"},
      {"repeat_options.near_similarity", "--near-similarity"},
      {"syndication.threshold", "--syndicated-threshold"},
      {"boilerplate_options.min_docs", "--boilerplate-min-docs"},
  };
  std::string out(message);
  for (const auto& [from, to] : kFlags) {
    const size_t at = out.find(from);
    if (at != std::string::npos) out.replace(at, from.size(), to);
  }
  for (std::string_view name : {"threshold", "hamming", "threads"}) {
    if (std::string_view(out).substr(0, name.size()) == name &&
        out.compare(name.size(), 6, " must ") == 0) {
      out.insert(0, "--");
    }
  }
  return out;
}

int Fail(const char* command, const absl::Status& status, int code) {
  std::fprintf(stderr, "neardup %s: %s\n", command,
               InFlagTerms(std::string(status.message())).c_str());
  return code;
}

namespace {

std::atomic<bool> interrupted{false};
volatile std::sig_atomic_t interrupt_signal = 0;

extern "C" void OnInterrupt(int signal) {
  interrupt_signal = signal;
  interrupted.store(true);
}

}  // namespace

const std::atomic<bool>* InterruptFlag() {
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  // Back to the default after the first signal: a second Ctrl-C ends the
  // process even if the job does not stop.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return &interrupted;
}

int FailJob(const char* command, const absl::Status& status,
            const std::string& outdir) {
  const int signal = interrupt_signal;
  if (!absl::IsCancelled(status) || signal == 0) return Fail(command, status);
  std::fprintf(stderr,
               "neardup %s: interrupted (%s): stopped, temporary files "
               "removed, nothing written to %s (what it held before is "
               "unchanged)\n",
               command, signal == SIGINT ? "SIGINT" : "SIGTERM",
               outdir.c_str());
  return 128 + signal;
}

namespace {

// Prints the accounting line that ends every job's output, with the
// number of documents read truncated when there were any.
void PrintAccounting(const RecordCounts& counts, const char* note) {
  std::printf("read %llu = kept %llu + removed %llu + rejected %llu",
              static_cast<unsigned long long>(counts.read),
              static_cast<unsigned long long>(counts.kept),
              static_cast<unsigned long long>(counts.removed),
              static_cast<unsigned long long>(counts.rejected));
  if (counts.truncated > 0) {
    std::printf(" (%llu truncated)",
                static_cast<unsigned long long>(counts.truncated));
  }
  std::printf("%s\n", note);
}

// The exit status of a job that succeeded, after its warnings (FinishJob).
int CheckFieldsFound(const char* command, const FieldCounts& fields,
                     const ReaderOptions& reader, const RecordCounts& counts) {
  auto warn = [&](uint64_t missing, const std::string& field,
                  const char* consequence) {
    if (missing == 0 || missing == fields.objects) return;
    std::fprintf(stderr,
                 "neardup %s: warning: %llu of %llu records have no \"%s\" "
                 "field: %s\n",
                 command, static_cast<unsigned long long>(missing),
                 static_cast<unsigned long long>(fields.objects), field.c_str(),
                 consequence);
  };
  warn(fields.missing_text, reader.text_field,
       "rejected (see rejected.jsonl)");
  if (reader.id_field != ReaderOptions{}.id_field) {
    warn(fields.missing_id, reader.id_field, "their ids are FILE:LINE");
  }
  if (!reader.number_field.empty()) {
    warn(fields.missing_number, reader.number_field,
         "they rank below any value when the kept record is chosen");
  }
  if (counts.read > 0 && counts.rejected == counts.read) {
    std::fprintf(stderr,
                 "neardup %s: every record was rejected (%llu): see "
                 "rejected.jsonl for the reasons\n",
                 command, static_cast<unsigned long long>(counts.read));
    return 1;
  }
  return 0;
}

}  // namespace

int FinishJob(const char* command, const JobStats& stats,
              const ReaderOptions& reader, const char* note) {
  const int status = CheckFieldsFound(command, stats.fields, reader, stats);
  PrintAccounting(stats, note);
  return status;
}

double TotalSeconds(const JobStats& stats) {
  for (const auto& [stage, seconds] : stats.stage_seconds) {
    if (stage == "total") return seconds;
  }
  return 0;
}

void AddInputAndOutputFlags(CLI::App* cmd, const std::string& inputs_help,
                            std::vector<std::string>* inputs,
                            std::string* outdir) {
  cmd->add_option("INPUT", *inputs, inputs_help)->required();
  cmd->add_option("-o,--output", *outdir,
                  "output folder (created; not - : the outputs are several "
                  "files)")
      ->required();
}

void AddOverwriteAndReportFlags(CLI::App* cmd, bool* overwrite,
                                bool* no_report) {
  cmd->add_flag("--overwrite", *overwrite,
                "accept an output folder that is not empty: the files an "
                "earlier run listed in its stats.json are replaced when this "
                "run completes, no other file");
  cmd->add_flag("--no-report", *no_report,
                "do not write report.html (the run's page: counts, charts, "
                "examples; 'neardup report OUTDIR' writes it later)");
}

absl::StatusOr<std::vector<InputFile>> PlanAndReportInputs(
    const char* command, const std::vector<std::string>& args,
    std::vector<std::string>* skipped) {
  constexpr size_t kNamesShown = 5;
  std::vector<SkippedFiles> left_out;
  auto inputs = PlanInputs(args, &left_out);
  if (!inputs.ok()) return inputs.status();
  for (const SkippedFiles& folder : left_out) {
    std::string names;
    for (size_t i = 0; i < folder.paths.size() && i < kNamesShown; ++i) {
      std::string_view name = folder.paths[i];
      // Names below the folder, as the walk built them (FOLDER/NAME).
      if (name.substr(0, folder.folder.size()) == folder.folder) {
        name.remove_prefix(folder.folder.size());
        while (!name.empty() && name.front() == '/') name.remove_prefix(1);
      }
      names += (i ? ", " : "") + std::string(name);
    }
    if (folder.paths.size() > kNamesShown) {
      names += ", ... and " + std::to_string(folder.paths.size() - kNamesShown) +
               " more (listed in stats.json)";
    }
    std::fprintf(stderr,
                 "neardup %s: skipped %zu file%s in %s (not an input format): "
                 "%s\n",
                 command, folder.paths.size(),
                 folder.paths.size() == 1 ? "" : "s", folder.folder.c_str(),
                 names.c_str());
    skipped->insert(skipped->end(), folder.paths.begin(), folder.paths.end());
  }
  return inputs;
}

absl::Status CheckOutputFolderFlag(const std::string& outdir) {
  if (outdir == "-") {
    return absl::InvalidArgumentError(
        "-o expects an output folder (it receives the kept records, "
        "removed.jsonl, rejected.jsonl and stats.json); '-' (standard "
        "output) is not supported: name a folder, e.g. -o out/");
  }
  return absl::OkStatus();
}

}  // namespace neardup::tools
