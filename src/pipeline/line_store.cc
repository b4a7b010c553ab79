// LineStore: the counting pass's lines kept for the cutting pass.

#include "pipeline/line_store.h"

#include <cstdint>

namespace neardup::internal {

void LineStore::Append(const CountedLines& document) {
  bool fits = true;
  for (const KeyedLine& l : document.lines) {
    fits &= l.cut_end <= UINT32_MAX && l.normalized_bytes <= UINT32_MAX &&
            l.words <= UINT32_MAX;
  }
  if (fits) {
    for (const KeyedLine& l : document.lines) {
      if ((lines_ & (kBlockLines - 1)) == 0) {
        blocks_.push_back(std::make_unique_for_overwrite<Line[]>(kBlockLines));
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
}

void LineStore::Lines(uint64_t doc, std::vector<KeyedLine>* lines) const {
  lines->clear();
  const uint64_t begin = doc == 0 ? 0 : ends_[doc - 1].lines;
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
  return blocks_.size() * kBlockLines * sizeof(Line) +
         cuts_.capacity() * sizeof(Cut) +
         ends_.capacity() * sizeof(End);
}

}  // namespace neardup::internal
