// The WARC/WET reader (WARC/1.0 and WARC/1.1).
//
// A record is a version line ("WARC/1.0"), header lines up to an empty line
// (CRLF, bare LF accepted), a block of exactly Content-Length bytes, and two
// line breaks. Blank lines between records are skipped.
//
// Documents:
//  - WARC-Type: conversion (WET): text = the block.
//  - WARC-Type: response: text = the payload after the HTTP status line and
//    headers. HTML and XML payloads (text/html, application/xhtml+xml,
//    */xml, */*+xml) go through HtmlToText; other text/* types, JSON and
//    JavaScript are kept as they are; without a Content-Type, a payload
//    starting with '<' is HTML and one without NUL bytes in its first 1 KiB
//    is text. A gzip or deflate Content-Encoding is undone when the payload
//    still starts with the compressed magic (Common Crawl stores most
//    payloads decoded but keeps the header). Charsets are not converted.
// id = WARC-Record-ID as written (angle brackets included), or "FILE:N"
// when missing; url = WARC-Target-URI; date = WARC-Date; line = the record's number among all
// records of the file (1-based); offset = where its "WARC/" line starts;
// raw = the whole record, trailing line breaks included.
//
// Not documents, passed through (counted, raw bytes kept for
// TakePassThrough): every other WARC-Type (warcinfo, request, metadata,
// revisit, resource, ...), a missing WARC-Type, and responses whose payload
// is not text (images, PDF, ...).
//
// Damage:
//  - bytes where a version line should be: one rejection (line 0) for the
//    whole run, then reading resumes at the next line starting "WARC/1.";
//  - a missing or non-numeric Content-Length, an over-long header: rejected,
//    then the same resynchronization;
//  - a block not followed by its blank line ("Content-Length does not
//    match"): rejected, and resynchronization starts at the beginning of the
//    block, so a record hidden by a too-large length is still found;
//  - a block that runs past the end of the file: "truncated record"; if a
//    "WARC/1." line lies inside what was read, reading resumes there, else
//    the file ends;
//  - a record larger than max_document_bytes + 1 MiB is skipped without
//    being held (rejected, or, when the stream ends inside it, truncated);
//    a document whose text is larger than max_document_bytes is rejected,
//    or truncated (Oversize::kTruncate; a gzip-encoded payload is inflated
//    only a little past the limit, so text_rest may end early);
//  - a damaged compressed stream ends the file with its own message.
// A record whose block ends exactly at the end of the file without the two
// line breaks is accepted.

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "io/html_text.h"
#include "io/readers.h"
#include "io/strings.h"
#include "neardup/io.h"

namespace neardup::internal {
namespace {

constexpr std::string_view kVersionPrefix = "WARC/1.";
constexpr size_t kMaxHeaderLine = size_t{64} << 10;
constexpr size_t kMaxHeaderBytes = size_t{1} << 20;

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Returns the value of header `name` in a block of "Name: value" lines.
std::string_view FindHeader(std::string_view headers, std::string_view name) {
  size_t pos = 0;
  while (pos < headers.size()) {
    size_t eol = headers.find('\n', pos);
    if (eol == std::string_view::npos) eol = headers.size();
    const std::string_view line = headers.substr(pos, eol - pos);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos &&
        EqualsNoCase(Trim(line.substr(0, colon)), name)) {
      return Trim(line.substr(colon + 1));
    }
    pos = eol + 1;
  }
  return std::string_view();
}

// The media type of a Content-Type value, lower case, without parameters.
std::string MediaType(std::string_view content_type) {
  const size_t semi = content_type.find(';');
  std::string out(Trim(content_type.substr(0, semi)));
  for (char& c : out) c = Lower(c);
  return out;
}

enum class PayloadKind { kHtml, kText, kBinary };

PayloadKind ClassifyPayload(const std::string& type, std::string_view payload) {
  if (type.empty()) {
    size_t i = 0;
    while (i < payload.size() &&
           std::strchr(" \t\r\n", payload[i]) != nullptr &&
           payload[i] != '\0') {
      ++i;
    }
    if (i < payload.size() && payload[i] == '<') return PayloadKind::kHtml;
    const std::string_view head = payload.substr(0, 1024);
    return head.find('\0') == std::string_view::npos ? PayloadKind::kText
                                                     : PayloadKind::kBinary;
  }
  auto ends_with = [&](std::string_view suffix) {
    return type.size() >= suffix.size() &&
           type.compare(type.size() - suffix.size(), suffix.size(), suffix) ==
               0;
  };
  if (type == "text/html" || type == "application/xhtml+xml" ||
      type == "text/xml" || type == "application/xml" || ends_with("+xml")) {
    return PayloadKind::kHtml;
  }
  if (type.compare(0, 5, "text/") == 0 || type == "application/json" ||
      ends_with("+json") || type == "application/javascript" ||
      type == "application/x-javascript") {
    return PayloadKind::kText;
  }
  return PayloadKind::kBinary;
}

// Inflates a gzip or zlib payload into *out, at most `limit` bytes. Returns
// an empty string, or what went wrong.
std::string Inflate(std::string_view in, size_t limit, std::string* out) {
  out->clear();
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return "cannot initialize zlib";
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), 1u << 30));
  std::string reason;
  for (;;) {
    const size_t old = out->size();
    out->resize(old + std::max<size_t>(in.size(), 64 << 10));
    zs.next_out = reinterpret_cast<Bytef*>(out->data() + old);
    zs.avail_out = static_cast<uInt>(out->size() - old);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out->resize(out->size() - zs.avail_out);
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK) {
      reason = zs.msg != nullptr
                   ? zs.msg
                   : (rc == Z_BUF_ERROR ? "truncated" : zError(rc));
      break;
    }
    if (out->size() > limit) break;
  }
  inflateEnd(&zs);
  return reason;
}

class WarcReader final : public RecordReader {
 public:
  WarcReader(std::string path, Compression compression,
             std::unique_ptr<BufferedInput> in, const ReaderOptions& options)
      : RecordReader(std::move(path), InputFormat::kWarc, compression),
        in_(std::move(in)),
        options_(options) {
    const size_t slack = size_t{1} << 20;
    max_block_ =
        options_.max_document_bytes > std::numeric_limits<size_t>::max() - slack
            ? std::numeric_limits<size_t>::max()
            : options_.max_document_bytes + slack;
  }

  Result Next(Record* record, Rejection* rejection) override {
    for (;;) {
      if (done_) return Result::kEnd;
      const Step step = ReadRecord(record, rejection);
      if (step == Step::kRecord) return Result::kRecord;
      if (step == Step::kRejected) return Result::kRejected;
      if (step == Step::kEnd) {
        done_ = true;
        return Result::kEnd;
      }
      // kPassThrough: on to the next record.
    }
  }

  uint64_t passed_through() const override { return passed_through_; }

  void TakePassThrough(std::vector<std::string>* out) override {
    out->swap(pass_through_);
    pass_through_.clear();
  }

 private:
  enum class Step { kRecord, kRejected, kPassThrough, kEnd };

  Step Reject(Rejection* rejection, uint64_t line, uint64_t offset,
              std::string reason) {
    rejection->file = path();
    rejection->line = line;
    rejection->offset = offset;
    rejection->reason = std::move(reason);
    return Step::kRejected;
  }

  // The rejection for a failed stream, after which the file ends.
  Step StreamError(Rejection* rejection, uint64_t line, uint64_t offset) {
    done_ = true;
    return Reject(rejection, line, offset,
                  std::string(in_->status().message()));
  }

  // Skips forward to the next line that starts with "WARC/1.", or to the
  // end. The current position must be at the start of a line.
  void Resync() {
    for (;;) {
      const std::string_view head = in_->Peek(kVersionPrefix.size());
      if (head == kVersionPrefix) return;
      if (head.size() < kVersionPrefix.size()) {
        in_->Discard(head.size());
        return;
      }
      if (!in_->SkipLine()) return;
    }
  }

  // Returns the offset in raw_ (at or after `from`) of a line that starts
  // with "WARC/1.", or npos. raw_[from] must start a line.
  size_t FindVersionLine(size_t from) const {
    const std::string_view raw = raw_;
    size_t pos = from;
    while (pos < raw.size()) {
      if (raw.compare(pos, kVersionPrefix.size(), kVersionPrefix) == 0)
        return pos;
      const size_t nl = raw.find('\n', pos);
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
    return std::string_view::npos;
  }

  Step ReadRecord(Record* record, Rejection* rejection) {
    // The version line, after any blank lines.
    uint64_t start;
    std::string_view line;
    bool terminated;
    for (;;) {
      start = in_->offset();
      const auto status = in_->ReadLine(kMaxHeaderLine, &line, &terminated);
      if (status == BufferedInput::LineStatus::kEnd) return Step::kEnd;
      if (status == BufferedInput::LineStatus::kError) {
        return StreamError(rejection, record_number_ + 1, start);
      }
      if (status == BufferedInput::LineStatus::kLine && Trim(line).empty()) {
        continue;
      }
      if (status == BufferedInput::LineStatus::kLine &&
          line.substr(0, kVersionPrefix.size()) == kVersionPrefix) {
        break;
      }
      // Anything else: skip to the next version line and say so once.
      Resync();
      return Reject(rejection, 0, start,
                    Cat("expected a WARC/1.0 or WARC/1.1 version line "
                        "at byte ",
                        start, "; skipped to the next \"WARC/1.\" line"));
    }
    const uint64_t number = ++record_number_;
    raw_.assign(line);
    if (terminated) raw_.push_back('\n');

    // Header lines up to the empty line.
    const size_t headers_begin = raw_.size();
    for (;;) {
      const auto status = in_->ReadLine(kMaxHeaderLine, &line, &terminated);
      if (status == BufferedInput::LineStatus::kError) {
        return StreamError(rejection, number, start);
      }
      if (status == BufferedInput::LineStatus::kEnd ||
          (status == BufferedInput::LineStatus::kLine && !terminated)) {
        done_ = true;
        return Reject(rejection, number, start,
                      Cat("record ", number,
                          ": truncated record (the file ends inside "
                          "the WARC header)"));
      }
      if (status == BufferedInput::LineStatus::kTooLong ||
          raw_.size() + line.size() > kMaxHeaderBytes) {
        Resync();
        return Reject(rejection, number, start,
                      Cat("record ", number, ": WARC header longer than ",
                          kMaxHeaderBytes,
                          " bytes; skipped to the next \"WARC/1.\" "
                          "line"));
      }
      raw_.append(line);
      raw_.push_back('\n');
      if (Trim(line).empty()) break;
    }
    const size_t block_begin = raw_.size();

    // Content-Length (the view into raw_ dies when the block is appended).
    const std::string_view length_text =
        FindHeader(std::string_view(raw_).substr(headers_begin,
                                                 block_begin - headers_begin),
                   "Content-Length");
    uint64_t length = 0;
    if (!ParseContentLength(length_text, &length)) {
      Resync();
      return Reject(
          rejection, number, start,
          Cat("record ", number,
              length_text.empty() ? std::string(": missing Content-Length")
                                  : Cat(": invalid Content-Length \"",
                                        length_text.substr(0, 40), "\""),
              "; skipped to the next \"WARC/1.\" line"));
    }

    // The block.
    if (length > max_block_) {
      return SkipLargeBlock(length, number, start, rejection);
    }
    const size_t got = in_->Read(static_cast<size_t>(length), &raw_);
    if (got < length) {
      if (!in_->status().ok()) return StreamError(rejection, number, start);
      const size_t resume = FindVersionLine(block_begin);
      if (resume == std::string::npos) {
        done_ = true;
      } else {
        in_->Unread(std::string_view(raw_).substr(resume));
      }
      return Reject(
          rejection, number, start,
          Cat("record ", number, ": truncated record (Content-Length ", length,
              " runs past the end of the file)"));
    }

    // The two line breaks after the block.
    const std::string_view next = in_->Peek(4);
    int breaks = 0;
    const size_t separator = LineBreaks(next, &breaks);
    if (breaks < 2 && next.size() > separator) {
      // More bytes follow but not the blank line: the length is wrong.
      // Look for the next record from the start of the block, which a too
      // large length would have swallowed.
      in_->Unread(std::string_view(raw_).substr(block_begin));
      Resync();
      return Reject(rejection, number, start,
                    Cat("record ", number,
                        ": Content-Length does not match (the ", length,
                        "-byte block is not followed by a "
                        "blank line); skipped to the next "
                        "\"WARC/1.\" line"));
    }
    raw_.append(next.substr(0, separator));
    in_->Skip(separator);

    return MakeDocument(headers_begin, block_begin, static_cast<size_t>(length),
                        number, start, record, rejection);
  }

  // Parses a Content-Length value: 1 to 18 decimal digits.
  static bool ParseContentLength(std::string_view text, uint64_t* length) {
    if (text.empty() || text.size() > 18) return false;
    uint64_t n = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + (c - '0');
    }
    *length = n;
    return true;
  }

  // The bytes of the (at most two) line breaks that `next` starts with,
  // their count in *breaks.
  static size_t LineBreaks(std::string_view next, int* breaks) {
    size_t bytes = 0;
    *breaks = 0;
    while (*breaks < 2) {
      if (next.compare(bytes, 2, "\r\n") == 0) {
        bytes += 2;
      } else if (next.compare(bytes, 1, "\n") == 0) {
        bytes += 1;
      } else {
        break;
      }
      ++*breaks;
    }
    return bytes;
  }

  // Skips the block of record `number` (starting at byte `start`), larger
  // than max_document_bytes, and rejects the record.
  Step SkipLargeBlock(uint64_t length, uint64_t number, uint64_t start,
                      Rejection* rejection) {
    const uint64_t skipped = in_->Discard(length);
    if (skipped < length) {
      if (!in_->status().ok()) return StreamError(rejection, number, start);
      done_ = true;
      return Reject(
          rejection, number, start,
          Cat("record ", number, ": truncated record (Content-Length ",
              length, " runs past the end of the file)"));
    }
    SkipSeparator();
    return Reject(rejection, number, start,
                  Cat("record ", number,
                      ": record larger than "
                      "max_document_bytes (Content-Length ",
                      length, ")"));
  }

  // Consumes up to two line breaks (after a skipped block).
  void SkipSeparator() {
    for (int i = 0; i < 2; ++i) {
      const std::string_view next = in_->Peek(2);
      if (next == "\r\n") {
        in_->Skip(2);
      } else if (!next.empty() && next[0] == '\n') {
        in_->Skip(1);
      } else {
        return;
      }
    }
  }

  Step PassThrough() {
    ++passed_through_;
    if (options_.keep_pass_through) pass_through_.emplace_back(raw_);
    return Step::kPassThrough;
  }

  // Turns the record in raw_ into a document, a pass-through or a
  // rejection.
  Step MakeDocument(size_t headers_begin, size_t block_begin, size_t length,
                    uint64_t number, uint64_t start, Record* record,
                    Rejection* rejection) {
    const std::string_view headers(raw_.data() + headers_begin,
                                   block_begin - headers_begin);
    const std::string_view block(raw_.data() + block_begin, length);
    const std::string_view type = FindHeader(headers, "WARC-Type");
    std::string_view text;
    if (type == "conversion") {
      text = block;
    } else if (type == "response") {
      std::string_view payload = block;
      std::string content_type;
      std::string_view encoding;
      if (block.substr(0, 5) == "HTTP/") {
        size_t end = block.find("\r\n\r\n");
        size_t skip = 4;
        const size_t lf = block.find("\n\n");
        if (lf < end) {
          end = lf;
          skip = 2;
        }
        const std::string_view http = block.substr(0, end);
        payload = end == std::string_view::npos ? std::string_view()
                                                : block.substr(end + skip);
        content_type = MediaType(FindHeader(http, "Content-Type"));
        encoding = FindHeader(http, "Content-Encoding");
      } else {
        content_type = MediaType(FindHeader(headers, "Content-Type"));
      }
      const bool gzip_magic =
          payload.size() >= 2 && payload[0] == '\x1F' && payload[1] == '\x8B';
      const bool zlib_magic = payload.size() >= 2 && payload[0] == '\x78';
      if ((EqualsNoCase(encoding, "gzip") || EqualsNoCase(encoding, "x-gzip") ||
           EqualsNoCase(encoding, "deflate")) &&
          (gzip_magic || zlib_magic)) {
        std::string error =
            Inflate(payload, options_.max_document_bytes, &decoded_);
        if (!error.empty()) {
          return Reject(rejection, number, start,
                        Cat("record ", number,
                            ": cannot undo the "
                            "payload's Content-Encoding ",
                            encoding, ": ", error));
        }
        payload = decoded_;
      }
      switch (ClassifyPayload(content_type, payload)) {
        case PayloadKind::kBinary:
          return PassThrough();
        case PayloadKind::kText:
          text = payload;
          break;
        case PayloadKind::kHtml:
          HtmlToText(payload, &text_);
          text = text_;
          break;
      }
    } else {
      return PassThrough();
    }
    std::string_view rest;
    if (text.size() > options_.max_document_bytes) {
      if (options_.oversize == Oversize::kReject) {
        return Reject(rejection, number, start,
                      Cat("record ", number,
                          ": document larger than max_document_bytes (",
                          text.size(), " > ", options_.max_document_bytes,
                          ")"));
      }
      const size_t cut = Utf8CutPoint(text, options_.max_document_bytes);
      rest = text.substr(cut);
      text = text.substr(0, cut);
    }
    std::string_view id = FindHeader(headers, "WARC-Record-ID");
    if (id.empty()) {
      id_buffer_ = Cat(path(), ":", number);
      id = id_buffer_;
    }
    record->id = id;
    record->url = FindHeader(headers, "WARC-Target-URI");
    record->date = FindHeader(headers, "WARC-Date");
    record->text = text;
    record->text_rest = rest;
    record->text_token_begin = record->text_token_end = 0;
    record->raw = raw_;
    record->format = InputFormat::kWarc;
    record->line = number;
    record->offset = start;
    record->number = std::numeric_limits<double>::quiet_NaN();
    return Step::kRecord;
  }

  std::unique_ptr<BufferedInput> in_;
  ReaderOptions options_;
  size_t max_block_;
  uint64_t record_number_ = 0;
  uint64_t passed_through_ = 0;
  bool done_ = false;
  std::string raw_;      // the current record
  std::string text_;     // text converted from HTML
  std::string decoded_;  // a payload with its Content-Encoding undone
  std::string id_buffer_;
  std::vector<std::string> pass_through_;  // not yet taken by TakePassThrough
};

}  // namespace

std::unique_ptr<RecordReader> NewWarcReader(std::string path,
                                            Compression compression,
                                            std::unique_ptr<BufferedInput> in,
                                            const ReaderOptions& options) {
  return std::make_unique<WarcReader>(std::move(path), compression,
                                      std::move(in), options);
}

}  // namespace neardup::internal
