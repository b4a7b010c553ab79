// The parts of a pipeline job that dedup and clean share.

#include "pipeline/job.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace neardup {
namespace fs = std::filesystem;

namespace internal {

uint64_t PeakRssBytes() {
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
}

JobFiles::~JobFiles() {
  if (!stdin_spool_.empty()) std::remove(stdin_spool_.c_str());
}

std::string JobFiles::OutPath(std::string_view name) const {
  return (fs::path(outdir_) / std::string(name)).string();
}

absl::Status JobFiles::Prepare(const std::vector<InputFile>& inputs,
                               const std::string& outdir, bool overwrite,
                               const ReaderOptions& reader) {
  inputs_ = inputs;
  outdir_ = outdir;
  // Every input must be readable before any work starts.
  for (const InputFile& input : inputs_) {
    display_.push_back(input.path);
    if (input.path == "-") continue;
    auto opened = RecordReader::Open(input.path, reader);
    if (!opened.ok()) return opened.status();
    std::error_code ec;
    const auto size = fs::file_size(input.path, ec);
    if (!ec) total_bytes_ += size;
  }
  // The output folder: create it, or accept an empty one.
  std::error_code ec;
  if (fs::exists(outdir_, ec)) {
    if (!fs::is_directory(outdir_, ec)) {
      return absl::FailedPreconditionError(outdir_ +
                                           " exists and is not a folder");
    }
    if (!overwrite && !fs::is_empty(outdir_, ec)) {
      return absl::FailedPreconditionError(
          outdir_ + " exists and is not empty (use --overwrite to replace "
                    "the outputs in it)");
    }
  } else if (!fs::create_directories(outdir_, ec)) {
    return absl::PermissionDeniedError("cannot create output folder " +
                                       outdir_ + ": " + ec.message());
  }
  for (InputFile& input : inputs_) {
    if (input.path == "-") {
      if (auto s = SpoolStdin(&input, reader); !s.ok()) return s;
    }
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
  return writer_->WriteLine(RejectionJson(file, r));
}

absl::Status RejectionLog::Commit() { return writer_->Commit(); }

absl::Status RewriteInputs(
    const JobFiles& files, const ReaderOptions& reader_options,
    const std::vector<uint64_t>& documents, const DecideFn& decide,
    const std::function<void(uint64_t, uint64_t)>& progress,
    const RejectionFn& on_rejection) {
  size_t doc = 0;
  uint64_t bytes_done = 0;
  Record record;
  Rejection rejection;
  std::vector<std::string> pass_through;
  std::string replacement;
  for (size_t f = 0; f < files.size(); ++f) {
    auto reader = RecordReader::Open(files.path(f), reader_options);
    if (!reader.ok()) return reader.status();
    const InputFormat format = (*reader)->format();
    std::unique_ptr<RecordWriter> writer;
    auto open_writer = [&]() -> absl::Status {
      if (writer) return absl::OkStatus();
      auto w = RecordWriter::Create(files.OutPath(files.output_name(f)), format,
                                    (*reader)->compression());
      if (!w.ok()) return w.status();
      writer = *std::move(w);
      return absl::OkStatus();
    };
    // Every JSONL and WARC input gets an output, even if nothing is kept; a
    // text file's output exists only when its document is written.
    if (format != InputFormat::kText) {
      if (auto s = open_writer(); !s.ok()) return s;
    }
    uint64_t in_file = 0;
    for (;;) {
      const auto result = (*reader)->Next(&record, &rejection);
      (*reader)->TakePassThrough(&pass_through);
      for (const std::string& r : pass_through) {
        if (auto s = writer->Write(r); !s.ok()) return s;
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
      bytes_done += record.raw.size();
      replacement.clear();
      auto action = decide(f, doc, record, &replacement);
      if (!action.ok()) return action.status();
      if (*action != RecordAction::kDrop) {
        if (auto s = open_writer(); !s.ok()) return s;
        const std::string_view bytes =
            *action == RecordAction::kReplace ? replacement : record.raw;
        const absl::Status s = format == InputFormat::kJsonl
                                   ? writer->WriteLine(bytes)
                                   : writer->Write(bytes);
        if (!s.ok()) return s;
      }
      ++doc;
      ++in_file;
      if (progress) progress(doc, bytes_done);
    }
    if (!documents.empty() && in_file != documents[f]) {
      return absl::DataLossError(files.display(f) +
                                 " changed while neardup was reading it "
                                 "(fewer records on the second pass)");
    }
    if (writer) {
      if (auto s = writer->Commit(); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace internal

std::string RejectionJson(std::string_view file, const Rejection& r) {
  std::string line = "{\"file\":";
  AppendJsonString(file, &line);
  line += ",\"line\":" + std::to_string(r.line) +
          ",\"offset\":" + std::to_string(r.offset) + ",\"reason\":";
  AppendJsonString(r.reason, &line);
  line += "}";
  return line;
}

absl::StatusOr<std::vector<InputFile>> PlanInputs(
    const std::vector<std::string>& args) {
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
    auto expanded = ExpandInputs({arg});
    if (!expanded.ok()) return expanded.status();
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
        "line_counts.bin"}) {
    if (std::binary_search(names.begin(), names.end(), reserved)) {
      return absl::InvalidArgumentError(
          std::string("an input named ") + reserved +
          " would overwrite neardup's own output of that name: rename it or "
          "pass its folder");
    }
  }
  return files;
}

}  // namespace neardup
