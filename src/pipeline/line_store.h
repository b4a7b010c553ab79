// What the counting pass of boilerplate removal found of each document's
// lines, kept for the pass that cuts, so that no line is normalized twice
// (the clean job, and dedup with DedupOptions::main_text).

#ifndef NEARDUP_PIPELINE_LINE_STORE_H_
#define NEARDUP_PIPELINE_LINE_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "neardup/clean.h"
#include "pipeline/spill.h"

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
// getters are safe from any number of threads (between Loads).
//
// Bounded memory: after Spill the blocks of lines go to a spill file as
// they fill (at most the block being filled is held), and Load brings
// back those of a range of documents, their checksums checked.
class LineStore {
 public:
  // Appends the next document (its ordinal is documents() before the
  // call). A document whose offsets do not fit in 32 bits is not kept:
  // has(ordinal) is then false and the caller works its lines out again.
  // Fails only when spilled (or spilling: SpillPast), writing a block.
  absl::Status Append(const CountedLines& document);

  // Moves the full blocks of lines into a spill file of `folder`, and the
  // blocks that fill from then on. Repeat cuts stay in memory.
  absl::Status Spill(const std::string& folder);
  // From now on Append spills (Spill(folder)) once the store holds more
  // than `budget_bytes`. Call before the first Append.
  void SpillPast(std::string folder, uint64_t budget_bytes) {
    spill_folder_ = std::move(folder);
    spill_budget_ = budget_bytes;
  }
  bool spilled() const { return file_ != nullptr; }
  // Spilled: holds in memory the blocks with the lines of documents
  // [begin, end), and of no others. DataLoss when a block cannot be read
  // back whole or its checksum is wrong. Not while getters run.
  absl::Status Load(uint64_t begin, uint64_t end);
  // As Load for the documents `docs` (ascending) as far as `max_blocks`
  // blocks hold them: the others' lines are then not available.
  absl::Status Load(absl::Span<const size_t> docs, uint64_t max_blocks);
  // The end of the documents from `begin` whose lines lie in at most
  // `blocks` blocks (at least begin + 1; at most documents()).
  uint64_t RangeEnd(uint64_t begin, uint64_t blocks) const;

  uint64_t documents() const { return ends_.size(); }
  // Whether document `doc` (an ordinal) was kept.
  bool has(uint64_t doc) const { return doc < ends_.size() && ends_[doc].kept; }
  // Whether its lines are in memory (kept, and not spilled or loaded).
  bool available(uint64_t doc) const;
  // Writes the lines of an available document to *lines (replacing its
  // contents).
  void Lines(uint64_t doc, std::vector<KeyedLine>* lines) const;
  // The repeat cuts of a kept document.
  absl::Span<const Cut> RepeatCuts(uint64_t doc) const;
  // Bytes held (capacity), for the memory figures.
  size_t bytes() const;
  // Bytes written to the spill file.
  uint64_t spilled_bytes() const;

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
  static constexpr size_t kBlockBytes = kBlockLines * sizeof(Line);
  absl::Status WriteBlocks(uint64_t end);
  absl::Status LoadBlocks(const std::vector<uint8_t>& wanted);
  uint64_t LinesBegin(uint64_t doc) const {
    return doc == 0 ? 0 : ends_[doc - 1].lines;
  }
  // The blocks [first, end) that hold lines [begin, end_line) (none when
  // the range is empty).
  struct Blocks {
    uint64_t first = 0;
    uint64_t end = 0;
  };
  static Blocks BlocksOf(uint64_t begin, uint64_t end_line) {
    if (begin >= end_line) return {};
    return {begin >> kBlockBits, ((end_line - 1) >> kBlockBits) + 1};
  }
  // Null for a block in the spill file and not loaded.
  std::vector<std::unique_ptr<Line[]>> blocks_;
  uint64_t held_blocks_ = 0;
  uint64_t lines_ = 0;  // lines appended
  std::string spill_folder_;  // SpillPast; empty: spilled only by Spill
  uint64_t spill_budget_ = 0;
  std::unique_ptr<SpillFile> file_;
  uint64_t written_ = 0;        // blocks [0, written_) are in file_
  std::vector<uint64_t> sums_;  // XXH3 of each block written
  std::vector<Cut> cuts_;
  std::vector<End> ends_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_LINE_STORE_H_
