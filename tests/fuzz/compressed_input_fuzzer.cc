// Fuzz target: gzip and zstd input. The first byte picks a mode:
//  0: the bytes as a file (compression detected by magic), read whole;
//  1: the bytes forced through the gzip and the zstd decoder;
//  2, 3: the bytes compressed with gzip (2) or zstd (3), cut after a
//     position taken from the input, and decompressed: the output must be
//     a prefix of the bytes, whole only when nothing was cut, and a cut
//     stream must end with an error, never silently.

#include <zlib.h>
#include <zstd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_util.h"

namespace {

namespace io = neardup::internal;

// Reads `source` to its end (or error) in reads of varying size.
std::string Drain(io::ByteSource* source, absl::Status* status) {
  std::string out;
  char buf[4096];
  size_t want = 1;
  for (;;) {
    absl::StatusOr<size_t> n = source->Read(buf, want);
    if (!n.ok()) {
      *status = n.status();
      // Errors are sticky.
      FUZZ_CHECK(!source->Read(buf, 1).ok());
      return out;
    }
    if (*n == 0) break;
    FUZZ_CHECK(*n <= want);
    out.append(buf, *n);
    want = want * 3 % sizeof(buf) + 1;
  }
  *status = absl::OkStatus();
  return out;
}

std::string Gzip(std::string_view data) {
  z_stream zs{};
  FUZZ_CHECK(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
                          Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  FUZZ_CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n =
      ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 1);
  FUZZ_CHECK(!ZSTD_isError(n));
  out.resize(n);
  return out;
}

void CutAndRead(std::string_view data, std::string compressed, size_t cut) {
  const bool whole = cut >= compressed.size();
  compressed.resize(std::min(cut, compressed.size()));
  auto source = io::Decompress(io::NewStringSource(compressed));
  FUZZ_CHECK(source.ok());
  absl::Status status;
  const std::string out = Drain(source->source.get(), &status);
  // A cut shorter than the magic number is read as plain bytes.
  if (source->compression == neardup::Compression::kNone) return;
  FUZZ_CHECK(data.substr(0, out.size()) == out);
  if (whole) {
    FUZZ_CHECK(status.ok());
    FUZZ_CHECK(out == data);
  } else {
    FUZZ_CHECK(!status.ok());
    FUZZ_CHECK(status.message().find("compressed byte") !=
               std::string_view::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  neardup::fuzz::FuzzInput input(data, size);
  const uint8_t mode = input.Byte() & 3;
  absl::Status status;
  switch (mode) {
    case 0: {
      auto source = io::Decompress(io::NewStringSource(std::string(input.rest())));
      FUZZ_CHECK(source.ok());
      const std::string out = Drain(source->source.get(), &status);
      if (source->compression == neardup::Compression::kNone) {
        FUZZ_CHECK(status.ok());
        FUZZ_CHECK(out == input.rest());
      }
      break;
    }
    case 1: {
      auto gzip = io::NewGzipSource(io::NewStringSource(std::string(input.rest())));
      Drain(gzip.get(), &status);
      auto zstd = io::NewZstdSource(io::NewStringSource(std::string(input.rest())));
      Drain(zstd.get(), &status);
      break;
    }
    default: {
      const size_t cut = static_cast<size_t>(input.Byte()) << 8 | input.Byte();
      const std::string_view text = input.rest();
      CutAndRead(text, mode == 2 ? Gzip(text) : Zstd(text), cut);
      break;
    }
  }
  return 0;
}
