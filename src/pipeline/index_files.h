// Private: the files of the index (neardup/index.h: Save, Open) and of an
// index folder (generations, manifest, lock).

#ifndef NEARDUP_PIPELINE_INDEX_FILES_H_
#define NEARDUP_PIPELINE_INDEX_FILES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace neardup::internal {

// Writes `bytes` to `path` under a temporary name (path.tmp.PID), fsyncs
// it, renames it into place and fsyncs the folder: a reader sees the old
// file or the new one, never a part. Errors name the path.
absl::Status WriteFileAtomically(const std::string& path,
                                 std::string_view bytes);

// Returns the bytes of `path`; the error names the path.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// A file mapped read-only (mmap, random access): bytes() stays valid while
// this object lives, also after the file is removed or replaced.
class MappedFile {
 public:
  // NotFound when the file does not exist; other errors name the path.
  static absl::StatusOr<std::unique_ptr<MappedFile>> Open(
      const std::string& path);
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();
  std::string_view bytes() const {
    return {static_cast<const char*>(data_), size_};
  }

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void* data_;
  size_t size_;
};

// Writes a file as WriteFileAtomically does, streamed: Append buffers
// (1 MB), WriteAt overwrites bytes already appended (a header written
// last), Commit fsyncs, renames into place and fsyncs the folder. Gone
// without Commit, it removes its temporary.
class AtomicFileWriter {
 public:
  static absl::StatusOr<std::unique_ptr<AtomicFileWriter>> Create(
      const std::string& path);
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();
  absl::Status Append(std::string_view bytes);
  absl::Status WriteAt(uint64_t offset, std::string_view bytes);
  // Flushes and fsyncs the temporary (its bytes can then be read at
  // temp_path()), renames it to the path and fsyncs the folder.
  absl::Status Flush();
  absl::Status Commit();
  const std::string& temp_path() const { return temp_; }

 private:
  AtomicFileWriter(std::string path, std::string temp, int fd)
      : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}
  std::string path_, temp_;
  int fd_;
  std::string buffer_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_INDEX_FILES_H_
