// What the counting pass of boilerplate removal found of each document's
// lines, kept for the pass that cuts, so that no line is normalized twice
// (the clean job, and dedup with DedupOptions::main_text).

#ifndef NEARDUP_PIPELINE_LINE_STORE_H_
#define NEARDUP_PIPELINE_LINE_STORE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/types/span.h"
#include "neardup/clean.h"

namespace neardup::internal {

// One document's lines as the counting pass found them.
struct CountedLines {
  // The lines FindBoilerplate takes (keys of the default normalization).
  std::vector<KeyedLine> lines;
  // The clean job's RepeatFinder cuts, when the counting pass ran it.
  std::vector<Cut> repeat_cuts;
};

// The CountedLines of every document, in input order, packed: 24 bytes per
// line in blocks of 64 Ki lines (never copied to grow), 16 per document,
// and the cuts as they are. Append from one thread; once filled, the
// getters are safe from any number of threads.
class LineStore {
 public:
  // Appends the next document (its ordinal is documents() before the
  // call). A document whose offsets do not fit in 32 bits is not kept:
  // has(ordinal) is then false and the caller works its lines out again.
  void Append(const CountedLines& document);

  uint64_t documents() const { return ends_.size(); }
  // Whether document `doc` (an ordinal) was kept.
  bool has(uint64_t doc) const { return doc < ends_.size() && ends_[doc].kept; }
  // Writes the lines of a kept document to *lines (replacing its contents).
  void Lines(uint64_t doc, std::vector<KeyedLine>* lines) const;
  // The repeat cuts of a kept document.
  absl::Span<const Cut> RepeatCuts(uint64_t doc) const;
  // Bytes held (capacity), for the memory figures.
  size_t bytes() const;

 private:
  struct Line {
    uint64_t key;
    uint32_t begin;
    uint32_t length;  // to the end of its line terminator
    uint32_t normalized_bytes;
    uint32_t words;
  };
  struct End {
    uint64_t lines : 63;  // end of the document's lines in lines_
    uint64_t kept : 1;
    uint64_t cuts;        // end of its cuts in cuts_
  };
  static constexpr int kBlockBits = 16;
  static constexpr uint64_t kBlockLines = uint64_t{1} << kBlockBits;
  std::vector<std::unique_ptr<Line[]>> blocks_;
  uint64_t lines_ = 0;  // lines held
  std::vector<Cut> cuts_;
  std::vector<End> ends_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_LINE_STORE_H_
