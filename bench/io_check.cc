// neardup_io_check: reads files with neardup's RecordReader and prints, per
// file, the detected format and compression, how many documents came out,
// how many records were rejected (with each reason), how many WARC records
// passed through, and the bytes of document text. Used by
// eval_warc_fixtures.sh to check the readers against real crawl files.
//
// Usage: neardup_io_check [--max-document-bytes N] [--show N] FILE...
//   --show N  also prints each document's id, URL and first N bytes of text
// Exit status: 0 when every file opened and nothing was rejected, 1 when a
// record was rejected, 2 when a file could not be opened or on bad usage.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "neardup/io.h"

namespace {

struct FileSummary {
  std::string path;
  std::string format = "-";
  std::string compression = "-";
  uint64_t documents = 0;
  uint64_t passed_through = 0;
  uint64_t text_bytes = 0;
  std::string open_error;
  std::vector<neardup::Rejection> rejections;
};

FileSummary Check(const std::string& path,
                  const neardup::ReaderOptions& options, size_t show) {
  FileSummary summary;
  summary.path = path;
  auto reader = neardup::RecordReader::Open(path, options);
  if (!reader.ok()) {
    summary.open_error = std::string(reader.status().message());
    return summary;
  }
  summary.format = neardup::InputFormatName((*reader)->format());
  summary.compression = neardup::CompressionName((*reader)->compression());
  neardup::Record record;
  neardup::Rejection rejection;
  std::vector<std::string> pass_through;
  for (;;) {
    const auto result = (*reader)->Next(&record, &rejection);
    if (result == neardup::RecordReader::Result::kEnd) break;
    (*reader)->TakePassThrough(&pass_through);  // not kept
    if (result == neardup::RecordReader::Result::kRecord) {
      ++summary.documents;
      summary.text_bytes += record.text.size();
      if (show > 0) {
        const std::string head(record.text.substr(0, show));
        std::printf("== %s record %llu id %.*s url %.*s (%zu bytes)\n%s\n",
                    path.c_str(), static_cast<unsigned long long>(record.line),
                    static_cast<int>(record.id.size()), record.id.data(),
                    static_cast<int>(record.url.size()), record.url.data(),
                    record.text.size(), head.c_str());
      }
    } else {
      summary.rejections.push_back(rejection);
    }
  }
  summary.passed_through = (*reader)->passed_through();
  return summary;
}

}  // namespace

int main(int argc, char** argv) {
  neardup::ReaderOptions options;
  options.keep_pass_through = false;
  std::vector<std::string> paths;
  size_t show = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--max-document-bytes") == 0 && i + 1 < argc) {
      options.max_document_bytes = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--show") == 0 && i + 1 < argc) {
      show = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "-h") == 0 ||
               std::strcmp(argv[i], "--help") == 0) {
      std::printf("usage: %s [--max-document-bytes N] [--show N] FILE...\n",
                  argv[0]);
      return 0;
    } else {
      paths.push_back(argv[i]);
    }
  }
  if (paths.empty()) {
    std::fprintf(stderr,
                 "usage: %s [--max-document-bytes N] [--show N] FILE...\n",
                 argv[0]);
    return 2;
  }

  std::vector<FileSummary> summaries;
  size_t width = 4;
  for (const std::string& path : paths) {
    summaries.push_back(Check(path, options, show));
    width = std::max(width, path.size());
  }

  std::printf("%-*s  %-6s %-11s %9s %8s %14s %12s\n", static_cast<int>(width),
              "file", "format", "compression", "documents", "rejected",
              "passed-through", "text-bytes");
  uint64_t total_docs = 0, total_rejected = 0, total_passed = 0,
           total_bytes = 0;
  bool open_failed = false;
  for (const FileSummary& s : summaries) {
    if (!s.open_error.empty()) {
      std::printf("%-*s  cannot open: %s\n", static_cast<int>(width),
                  s.path.c_str(), s.open_error.c_str());
      open_failed = true;
      continue;
    }
    std::printf(
        "%-*s  %-6s %-11s %9llu %8zu %14llu %12llu\n", static_cast<int>(width),
        s.path.c_str(), s.format.c_str(), s.compression.c_str(),
        static_cast<unsigned long long>(s.documents), s.rejections.size(),
        static_cast<unsigned long long>(s.passed_through),
        static_cast<unsigned long long>(s.text_bytes));
    total_docs += s.documents;
    total_rejected += s.rejections.size();
    total_passed += s.passed_through;
    total_bytes += s.text_bytes;
  }
  std::printf("%-*s  %-6s %-11s %9llu %8llu %14llu %12llu\n",
              static_cast<int>(width), "total", "", "",
              static_cast<unsigned long long>(total_docs),
              static_cast<unsigned long long>(total_rejected),
              static_cast<unsigned long long>(total_passed),
              static_cast<unsigned long long>(total_bytes));

  for (const FileSummary& s : summaries) {
    for (const neardup::Rejection& r : s.rejections) {
      std::printf("rejected: %s line %llu offset %llu: %s\n", r.file.c_str(),
                  static_cast<unsigned long long>(r.line),
                  static_cast<unsigned long long>(r.offset), r.reason.c_str());
    }
  }
  if (open_failed) return 2;
  return total_rejected > 0 ? 1 : 0;
}
