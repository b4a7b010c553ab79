// Private: the dedup job's spill files, and its store of ids. When
// DedupOptions::max_memory_bytes would be passed, the job moves what it
// holds per document that is large (MinHash signatures, record ids) into
// files in the output folder, mapped shared, so that their pages are the
// kernel's to write out and drop (page cache, not the process's private
// memory).

#ifndef NEARDUP_PIPELINE_SPILL_H_
#define NEARDUP_PIPELINE_SPILL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "neardup/clean.h"

namespace neardup::internal {

// A file without a name in `folder`: created under a temporary name and
// unlinked at once, so that it goes away when closed, also when the
// process is killed (nothing is left to clean up). Errors name the file.
class SpillFile {
 public:
  // `what`: a word for the file's name and messages ("signatures").
  static absl::StatusOr<std::unique_ptr<SpillFile>> Create(
      const std::string& folder, std::string_view what);
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;
  ~SpillFile();

  // Maps bytes [offset, offset + size) shared and writable, growing the
  // file as needed (its blocks allocated: a full disk or a file size limit
  // is an error naming the file, not a signal on a later write); `offset`
  // must be a multiple of the page size. The mapping stays until this
  // object goes away.
  absl::StatusOr<char*> MapRegion(uint64_t offset, uint64_t size);
  static constexpr size_t kAppendBufferBytes = size_t{256} << 10;
  // Appends `bytes` at the end of what was appended (buffered in
  // kAppendBufferBytes).
  absl::Status Append(std::string_view bytes);
  // Flushes the appended bytes and maps them read-only: the view stays
  // valid until this object goes away. Call once, after the last Append.
  absl::StatusOr<std::string_view> MapAppended();
  // Reads `size` appended bytes at `offset` into `out` (flushing the
  // buffer first when they are in it). DataLoss naming the file when it
  // holds fewer (a truncated file).
  absl::Status ReadAt(uint64_t offset, size_t size, char* out);
  // Bytes appended (buffered or not).
  uint64_t appended() const { return appended_ + buffer_.size(); }
  // Bytes the file holds (mapped regions and appended bytes).
  uint64_t bytes() const { return bytes_; }
  const std::string& name() const { return name_; }

 private:
  SpillFile(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  absl::Status Flush();
  int fd_;
  std::string name_;
  uint64_t bytes_ = 0;
  uint64_t appended_ = 0;
  std::string buffer_;
  struct Region {
    void* data;
    size_t size;
  };
  std::vector<Region> regions_;
};

// The records' ids of a job, one after another: in memory, or after
// Spill appended to a spill file, which Finish maps for reading. Not
// thread-safe.
class IdStore {
 public:
  absl::Status Append(std::string_view id);
  // Moves the ids into a spill file in `folder`; later ids go there too.
  absl::Status Spill(const std::string& folder);
  // After the last Append: Id may be called from then on.
  absl::Status Finish();
  // The id of record i (i < the number appended); valid while this object
  // lives. Requires Finish.
  std::string_view Id(size_t i) const {
    const uint64_t begin = i == 0 ? 0 : end_[i - 1];
    return all_.substr(begin, end_[i] - begin);
  }
  // Bytes of ids held in memory.
  uint64_t held_bytes() const { return held_.size(); }
  // Bytes of ids in the spill file (0: not spilled).
  uint64_t spilled_bytes() const { return file_ ? total_ : 0; }

 private:
  std::vector<uint64_t> end_;  // ids [end_[i-1], end_[i])
  std::string held_;
  uint64_t total_ = 0;
  std::unique_ptr<SpillFile> file_;
  std::string_view all_;
};

// Tests: when not 0, the memory budget of the line tables (LineBudgetBytes)
// in place of the built-in one, so that small inputs spill.
inline std::atomic<uint64_t> line_budget_bytes_for_testing{0};

// The line tables' memory budget: a LineCounter's raw entries and, in a
// main-text dedup job, the kept lines (about 1.5 KB a document when all
// are held) are held up to it, the rest in spill files. Without a ceiling
// (max_memory 0) 64 MiB: the dedup job holds about 140 MB a million
// documents without main text, so this keeps main text within about the
// default job's peak plus the budget on any collection, while a collection
// of up to about 40,000 documents spills nothing; spilling past it costs
// one sort and one sequential write and read of the entries. Under a
// ceiling, an eighth of it (at least 4 MiB, at most 64 MiB).
// line_budget_bytes_for_testing replaces it when not 0.
inline uint64_t LineBudgetBytes(uint64_t max_memory) {
  if (line_budget_bytes_for_testing != 0) return line_budget_bytes_for_testing;
  constexpr uint64_t kDefault = uint64_t{64} << 20;
  if (max_memory == 0) return kDefault;
  return std::clamp<uint64_t>(max_memory / 8, uint64_t{4} << 20, kDefault);
}

// The counter's share of a line budget (LineCounter::SpillTo): three
// quarters; the rest is the dedup job's kept lines.
inline uint64_t CounterBudgetBytes(uint64_t line_budget) {
  return line_budget - line_budget / 4;
}

// A LineCounter's runs (LineCounter::SpillTo) in a spill file of `folder`,
// created at the first Append.
class LineRunFile : public LineRunStore {
 public:
  explicit LineRunFile(std::string folder) : folder_(std::move(folder)) {}
  absl::Status Append(std::string_view bytes) override;
  absl::Status ReadAt(uint64_t offset, size_t size, char* out) override;
  uint64_t bytes() const { return file_ ? file_->appended() : 0; }
  // For tests: the spill file (null before the first Append).
  SpillFile* file() { return file_.get(); }

 private:
  std::string folder_;
  std::unique_ptr<SpillFile> file_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_SPILL_H_
