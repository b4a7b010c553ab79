// Byte sources: files, strings, and the gzip and zstd decompressors.

#include "io/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "io/strings.h"

namespace neardup::internal {
namespace {

class FileSource : public ByteSource {
 public:
  FileSource(std::string path, int fd, bool owned)
      : path_(std::move(path)), fd_(fd), owned_(owned) {}
  ~FileSource() override {
    if (owned_) close(fd_);
  }

  absl::StatusOr<size_t> Read(char* buf, size_t size) override {
    if (!status_.ok()) return status_;
    for (;;) {
      const ssize_t n = read(fd_, buf, size);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      status_ = absl::ErrnoToStatus(errno, Cat("reading ", path_));
      return status_;
    }
  }

 private:
  std::string path_;
  int fd_;
  bool owned_;
  absl::Status status_;
};

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}

  absl::StatusOr<size_t> Read(char* buf, size_t size) override {
    const size_t n = std::min(size, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

// Returns `prefix` first, then the rest of `rest`: puts back the bytes
// Decompress read to look at the magic number.
class PrefixSource : public ByteSource {
 public:
  PrefixSource(std::string prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}

  absl::StatusOr<size_t> Read(char* buf, size_t size) override {
    if (pos_ < prefix_.size()) {
      const size_t n = std::min(size, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, n);
      pos_ += n;
      return n;
    }
    return rest_->Read(buf, size);
  }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

class GzipSource : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> in)
      : in_(std::move(in)), buf_(new char[kChunkBytes]) {
    std::memset(&zs_, 0, sizeof(zs_));
    // 15 + 32: a 32 KiB window, gzip or zlib header detected automatically.
    if (inflateInit2(&zs_, 15 + 32) != Z_OK) {
      status_ = absl::ResourceExhaustedError("cannot initialize zlib");
    }
  }
  ~GzipSource() override { inflateEnd(&zs_); }

  absl::StatusOr<size_t> Read(char* out, size_t size) override {
    if (!status_.ok()) return status_;
    if (done_) return 0;
    zs_.next_out = reinterpret_cast<Bytef*>(out);
    zs_.avail_out = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
    const uInt want = zs_.avail_out;
    while (zs_.avail_out == want) {
      if (zs_.avail_in == 0 && !input_ended_) {
        absl::StatusOr<size_t> n = in_->Read(buf_.get(), kChunkBytes);
        if (!n.ok()) {
          status_ = n.status();
          break;
        }
        if (*n == 0) {
          input_ended_ = true;
        } else {
          zs_.next_in = reinterpret_cast<Bytef*>(buf_.get());
          zs_.avail_in = static_cast<uInt>(*n);
          read_ += *n;
        }
      }
      if (zs_.avail_in == 0 && input_ended_) {
        if (in_member_) {
          status_ = absl::DataLossError(
              Cat("truncated gzip stream at compressed byte ", read_));
        } else {
          done_ = true;
        }
        break;
      }
      if (!in_member_) {
        // Another member follows the last one (as in .warc.gz).
        inflateReset(&zs_);
        in_member_ = true;
      }
      const int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        status_ = absl::DataLossError(
            Cat("corrupt gzip stream at compressed byte ", read_ - zs_.avail_in,
                ": ", zs_.msg != nullptr ? zs_.msg : zError(rc)));
        break;
      }
    }
    const size_t produced = want - zs_.avail_out;
    if (produced > 0) return produced;  // an error waits for the next call
    if (!status_.ok()) return status_;
    return 0;
  }

 private:
  std::unique_ptr<ByteSource> in_;
  std::unique_ptr<char[]> buf_;
  z_stream zs_;
  uint64_t read_ = 0;  // compressed bytes read from in_
  bool input_ended_ = false;
  bool in_member_ = false;
  bool done_ = false;
  absl::Status status_;
};

class ZstdSource : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> in)
      : in_(std::move(in)),
        buf_(new char[kChunkBytes]),
        dctx_(ZSTD_createDCtx()) {
    if (dctx_ == nullptr) {
      status_ = absl::ResourceExhaustedError("cannot initialize zstd");
    }
    in_buf_.src = buf_.get();
  }
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }

  absl::StatusOr<size_t> Read(char* out, size_t size) override {
    if (!status_.ok()) return status_;
    if (done_) return 0;
    ZSTD_outBuffer ob = {out, size, 0};
    for (;;) {
      if (in_buf_.pos == in_buf_.size && !input_ended_) {
        absl::StatusOr<size_t> n = in_->Read(buf_.get(), kChunkBytes);
        if (!n.ok()) {
          status_ = n.status();
          break;
        }
        in_buf_.size = *n;
        in_buf_.pos = 0;
        read_ += *n;
        if (*n == 0) input_ended_ = true;
      }
      const bool no_input = in_buf_.pos == in_buf_.size && input_ended_;
      if (no_input && frame_complete_) {
        done_ = true;
        break;
      }
      const size_t in_before = in_buf_.pos;
      const size_t rc = ZSTD_decompressStream(dctx_, &ob, &in_buf_);
      if (ZSTD_isError(rc)) {
        status_ = absl::DataLossError(Cat(
            "corrupt zstd stream at compressed byte ",
            read_ - (in_buf_.size - in_buf_.pos), ": ", ZSTD_getErrorName(rc)));
        break;
      }
      frame_complete_ = rc == 0;
      if (ob.pos > 0) break;
      if (no_input && in_buf_.pos == in_before) {
        // Nothing left to read, nothing flushed, and the frame is open.
        status_ = absl::DataLossError(
            Cat("truncated zstd stream at compressed byte ", read_));
        break;
      }
    }
    if (ob.pos > 0) return ob.pos;
    if (!status_.ok()) return status_;
    return 0;
  }

 private:
  std::unique_ptr<ByteSource> in_;
  std::unique_ptr<char[]> buf_;
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer in_buf_ = {nullptr, 0, 0};
  uint64_t read_ = 0;
  bool input_ended_ = false;
  bool frame_complete_ = true;  // no frame has begun
  bool done_ = false;
  absl::Status status_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ByteSource>> OpenFileSource(
    const std::string& path) {
  int fd = 0;
  const bool owned = path != "-";
  if (owned) {
    do {
      fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return absl::ErrnoToStatus(errno, path);
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    if (owned) close(fd);
    return absl::InvalidArgumentError(Cat(path, " is a directory"));
  }
  if (owned) posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<ByteSource>(new FileSource(path, fd, owned));
}

std::unique_ptr<ByteSource> NewStringSource(std::string data) {
  return std::make_unique<StringSource>(std::move(data));
}

std::unique_ptr<ByteSource> NewGzipSource(
    std::unique_ptr<ByteSource> compressed) {
  return std::make_unique<GzipSource>(std::move(compressed));
}

std::unique_ptr<ByteSource> NewZstdSource(
    std::unique_ptr<ByteSource> compressed) {
  return std::make_unique<ZstdSource>(std::move(compressed));
}

absl::StatusOr<DecompressedSource> Decompress(std::unique_ptr<ByteSource> raw) {
  // Both magic numbers are 4 bytes or shorter; a pipe may deliver less per
  // read, so read until 4 bytes or the end.
  char magic[4];
  size_t have = 0;
  while (have < sizeof(magic)) {
    absl::StatusOr<size_t> n = raw->Read(magic + have, sizeof(magic) - have);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    have += *n;
  }
  DecompressedSource out;
  out.compression = DetectCompression(std::string_view(magic, have));
  auto source =
      std::make_unique<PrefixSource>(std::string(magic, have), std::move(raw));
  switch (out.compression) {
    case Compression::kGzip:
      out.source = NewGzipSource(std::move(source));
      break;
    case Compression::kZstd:
      out.source = NewZstdSource(std::move(source));
      break;
    case Compression::kNone:
      out.source = std::move(source);
      break;
  }
  return out;
}

}  // namespace neardup::internal
