// Private: what the jobs of the pipeline layer (dedup, clean) share: the
// checks before any work, the output folder, standard input spooled so it
// can be read twice, rejected.jsonl, and the pass that writes every input
// back into the output folder, record by record.

#ifndef NEARDUP_PIPELINE_JOB_H_
#define NEARDUP_PIPELINE_JOB_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "neardup/io.h"
#include "neardup/pipeline.h"

namespace neardup::internal {

using Clock = std::chrono::steady_clock;

// Returns the seconds since `start`.
inline double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Returns the peak resident memory of this process, in bytes (0 if the
// system cannot tell).
uint64_t PeakRssBytes();

// The inputs of a job and its output folder.
class JobFiles {
 public:
  JobFiles() = default;
  JobFiles(const JobFiles&) = delete;
  JobFiles& operator=(const JobFiles&) = delete;
  ~JobFiles();  // removes the standard-input spool

  // Checks that every input can be opened and that the output folder can
  // be used (created, or empty unless `overwrite`), spools standard input
  // into the output folder (naming its output by detected format), and
  // creates the folders the outputs go into. With `overwrite`, removes an
  // earlier stats.json first (the job writes it last: it marks a finished
  // run). Returns an error naming the path before anything else is done.
  absl::Status Prepare(const std::vector<InputFile>& inputs,
                       const std::string& outdir, bool overwrite,
                       const ReaderOptions& reader);

  // Describes one input, shown as `display`, whose output goes into
  // `outdir`, without Prepare's checks: for a stage of a job that runs on
  // another machine after Prepare ran where the job started.
  void AssignOne(const InputFile& input, const std::string& display,
                 const std::string& outdir);

  size_t size() const { return inputs_.size(); }
  // The path to read (the spool for standard input).
  const std::string& path(size_t f) const { return inputs_[f].path; }
  const std::string& output_name(size_t f) const {
    return inputs_[f].output_name;
  }
  // The name shown in outputs: the path as given ("-" for standard input).
  const std::string& display(size_t f) const { return display_[f]; }
  std::string OutPath(std::string_view name) const;
  const std::string& outdir() const { return outdir_; }
  // Sum of the input file sizes (0 where unknown).
  uint64_t total_bytes() const { return total_bytes_; }

 private:
  absl::Status SpoolStdin(InputFile* input, const ReaderOptions& reader);

  std::vector<InputFile> inputs_;
  std::vector<std::string> display_;
  std::string outdir_;
  std::string stdin_spool_;
  uint64_t total_bytes_ = 0;
};

// rejected.jsonl: {file, line, offset, reason} per record that could not be
// read, written under a temporary name until Commit.
class RejectionLog {
 public:
  absl::Status Open(const std::string& path);
  absl::Status Add(std::string_view file, const Rejection& rejection);
  absl::Status Commit();

 private:
  std::unique_ptr<RecordWriter> writer_;
};

// What the rewrite pass does with one document.
enum class RecordAction {
  kDrop,     // not written
  kKeep,     // its raw bytes, unchanged
  kReplace,  // the replacement bytes instead (a whole record: for JSONL
             // the line without "\n", for WARC the whole record)
};

// Decides for document number `doc` (counted across files from 0) of file
// `file`. May fill *replacement for kReplace.
using DecideFn = std::function<absl::StatusOr<RecordAction>(
    size_t file, size_t doc, const Record& record, std::string* replacement)>;

// Work on a batch of documents that depends on each document alone, done
// before `decide` sees them one by one in input order: called with the
// number of the batch's first document and the batch's documents, it may
// spread them over threads (see ParallelFor).
using PrepareBatchFn =
    std::function<void(size_t first_doc, absl::Span<const Record> records)>;

// Reads every input again and writes its output file into the output
// folder, same format and compression: records that are not documents as
// they are, documents as `decide` says; rejected records are skipped (they
// were logged on the first pass, or go to `on_rejection` when it is not
// null). A text file's output exists only when its document is written.
// `documents[f]` is the number of documents a first pass read from file f:
// a different count means the file changed between the passes, which is
// DataLoss; an empty `documents` skips the check (no first pass).
// `progress` (may be null) is called with documents and raw bytes done.
// With `prepare` (may be null), documents are read in batches of about
// `batch_bytes` (copies: the records outlive the reader's buffer), each
// batch goes to `prepare`, then each of its documents to `decide`; the
// output is the same as without.
using RejectionFn =
    std::function<absl::Status(size_t file, const Rejection& rejection)>;
struct RewriteOptions {
  PrepareBatchFn prepare;
  size_t batch_bytes = size_t{8} << 20;
  size_t batch_records = 4096;
};
absl::Status RewriteInputs(
    const JobFiles& files, const ReaderOptions& reader,
    const std::vector<uint64_t>& documents, const DecideFn& decide,
    const std::function<void(uint64_t, uint64_t)>& progress,
    const RejectionFn& on_rejection = nullptr,
    const RewriteOptions& rewrite = {});

// Calls fn(worker, i) for every i in [0, n), split into `threads`
// contiguous ranges run on that many threads (the caller's among them),
// worker being the range's number in [0, threads). fn must be safe to call
// concurrently for different workers.
void ParallelFor(int threads, size_t n,
                 const std::function<void(int worker, size_t i)>& fn);

// The thread count of a job: `threads` when positive, else every core.
int JobThreads(int threads);

// Returns the stats.json members that list the files a folder walk left
// out: "skipped_file_count":N,"skipped_files":[the first 1000 paths].
std::string SkippedFilesJson(const std::vector<std::string>& skipped);

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_JOB_H_
