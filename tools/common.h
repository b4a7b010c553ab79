// What the job commands (dedup, clean) share: the progress line, the input
// flags and how errors are printed.

#ifndef NEARDUP_TOOLS_COMMON_H_
#define NEARDUP_TOOLS_COMMON_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "neardup/io.h"
#include "neardup/pipeline.h"

namespace neardup::tools {

// Returns a ProgressFn that redraws one line on standard error ("[stage]
// records, MB, MB/s, time left"), with rates measured from the start of
// each stage; null when `quiet` or when standard error is not a terminal,
// so that logs stay plain.
ProgressFn TerminalProgress(bool quiet);

// The text of one progress line, `seconds` into its stage: "[stage]
// records (of total), MB, MB/s" and the time left when the total is known
// (by records, else by input bytes) and a second has passed, or "done".
std::string FormatProgress(const ProgressEvent& event, double seconds);

// Erases the progress line, if there is one.
void ClearProgress(const ProgressFn& progress);

// Flags of the readers: --text-field, --id-field, --max-doc-bytes,
// --oversize.
struct ReaderFlags {
  std::string text_field = "text";
  std::string id_field = "id";
  size_t max_doc_bytes = size_t{256} << 20;
  std::string oversize = "reject";
};
void AddReaderFlags(CLI::App* cmd, ReaderFlags* flags);
// Returns InvalidArgument for an --oversize other than reject or truncate.
absl::Status ApplyReaderFlags(const ReaderFlags& flags, ReaderOptions* options);

// --output-format as-input|jsonl (OutputFormat) of the job commands.
void AddOutputFormatFlag(CLI::App* cmd, std::string* format);
// Returns InvalidArgument for a value other than as-input or jsonl.
absl::StatusOr<OutputFormat> ParseOutputFormat(std::string_view format);

// Flags that decide when two documents are duplicates, shared by dedup
// and explain so that explain judges a pair as dedup would: --method,
// --threshold, --ngram, --char, --num-perm, --bands, --rows, --hamming,
// --verify, --seed.
// The defaults are DedupOptions'.
struct CompareFlags {
  std::string method = "minhash";
  double threshold = kDefaultThreshold;
  int ngram = 0;  // 0: the method's default (ApplyCompareFlags)
  bool chars = false;
  int num_perm = kDefaultNumPerm;
  int bands = 0, rows = 0;
  int hamming = kDefaultHamming;
  std::string verify = "signature";
  double containment = -1;  // negative: the default; 0: off
  double containment_asymmetry = kDefaultContainmentAsymmetry;
  std::string digits = "zero";
  std::string main_text = "off";
  std::string line_counts;  // "": count
  uint64_t seed = 0;
};
void AddCompareFlags(CLI::App* cmd, CompareFlags* flags);
// Sets the fields of *options that the flags decide: method, threshold,
// shingles (--ngram 0: word or character 5-grams for minhash and exact,
// 3-grams for simhash), num_perm, bands, rows, hamming, verify,
// containment, containment_asymmetry, digits (shingles.normalize.digits_to_zero), main_text,
// line_counts_file and seed.
// Returns InvalidArgument naming the flag for a value no run accepts.
absl::Status ApplyCompareFlags(const CompareFlags& flags,
                               DedupOptions* options);

// Parses a size in bytes: digits with an optional K, M, G or T suffix
// (powers of 1024; "500M", "2G"). Returns InvalidArgument otherwise.
absl::StatusOr<uint64_t> ParseByteSize(std::string_view text);

// Returns a library error message with the option names that differ from
// the command's flags replaced by the flags ("set the overwrite option" ->
// "use --overwrite").
std::string InFlagTerms(std::string_view message);

// Prints "neardup COMMAND: MESSAGE" (InFlagTerms) on standard error and
// returns `code`.
int Fail(const char* command, const absl::Status& status, int code = 1);

// Installs handlers for SIGINT and SIGTERM and returns the flag they set,
// for DedupOptions::cancel and CleanOptions::cancel: the first signal asks
// the job to stop (it removes its temporaries and renames nothing into
// place); a second one ends the process at once (default action).
const std::atomic<bool>* InterruptFlag();

// The end of a job that failed: for an interrupted one (Cancelled after a
// signal), prints that nothing was written to `outdir` and returns 128 +
// the signal's number (130 for SIGINT, 143 for SIGTERM); else as Fail.
int FailJob(const char* command, const absl::Status& status,
            const std::string& outdir);

// The end of a job that succeeded: prints a warning on standard error for
// each named field that some JSONL records lack (text: those records were
// rejected; id: their ids are FILE:LINE; the keep field: they rank below
// any value), then the accounting line that ends every job's output (with
// the number of documents read truncated when there were any, then
// `note`), and returns the command's exit status: 1 with a message when
// records were read and every one was rejected, else 0.
int FinishJob(const char* command, const JobStats& stats,
              const ReaderOptions& reader, const char* note = "");

// Returns the seconds the whole job took (the "total" of
// stats.stage_seconds; 0 when missing).
double TotalSeconds(const JobStats& stats);

// Adds the arguments that every job takes first: INPUT (help
// `inputs_help`) and -o,--output.
void AddInputAndOutputFlags(CLI::App* cmd, const std::string& inputs_help,
                            std::vector<std::string>* inputs,
                            std::string* outdir);

// Adds --overwrite and --no-report, which every job takes.
void AddOverwriteAndReportFlags(CLI::App* cmd, bool* overwrite,
                                bool* no_report);

// Expands the inputs as PlanInputs does, appends the files the folder walks
// left out to *skipped, and prints one line on standard error per folder
// that left some out: "neardup COMMAND: skipped N files in FOLDER (not an
// input format): a.wat.gz, b.bin, ..." (the first five names).
absl::StatusOr<std::vector<InputFile>> PlanAndReportInputs(
    const char* command, const std::vector<std::string>& args,
    std::vector<std::string>* skipped);

// Returns InvalidArgument when `outdir` cannot name the output folder of a
// job: "-" (the job writes several files; it does not stream to standard
// output).
absl::Status CheckOutputFolderFlag(const std::string& outdir);

}  // namespace neardup::tools

#endif  // NEARDUP_TOOLS_COMMON_H_
