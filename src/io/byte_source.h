// Private to the io layer: sources of bytes (a file, standard input, a
// string) and the decompressors that wrap them (gzip with concatenated
// members, zstd with several frames). Readers see only decompressed bytes.
//
// Every source reads through fixed-size buffers (kChunkBytes); none of them
// holds a whole file. Damage to a compressed stream is reported as a
// DataLoss status naming the compressed byte offset where it was found,
// after every byte that could be decompressed before it.

#ifndef NEARDUP_IO_BYTE_SOURCE_H_
#define NEARDUP_IO_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "neardup/io.h"

namespace neardup::internal {

// The size of the read and decompression buffers: 1 MiB.
inline constexpr size_t kChunkBytes = size_t{1} << 20;

// A stream of bytes read front to back. Not thread-safe.
class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Reads up to `size` (> 0) bytes into buf[0 .. size). Returns the number
  // read, which is 0 only at the clean end of the stream (a short count is
  // not the end). After an error, every later call returns that error.
  virtual absl::StatusOr<size_t> Read(char* buf, size_t size) = 0;
};

// Opens `path` for reading ("-" is standard input, which is not closed).
// Returns NotFound "PATH: No such file or directory", PermissionDenied
// "PATH: Permission denied" (other errno values map as absl::ErrnoToStatus
// does), or InvalidArgument "PATH is a directory".
absl::StatusOr<std::unique_ptr<ByteSource>> OpenFileSource(
    const std::string& path);

// Returns a source that reads `data` (for tests and in-memory inputs).
std::unique_ptr<ByteSource> NewStringSource(std::string data);

// Returns a source of the bytes `compressed` inflates to: any number of
// concatenated gzip (or zlib) members. A stream that ends inside a member is
// DataLoss "truncated gzip stream at compressed byte N" (N = the compressed
// bytes read); undecodable data is DataLoss "corrupt gzip stream at
// compressed byte N: <zlib message>" (N = the compressed bytes consumed).
std::unique_ptr<ByteSource> NewGzipSource(
    std::unique_ptr<ByteSource> compressed);

// Returns a source of the bytes `compressed` decompresses to: any number of
// zstd frames (skippable frames included). Errors as for gzip, with "zstd"
// and the zstd error name.
std::unique_ptr<ByteSource> NewZstdSource(
    std::unique_ptr<ByteSource> compressed);

struct DecompressedSource {
  std::unique_ptr<ByteSource> source;
  Compression compression = Compression::kNone;
};

// Reads the first bytes of `raw` to detect its compression by magic number
// (DetectCompression) and returns a source of the decompressed bytes. Fails
// only when reading those first bytes fails.
absl::StatusOr<DecompressedSource> Decompress(std::unique_ptr<ByteSource> raw);

}  // namespace neardup::internal

#endif  // NEARDUP_IO_BYTE_SOURCE_H_
