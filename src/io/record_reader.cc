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

absl::StatusOr<std::unique_ptr<RecordReader>> RecordReader::Open(
    const std::string& path, const ReaderOptions& options) {
  absl::StatusOr<std::unique_ptr<io_internal::ByteSource>> raw =
      io_internal::OpenFileSource(path);
  if (!raw.ok()) return raw.status();
  absl::StatusOr<io_internal::DecompressedSource> source =
      io_internal::Decompress(*std::move(raw));
  if (!source.ok()) return source.status();
  auto in = std::make_unique<io_internal::BufferedInput>(
      std::move(source->source), io_internal::kChunkBytes,
      io_internal::kJsonPadding);
  // A damaged stream may yield fewer bytes here; the reader reports the
  // damage as a rejection on its first Next.
  const std::string_view head = in->Peek(8);
  const InputFormat format = DetectFormat(path, head);
  switch (format) {
    case InputFormat::kJsonl:
      return io_internal::NewJsonlReader(path, source->compression,
                                         std::move(in), options);
    case InputFormat::kWarc:
      return io_internal::NewWarcReader(path, source->compression,
                                        std::move(in), options);
    case InputFormat::kText:
      break;
  }
  return io_internal::NewTextReader(path, source->compression, std::move(in),
                                    options);
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
