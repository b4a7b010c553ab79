// The plain-text reader: the whole (decompressed) stream is one document,
// id = the path as given, line 1, offset 0, raw = text = the content. An
// empty file is one record with empty text (the pipeline decides what to do
// with it). Reading stops one byte past max_document_bytes, so an oversized
// file is rejected without being held in full; with Oversize::kTruncate,
// reading stops one byte past the record limit (8 x max_document_bytes +
// 1 MiB), and a file within it is truncated.
//
// A file that is not text is rejected, not read as a document (see io.h):
// its first kBinarySniffBytes bytes hold a NUL byte (the rule of git, grep
// and diff), or more than a quarter of them are not UTF-8 (ill-formed
// sequences). The rejection's offset is the first such byte.

#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "io/readers.h"
#include "io/strings.h"
#include "neardup/io.h"
#include "neardup/text.h"

namespace neardup::internal {
namespace {

constexpr size_t kBinarySniffBytes = 8192;

// Returns why `content` is not text (empty when it is), and sets *offset
// to the first byte that says so.
std::string BinaryReason(std::string_view content, uint64_t* offset) {
  const std::string_view head = content.substr(0, kBinarySniffBytes);
  const size_t nul = head.find('\0');
  if (nul != std::string_view::npos) {
    *offset = nul;
    return Cat("binary file, not text: NUL byte at offset ", nul,
               " (a text file has no NUL byte in its first ",
               kBinarySniffBytes, " bytes)");
  }
  // A sequence cut at the end of the sample is not counted as ill-formed.
  const std::string_view sample =
      content.substr(0, Utf8CutPoint(content, kBinarySniffBytes));
  size_t bad = 0, first = sample.size();
  for (size_t pos = 0; pos < sample.size();) {
    const size_t at = pos + FindInvalidUtf8(sample.substr(pos));
    if (at >= sample.size()) break;
    if (first == sample.size()) first = at;
    ++bad;
    pos = at + 1;
  }
  if (sample.empty() || bad * 4 <= sample.size()) return std::string();
  *offset = first;
  return Cat("binary file, not text: ", bad * 100 / sample.size(),
             "% of its first ", sample.size(),
             " bytes are not UTF-8 (more than 25%; a text file in another "
             "encoding can be converted with iconv)");
}

class TextReader final : public RecordReader {
 public:
  TextReader(std::string path, Compression compression,
             std::unique_ptr<BufferedInput> in, const ReaderOptions& options)
      : RecordReader(std::move(path), InputFormat::kText, compression),
        in_(std::move(in)),
        max_bytes_(options.max_document_bytes),
        truncate_(options.oversize == Oversize::kTruncate) {
    const size_t limit = std::numeric_limits<size_t>::max() / 16;
    max_raw_ = !truncate_          ? max_bytes_
               : max_bytes_ >= limit ? std::numeric_limits<size_t>::max() - 1
                                     : 8 * max_bytes_ + (size_t{1} << 20);
  }

  Result Next(Record* record, Rejection* rejection) override {
    if (done_) return Result::kEnd;
    done_ = true;
    content_.clear();
    const size_t limit =
        max_raw_ == static_cast<size_t>(-1) ? max_raw_ : max_raw_ + 1;
    in_->Read(limit, &content_);
    std::string reason;
    uint64_t offset = 0;
    if (!in_->status().ok()) {
      reason = std::string(in_->status().message());
    } else if (content_.size() > max_raw_) {
      reason = truncate_ ? Cat("file larger than the record limit (", max_raw_,
                               " bytes) for truncation")
                         : Cat("document larger than max_document_bytes (",
                               max_bytes_, ")");
    } else {
      reason = BinaryReason(content_, &offset);
    }
    if (!reason.empty()) {
      content_.clear();
      rejection->file = path();
      rejection->line = 1;
      rejection->offset = offset;
      rejection->reason = std::move(reason);
      return Result::kRejected;
    }
    record->id = path();
    const std::string_view text = content_;
    const size_t cut = Utf8CutPoint(text, max_bytes_);
    record->text = text.substr(0, cut);
    record->text_rest = text.substr(cut);
    record->text_token_begin = record->text_token_end = 0;
    record->url = std::string_view();
    record->date = std::string_view();
    record->raw = content_;
    record->format = InputFormat::kText;
    record->line = 1;
    record->offset = 0;
    record->number = std::numeric_limits<double>::quiet_NaN();
    return Result::kRecord;
  }

 private:
  std::unique_ptr<BufferedInput> in_;
  size_t max_bytes_;
  bool truncate_;
  size_t max_raw_;  // the most bytes read: max_bytes_ unless truncating
  std::string content_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<RecordReader> NewTextReader(std::string path,
                                            Compression compression,
                                            std::unique_ptr<BufferedInput> in,
                                            const ReaderOptions& options) {
  return std::make_unique<TextReader>(std::move(path), compression,
                                      std::move(in), options);
}

}  // namespace neardup::internal
