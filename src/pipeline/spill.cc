// The dedup job's spill files (pipeline/spill.h).

#include "pipeline/spill.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace neardup::internal {

absl::StatusOr<std::unique_ptr<SpillFile>> SpillFile::Create(
    const std::string& folder, std::string_view what) {
  const std::string name = folder + "/.neardup-" + std::string(what) +
                           ".tmp-" + std::to_string(::getpid());
  const int fd =
      ::open(name.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::ErrnoToStatus(errno, "cannot create " + name);
  if (::unlink(name.c_str()) != 0) {
    const int e = errno;
    ::close(fd);
    return absl::ErrnoToStatus(e, "cannot unlink " + name);
  }
  return std::unique_ptr<SpillFile>(new SpillFile(fd, name));
}

SpillFile::~SpillFile() {
  for (const Region& r : regions_) ::munmap(r.data, r.size);
  ::close(fd_);
}

absl::StatusOr<char*> SpillFile::MapRegion(uint64_t offset, uint64_t size) {
  if (offset + size > bytes_) {
    // Blocks are reserved now: a full disk is an error here, where writing
    // to a page of a hole would be a SIGBUS.
    const int e = ::posix_fallocate(fd_, static_cast<off_t>(bytes_),
                                    static_cast<off_t>(offset + size - bytes_));
    if (e != 0) return absl::ErrnoToStatus(e, "cannot grow " + name_);
    bytes_ = offset + size;
  }
  void* data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_,
                      static_cast<off_t>(offset));
  if (data == MAP_FAILED) return absl::ErrnoToStatus(errno, "cannot map " + name_);
  regions_.push_back({data, static_cast<size_t>(size)});
  return static_cast<char*>(data);
}

absl::Status SpillFile::Flush() {
  size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n =
        ::pwrite(fd_, buffer_.data() + done, buffer_.size() - done,
                 static_cast<off_t>(appended_ + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, "cannot write " + name_);
    }
    done += static_cast<size_t>(n);
  }
  appended_ += buffer_.size();
  bytes_ = std::max(bytes_, appended_);
  buffer_.clear();
  return absl::OkStatus();
}

absl::Status SpillFile::Append(std::string_view bytes) {
  buffer_.append(bytes);
  return buffer_.size() >= kAppendBufferBytes ? Flush() : absl::OkStatus();
}

absl::StatusOr<std::string_view> SpillFile::MapAppended() {
  if (auto s = Flush(); !s.ok()) return s;
  std::string().swap(buffer_);
  if (appended_ == 0) return std::string_view();
  void* data = ::mmap(nullptr, appended_, PROT_READ, MAP_SHARED, fd_, 0);
  if (data == MAP_FAILED) return absl::ErrnoToStatus(errno, "cannot map " + name_);
  regions_.push_back({data, static_cast<size_t>(appended_)});
  return std::string_view(static_cast<const char*>(data), appended_);
}

absl::Status SpillFile::ReadAt(uint64_t offset, size_t size, char* out) {
  if (offset + size > appended_ && !buffer_.empty()) {
    if (auto s = Flush(); !s.ok()) return s;
  }
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd_, out + done, size - done,
                              static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, "cannot read " + name_);
    }
    if (n == 0) {
      return absl::DataLossError(
          name_ + " is truncated: " + std::to_string(offset + done) +
          " bytes where " + std::to_string(offset + size) +
          " were written (spill file changed on disk)");
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status LineRunFile::Append(std::string_view bytes) {
  if (file_ == nullptr) {
    auto file = SpillFile::Create(folder_, "line-counts");
    if (!file.ok()) return file.status();
    file_ = *std::move(file);
  }
  return file_->Append(bytes);
}

absl::Status LineRunFile::ReadAt(uint64_t offset, size_t size, char* out) {
  if (file_ == nullptr) {
    return absl::DataLossError("line-count spill: nothing was written");
  }
  return file_->ReadAt(offset, size, out);
}

absl::Status IdStore::Append(std::string_view id) {
  if (file_ != nullptr) {
    if (auto s = file_->Append(id); !s.ok()) return s;
    total_ += id.size();
  } else {
    held_.append(id);
    total_ = held_.size();
  }
  end_.push_back(total_);
  return absl::OkStatus();
}

absl::Status IdStore::Spill(const std::string& folder) {
  auto file = SpillFile::Create(folder, "ids");
  if (!file.ok()) return file.status();
  file_ = *std::move(file);
  if (auto s = file_->Append(held_); !s.ok()) return s;
  std::string().swap(held_);
  return absl::OkStatus();
}

absl::Status IdStore::Finish() {
  if (file_ == nullptr) {
    held_.shrink_to_fit();  // up to half of it is room to grow
    all_ = held_;
    return absl::OkStatus();
  }
  auto mapped = file_->MapAppended();
  if (!mapped.ok()) return mapped.status();
  all_ = *mapped;
  return absl::OkStatus();
}

}  // namespace neardup::internal
