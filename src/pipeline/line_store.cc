// LineStore: the counting pass's lines kept for the cutting pass.

#include "pipeline/line_store.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#define XXH_INLINE_ALL
#include "xxhash.h"

namespace neardup::internal {

absl::Status LineStore::Append(const CountedLines& document) {
  bool fits = true;
  for (const KeyedLine& l : document.lines) {
    fits &= l.cut_end <= UINT32_MAX && l.normalized_bytes <= UINT32_MAX &&
            l.words <= UINT32_MAX;
  }
  if (fits) {
    for (const KeyedLine& l : document.lines) {
      if ((lines_ & (kBlockLines - 1)) == 0) {
        // Spilled, the block just filled goes to the file.
        if (file_ != nullptr) {
          if (auto s = WriteBlocks(blocks_.size()); !s.ok()) return s;
        }
        blocks_.push_back(std::make_unique_for_overwrite<Line[]>(kBlockLines));
        ++held_blocks_;
      }
      blocks_.back()[lines_ & (kBlockLines - 1)] = {
          l.key, static_cast<uint32_t>(l.begin),
          static_cast<uint32_t>(l.cut_end - l.begin),
          static_cast<uint32_t>(l.normalized_bytes),
          static_cast<uint32_t>(l.words)};
      ++lines_;
    }
    cuts_.insert(cuts_.end(), document.repeat_cuts.begin(),
                 document.repeat_cuts.end());
  }
  ends_.push_back({lines_, fits ? 1u : 0u, cuts_.size()});
  if (!spill_folder_.empty() && file_ == nullptr && bytes() > spill_budget_) {
    return Spill(spill_folder_);
  }
  return absl::OkStatus();
}

// Writes blocks [written_, end) (full ones) to the file and frees them.
absl::Status LineStore::WriteBlocks(uint64_t end) {
  for (; written_ < end; ++written_) {
    const Line* block = blocks_[written_].get();
    const std::string_view bytes(reinterpret_cast<const char*>(block),
                                 kBlockBytes);
    if (auto s = file_->Append(bytes); !s.ok()) return s;
    sums_.push_back(XXH3_64bits(bytes.data(), bytes.size()));
    blocks_[written_].reset();
    --held_blocks_;
  }
  return absl::OkStatus();
}

absl::Status LineStore::Spill(const std::string& folder) {
  if (file_ != nullptr) return absl::OkStatus();
  auto file = SpillFile::Create(folder, "lines");
  if (!file.ok()) return file.status();
  file_ = *std::move(file);
  return WriteBlocks(lines_ >> kBlockBits);  // the full blocks
}

absl::Status LineStore::LoadBlocks(const std::vector<uint8_t>& wanted) {
  for (uint64_t b = 0; b < written_; ++b) {
    if (!wanted[b] && blocks_[b] != nullptr) {
      blocks_[b].reset();
      --held_blocks_;
    }
  }
  for (uint64_t b = 0; b < written_; ++b) {
    if (!wanted[b] || blocks_[b] != nullptr) continue;
    auto block = std::make_unique_for_overwrite<Line[]>(kBlockLines);
    char* out = reinterpret_cast<char*>(block.get());
    if (auto s = file_->ReadAt(b * kBlockBytes, kBlockBytes, out); !s.ok()) {
      return s;
    }
    if (XXH3_64bits(out, kBlockBytes) != sums_[b]) {
      return absl::DataLossError(file_->name() +
                                 ": checksum mismatch in a block of lines "
                                 "(corrupted spill file)");
    }
    blocks_[b] = std::move(block);
    ++held_blocks_;
  }
  return absl::OkStatus();
}

absl::Status LineStore::Load(uint64_t begin, uint64_t end) {
  if (file_ == nullptr) return absl::OkStatus();
  std::vector<uint8_t> wanted(written_, 0);
  if (begin < end) {
    const Blocks blocks = BlocksOf(LinesBegin(begin), ends_[end - 1].lines);
    for (uint64_t b = blocks.first; b < blocks.end && b < written_; ++b) {
      wanted[b] = 1;
    }
  }
  return LoadBlocks(wanted);
}

absl::Status LineStore::Load(absl::Span<const size_t> docs,
                             uint64_t max_blocks) {
  if (file_ == nullptr) return absl::OkStatus();
  std::vector<uint8_t> wanted(written_, 0);
  uint64_t count = 0;
  for (size_t doc : docs) {
    const Blocks blocks = BlocksOf(LinesBegin(doc), ends_[doc].lines);
    const uint64_t end = std::min(blocks.end, written_);
    uint64_t more = 0;
    for (uint64_t b = blocks.first; b < end; ++b) more += !wanted[b];
    if (count + more > max_blocks) break;
    for (uint64_t b = blocks.first; b < end; ++b) wanted[b] = 1;
    count += more;
  }
  return LoadBlocks(wanted);
}

uint64_t LineStore::RangeEnd(uint64_t begin, uint64_t blocks) const {
  const uint64_t first = LinesBegin(begin) >> kBlockBits;
  uint64_t end = begin + 1;
  while (end < ends_.size() &&
         (ends_[end].lines == 0 ||
          ((ends_[end].lines - 1) >> kBlockBits) < first + blocks)) {
    ++end;
  }
  return std::min<uint64_t>(end, ends_.size());
}

bool LineStore::available(uint64_t doc) const {
  if (!has(doc)) return false;
  if (file_ == nullptr) return true;
  const Blocks blocks = BlocksOf(LinesBegin(doc), ends_[doc].lines);
  for (uint64_t b = blocks.first; b < blocks.end; ++b) {
    if (blocks_[b] == nullptr) return false;
  }
  return true;
}

void LineStore::Lines(uint64_t doc, std::vector<KeyedLine>* lines) const {
  lines->clear();
  const uint64_t begin = LinesBegin(doc);
  for (uint64_t i = begin; i < ends_[doc].lines; ++i) {
    const Line& l = blocks_[i >> kBlockBits][i & (kBlockLines - 1)];
    lines->push_back({l.begin, size_t{l.begin} + l.length, l.key,
                      l.normalized_bytes, l.words});
  }
}

absl::Span<const Cut> LineStore::RepeatCuts(uint64_t doc) const {
  const uint64_t begin = doc == 0 ? 0 : ends_[doc - 1].cuts;
  return absl::MakeConstSpan(cuts_).subspan(begin, ends_[doc].cuts - begin);
}

size_t LineStore::bytes() const {
  return held_blocks_ * kBlockBytes + cuts_.capacity() * sizeof(Cut) +
         ends_.capacity() * sizeof(End) +
         (file_ != nullptr ? SpillFile::kAppendBufferBytes + kBlockBytes : 0);
}

uint64_t LineStore::spilled_bytes() const {
  return file_ != nullptr ? file_->appended() : 0;
}

}  // namespace neardup::internal
