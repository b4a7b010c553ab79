// RecordReader::Open: path -> bytes -> decompressed bytes -> format reader.

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "io/buffered_input.h"
#include "io/byte_source.h"
#include "io/readers.h"
#include "neardup/io.h"

namespace neardup {
namespace {

constexpr size_t kSniffBytes = 4096;

bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Whether the first bytes of a JSONL file show one JSON array (an export
// of records, often pretty-printed) rather than one object per line: the
// first byte that is not whitespace (after a byte order mark) is '[', and
// the array is left open on its line or holds objects. A first line such
// as [1,2] followed by objects stays JSONL with one bad line.
bool LooksLikeJsonArray(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  size_t i = 0;
  while (i < head.size() && IsJsonSpace(head[i])) ++i;
  if (i == head.size() || head[i] != '[') return false;
  for (++i; i < head.size(); ++i) {
    if (head[i] == '\n') return true;  // '[' ends its line: pretty-printed
    if (!IsJsonSpace(head[i])) return head[i] == '{';
  }
  return false;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RecordReader>> RecordReader::Open(
    const std::string& path, const ReaderOptions& options) {
  absl::StatusOr<std::unique_ptr<internal::ByteSource>> raw =
      internal::OpenFileSource(path);
  if (!raw.ok()) return raw.status();
  absl::StatusOr<internal::DecompressedSource> source =
      internal::Decompress(*std::move(raw));
  if (!source.ok()) return source.status();
  auto in = std::make_unique<internal::BufferedInput>(
      std::move(source->source), internal::kChunkBytes,
      internal::kJsonPadding);
  // A damaged stream may yield fewer bytes here; the reader reports the
  // damage as a rejection on its first Next.
  const std::string_view head = in->Peek(8);
  const InputFormat format = DetectFormat(path, head);
  switch (format) {
    case InputFormat::kJsonl:
      if (LooksLikeJsonArray(in->Peek(kSniffBytes))) {
        return absl::InvalidArgumentError(
            path + " is one JSON array (it starts with '['), not JSON Lines: "
                   "neardup reads one JSON object per line. Convert it with "
                   "jq -c '.[]' " + path + " > records.jsonl");
      }
      return internal::NewJsonlReader(path, source->compression,
                                         std::move(in), options);
    case InputFormat::kWarc:
      return internal::NewWarcReader(path, source->compression,
                                        std::move(in), options);
    case InputFormat::kText:
      break;
  }
  return internal::NewTextReader(path, source->compression, std::move(in),
                                    options);
}

RecordReader::Result RecordReader::ReadLineAt(uint64_t line, bool, Record*,
                                              Rejection* rejection) {
  rejection->file = path_;
  rejection->line = line;
  rejection->offset = 0;
  rejection->reason =
      std::string("reading by line number needs a JSONL file, not ") +
      InputFormatName(format_);
  return Result::kRejected;
}

void FieldCounts::Add(const FieldCounts& other) {
  objects += other.objects;
  missing_text += other.missing_text;
  missing_id += other.missing_id;
  missing_number += other.missing_number;
  for (const std::string& key : other.first_keys) {
    if (first_keys.size() < 64 &&
        std::find(first_keys.begin(), first_keys.end(), key) == first_keys.end()) {
      first_keys.push_back(key);
    }
  }
}

}  // namespace neardup
