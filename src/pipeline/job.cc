// The parts of a pipeline job that dedup and clean share.

#include "pipeline/job.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "neardup/internal/dedup_stages.h"
#include "simdjson.h"

namespace neardup {
namespace fs = std::filesystem;

namespace internal {

uint64_t PeakRssBytes() {
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
}

namespace {

// True when the folder holds anything but (empty) folders.
bool HoldsFiles(const std::string& folder) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_directory(ec)) return true;
  }
  return static_cast<bool>(ec);
}

// The "outputs" list of an earlier run's stats.json: names relative to the
// output folder. None when there is no stats.json (an unfinished run, or a
// folder of something else) or it has no list (an older neardup); an
// error when a listed name would leave the folder.
absl::StatusOr<std::vector<std::string>> EarlierOutputs(
    const std::string& stats_path) {
  std::vector<std::string> names;
  std::FILE* in = std::fopen(stats_path.c_str(), "rb");
  if (in == nullptr) return names;
  std::string text;
  char buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), in)) > 0) text.append(buffer, n);
  std::fclose(in);
  simdjson::dom::parser parser;
  simdjson::dom::element stats;
  if (parser.parse(text).get(stats) != simdjson::SUCCESS) return names;
  simdjson::dom::array list;
  if (stats["outputs"].get_array().get(list) != simdjson::SUCCESS) return names;
  for (simdjson::dom::element e : list) {
    std::string_view name;
    if (e.get_string().get(name) != simdjson::SUCCESS) continue;
    const fs::path path = fs::path(name).lexically_normal();
    if (name.empty() || path.is_absolute() || *path.begin() == "..") {
      return absl::FailedPreconditionError(
          stats_path + " lists an output outside its folder (\"" +
          std::string(name) + "\"): not removing anything");
    }
    names.push_back(path.string());
  }
  return names;
}

// Removes "NAME.tmp-PID" files under `folder` left by neardup processes
// that are gone (killed runs); a running process's are left alone.
void RemoveStaleTemporaries(const std::string& folder) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (auto it = fs::recursive_directory_iterator(folder, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string name = it->path().filename().string();
    const size_t at = name.rfind(".tmp-");
    if (at == std::string::npos || at + 5 == name.size()) continue;
    const std::string pid = name.substr(at + 5);
    if (pid.find_first_not_of("0123456789") != std::string::npos || pid.size() > 9) continue;
    const pid_t p = static_cast<pid_t>(std::stol(pid));
    if (p == getpid() || kill(p, 0) == 0 || errno != ESRCH) continue;
    stale.push_back(it->path());
  }
  for (const fs::path& path : stale) fs::remove(path, ec);
}

}  // namespace

JobFiles::~JobFiles() {
  if (!stdin_spool_.empty()) std::remove(stdin_spool_.c_str());
}

std::string JobFiles::OutPath(std::string_view name) const {
  return (fs::path(outdir_) / std::string(name)).string();
}

absl::Status JobFiles::Open(const std::vector<InputFile>& inputs,
                               const std::string& outdir, bool overwrite,
                               const ReaderOptions& reader, bool text_jsonl) {
  inputs_ = inputs;
  outdir_ = outdir;
  // Every input must be readable before any work starts.
  bool sizes_known = true;
  for (const InputFile& input : inputs_) {
    display_.push_back(input.path);
    if (input.path == "-") {
      sizes_known = false;
      continue;
    }
    auto opened = RecordReader::Open(input.path, reader);
    if (!opened.ok()) return opened.status();
    // A compressed size says nothing of the bytes a reader reports.
    if ((*opened)->compression() != Compression::kNone) sizes_known = false;
    if (text_jsonl && (*opened)->format() != InputFormat::kJsonl) {
      converts_.resize(inputs_.size());
      converts_[display_.size() - 1] = true;
    }
    std::error_code ec;
    const auto size = fs::file_size(input.path, ec);
    if (!ec) total_bytes_ += size;
  }
  if (!sizes_known) total_bytes_ = 0;
  // The output folder: create it, or accept one without files (an
  // interrupted run leaves at most the empty folders it made).
  std::error_code ec;
  if (fs::exists(outdir_, ec)) {
    if (!fs::is_directory(outdir_, ec)) {
      return absl::FailedPreconditionError(outdir_ +
                                           " exists and is not a folder");
    }
    if (!overwrite && HoldsFiles(outdir_)) {
      return absl::FailedPreconditionError(
          outdir_ + " exists and is not empty (set the overwrite option to "
                    "replace the outputs in it)");
    }
  } else if (!fs::create_directories(outdir_, ec)) {
    return absl::PermissionDeniedError("cannot create output folder " +
                                       outdir_ + ": " + ec.message());
  }
  if (overwrite) {
    remove_earlier_ = true;
    if (auto listed = EarlierOutputs(OutPath("stats.json")); listed.ok()) {
      earlier_outputs_ = *std::move(listed);
    } else {
      return listed.status();
    }
    RemoveStaleTemporaries(outdir_);
  }
  for (size_t f = 0; f < inputs_.size(); ++f) {
    InputFile& input = inputs_[f];
    if (input.path == "-") {
      if (auto s = SpoolStdin(&input, reader); !s.ok()) return s;
      if (text_jsonl && input.output_name.rfind("stdin.jsonl", 0) != 0) {
        converts_.resize(inputs_.size());
        converts_[f] = true;
      }
    }
  }
  if (text_jsonl) {
    converts_.resize(inputs_.size());
    for (size_t f = 0; f < inputs_.size(); ++f) {
      if (!converts_[f]) continue;
      auto opened = RecordReader::Open(inputs_[f].path, reader);
      if (!opened.ok()) return opened.status();
      inputs_[f].output_name =
          JsonlOutputName(inputs_[f].output_name, (*opened)->compression());
    }
    if (auto s = CheckOutputNames(inputs_); !s.ok()) return s;
  }
  for (const InputFile& input : inputs_) {
    const fs::path parent = fs::path(OutPath(input.output_name)).parent_path();
    fs::create_directories(parent, ec);
    if (ec) {
      return absl::PermissionDeniedError("cannot create " + parent.string() +
                                         ": " + ec.message());
    }
  }
  return absl::OkStatus();
}

absl::Status JobFiles::RemoveEarlierRun() {
  if (!remove_earlier_) return absl::OkStatus();
  remove_earlier_ = false;
  // stats.json is written last, so it marks a finished run: the earlier
  // run's copy goes first, or a run killed while replacing the outputs
  // would leave a folder that looks finished with a mix of both runs.
  std::error_code ec;
  for (const std::string& name : std::vector<std::string>{"stats.json"}) {
    fs::remove(OutPath(name), ec);
    if (ec) {
      return absl::PermissionDeniedError("cannot remove the earlier " +
                                         OutPath(name) + ": " + ec.message());
    }
  }
  for (const std::string& name : earlier_outputs_) {
    const fs::path path = OutPath(name);
    if (!fs::is_regular_file(fs::symlink_status(path, ec))) continue;
    fs::remove(path, ec);
    if (ec) {
      return absl::PermissionDeniedError("cannot remove the earlier output " +
                                         path.string() + ": " + ec.message());
    }
  }
  return absl::OkStatus();
}

absl::Status JobFiles::Stage(std::unique_ptr<RecordWriter> writer) {
  if (auto s = writer->Finish(); !s.ok()) return s;
  staged_.push_back(std::move(writer));
  return absl::OkStatus();
}

absl::Status JobFiles::CommitOutputs() {
  if (auto s = RemoveEarlierRun(); !s.ok()) return s;
  for (auto& writer : staged_) {
    if (auto s = writer->Commit(); !s.ok()) return s;
    committed_.push_back(
        fs::path(writer->path()).lexically_relative(outdir_).string());
  }
  staged_.clear();
  return absl::OkStatus();
}

std::vector<std::string> JobFiles::outputs() const {
  std::vector<std::string> names = committed_;
  std::sort(names.begin(), names.end());
  return names;
}

void JobFiles::AssignOne(const InputFile& input, const std::string& display,
                         const std::string& outdir) {
  inputs_ = {input};
  display_ = {display};
  outdir_ = outdir;
}

absl::Status JobFiles::SpoolStdin(InputFile* input,
                                  const ReaderOptions& reader) {
  if (!stdin_spool_.empty()) {
    return absl::InvalidArgumentError("standard input (-) given twice");
  }
  stdin_spool_ = OutPath(".neardup-stdin.tmp-" + std::to_string(getpid()));
  std::FILE* out = std::fopen(stdin_spool_.c_str(), "wb");
  if (out == nullptr) {
    return absl::PermissionDeniedError("cannot create " + stdin_spool_ + ": " +
                                       std::strerror(errno));
  }
  std::vector<char> buffer(1 << 20);
  size_t n;
  bool ok = true;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), stdin)) > 0) {
    ok = ok && std::fwrite(buffer.data(), 1, n, out) == n;
  }
  ok = ok && !std::ferror(stdin);
  ok = (std::fclose(out) == 0) && ok;
  if (!ok) {
    return absl::DataLossError("cannot copy standard input to " +
                               stdin_spool_ + ": " + std::strerror(errno));
  }
  input->path = stdin_spool_;
  auto opened = RecordReader::Open(stdin_spool_, reader);
  if (!opened.ok()) return opened.status();
  std::string name = "stdin.";
  switch ((*opened)->format()) {
    case InputFormat::kJsonl:
      name += "jsonl";
      break;
    case InputFormat::kWarc:
      name += "warc";
      break;
    case InputFormat::kText:
      name += "txt";
      break;
  }
  switch ((*opened)->compression()) {
    case Compression::kGzip:
      name += ".gz";
      break;
    case Compression::kZstd:
      name += ".zst";
      break;
    case Compression::kNone:
      break;
  }
  input->output_name = name;
  return absl::OkStatus();
}

absl::Status RejectionLog::Open(const std::string& path) {
  auto writer = RecordWriter::Create(path, InputFormat::kJsonl,
                                     Compression::kNone);
  if (!writer.ok()) return writer.status();
  writer_ = *std::move(writer);
  return absl::OkStatus();
}

absl::Status RejectionLog::Add(std::string_view file, const Rejection& r) {
  if (in_memory_) {
    lines_ += internal::RejectionJson(file, r);
    lines_ += '\n';
    return absl::OkStatus();
  }
  return writer_->WriteLine(internal::RejectionJson(file, r));
}

absl::Status RejectionLog::Stage(JobFiles* files) {
  return files->Stage(std::move(writer_));
}

namespace {

// The write side of the rewrite pass: takes, in input order, the start of
// each file, its records that are not documents, its documents with what
// `decide` says of them, and its end.
class OutputSink {
 public:
  OutputSink(JobFiles& files, const DecideFn& decide,
             const std::function<void(uint64_t, uint64_t)>& progress)
      : files_(files), decide_(decide), progress_(progress) {}

  absl::Status StartFile(size_t f, InputFormat format, Compression compression) {
    file_ = f;
    converting_ = files_.converts(f);
    format_ = converting_ ? InputFormat::kJsonl : format;
    compression_ = compression;
    writer_.reset();
    // Every JSONL and WARC input gets an output, even if nothing is kept; a
    // text file's output exists only when its document is written.
    return format_ != InputFormat::kText ? OpenWriter() : absl::OkStatus();
  }

  // Records that are not documents have no text to write as JSONL.
  absl::Status PassThrough(std::string_view bytes) {
    return converting_ ? absl::OkStatus() : writer_->Write(bytes);
  }

  absl::Status Document(const Record& record) {
    bytes_done_ += record.raw.size();
    replacement_.clear();
    auto action = decide_(file_, doc_, record, &replacement_);
    if (!action.ok()) return action.status();
    if (*action != RecordAction::kDrop && converting_) {
      if (*action == RecordAction::kKeep) {
        replacement_.assign(record.text);
        replacement_.append(record.text_rest);
      }
      if (auto s = writer_->WriteLine(TextRecordJson(record, replacement_));
          !s.ok()) {
        return s;
      }
    } else if (*action != RecordAction::kDrop) {
      if (auto s = OpenWriter(); !s.ok()) return s;
      const std::string_view bytes =
          *action == RecordAction::kReplace ? replacement_ : record.raw;
      const absl::Status s = format_ == InputFormat::kJsonl
                                 ? writer_->WriteLine(bytes)
                                 : writer_->Write(bytes);
      if (!s.ok()) return s;
    }
    ++doc_;
    if (progress_) progress_(doc_, bytes_done_);
    return absl::OkStatus();
  }

  absl::Status EndFile() {
    if (!writer_) return absl::OkStatus();
    return files_.Stage(std::move(writer_));
  }

 private:
  absl::Status OpenWriter() {
    if (writer_) return absl::OkStatus();
    // Written on a thread of its own: the thread that reads and decides
    // does not wait for the compression or the kernel's copy.
    WriterOptions options;
    options.background = true;
    auto w = RecordWriter::Create(files_.OutPath(files_.output_name(file_)),
                                  format_, compression_, options);
    if (!w.ok()) return w.status();
    writer_ = *std::move(w);
    return absl::OkStatus();
  }

  JobFiles& files_;
  const DecideFn& decide_;
  const std::function<void(uint64_t, uint64_t)>& progress_;
  size_t file_ = 0;
  InputFormat format_ = InputFormat::kJsonl;  // of the output
  bool converting_ = false;  // documents written as JSONL text records
  Compression compression_ = Compression::kNone;
  std::unique_ptr<RecordWriter> writer_;
  std::string replacement_;
  size_t doc_ = 0;
  uint64_t bytes_done_ = 0;
};

// The records of a batch with their bytes copied one after another into
// one buffer (reused from batch to batch), for a batch that outlives the
// reader's buffer: memory stays about the batch's bytes whatever the sizes
// of the documents.
class OwnedRecords {
 public:
  size_t size() const { return offsets_.size(); }
  void Reserve(size_t bytes) { bytes_.reserve(bytes); }
  // Copies r's bytes; its views are valid after Seal.
  void Add(const Record& r) {
    records_.push_back(r);
    Offsets& o = offsets_.emplace_back();
    const std::string_view* fields[kFields] = {&r.id,  &r.text, &r.text_rest,
                                               &r.url, &r.date, &r.raw};
    for (int k = 0; k < kFields; ++k) {
      o[k] = bytes_.size();
      bytes_.append(*fields[k]);
    }
  }
  // Points every record's views into the buffer (no Add until Clear).
  void Seal() {
    for (size_t i = 0; i < records_.size(); ++i) {
      Record& r = records_[i];
      std::string_view* fields[kFields] = {&r.id,  &r.text, &r.text_rest,
                                           &r.url, &r.date, &r.raw};
      for (int k = 0; k < kFields; ++k) {
        *fields[k] = std::string_view(bytes_).substr(offsets_[i][k], fields[k]->size());
      }
    }
  }
  const Record& operator[](size_t i) const { return records_[i]; }
  absl::Span<const Record> records() const { return records_; }
  void Clear() {
    // A buffer that grew for a very long document is not kept.
    if (bytes_.capacity() > (size_t{64} << 20)) std::string().swap(bytes_);
    bytes_.clear();
    records_.clear();
    offsets_.clear();
  }

 private:
  static constexpr int kFields = 6;
  using Offsets = std::array<size_t, kFields>;
  std::string bytes_;
  std::vector<Record> records_;
  std::vector<Offsets> offsets_;
};

// The batched rewrite pass: what was read, in order, until the batch is
// full; then `prepare` sees the batch's documents (on another thread, while
// the batch before goes to the sink and the next one is read) and the sink
// everything, in order.
class RewriteBatch {
 public:
  RewriteBatch(OutputSink* sink, const RewriteOptions& options)
      : sink_(sink), options_(options) {
    for (Buffer& b : buffers_) b.owned.Reserve(options.batch_bytes + kBatchSlackBytes);
  }
  absl::Status StartFile(size_t f, InputFormat format, Compression compression) {
    Buffer& b = buffers_[current_];
    b.events.push_back({Event::kStart, f, format, compression, 0});
    return absl::OkStatus();
  }
  absl::Status PassThrough(std::string bytes) {
    Buffer& b = buffers_[current_];
    b.bytes += bytes.size();
    b.events.push_back({Event::kPassThrough, 0, {}, {}, b.pass_through.size()});
    b.pass_through.push_back(std::move(bytes));
    return b.bytes >= options_.batch_bytes ? Flush() : absl::OkStatus();
  }
  absl::Status Document(const Record& record) {
    Buffer& b = buffers_[current_];
    b.events.push_back({Event::kDocument, 0, {}, {}, b.owned.size()});
    b.owned.Add(record);
    b.bytes += record.raw.size() + record.text.size();
    return b.bytes >= options_.batch_bytes || b.owned.size() >= options_.batch_records
               ? Flush()
               : absl::OkStatus();
  }
  absl::Status EndFile() {
    buffers_[current_].events.push_back({Event::kEnd, 0, {}, {}, 0});
    return absl::OkStatus();
  }

  // Starts preparing the current batch, sends the one before to the sink
  // and switches to the other buffer.
  absl::Status Flush() {
    preparing_.Wait();
    Buffer& b = buffers_[current_];
    b.owned.Seal();
    if (b.owned.size() > 0) {
      preparing_.Start(
          [this, &b] { options_.prepare(b.first_doc, b.owned.records()); });
    }
    Buffer& before = buffers_[current_ ^ 1];
    absl::Status s = Sink(before);
    current_ ^= 1;
    before.first_doc = b.first_doc + b.owned.size();
    return s;
  }
  // Sends everything read to the sink.
  absl::Status Finish() {
    if (auto s = Flush(); !s.ok()) return s;
    preparing_.Wait();
    return Sink(buffers_[current_ ^ 1]);
  }

 private:
  struct Event {
    enum Kind { kStart, kPassThrough, kDocument, kEnd } kind;
    size_t file;
    InputFormat format;
    Compression compression;
    size_t index;  // into pass_through or records
  };
  struct Buffer {
    std::vector<Event> events;
    std::vector<std::string> pass_through;
    OwnedRecords owned;
    size_t bytes = 0;
    size_t first_doc = 0;
  };

  // Sends a prepared batch to the sink and empties it.
  absl::Status Sink(Buffer& b) {
    for (const Event& e : b.events) {
      absl::Status s;
      switch (e.kind) {
        case Event::kStart:
          s = sink_->StartFile(e.file, e.format, e.compression);
          break;
        case Event::kPassThrough:
          s = sink_->PassThrough(b.pass_through[e.index]);
          break;
        case Event::kDocument:
          s = sink_->Document(b.owned[e.index]);
          break;
        case Event::kEnd:
          s = sink_->EndFile();
          break;
      }
      if (!s.ok()) return s;
    }
    b.owned.Clear();
    b.bytes = 0;
    b.events.clear();
    b.pass_through.clear();
    return absl::OkStatus();
  }

  OutputSink* sink_;
  const RewriteOptions& options_;
  Buffer buffers_[2];
  int current_ = 0;
  BackgroundTask preparing_;  // prepares buffers_[current_ ^ 1]
};

// Hands the documents of JSONL file f to `out`, found by their lines
// (RewriteOptions::line_of); `first_doc` is the number of its first. A
// line that holds no document now, or a document after the last one, is
// DataLoss: the file changed.
template <typename Out>
absl::Status ReadDocumentsByLine(const JobFiles& files, size_t f,
                                 RecordReader& reader, uint64_t documents,
                                 size_t first_doc,
                                 const RewriteOptions& rewrite, Out* out) {
  Record record;
  Rejection rejection;
  for (uint64_t i = 0; i < documents; ++i) {
    const size_t doc = first_doc + i;
    const bool parse = rewrite.parse && rewrite.parse(doc);
    const auto result =
        reader.ReadLineAt(rewrite.line_of(doc), parse, &record, &rejection);
    if (result == RecordReader::Result::kEnd) {
      return absl::DataLossError(files.display(f) +
                                 " changed while neardup was reading it "
                                 "(fewer records on the second pass)");
    }
    if (result == RecordReader::Result::kRejected) {
      const std::string line = std::to_string(rejection.line);
      return absl::DataLossError(
          files.display(f) + " changed while neardup was reading it (line " +
          line + " held a document on the first pass; on the second: " +
          rejection.reason + ")");
    }
    if (auto s = out->Document(record); !s.ok()) return s;
  }
  // After the last document only lines that are not documents (blank or
  // rejected) may follow; a document there was appended after the first
  // pass. Parsed, as the first pass read them (usually none).
  for (;;) {
    const auto result = reader.Next(&record, &rejection);
    if (result == RecordReader::Result::kEnd) break;
    if (result == RecordReader::Result::kRecord) {
      return absl::DataLossError(files.display(f) +
                                 " changed while neardup was reading it "
                                 "(more records on the second pass)");
    }
  }
  return absl::OkStatus();
}

// Reads every input in order and hands what it reads to `out` (an
// OutputSink, or a RewriteBatch in front of one).
template <typename Out>
absl::Status ReadInputs(JobFiles& files, const ReaderOptions& reader_options,
                        const std::vector<uint64_t>& documents,
                        const RejectionFn& on_rejection,
                        const RewriteOptions& rewrite, Out* out) {
  Record record;
  Rejection rejection;
  std::vector<std::string> pass_through;
  size_t first_doc = 0;  // the number of file f's first document
  for (size_t f = 0; f < files.size(); ++f) {
    auto reader = RecordReader::Open(files.path(f), reader_options);
    if (!reader.ok()) return reader.status();
    if (auto s = out->StartFile(f, (*reader)->format(), (*reader)->compression());
        !s.ok()) {
      return s;
    }
    if (rewrite.line_of && !on_rejection && !documents.empty() &&
        (*reader)->format() == InputFormat::kJsonl) {
      if (auto s = ReadDocumentsByLine(files, f, **reader, documents[f],
                                       first_doc, rewrite, out);
          !s.ok()) {
        return s;
      }
      first_doc += documents[f];
      if (auto s = out->EndFile(); !s.ok()) return s;
      continue;
    }
    uint64_t in_file = 0;
    for (;;) {
      const auto result = (*reader)->Next(&record, &rejection);
      (*reader)->TakePassThrough(&pass_through);
      for (std::string& r : pass_through) {
        if (auto s = out->PassThrough(std::move(r)); !s.ok()) return s;
      }
      if (result == RecordReader::Result::kEnd) break;
      if (result == RecordReader::Result::kRejected) {
        if (on_rejection) {
          if (auto s = on_rejection(f, rejection); !s.ok()) return s;
        }
        continue;
      }
      if (!documents.empty() && in_file >= documents[f]) {
        return absl::DataLossError(files.display(f) +
                                   " changed while neardup was reading it "
                                   "(more records on the second pass)");
      }
      if (auto s = out->Document(record); !s.ok()) return s;
      ++in_file;
    }
    if (documents.empty() && (*reader)->field_counts() != nullptr) {
      files.fields().Add(*(*reader)->field_counts());
    }
    if (!documents.empty() && in_file != documents[f]) {
      return absl::DataLossError(files.display(f) +
                                 " changed while neardup was reading it "
                                 "(fewer records on the second pass)");
    }
    first_doc += in_file;
    if (auto s = out->EndFile(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RewriteInputs(
    JobFiles& files, const ReaderOptions& reader_options,
    const std::vector<uint64_t>& documents, const DecideFn& decide,
    const std::function<void(uint64_t, uint64_t)>& progress,
    const RejectionFn& on_rejection, const RewriteOptions& rewrite) {
  OutputSink sink(files, decide, progress);
  if (!rewrite.prepare) {
    return ReadInputs(files, reader_options, documents, on_rejection, rewrite,
                      &sink);
  }
  RewriteBatch batch(&sink, rewrite);
  if (auto s = ReadInputs(files, reader_options, documents, on_rejection,
                          rewrite, &batch);
      !s.ok()) {
    return s;
  }
  return batch.Finish();
}

absl::Status CountRejection(std::string_view display, size_t file,
                            const Rejection& rejection, JobStats* stats,
                            RejectionLog* rejected) {
  ++stats->rejected;
  ++stats->read;
  ++stats->files[file].rejected;
  ++stats->files[file].read;
  return rejected->Add(display, rejection);
}

void CountDocument(size_t file, const Record& record, JobStats* stats) {
  FileCounts& counts = stats->files[file];
  ++stats->read;
  ++counts.read;
  if (!record.text_rest.empty()) {
    ++stats->truncated;
    ++counts.truncated;
  }
  stats->text_bytes += record.text.size();
}

absl::Status ReadFirstPass(const JobFiles& files, const ReaderOptions& reader,
                           const std::atomic<bool>* cancel, JobStats* stats,
                           RejectionLog* rejected,
                           const DocumentFn& on_document) {
  for (size_t f = 0; f < files.size(); ++f) {
    if (auto s = ReadFirstPassInput({f, files.path(f), files.display(f)},
                                    reader, cancel, stats, rejected,
                                    on_document);
        !s.ok()) {
      return s;
    }
  }
  return stats != nullptr ? CheckFields(stats->fields, reader)
                          : absl::OkStatus();
}

absl::Status ReadFirstPassInput(const FirstPassInput& input,
                                const ReaderOptions& reader,
                                const std::atomic<bool>* cancel,
                                JobStats* stats, RejectionLog* rejected,
                                const DocumentFn& on_document) {
  ReaderOptions first_pass = reader;
  first_pass.keep_pass_through = false;  // only counted on this pass
  first_pass.skip_before_offset = input.begin;
  auto opened = RecordReader::Open(std::string(input.path), first_pass);
  if (!opened.ok()) return opened.status();
  RecordReader& in = **opened;
  FileCounts* counts = stats != nullptr ? &stats->files[input.file] : nullptr;
  if (counts != nullptr) {
    counts->format = InputFormatName(in.format());
    counts->compression = CompressionName(in.compression());
  }
  const bool to_end = input.end == FirstPassInput::kWholeFile;
  Record record;
  Rejection rejection;
  for (;;) {
    const auto result = in.Next(&record, &rejection);
    if (result == RecordReader::Result::kEnd) break;
    const bool rejected_record = result == RecordReader::Result::kRejected;
    const uint64_t offset = rejected_record ? rejection.offset : record.offset;
    if (offset < input.begin) continue;
    // Offsets only grow, so the rest of the file belongs to later parts.
    if (!to_end && offset >= input.end) break;
    if (rejected_record) {
      if (stats == nullptr) continue;
      if (auto s = CountRejection(input.display, input.file, rejection, stats,
                                  rejected);
          !s.ok()) {
        return s;
      }
      continue;
    }
    if (auto s = CheckCancel(cancel); !s.ok()) return s;
    if (stats != nullptr) CountDocument(input.file, record, stats);
    if (auto s = on_document(input.file, record); !s.ok()) return s;
  }
  if (stats == nullptr || input.begin != 0 || !to_end) return absl::OkStatus();
  counts->passed_through = in.passed_through();
  stats->passed_through += counts->passed_through;
  if (in.field_counts() != nullptr) stats->fields.Add(*in.field_counts());
  return absl::OkStatus();
}

absl::Status ReadChosenDocuments(
    const JobFiles& files, const ReaderOptions& reader,
    const std::vector<uint64_t>& documents,
    const std::function<uint64_t(size_t doc)>& line_of,
    const std::function<bool(size_t doc)>& chosen,
    const std::atomic<bool>* cancel,
    const std::function<absl::Status(size_t doc, const Record& record)>&
        on_document) {
  ReaderOptions options = reader;
  options.keep_pass_through = false;
  Record record;
  Rejection rejection;
  size_t first_doc = 0;  // the number of file f's first document
  for (size_t f = 0; f < files.size(); ++f) {
    const size_t end_doc = first_doc + documents[f];
    auto changed = [&](const std::string& how) {
      return absl::DataLossError(files.display(f) +
                                 " changed while neardup was reading it (" +
                                 how + ")");
    };
    size_t doc = first_doc;
    while (doc < end_doc && !chosen(doc)) ++doc;
    if (doc == end_doc) {  // nothing chosen: not opened
      first_doc = end_doc;
      continue;
    }
    auto opened = RecordReader::Open(files.path(f), options);
    if (!opened.ok()) return opened.status();
    RecordReader& in = **opened;
    if (in.format() == InputFormat::kJsonl) {
      for (; doc < end_doc; ++doc) {
        if (!chosen(doc)) continue;
        if (auto s = CheckCancel(cancel); !s.ok()) return s;
        const auto result =
            in.ReadLineAt(line_of(doc), /*parse=*/true, &record, &rejection);
        if (result == RecordReader::Result::kEnd) {
          return changed("fewer records on this pass");
        }
        if (result == RecordReader::Result::kRejected) {
          return changed("line " + std::to_string(rejection.line) +
                         " held a document on the first pass; now: " +
                         rejection.reason);
        }
        if (auto s = on_document(doc, record); !s.ok()) return s;
      }
    } else {
      for (doc = first_doc;;) {
        const auto result = in.Next(&record, &rejection);
        if (result == RecordReader::Result::kEnd) break;
        if (result == RecordReader::Result::kRejected) continue;
        if (doc == end_doc) return changed("more records on this pass");
        if (chosen(doc)) {
          if (auto s = CheckCancel(cancel); !s.ok()) return s;
          if (auto s = on_document(doc, record); !s.ok()) return s;
        }
        ++doc;
      }
      if (doc != end_doc) return changed("fewer records on this pass");
    }
    first_doc = end_doc;
  }
  return absl::OkStatus();
}

absl::Status CheckFields(const FieldCounts& fields,
                         const ReaderOptions& options) {
  if (fields.objects == 0) return absl::OkStatus();
  std::string missing, role;
  if (fields.missing_text == fields.objects) {
    missing = options.text_field;
    role = "text field";
  } else if (!options.number_field.empty() &&
             fields.missing_number == fields.objects) {
    missing = options.number_field;
    role = "field that decides which record is kept";
  } else if (options.id_field != ReaderOptions{}.id_field &&
             fields.missing_id == fields.objects) {
    missing = options.id_field;
    role = "id field";
  } else {
    return absl::OkStatus();
  }
  std::string have;
  for (const std::string& key : fields.first_keys) {
    have += (have.empty() ? "" : ", ") + key;
  }
  return absl::FailedPreconditionError(
      "no record has the field \"" + missing + "\" (the " + role +
      "); the first records have the fields: " +
      (have.empty() ? "(none)" : have));
}

absl::Status CheckOutputNames(const std::vector<InputFile>& files) {
  std::vector<std::string> names;
  for (const InputFile& f : files) names.push_back(f.output_name);
  std::sort(names.begin(), names.end());
  for (size_t i = 1; i < names.size(); ++i) {
    if (names[i] == names[i - 1]) {
      return absl::InvalidArgumentError(
          "two inputs would be written to the same output name \"" + names[i] +
          "\": pass their folders instead, or rename one");
    }
  }
  for (const char* reserved :
       {"removed.jsonl", "clusters.jsonl", "rejected.jsonl", "stats.json",
        "edits.jsonl", "signals.jsonl", "line_counts.jsonl",
        "line_counts.bin", "report.html"}) {
    if (std::binary_search(names.begin(), names.end(), reserved)) {
      return absl::InvalidArgumentError(
          std::string("an input named ") + reserved +
          " would overwrite neardup's own output of that name: rename it or "
          "pass its folder");
    }
  }
  return absl::OkStatus();
}

std::string TextRecordJson(const Record& record, std::string_view text) {
  JsonWriter j;
  j.Key("id").String(record.id).Key("url").StringOrNull(record.url);
  j.Key("date").StringOrNull(record.date).Key("text").String(text);
  return j.Finish();
}

std::string JsonlOutputName(std::string_view name, Compression compression) {
  std::string stem(name);
  auto strip = [&stem](std::string_view ext) {
    if (stem.size() <= ext.size()) return false;
    const std::string_view tail = std::string_view(stem).substr(stem.size() - ext.size());
    if (std::equal(tail.begin(), tail.end(), ext.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      stem.resize(stem.size() - ext.size());
      return true;
    }
    return false;
  };
  // Only the compression goes: crawl.warc.gz and crawl.warc.wet.gz stay
  // apart.
  strip(".gz") || strip(".zst") || strip(".zstd");
  stem += ".jsonl";
  if (compression == Compression::kGzip) stem += ".gz";
  if (compression == Compression::kZstd) stem += ".zst";
  return stem;
}

absl::Status CommitJob(JobFiles& files, RejectionLog& rejected,
                       Clock::time_point start, JobStats* stats,
                       const std::function<std::string()>& stats_json,
                       const WriteReportFn& write_report) {
  if (auto s = rejected.Stage(&files); !s.ok()) return s;
  if (auto s = files.CommitOutputs(); !s.ok()) return s;
  stats->outputs = files.outputs();
  if (write_report) {
    // The page reads the outputs just committed.
    const auto report_start = Clock::now();
    stats->outputs.push_back("report.html");
    std::sort(stats->outputs.begin(), stats->outputs.end());
    stats->peak_rss_bytes = PeakRssBytes();
    if (auto s = write_report(stats_json()); !s.ok()) return s;
    stats->stage_seconds.push_back({"report", SecondsSince(report_start)});
  }
  stats->stage_seconds.push_back({"total", SecondsSince(start)});
  stats->peak_rss_bytes = PeakRssBytes();
  auto out = RecordWriter::Create(files.OutPath("stats.json"),
                                  InputFormat::kJsonl, Compression::kNone);
  if (!out.ok()) return out.status();
  if (auto s = (*out)->WriteLine(stats_json()); !s.ok()) return s;
  return (*out)->Commit();
}

absl::StatusOr<LineCounter> ReadLineCounts(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return absl::InvalidArgumentError(
        path + " is a folder, not a line-count file (line_counts.bin)");
  }
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (in == nullptr) {
    return absl::NotFoundError(path + ": cannot open the line-count file");
  }
  std::string bytes;
  char buffer[1 << 16];
  for (size_t got; (got = std::fread(buffer, 1, sizeof(buffer), in)) > 0;) {
    bytes.append(buffer, got);
  }
  const bool failed = std::ferror(in) != 0;
  std::fclose(in);
  if (failed) {
    return absl::DataLossError(path + ": cannot read the line-count file");
  }
  auto loaded = LineCounter::Deserialize(bytes);
  if (!loaded.ok()) {
    return absl::DataLossError(path + ": " +
                               std::string(loaded.status().message()));
  }
  return loaded;
}

void LineCountBatch::Add(std::string_view text, std::string_view site) {
  Part& part = parts_[current_];
  part.texts.append(text);
  part.text_ends.push_back(part.texts.size());
  part.sites.append(site);
  part.site_ends.push_back(part.sites.size());
  bytes_ += text.size();
  if (bytes_ >= kBatchBytes) Launch();
}

void LineCountBatch::Launch() {
  FinishPreparing();
  Part& part = parts_[current_];
  const size_t n = part.text_ends.size();
  part.prepared.resize(n);
  // The kept lines' buffers are reused from batch to batch.
  if (store_ != nullptr && part.kept.size() < n) part.kept.resize(n);
  preparing_ = &part;
  pool_.Start(n, [this, &part](int worker, size_t i) {
    auto piece = [](const std::string& all, const std::vector<size_t>& ends,
                    size_t i) {
      const size_t begin = i == 0 ? 0 : ends[i - 1];
      return std::string_view(all).substr(begin, ends[i] - begin);
    };
    const std::string_view text = piece(part.texts, part.text_ends, i);
    const std::string_view site = piece(part.sites, part.site_ends, i);
    if (store_ == nullptr) {
      part.prepared[i] = LineCounter::Prepare(text, site);
    } else if (prepare_) {
      part.kept[i].repeat_cuts.clear();
      part.prepared[i] = prepare_(worker, text, site, &part.kept[i]);
    } else {
      part.kept[i].repeat_cuts.clear();
      part.prepared[i] = LineCounter::Prepare(text, site, &part.kept[i].lines);
    }
  });
  // The part filled next (two parts on) was handed to adding_ before this
  // one's predecessor, whose hand-over above waited for it to be added.
  current_ = (current_ + 1) % 3;
  bytes_ = 0;
}

void LineCountBatch::FinishPreparing() {
  if (preparing_ == nullptr) return;
  pool_.Finish();
  Part& part = *std::exchange(preparing_, nullptr);
  const size_t n = part.text_ends.size();
  // The counter takes documents in input order: this part after the one
  // before (Start waits for it).
  adding_.Start([this, &part, n] {
    for (size_t i = 0; i < n; ++i) {
      counter_->Add(part.prepared[i]);
      if (store_ == nullptr || !status_.ok()) continue;
      status_ = store_->Append(part.kept[i]);  // fails only spilling
    }
    part.prepared.clear();
    // A buffer that grew for a very long document is not kept.
    if (part.texts.capacity() > (size_t{64} << 20))
      std::string().swap(part.texts);
    part.texts.clear();
    part.sites.clear();
    part.text_ends.clear();
    part.site_ends.clear();
  });
}

void LineCountBatch::Flush() {
  if (!parts_[current_].text_ends.empty()) Launch();
  FinishPreparing();
  adding_.Wait();
}

void AddRecordCounts(const RecordCounts& counts, JsonWriter* j) {
  j->Key("read").Uint(counts.read).Key("kept").Uint(counts.kept);
  j->Key("removed").Uint(counts.removed).Key("rejected").Uint(counts.rejected);
  j->Key("passed_through").Uint(counts.passed_through);
  j->Key("truncated").Uint(counts.truncated);
}

void AddFileCounts(const FileCounts& f, bool with_format, JsonWriter* j) {
  j->Object().Key("path").String(f.path).Key("output").String(f.output);
  if (with_format) {
    j->Key("format").String(f.format).Key("compression").String(f.compression);
  }
  j->Key("read").Uint(f.read).Key("kept").Uint(f.kept);
  j->Key("removed").Uint(f.removed).Key("rejected").Uint(f.rejected);
  j->Key("truncated").Uint(f.truncated);
  j->Key("passed_through").Uint(f.passed_through);
  j->End();
}

void AddStageSeconds(const JobStats& stats, int digits, JsonWriter* j) {
  j->Key("seconds").Object();
  for (const auto& [stage, seconds] : stats.stage_seconds) {
    j->Key(stage).Fixed(seconds, digits);
  }
  j->End();
}

void AddJobFiles(const JobStats& stats, bool with_format,
                 const std::vector<std::string>& skipped, JsonWriter* j) {
  j->Key("files").Array();
  for (const FileCounts& f : stats.files) AddFileCounts(f, with_format, j);
  j->End();
  j->Key("outputs").Array();
  for (const std::string& output : stats.outputs) j->String(output);
  j->End();
  constexpr size_t kMaxListed = 1000;
  j->Key("skipped_file_count").Uint(skipped.size());
  j->Key("skipped_files").Array();
  for (size_t i = 0; i < skipped.size() && i < kMaxListed; ++i) {
    j->String(skipped[i]);
  }
  j->End();
}

}  // namespace internal

std::string internal::RejectionJson(std::string_view file, const Rejection& r) {
  internal::JsonWriter j;
  j.Key("file").String(file).Key("line").Uint(r.line);
  j.Key("offset").Uint(r.offset).Key("reason").String(r.reason);
  return j.Finish();
}

absl::StatusOr<std::vector<InputFile>> PlanInputs(
    const std::vector<std::string>& args, std::vector<SkippedFiles>* skipped) {
  std::vector<InputFile> files;
  for (const std::string& arg : args) {
    if (arg == "-") {
      files.push_back({"-", "stdin.jsonl"});
      continue;
    }
    std::error_code ec;
    if (!fs::exists(arg, ec)) {
      return absl::NotFoundError(arg + ": No such file or directory");
    }
    if (!fs::is_directory(arg, ec)) {
      files.push_back({arg, fs::path(arg).filename().string()});
      continue;
    }
    std::vector<std::string> left_out;
    auto expanded = ExpandInputs({arg}, &left_out);
    if (!expanded.ok()) return expanded.status();
    if (expanded->empty()) {
      std::string names;
      for (size_t i = 0; i < left_out.size() && i < 5; ++i) {
        names += (i ? ", " : "; it holds ") + left_out[i];
      }
      if (left_out.size() > 5) {
        names += ", ... (" + std::to_string(left_out.size()) + " files)";
      }
      return absl::NotFoundError(
          arg + ": no input files in this folder (.jsonl .ndjson .json .txt "
                ".text .warc .wet, optionally .gz .zst .zstd)" + names);
    }
    if (skipped != nullptr && !left_out.empty()) {
      skipped->push_back({arg, std::move(left_out)});
    }
    fs::path root = fs::path(arg).lexically_normal();
    if (root.filename().empty()) root = root.parent_path();
    std::string root_name = root.filename().string();
    if (root_name.empty() || root_name == "." || root_name == "..") {
      root_name = "input";
    }
    for (const std::string& path : *expanded) {
      const fs::path relative = fs::path(path).lexically_relative(root);
      files.push_back({path, (fs::path(root_name) / relative).string()});
    }
  }
  if (auto st = internal::CheckOutputNames(files); !st.ok()) return st;
  return files;
}

}  // namespace neardup
