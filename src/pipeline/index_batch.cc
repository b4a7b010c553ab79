// The index's batch forms (threads) and its file (Save, Open): the parts of
// neardup/index.h that the pipeline layer owns.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "neardup/index.h"
#include "pipeline/index_files.h"
#include "pipeline/job.h"

namespace neardup {
namespace {

absl::Status CheckBatch(const Index& index,
                        absl::Span<const std::string_view> keys,
                        absl::Span<const std::string_view> texts, int threads,
                        absl::Span<const std::string_view> origins) {
  if (keys.size() != texts.size() ||
      (!origins.empty() && origins.size() != keys.size())) {
    return absl::InvalidArgumentError(
        "keys, texts and origins must have one entry per document (" +
        std::to_string(keys.size()) + " keys, " + std::to_string(texts.size()) +
        " texts, " + std::to_string(origins.size()) + " origins)");
  }
  if (threads < 0) {
    return absl::InvalidArgumentError("threads must be at least 0, got " +
                                      std::to_string(threads));
  }
  absl::flat_hash_set<std::string> seen;
  for (std::string_view key : keys) {
    if (index.Contains(key) || !seen.insert(std::string(key)).second) {
      return absl::AlreadyExistsError("key already indexed: " +
                                      std::string(key));
    }
  }
  return absl::OkStatus();
}

std::vector<DocSketch> SketchAll(const Index& index,
                                 absl::Span<const std::string_view> texts,
                                 int threads) {
  std::vector<DocSketch> sketches(texts.size());
  internal::ParallelFor(internal::JobThreads(threads), texts.size(),
                        [&](int, size_t i) {
                          sketches[i] = index.Sketch(texts[i]);
                        });
  return sketches;
}

std::string_view OriginAt(absl::Span<const std::string_view> origins,
                          size_t i) {
  return origins.empty() ? std::string_view() : origins[i];
}

}  // namespace

absl::Status InsertBatch(Index& index, absl::Span<const std::string_view> keys,
                         absl::Span<const std::string_view> texts, int threads,
                         absl::Span<const std::string_view> origins) {
  if (auto s = CheckBatch(index, keys, texts, threads, origins); !s.ok()) {
    return s;
  }
  const std::vector<DocSketch> sketches = SketchAll(index, texts, threads);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (auto s = index.Insert(keys[i], sketches[i], OriginAt(origins, i));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// Queries every text of `texts` in `source` (an Index or an IndexFolder)
// on `threads` threads; the first error in text order, if any.
template <typename Match, typename Source>
absl::StatusOr<std::vector<std::vector<Match>>> QueryEach(
    const Source& source, absl::Span<const std::string_view> texts,
    int threads, const QueryOptions& query) {
  if (threads < 0) {
    return absl::InvalidArgumentError("threads must be at least 0, got " +
                                      std::to_string(threads));
  }
  std::vector<std::vector<Match>> out(texts.size());
  std::vector<absl::Status> status(texts.size());
  internal::ParallelFor(internal::JobThreads(threads), texts.size(),
                        [&](int, size_t i) {
                          auto m = source.Query(texts[i], query);
                          if (m.ok()) {
                            out[i] = *std::move(m);
                          } else {
                            status[i] = m.status();
                          }
                        });
  for (const absl::Status& s : status) {
    if (!s.ok()) return s;
  }
  return out;
}

absl::StatusOr<std::vector<std::vector<IndexMatch>>> QueryBatch(
    const Index& index, absl::Span<const std::string_view> texts, int threads,
    const QueryOptions& query) {
  return QueryEach<IndexMatch>(index, texts, threads, query);
}

absl::StatusOr<std::vector<std::vector<IndexFolderMatch>>> QueryBatch(
    const IndexFolder& folder, absl::Span<const std::string_view> texts,
    int threads, const QueryOptions& query) {
  return QueryEach<IndexFolderMatch>(folder, texts, threads, query);
}

absl::StatusOr<std::vector<std::optional<IndexMatch>>> DedupBatch(
    Index& index, absl::Span<const std::string_view> keys,
    absl::Span<const std::string_view> texts, int threads,
    absl::Span<const std::string_view> origins) {
  if (auto s = CheckBatch(index, keys, texts, threads, origins); !s.ok()) {
    return s;
  }
  const std::vector<DocSketch> sketches = SketchAll(index, texts, threads);
  std::vector<std::optional<IndexMatch>> out(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    auto matches = index.Query(sketches[i]);
    if (!matches.ok()) return matches.status();
    if (matches->empty()) {
      if (auto s = index.Insert(keys[i], sketches[i], OriginAt(origins, i));
          !s.ok()) {
        return s;
      }
      continue;
    }
    out[i] = *std::min_element(
        matches->begin(), matches->end(),
        [](const IndexMatch& a, const IndexMatch& b) { return a.doc < b.doc; });
  }
  return out;
}

absl::Status Index::Save(const std::string& path) const {
  const std::string bytes = Serialize();
  return internal::WriteFileAtomically(path, bytes);
}

absl::StatusOr<Index> Index::Open(const std::string& path) {
  auto bytes = internal::ReadWholeFile(path);
  if (!bytes.ok()) return bytes.status();
  return Deserialize(*bytes, path);
}

namespace internal {

absl::Status WriteFileAtomically(const std::string& path,
                                 std::string_view bytes) {
  const std::string temp = path + ".tmp." + std::to_string(getpid());
  auto fail = [&](const std::string& what) {
    const int e = errno;
    ::unlink(temp.c_str());
    return absl::ErrnoToStatus(e, what + " " + path);
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                        0644);
  if (fd < 0) return absl::ErrnoToStatus(errno, "cannot create " + temp);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return fail("cannot write");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return fail("cannot sync");
  }
  if (::close(fd) != 0) return fail("cannot close");
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail("cannot rename");
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, "cannot open " + path);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      return absl::ErrnoToStatus(e, "cannot read " + path);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

absl::StatusOr<std::unique_ptr<MappedFile>> MappedFile::Open(
    const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, "cannot open " + path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    return absl::ErrnoToStatus(e, "cannot stat " + path);
  }
  const size_t size = static_cast<size_t>(st.st_size);
  void* data = nullptr;
  if (size > 0) {
    data = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    if (data == MAP_FAILED) {
      const int e = errno;
      ::close(fd);
      return absl::ErrnoToStatus(e, "cannot map " + path);
    }
    ::madvise(data, size, MADV_RANDOM);
  }
  ::close(fd);  // the mapping holds the file
  return std::unique_ptr<MappedFile>(new MappedFile(data, size));
}

MappedFile::~MappedFile() {
  if (size_ > 0) ::munmap(data_, size_);
}

absl::StatusOr<std::unique_ptr<AtomicFileWriter>> AtomicFileWriter::Create(
    const std::string& path) {
  const std::string temp = path + ".tmp." + std::to_string(getpid());
  const int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
                        0644);
  if (fd < 0) return absl::ErrnoToStatus(errno, "cannot create " + temp);
  return std::unique_ptr<AtomicFileWriter>(new AtomicFileWriter(path, temp, fd));
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temp_.c_str());
  }
}

absl::Status AtomicFileWriter::Append(std::string_view bytes) {
  buffer_.append(bytes);
  return buffer_.size() >= (1u << 20) ? Flush() : absl::OkStatus();
}

absl::Status AtomicFileWriter::Flush() {
  size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, "cannot write " + temp_);
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
  return absl::OkStatus();
}

absl::Status AtomicFileWriter::WriteAt(uint64_t offset, std::string_view bytes) {
  if (auto s = Flush(); !s.ok()) return s;
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done,
                               static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, "cannot write " + temp_);
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status AtomicFileWriter::Commit() {
  if (auto s = Flush(); !s.ok()) return s;
  if (::fsync(fd_) != 0) return absl::ErrnoToStatus(errno, "cannot sync " + temp_);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(temp_.c_str());
    return absl::ErrnoToStatus(e, "cannot close " + temp_);
  }
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    const int e = errno;
    ::unlink(temp_.c_str());
    return absl::ErrnoToStatus(e, "cannot rename " + path_);
  }
  const size_t slash = path_.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : path_.substr(0, slash + 1);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace neardup
