// Private to the dedup job: where each document of a run was read.

#ifndef NEARDUP_PIPELINE_DOC_PLACES_H_
#define NEARDUP_PIPELINE_DOC_PLACES_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

namespace neardup::internal {

// Where each document was read: its input file and line (record number
// for formats without lines), in 4 bytes a document: the files as runs
// (documents are appended file after file), the lines in 32 bits until one
// needs more, then in 64.
class DocPlaces {
 public:
  void Add(uint32_t file, uint64_t line) {
    if (runs_.empty() || runs_.back().file != file) runs_.push_back({size_, file});
    if (wide_.empty() && line <= UINT32_MAX) {
      narrow_.push_back(static_cast<uint32_t>(line));
    } else {
      if (wide_.empty()) {
        wide_.assign(narrow_.begin(), narrow_.end());
        std::vector<uint32_t>().swap(narrow_);
      }
      wide_.push_back(line);
    }
    ++size_;
  }
  size_t size() const { return size_; }
  // Requires doc < size().
  uint32_t file(size_t doc) const {
    const auto after = std::upper_bound(
        runs_.begin(), runs_.end(), doc,
        [](size_t d, const Run& run) { return d < run.first; });
    return std::prev(after)->file;
  }
  uint64_t line(size_t doc) const {
    return wide_.empty() ? narrow_[doc] : wide_[doc];
  }

 private:
  struct Run {
    size_t first;  // its first document
    uint32_t file;
  };
  std::vector<Run> runs_;
  std::vector<uint32_t> narrow_;
  std::vector<uint64_t> wide_;
  size_t size_ = 0;
};

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_DOC_PLACES_H_
