// RecordWriter: compressed output through a temporary file renamed by
// Commit.
//
// Compression: gzip (zlib deflate, level 6; one member per Write or
// WriteLine call for WARC, one member for the whole file otherwise), zstd
// (level 3, one frame with a content checksum), or none. Output goes
// through a 1 MiB buffer. The first error is kept: later calls return it.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "io/strings.h"
#include "neardup/io.h"

namespace neardup {
namespace {

constexpr size_t kBufferBytes = size_t{1} << 20;

std::string ParentFolder(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

class RecordWriter::Impl {
 public:
  Impl(std::string path, std::string temp_path, int fd, InputFormat format,
       Compression compression)
      : path_(std::move(path)),
        temp_path_(std::move(temp_path)),
        fd_(fd),
        format_(format),
        compression_(compression),
        buffer_(new char[kBufferBytes]) {}

  ~Impl() {
    if (zlib_ready_) deflateEnd(&zs_);
    ZSTD_freeCCtx(cctx_);
    if (fd_ >= 0) close(fd_);
    if (!committed_) unlink(temp_path_.c_str());
  }

  absl::Status Init() {
    if (compression_ == Compression::kGzip) {
      std::memset(&zs_, 0, sizeof(zs_));
      // 15 + 16: a 32 KiB window with a gzip header and trailer.
      if (deflateInit2(&zs_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
          Z_OK) {
        return absl::ResourceExhaustedError("cannot initialize zlib");
      }
      zlib_ready_ = true;
    } else if (compression_ == Compression::kZstd) {
      cctx_ = ZSTD_createCCtx();
      if (cctx_ == nullptr) {
        return absl::ResourceExhaustedError("cannot initialize zstd");
      }
      ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, 3);
      ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
    }
    return absl::OkStatus();
  }

  // Appends `a` then `b`; for WARC gzip output both go in one member.
  absl::Status Write(std::string_view a, std::string_view b) {
    if (!status_.ok()) return status_;
    if (finished_) {
      return absl::FailedPreconditionError(
          internal::Cat(path_, ": write after Finish or Commit"));
    }
    switch (compression_) {
      case Compression::kNone:
        Append(a);
        Append(b);
        break;
      case Compression::kGzip: {
        const bool member = format_ == InputFormat::kWarc;
        if (member && a.empty() && b.empty()) break;
        Deflate(a, Z_NO_FLUSH);
        Deflate(b, member ? Z_FINISH : Z_NO_FLUSH);
        if (member && status_.ok()) deflateReset(&zs_);
        break;
      }
      case Compression::kZstd:
        Compress(a, ZSTD_e_continue);
        Compress(b, ZSTD_e_continue);
        break;
    }
    return status_;
  }

  absl::Status Finish() {
    if (!status_.ok()) return status_;
    if (finished_) return absl::OkStatus();
    if (compression_ == Compression::kGzip && format_ != InputFormat::kWarc) {
      Deflate(std::string_view(), Z_FINISH);
    } else if (compression_ == Compression::kZstd) {
      Compress(std::string_view(), ZSTD_e_end);
    }
    Flush();
    if (!status_.ok()) return status_;
    if (fsync(fd_) != 0) return Fail(errno, "syncing");
    const int fd = fd_;
    fd_ = -1;
    if (close(fd) != 0) return Fail(errno, "closing");
    finished_ = true;
    // A finished writer waits for its rename: it keeps no memory.
    buffer_.reset();
    if (zlib_ready_) deflateEnd(&zs_);
    zlib_ready_ = false;
    ZSTD_freeCCtx(cctx_);
    cctx_ = nullptr;
    return absl::OkStatus();
  }

  absl::Status Commit() {
    if (committed_) return absl::OkStatus();
    if (auto s = Finish(); !s.ok()) return s;
    if (rename(temp_path_.c_str(), path_.c_str()) != 0) {
      return Fail(errno, internal::Cat("renaming ", temp_path_, " to"));
    }
    committed_ = true;
    // Make the rename itself durable; failing here loses nothing written.
    const int dir = open(ParentFolder(path_).c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
      fsync(dir);
      close(dir);
    }
    return absl::OkStatus();
  }

  const std::string& path() const { return path_; }

 private:
  absl::Status Fail(int error, std::string_view what) {
    status_ = absl::ErrnoToStatus(error, internal::Cat(what, " ", path_));
    return status_;
  }

  void Append(std::string_view bytes) {
    while (!bytes.empty() && status_.ok()) {
      if (used_ == 0 && bytes.size() >= kBufferBytes) {
        WriteAll(bytes.data(), bytes.size());
        return;
      }
      const size_t take = std::min(bytes.size(), kBufferBytes - used_);
      std::memcpy(buffer_.get() + used_, bytes.data(), take);
      used_ += take;
      bytes.remove_prefix(take);
      if (used_ == kBufferBytes) Flush();
    }
  }

  void Flush() {
    if (used_ > 0 && status_.ok()) WriteAll(buffer_.get(), used_);
    used_ = 0;
  }

  void WriteAll(const char* data, size_t size) {
    while (size > 0) {
      const ssize_t n = ::write(fd_, data, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        static_cast<void>(Fail(errno, "writing"));
        return;
      }
      data += n;
      size -= static_cast<size_t>(n);
    }
  }

  void Deflate(std::string_view in, int flush) {
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    // zlib counts in uInt: feed more than 1 GiB in pieces.
    zs_.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), 1u << 30));
    size_t rest = in.size() - zs_.avail_in;
    for (;;) {
      if (!status_.ok()) return;
      if (used_ == kBufferBytes) Flush();
      zs_.next_out = reinterpret_cast<Bytef*>(buffer_.get() + used_);
      zs_.avail_out = static_cast<uInt>(kBufferBytes - used_);
      const int last_flush = rest > 0 ? Z_NO_FLUSH : flush;
      const int rc = deflate(&zs_, last_flush);
      used_ = kBufferBytes - zs_.avail_out;
      if (rc == Z_STREAM_ERROR) {
        status_ =
            absl::InternalError(internal::Cat("deflate failed for ", path_));
        return;
      }
      if (zs_.avail_in == 0 && rest > 0) {
        const size_t take = std::min<size_t>(rest, 1u << 30);
        zs_.avail_in = static_cast<uInt>(take);
        rest -= take;
        continue;
      }
      if (last_flush == Z_FINISH) {
        if (rc == Z_STREAM_END) return;
      } else if (zs_.avail_in == 0 && zs_.avail_out != 0) {
        return;
      }
    }
  }

  void Compress(std::string_view in, ZSTD_EndDirective mode) {
    ZSTD_inBuffer ib = {in.data(), in.size(), 0};
    for (;;) {
      if (!status_.ok()) return;
      if (used_ == kBufferBytes) Flush();
      ZSTD_outBuffer ob = {buffer_.get(), kBufferBytes, used_};
      const size_t remaining = ZSTD_compressStream2(cctx_, &ob, &ib, mode);
      used_ = ob.pos;
      if (ZSTD_isError(remaining)) {
        status_ = absl::InternalError(internal::Cat(
            "zstd failed for ", path_, ": ", ZSTD_getErrorName(remaining)));
        return;
      }
      if (mode == ZSTD_e_end ? remaining == 0 : ib.pos == ib.size) return;
    }
  }

  std::string path_;
  std::string temp_path_;
  int fd_;
  InputFormat format_;
  Compression compression_;
  std::unique_ptr<char[]> buffer_;
  size_t used_ = 0;
  z_stream zs_;
  bool zlib_ready_ = false;
  ZSTD_CCtx* cctx_ = nullptr;
  bool finished_ = false;   // flushed, synced and closed
  bool committed_ = false;  // renamed into place
  absl::Status status_;
};

RecordWriter::RecordWriter(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
RecordWriter::~RecordWriter() = default;

absl::StatusOr<std::unique_ptr<RecordWriter>> RecordWriter::Create(
    const std::string& path, InputFormat format, Compression compression) {
  const std::string temp_path = internal::Cat(path, ".tmp-", getpid());
  int fd;
  do {
    fd =
        open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    const int error = errno;
    const std::string folder = ParentFolder(path);
    struct stat st;
    if (error == ENOENT && stat(folder.c_str(), &st) != 0) {
      return absl::NotFoundError(internal::Cat(
          "cannot create ", path, ": folder ", folder, " does not exist"));
    }
    return absl::ErrnoToStatus(error,
                               internal::Cat("cannot create ", temp_path));
  }
  auto impl = std::make_unique<Impl>(path, temp_path, fd, format, compression);
  absl::Status status = impl->Init();
  if (!status.ok()) return status;
  return std::unique_ptr<RecordWriter>(new RecordWriter(std::move(impl)));
}

absl::Status RecordWriter::Write(std::string_view bytes) {
  return impl_->Write(bytes, std::string_view());
}

absl::Status RecordWriter::WriteLine(std::string_view line) {
  return impl_->Write(line, "\n");
}

absl::Status RecordWriter::Finish() { return impl_->Finish(); }

absl::Status RecordWriter::Commit() { return impl_->Commit(); }

const std::string& RecordWriter::path() const { return impl_->path(); }

}  // namespace neardup
