// ReplaceRecordText: a record written back with its document text
// replaced, in the format it was read in. The readers say where the text
// sits in Record::raw (JSONL: the text token; WARC: the block after the
// headers; text: the whole file), so only this file knows how a record of
// each format is put back together.

#include <cctype>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "neardup/io.h"

namespace neardup {
namespace {

// Lower-cased header name of a WARC header line ("Name: value").
std::string HeaderName(std::string_view line) {
  std::string name(line.substr(0, line.find(':')));
  for (char& c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name;
}

// The headers of a WARC conversion record with Content-Length set to
// `block_bytes`, each line ended by CRLF, then the blank line.
absl::Status ReplaceWarcBlock(std::string_view raw, std::string_view block,
                              std::string* out) {
  size_t header_end = raw.find("\r\n\r\n");
  if (header_end == std::string_view::npos) header_end = raw.find("\n\n");
  if (header_end == std::string_view::npos) {
    return absl::InvalidArgumentError(
        "a WARC record without the blank line after its headers");
  }
  const std::string_view headers = raw.substr(0, header_end);
  bool conversion = false;
  size_t at = 0;
  while (at <= headers.size()) {
    size_t end = headers.find('\n', at);
    if (end == std::string_view::npos) end = headers.size();
    std::string_view line = headers.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string name = HeaderName(line);
    if (name == "content-length") {
      out->append("Content-Length: ")
          .append(std::to_string(block.size()))
          .append("\r\n");
    } else {
      if (name == "warc-type" &&
          line.substr(line.find(':') + 1).find("conversion") !=
              std::string_view::npos) {
        conversion = true;
      }
      out->append(line).append("\r\n");
    }
    at = end + 1;
  }
  if (!conversion) {
    out->clear();
    return absl::FailedPreconditionError(
        "only a WARC conversion record (WET) can have its text replaced: "
        "the text of another record was taken from its payload");
  }
  out->append("\r\n").append(block).append("\r\n\r\n");
  return absl::OkStatus();
}

}  // namespace

absl::Status ReplaceRecordText(const Record& record, std::string_view text,
                               std::string* out) {
  out->clear();
  switch (record.format) {
    case InputFormat::kJsonl:
      if (record.text_token_end <= record.text_token_begin ||
          record.text_token_end > record.raw.size()) {
        return absl::InvalidArgumentError(
            "a JSONL record without the position of its text field");
      }
      out->append(record.raw.substr(0, record.text_token_begin));
      AppendJsonString(text, out);
      out->append(record.raw.substr(record.text_token_end));
      return absl::OkStatus();
    case InputFormat::kWarc:
      return ReplaceWarcBlock(record.raw, text, out);
    case InputFormat::kText:
      out->assign(text);
      return absl::OkStatus();
  }
  return absl::InvalidArgumentError("a record of an unknown format");
}

}  // namespace neardup
