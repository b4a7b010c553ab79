// Helpers shared by the io layer's tests, beside tests/test_util.h: gzip
// and zstd made with zlib and libzstd directly (not with RecordWriter, so
// that readers and writers are tested apart), and reading every result of a
// RecordReader.

#ifndef NEARDUP_TESTS_IO_TEST_UTIL_H_
#define NEARDUP_TESTS_IO_TEST_UTIL_H_

#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/io.h"
#include "tests/test_util.h"

namespace neardup::test {

// One gzip member holding `data`.
inline std::string Gzip(std::string_view data, int level = 6) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  EXPECT_EQ(rc, Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// One zstd frame holding `data`, with a content checksum (as the zstd
// command writes).
inline std::string Zstd(std::string_view data, int level = 3) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n =
      ZSTD_compress2(cctx, out.data(), out.size(), data.data(), data.size());
  ZSTD_freeCCtx(cctx);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

// The gzip members of a file: how many and where each starts.
inline std::vector<size_t> GzipMemberOffsets(std::string_view file) {
  std::vector<size_t> offsets;
  size_t pos = 0;
  while (pos < file.size()) {
    offsets.push_back(pos);
    z_stream zs;
    std::memset(&zs, 0, sizeof(zs));
    inflateInit2(&zs, 15 + 16);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(file.data() + pos));
    zs.avail_in = static_cast<uInt>(file.size() - pos);
    char sink[4096];
    int rc;
    do {
      zs.next_out = reinterpret_cast<Bytef*>(sink);
      zs.avail_out = sizeof(sink);
      rc = inflate(&zs, Z_NO_FLUSH);
    } while (rc == Z_OK);
    const size_t used = zs.total_in;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) {
      ADD_FAILURE() << "bad gzip member at " << pos;
      break;
    }
    pos += used;
  }
  return offsets;
}

// Everything a reader returned, in order.
struct ReadResult {
  struct Doc {
    std::string id, text, url, raw;
    uint64_t line = 0, offset = 0;
    double number = 0;
    size_t text_token_begin = 0, text_token_end = 0;
    std::string text_rest;
  };
  std::vector<Doc> docs;
  std::vector<Rejection> rejections;
  // The order of events: 'R' record, 'X' rejection.
  std::string events;
  std::string pass_through;
  uint64_t passed_through = 0;
};

inline ReadResult ReadAll(RecordReader* reader) {
  ReadResult result;
  Record record;
  Rejection rejection;
  for (int guard = 0; guard < 1000000; ++guard) {
    const RecordReader::Result r = reader->Next(&record, &rejection);
    if (r == RecordReader::Result::kEnd) break;
    std::vector<std::string> taken;
    reader->TakePassThrough(&taken);
    for (const auto& t : taken) result.pass_through += t;
    if (r == RecordReader::Result::kRecord) {
      result.docs.push_back({std::string(record.id), std::string(record.text),
                             std::string(record.url), std::string(record.raw),
                             record.line, record.offset, record.number,
                             record.text_token_begin, record.text_token_end,
                             std::string(record.text_rest)});
      result.events += 'R';
    } else {
      result.rejections.push_back(rejection);
      result.events += 'X';
    }
  }
  std::vector<std::string> taken;
  reader->TakePassThrough(&taken);
  for (const auto& t : taken) result.pass_through += t;
  result.passed_through = reader->passed_through();
  // kEnd is sticky.
  EXPECT_EQ(reader->Next(&record, &rejection), RecordReader::Result::kEnd);
  return result;
}

// Opens `path` with `options` and reads everything; fails the test when
// the file cannot be opened.
inline ReadResult ReadPath(const std::string& path,
                           const ReaderOptions& options = {}) {
  auto reader = RecordReader::Open(path, options);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return {};
  return ReadAll(reader->get());
}

}  // namespace neardup::test

#endif  // NEARDUP_TESTS_IO_TEST_UTIL_H_
