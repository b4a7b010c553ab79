// Private: what the jobs of the pipeline layer (dedup, clean) share: the
// checks before any work, the output folder, standard input spooled so it
// can be read twice, rejected.jsonl, and the pass that writes every input
// back into the output folder, record by record.

#ifndef NEARDUP_PIPELINE_JOB_H_
#define NEARDUP_PIPELINE_JOB_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "neardup/clean.h"
#include "neardup/internal/parallel.h"
#include "neardup/io.h"
#include "neardup/pipeline.h"
#include "pipeline/json_writer.h"
#include "pipeline/line_store.h"

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
  // be used (created, or holding no file unless `overwrite`), spools
  // standard input into the output folder (naming its output by detected
  // format), and creates the folders the outputs go into. With
  // `overwrite`, reads the list of outputs an earlier run wrote (the
  // "outputs" of its stats.json) for RemoveEarlierRun, and removes stale
  // temporaries of neardup processes that no longer run. Returns an error
  // naming the path before anything else is done.
  // With `text_jsonl` (OutputFormat::kTextJsonl), inputs that are not
  // JSONL get a JSONL output (JsonlOutputName) of their documents' text.
  absl::Status Open(const std::vector<InputFile>& inputs,
                       const std::string& outdir, bool overwrite,
                       const ReaderOptions& reader, bool text_jsonl = false);

  // True when file f's documents are written as JSONL text records
  // (TextRecordJson) instead of in their own format.
  bool converts(size_t f) const {
    return f < converts_.size() && converts_[f];
  }

  // With `overwrite`: removes the earlier run's stats.json first (the job
  // writes it last: it marks a finished run), then exactly the files that
  // run listed as its outputs, never another file. A no-op otherwise, and
  // the second time.
  absl::Status RemoveEarlierRun();

  // Finishes `writer` (RecordWriter::Finish) and keeps it, to be renamed
  // into place by CommitOutputs. Until then its temporary file is removed
  // when this object goes away: a job that fails or is interrupted leaves
  // no output under a final name.
  absl::Status Stage(std::unique_ptr<RecordWriter> writer);

  // RemoveEarlierRun, then renames every staged output into place in the
  // order staged.
  absl::Status CommitOutputs();

  // The field counts of the JSONL inputs, summed by the pass that reads
  // them first (RewriteInputs, when it is given no first-pass counts).
  FieldCounts& fields() { return fields_; }

  // The outputs committed so far, relative to the output folder, sorted:
  // the "outputs" of stats.json.
  std::vector<std::string> outputs() const;

  // Describes one input, shown as `display`, whose output goes into
  // `outdir`, without Open's checks: for a stage of a job that runs on
  // another machine after Open ran where the job started.
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
  // Sum of the input file sizes; 0 when one is unknown or compressed.
  uint64_t total_bytes() const { return total_bytes_; }

 private:
  absl::Status SpoolStdin(InputFile* input, const ReaderOptions& reader);

  std::vector<InputFile> inputs_;
  std::vector<std::string> display_;
  std::string outdir_;
  bool remove_earlier_ = false;
  std::vector<bool> converts_;
  std::vector<std::string> earlier_outputs_;
  std::vector<std::unique_ptr<RecordWriter>> staged_;
  std::vector<std::string> committed_;
  FieldCounts fields_;
  std::string stdin_spool_;
  uint64_t total_bytes_ = 0;
};

// rejected.jsonl: {file, line, offset, reason} per record that could not be
// read (RejectionJson), written under a temporary name until Commit, or
// kept in memory for a stage of the distributed job, whose driver writes
// the lines of every stage into the one file.
class RejectionLog {
 public:
  absl::Status Open(const std::string& path);
  // Keeps the lines in memory (lines()) instead of writing a file.
  void OpenInMemory() { in_memory_ = true; }
  absl::Status Add(std::string_view file, const Rejection& rejection);
  // Hands the finished log to files->Stage.
  absl::Status Stage(JobFiles* files);
  // OpenInMemory: the lines added so far, each ending in "\n".
  std::string& lines() { return lines_; }

 private:
  std::unique_ptr<RecordWriter> writer_;
  bool in_memory_ = false;
  std::string lines_;
};

// What the rewrite pass does with one document.
enum class RecordAction {
  kDrop,     // not written
  kKeep,     // its raw bytes, unchanged
  kReplace,  // the replacement bytes instead (a whole record: for JSONL
             // the line without "\n", for WARC the whole record)
};

// Decides for document number `doc` (counted across files from 0) of file
// `file`. May fill *replacement for kReplace: the whole new record, or,
// for a file written as JSONL text (JobFiles::converts), the document's
// new text.
using DecideFn = std::function<absl::StatusOr<RecordAction>(
    size_t file, size_t doc, const Record& record, std::string* replacement)>;

// Work on a batch of documents that depends on each document alone, done
// before `decide` sees them one by one in input order: called with the
// number of the batch's first document and the batch's documents, it may
// spread them over threads (see ParallelFor).
using PrepareBatchFn =
    std::function<void(size_t first_doc, absl::Span<const Record> records)>;

// Reads every input again and writes its output file into the output
// folder (staged: see JobFiles::Stage), same format and compression: records that are not documents as
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
// output is the same as without. `prepare` runs on another thread, while
// `decide` sees the documents of the batch before (so the two must not
// share state per batch: a batch holds at most `batch_records` documents,
// and documents of two consecutive batches are less than
// 2 * batch_records apart); two calls of `prepare` never overlap.
using RejectionFn =
    std::function<absl::Status(size_t file, const Rejection& rejection)>;

// The jobs hand a batch of documents to their threads once it holds this
// many bytes of text or this many documents.
inline constexpr size_t kBatchBytes = size_t{8} << 20;
inline constexpr size_t kBatchDocs = 4096;

// The jobs' batch buffers (texts copied one after another) are sized for a
// whole batch plus this much from the start: grown by doubling they would
// take new pages at each step (each a page fault, in a virtual machine one
// that can cost ten microseconds and more) and copy what they held. Only
// the pages the texts fill are ever touched.
inline constexpr size_t kBatchSlackBytes = size_t{1} << 20;

struct RewriteOptions {
  PrepareBatchFn prepare;
  size_t batch_bytes = kBatchBytes;
  size_t batch_records = kBatchDocs;
  // JSONL inputs, when a first pass found the documents (`documents` given)
  // and there is no `on_rejection`: the 1-based line in its file of
  // document `doc` (counted across files from 0), as the first pass read
  // it. The pass then goes from document to document by line number
  // (RecordReader::ReadLineAt): the lines between them (blank or rejected)
  // are skipped unparsed, and so are the documents for which `parse` (null:
  // none) is false: `prepare` and `decide` get them with only raw, line,
  // offset and format (the written bytes are the same). Null: every line is
  // parsed.
  std::function<uint64_t(size_t doc)> line_of;
  std::function<bool(size_t doc)> parse;
};
absl::Status RewriteInputs(
    JobFiles& files, const ReaderOptions& reader,
    const std::vector<uint64_t>& documents, const DecideFn& decide,
    const std::function<void(uint64_t, uint64_t)>& progress,
    const RejectionFn& on_rejection = nullptr,
    const RewriteOptions& rewrite = {});

// Logs a record the first pass could not read, as a record of the file
// shown as `display`, and counts it as read and rejected, in *stats and in
// its file's counts (stats->files[file]).
absl::Status CountRejection(std::string_view display, size_t file,
                            const Rejection& rejection, JobStats* stats,
                            RejectionLog* rejected);
inline absl::Status CountRejection(const JobFiles& files, size_t file,
                                   const Rejection& rejection, JobStats* stats,
                                   RejectionLog* rejected) {
  return CountRejection(files.display(file), file, rejection, stats, rejected);
}

// Counts a document as read (and truncated, and its text bytes) in *stats
// and in its file's counts.
void CountDocument(size_t file, const Record& record, JobStats* stats);

// Called with each document of a first pass (ReadFirstPass), in input
// order, with the number of its file.
using DocumentFn = std::function<absl::Status(size_t file, const Record& record)>;

// The first pass of a job: reads every input in order (records that are
// not documents are counted, not kept) and hands each document to
// `on_document`. Checks `cancel` before each document. With `stats`, keeps
// the accounting of what it reads: each file's format and compression,
// read, rejected (logged in `rejected`: CountRejection), truncated,
// passed_through, text_bytes and the field counts, then CheckFields; with
// a null `stats` (a pass before the one that accounts), skips rejected
// records and counts nothing.
absl::Status ReadFirstPass(const JobFiles& files, const ReaderOptions& reader,
                           const std::atomic<bool>* cancel, JobStats* stats,
                           RejectionLog* rejected,
                           const DocumentFn& on_document);

// One input of a first pass: input `file` of a job (its counts are
// JobStats::files[file]), read at `path`, named `display` in
// rejected.jsonl. Of a JSONL file, a stage of the distributed job reads a
// part (DedupPartition): the records that begin at a decompressed byte
// offset in [begin, end).
struct FirstPassInput {
  static constexpr uint64_t kWholeFile = ~uint64_t{0};
  size_t file = 0;
  std::string_view path;
  std::string_view display;
  uint64_t begin = 0;
  uint64_t end = kWholeFile;  // kWholeFile: to the end of the file
};

// Reads one input as ReadFirstPass reads each (ReadFirstPass is this for
// every input in order, then CheckFields), handing each document to
// `on_document` with input.file. With `stats`, accounts as ReadFirstPass
// does in *stats and stats->files[input.file] (which must exist); what
// only a whole file tells (passed_through, field counts) is counted only
// when the whole file is read. With a null `stats`, skips rejected records
// and counts nothing.
absl::Status ReadFirstPassInput(const FirstPassInput& input,
                                const ReaderOptions& reader,
                                const std::atomic<bool>* cancel,
                                JobStats* stats, RejectionLog* rejected,
                                const DocumentFn& on_document);

// A later pass over some documents of a job: hands document `doc`
// (counted across files from 0, as the first pass numbered them) to
// `on_document` when chosen(doc), in input order; `documents` holds each
// file's count of them. JSONL inputs are read by line (line_of(doc), as
// the first pass read it; RecordReader::ReadLineAt): the lines of the
// documents not chosen are skipped unparsed, which costs about what
// finding their line ends does. Other formats are read and parsed whole.
// A file that holds fewer or more documents than the first pass found, or
// a chosen line that no longer holds a document, is DataLoss: the file
// changed. Checks `cancel` before each chosen document.
absl::Status ReadChosenDocuments(
    const JobFiles& files, const ReaderOptions& reader,
    const std::vector<uint64_t>& documents,
    const std::function<uint64_t(size_t doc)>& line_of,
    const std::function<bool(size_t doc)>& chosen,
    const std::atomic<bool>* cancel,
    const std::function<absl::Status(size_t doc, const Record& record)>&
        on_document);

// Checks that every field the reader options name occurs in some record
// of the JSONL inputs (`fields`, summed over them; nothing to check when
// no line was an object): the text field, the number field (a keep
// policy's), and the id field unless it is the default "id", whose absence
// means ids FILE:LINE. Returns FailedPrecondition naming the field and
// listing the fields the first records have.
absl::Status CheckFields(const FieldCounts& fields, const ReaderOptions& options);

// InvalidArgument when two inputs would have the same output name, or one
// the name of an output of neardup's own (removed.jsonl, stats.json, ...).
absl::Status CheckOutputNames(const std::vector<InputFile>& files);

// The output name of a WARC/WET or text input written as JSONL: the name
// without its compression extension, then ".jsonl" and the compression's
// (crawl.warc.wet.gz -> crawl.warc.wet.jsonl.gz).
std::string JsonlOutputName(std::string_view name, Compression compression);

// The JSONL line (without "\n") of a document written as text:
// {"id", "url", "date", "text"}, url and date null when unknown.
std::string TextRecordJson(const Record& record, std::string_view text);

// Ends a job whose outputs are all staged but rejected.jsonl: stages
// `rejected`, commits the outputs (stats->outputs lists them), writes
// report.html with `write_report` (may be null: no report) and then
// stats.json, which marks a finished run and so comes last. Both are
// written from `stats_json()`, called after stats->stage_seconds and
// stats->peak_rss_bytes are brought up to date ("report", then "total",
// timed from `start`).
using WriteReportFn = std::function<absl::Status(std::string_view stats_json)>;
absl::Status CommitJob(JobFiles& files, RejectionLog& rejected,
                       Clock::time_point start, JobStats* stats,
                       const std::function<std::string()>& stats_json,
                       const WriteReportFn& write_report);

// Reads a line-count file (line_counts.bin, LineCounter::Serialize).
// Returns InvalidArgument for a folder, NotFound when it cannot be
// opened, DataLoss (naming the path) when it cannot be read or parsed.
absl::StatusOr<LineCounter> ReadLineCounts(const std::string& path);

// The first pass of line counting, batched: documents are added in input
// order; each full batch is prepared on `threads` threads and added to the
// counter in order, so the counts do not depend on the thread count. A full
// batch is prepared on other threads while the caller reads the next one,
// and added to the counter on another thread while the next one is
// prepared (three batches of about 8 MiB of text, their buffers reused):
// the counter's serial work leaves no worker waiting.
//
// With a `store`, what each document's preparation keeps of its lines
// (CountedLines) is appended to it in input order, for a second pass that
// then normalizes no line again. `prepare` (default: LineCounter::Prepare
// with the lines kept) prepares one document on worker `worker` (0 to
// threads - 1; two calls at once never share a worker), filling *kept.
class LineCountBatch {
 public:
  using PrepareFn = std::function<LineCounter::Prepared(
      int worker, std::string_view text, std::string_view site,
      CountedLines* kept)>;
  LineCountBatch(LineCounter* counter, int threads, LineStore* store = nullptr,
                 PrepareFn prepare = nullptr)
      : counter_(counter),
        store_(store),
        prepare_(std::move(prepare)),
        pool_(threads) {
    for (Part& part : parts_) part.texts.reserve(kBatchBytes + kBatchSlackBytes);
  }
  LineCountBatch(const LineCountBatch&) = delete;
  LineCountBatch& operator=(const LineCountBatch&) = delete;
  // Adds a document; starts counting the batch once it holds kBatchBytes.
  void Add(std::string_view text, std::string_view site);
  // Prepares and counts what is left and waits until every document is
  // counted. Call before LineCounter::Finish.
  void Flush();
  // After Flush: OK, or the store's first error (a spill file that could
  // not be written: LineStore::SpillPast).
  const absl::Status& status() const { return status_; }

 private:
  struct Part {
    // The texts and sites one after another (buffers reused from batch to
    // batch) and where each ends.
    std::string texts, sites;
    std::vector<size_t> text_ends, site_ends;
    std::vector<LineCounter::Prepared> prepared;
    std::vector<CountedLines> kept;  // with a store
  };
  // Finishes preparing the part before (the caller joins the pool's
  // threads), hands it to the adding task, starts preparing
  // parts_[current_] on the pool's other threads, and switches to the next
  // part.
  void Launch();
  // Finishes the part being prepared, if any, and hands it to adding_
  // (which first waits for the part before it to be added).
  void FinishPreparing();

  LineCounter* counter_;
  LineStore* store_;
  PrepareFn prepare_;
  absl::Status status_;  // written by the adding task
  Part parts_[3];
  int current_ = 0;
  size_t bytes_ = 0;
  Part* preparing_ = nullptr;  // on the pool, not yet handed to adding_
  // Prepares a part: the caller's thread (in FinishPreparing) is worker 0.
  WorkerPool pool_;
  // Adds prepared parts to the counter, in input order. Declared after
  // the pool: destroyed first (a part in preparation is finished by the
  // pool's destructor, and not added).
  BackgroundTask adding_;
};

// Cancelled ("interrupted") when `cancel` is set, else OK.
inline absl::Status CheckCancel(const std::atomic<bool>* cancel) {
  if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
    return absl::CancelledError("interrupted");
  }
  return absl::OkStatus();
}

// The progress events of a job (ProgressFn, may be null), for the thread
// that runs it: at most one every 250 ms, and every forced one (a stage's
// last).
class ProgressReporter {
 public:
  explicit ProgressReporter(ProgressFn fn) : fn_(std::move(fn)) {}
  void Report(const ProgressEvent& event, bool force) {
    if (!fn_) return;
    const auto now = Clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    fn_(event);
  }

 private:
  ProgressFn fn_;
  Clock::time_point last_ = Clock::now();
};

// Writes the accounting members that open stats.json: read, kept,
// removed, rejected, passed_through, truncated.
void AddRecordCounts(const RecordCounts& counts, JsonWriter* j);

// Writes one element of stats.json's "files": {path, output, [format,
// compression,] read, kept, removed, rejected, truncated, passed_through}
// (format and compression with `with_format`: the dedup job's).
void AddFileCounts(const FileCounts& f, bool with_format, JsonWriter* j);

// Writes stats.json's "seconds": each stage's, with `digits` decimals.
void AddStageSeconds(const JobStats& stats, int digits, JsonWriter* j);

// Writes the members that close every stats.json: "files"
// (AddFileCounts), "outputs", then the files a folder walk left out:
// "skipped_file_count":N, "skipped_files":[the first 1000 paths].
void AddJobFiles(const JobStats& stats, bool with_format,
                 const std::vector<std::string>& skipped, JsonWriter* j);

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_JOB_H_
