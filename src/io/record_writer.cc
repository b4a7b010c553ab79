// RecordWriter: compressed output through a temporary file renamed by
// Commit.
//
// Compression: gzip (zlib deflate, level 6; one member per Write or
// WriteLine call for WARC, one member for the whole file otherwise), zstd
// (level 3, one frame with a content checksum), or none. Output goes
// through a 1 MiB buffer. The first error is kept: later calls return it.
//
// With WriterOptions::background, the caller's thread copies what it is
// given into a ring of kChunks buffers; a thread of the writer's own takes
// the full ones in order and does what the caller's thread does otherwise
// (Encode: compress, buffer, write). The compressors' output does not
// depend on how their input is cut into calls (deflate with Z_NO_FLUSH and
// zstd with ZSTD_e_continue buffer it), so the file's bytes are the same;
// for WARC gzip, where each Write is one member, a chunk lists where its
// members end.
//
// Writing into the page cache costs mostly the allocation of its pages
// (on a virtual machine whose host takes back the guest's free memory,
// each new page is a fault on the host: about 5 s per GB, against 0.4 s
// for the copy itself). With a background writer, a third thread
// (Prefault) allocates the pages of the next kAheadBytes of the file
// ahead of the writing thread (MADV_POPULATE_WRITE on a mapping of the
// file, which the writing thread extends with ftruncate; Finish cuts the
// file to what was written), so that the work spreads over the cores that
// are free. It is only an optimization: any failure of it (a file size
// limit, a full disk, a kernel without MADV_POPULATE_WRITE) stops it and
// leaves the writing as it was.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "io/strings.h"
#include "neardup/io.h"

namespace neardup {
namespace {

constexpr size_t kBufferBytes = size_t{1} << 20;
// Background writing: chunks of input in the ring, and each one's size.
// Eight, so that a loaded machine's delay in scheduling the writing thread
// seldom stops the caller (a chunk's memory is touched only once used).
constexpr size_t kChunks = 8;
constexpr size_t kChunkBytes = size_t{1} << 20;
// Prefault: how far ahead of the writing thread, in steps of kStepBytes
// (one mapping each: the process maps at most that much at a time).
constexpr uint64_t kAheadBytes = uint64_t{16} << 20;
constexpr uint64_t kStepBytes = uint64_t{2} << 20;
// Background writing also starts the disk writes of every kWritebackBytes
// written (sync_file_range), so that Finish's fsync waits for the last
// ones only: without it the disk starts on a 1 GB output at the fsync
// (about 2 s on the development VM, with no CPU to overlap).
constexpr uint64_t kWritebackBytes = uint64_t{8} << 20;

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
    StopThread(/*drain=*/false);
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

  // Starts the thread that encodes and writes (WriterOptions::background).
  void StartThread() {
    for (Chunk& c : chunks_) c.data.reset(new char[kChunkBytes]);
    writeback_ = true;
    thread_ = std::thread([this] { RunThread(); });
#ifdef MADV_POPULATE_WRITE
    // The file may not grow past the process's size limit (SIGXFSZ).
    struct rlimit limit;
    if (getrlimit(RLIMIT_FSIZE, &limit) == 0) {
      size_limit_ = limit.rlim_cur == RLIM_INFINITY
                        ? UINT64_MAX
                        : static_cast<uint64_t>(limit.rlim_cur);
      prefault_ = true;
      prefaulter_ = std::thread([this] { Prefault(); });
    }
#endif
  }

  // Appends `a` then `b`; for WARC gzip output both go in one member.
  absl::Status Write(std::string_view a, std::string_view b) {
    if (thread_.joinable()) {
      if (thread_failed_.load(std::memory_order_acquire)) return ThreadStatus();
      if (member_gzip() && a.empty() && b.empty()) return absl::OkStatus();
      Stage(a);
      Stage(b);
      if (member_gzip()) chunks_[filling_ % kChunks].member_ends.push_back(used_in_chunk_);
      return absl::OkStatus();
    }
    if (!status_.ok()) return status_;
    if (finished_) {
      return absl::FailedPreconditionError(
          internal::Cat(path_, ": write after Finish or Commit"));
    }
    Encode(a, b);
    return status_;
  }

  // Encodes and writes `a` then `b` (on the thread that writes).
  void Encode(std::string_view a, std::string_view b) {
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
  }

  absl::Status Finish() {
    // The thread writes what is staged and stops; its status is then ours.
    StopThread(/*drain=*/true);
    if (!status_.ok()) return status_;
    if (finished_) return absl::OkStatus();
    if (compression_ == Compression::kGzip && format_ != InputFormat::kWarc) {
      Deflate(std::string_view(), Z_FINISH);
    } else if (compression_ == Compression::kZstd) {
      Compress(std::string_view(), ZSTD_e_end);
    }
    Flush();
    if (!status_.ok()) return status_;
    if (extended_ > file_bytes_ &&
        ftruncate(fd_, static_cast<off_t>(file_bytes_)) != 0) {
      return Fail(errno, "cutting to its size");
    }
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
  // One buffer of the ring: bytes given to Write, in order.
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t size = 0;
    // WARC gzip: where a member (one Write) ends, in order. Its capacity
    // is kept from use to use.
    std::vector<size_t> member_ends;
  };

  bool member_gzip() const {
    return compression_ == Compression::kGzip && format_ == InputFormat::kWarc;
  }

  // Copies `bytes` into the chunk being filled, handing each full one to
  // the thread (a chunk is handed over only when more bytes follow, so
  // that a member ending at its last byte is listed in it).
  void Stage(std::string_view bytes) {
    while (!bytes.empty()) {
      if (used_in_chunk_ == kChunkBytes) Submit();
      Chunk& c = chunks_[filling_ % kChunks];
      const size_t take = std::min(bytes.size(), kChunkBytes - used_in_chunk_);
      std::memcpy(c.data.get() + used_in_chunk_, bytes.data(), take);
      used_in_chunk_ += take;
      bytes.remove_prefix(take);
    }
  }

  // Hands the chunk being filled to the thread and waits until the next
  // one in the ring is free.
  void Submit() {
    chunks_[filling_ % kChunks].size = used_in_chunk_;
    std::unique_lock<std::mutex> lock(mu_);
    ++filling_;
    submitted_ = filling_;
    cv_.notify_all();
    // When the ring is full, wait until half of it is free again: one
    // wake-up per kChunks / 2 chunks written.
    if (filling_ - done_ == kChunks) {
      cv_.wait(lock, [this] { return filling_ - done_ <= kChunks / 2; });
    }
    used_in_chunk_ = 0;
    chunks_[filling_ % kChunks].member_ends.clear();
  }

  // The writing thread: encodes the chunks in order until told to stop.
  void RunThread() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return done_ < submitted_ || stop_; });
      if (done_ == submitted_) return;  // stopped, and all written
      if (abandon_) return;
      Chunk& c = chunks_[done_ % kChunks];
      lock.unlock();
      if (status_.ok()) EncodeChunk(c);
      const bool failed = !status_.ok();
      lock.lock();
      if (failed && !thread_failed_.load(std::memory_order_relaxed)) {
        thread_status_ = status_;
        thread_failed_.store(true, std::memory_order_release);
      }
      ++done_;
      cv_.notify_all();
    }
  }

  void EncodeChunk(const Chunk& c) {
    if (prefault_) Extend();
    const std::string_view bytes(c.data.get(), c.size);
    if (compression_ == Compression::kNone) {
      WriteAll(bytes.data(), bytes.size());
      return;
    }
    if (!member_gzip()) {
      Encode(bytes, std::string_view());
      return;
    }
    size_t begin = 0;
    for (const size_t end : c.member_ends) {
      Deflate(bytes.substr(begin, end - begin), Z_FINISH);
      if (status_.ok()) deflateReset(&zs_);
      begin = end;
    }
    // Not even a header for a member that has no byte yet: deflate writes
    // one on its first call after a reset, and the file may end here.
    if (begin < bytes.size()) Deflate(bytes.substr(begin), Z_NO_FLUSH);
  }

  // Stops the thread, if any: after writing every chunk staged (`drain`),
  // or after at most the chunk it is writing (the writer is going away
  // unfinished). Errors it met are in status_ afterwards.
  void StopThread(bool drain) {
    if (!thread_.joinable()) return;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (drain && used_in_chunk_ > 0) {
        // The last chunk, partly filled: no ring slot is needed after it.
        chunks_[filling_ % kChunks].size = used_in_chunk_;
        ++filling_;
        submitted_ = filling_;
        used_in_chunk_ = 0;
      }
      stop_ = true;
      abandon_ = !drain;
      cv_.notify_all();
    }
    thread_.join();
    if (prefaulter_.joinable()) prefaulter_.join();
    for (Chunk& c : chunks_) c.data.reset();
  }

  // The writing thread: keeps the file up to kAheadBytes longer than what
  // it wrote (zeros that the writes replace), for Prefault to map.
  void Extend() {
    // As far ahead as the file is long (at least one step, at most
    // kAheadBytes): a small output costs no more than a step of pages.
    const uint64_t ahead = std::clamp(file_bytes_, kStepBytes, kAheadBytes);
    const uint64_t want =
        (file_bytes_ + ahead + kStepBytes - 1) / kStepBytes * kStepBytes;
    if (want <= extended_) return;
    if (want > size_limit_ || ftruncate(fd_, static_cast<off_t>(want)) != 0) {
      prefault_ = false;  // Finish still cuts what was extended
      std::lock_guard<std::mutex> lock(mu_);
      prefault_off_ = true;
      cv_.notify_all();
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    extended_ = want;
    written_ = file_bytes_;
    cv_.notify_all();
  }

  // The prefaulting thread: allocates the page cache of the file from
  // where the writing thread is to what it extended, kStepBytes at a time.
  void Prefault() {
    uint64_t next = 0;
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || prefault_off_ || next < extended_; });
      if (stop_ || prefault_off_) return;
      next = std::max(next, written_ / kStepBytes * kStepBytes);
      if (next >= extended_) continue;
      const uint64_t begin = next;
      lock.unlock();
      bool ok = false;
#ifdef MADV_POPULATE_WRITE
      void* map = mmap(nullptr, kStepBytes, PROT_READ | PROT_WRITE, MAP_SHARED,
                       fd_, static_cast<off_t>(begin));
      if (map != MAP_FAILED) {
        ok = madvise(map, kStepBytes, MADV_POPULATE_WRITE) == 0;
        munmap(map, kStepBytes);
      }
#endif
      lock.lock();
      if (!ok) return;  // no page is faulted more than once either way
      next = begin + kStepBytes;
    }
  }

  absl::Status ThreadStatus() {
    std::lock_guard<std::mutex> lock(mu_);
    return thread_status_;
  }

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
      file_bytes_ += static_cast<uint64_t>(n);
    }
#ifdef SYNC_FILE_RANGE_WRITE
    if (writeback_ && file_bytes_ - writeback_from_ >= kWritebackBytes) {
      // Only starts the writes (an error shows at the fsync).
      sync_file_range(fd_, static_cast<off_t>(writeback_from_),
                      static_cast<off_t>(file_bytes_ - writeback_from_),
                      SYNC_FILE_RANGE_WRITE);
      writeback_from_ = file_bytes_;
    }
#endif
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
  // Of the thread that encodes and writes while it runs (everything
  // above but path_, format_ and compression_), then of the caller's.
  absl::Status status_;

  // Background writing: the caller fills chunks_[filling_ % kChunks]
  // (used_in_chunk_ bytes so far); the thread writes chunks done_ to
  // submitted_ - 1 (mod kChunks), in order.
  std::thread thread_;
  Chunk chunks_[kChunks];
  size_t used_in_chunk_ = 0;  // the caller's
  size_t filling_ = 0;        // the caller's; read by the thread under mu_
  std::mutex mu_;
  std::condition_variable cv_;
  size_t submitted_ = 0;  // guarded by mu_
  size_t done_ = 0;       // guarded by mu_
  bool stop_ = false;     // guarded by mu_: no chunk comes after submitted_
  bool abandon_ = false;  // guarded by mu_: write nothing more
  absl::Status thread_status_;  // guarded by mu_: the thread's first error
  std::atomic<bool> thread_failed_{false};

  // Prefault. file_bytes_ and prefault_ are the writing thread's (then the
  // caller's); extended_, written_ and prefault_off_ are set by it under
  // mu_.
  std::thread prefaulter_;
  uint64_t file_bytes_ = 0;  // written to the file so far
  uint64_t size_limit_ = 0;  // RLIMIT_FSIZE
  bool prefault_ = false;    // Extend keeps extending
  bool prefault_off_ = false;  // it stopped: so does Prefault
  uint64_t extended_ = 0;  // the file's size set by Extend (0: never)
  uint64_t written_ = 0;   // file_bytes_ when Extend last ran
  // Early writeback (kWritebackBytes), the writing thread's like
  // file_bytes_: on with background writing; the disk writes are started
  // up to writeback_from_.
  bool writeback_ = false;
  uint64_t writeback_from_ = 0;
};

RecordWriter::RecordWriter(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
RecordWriter::~RecordWriter() = default;

absl::StatusOr<std::unique_ptr<RecordWriter>> RecordWriter::Create(
    const std::string& path, InputFormat format, Compression compression,
    const WriterOptions& options) {
  const std::string temp_path = internal::Cat(path, ".tmp-", getpid());
  int fd;
  do {
    fd =
        // Read and write: Prefault maps the file.
        open(temp_path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
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
  if (options.background) impl->StartThread();
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
