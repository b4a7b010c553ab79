// Private to the dedup job: the verdicts of candidate pairs already
// compared, remembered so that a pair found again in a later LSH band is
// not compared again.
//
// At the defaults (containment on: LSH 39 bands x 2 rows) a pair of
// Jaccard 0.5 collides in about 10 of the 39 bands, and every time it is
// not yet joined it is verified again: on the generated 1 GB crawl, 2.5
// million verifications for about a tenth as many distinct pairs. A
// verdict is a function of the pair alone (the two signatures, set sizes
// and sites, and the options), so a remembered one is the one comparing
// again would give; the job still counts every verification.

#ifndef NEARDUP_PIPELINE_PAIR_VERDICTS_H_
#define NEARDUP_PIPELINE_PAIR_VERDICTS_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace neardup::internal {

// A direct-mapped cache of one byte a pair (the caller's encoding of its
// verdict) for pairs (a, b) with a < b: a later verdict for a pair of the
// same slot replaces the one before, so memory is fixed (8 bytes a slot)
// and a lookup may miss a pair seen before, never return another pair's
// verdict. Remember from one thread; Find is const and may run on many
// threads while nothing remembers.
class PairVerdicts {
 public:
  // Returned by Find for a pair not remembered; never a verdict.
  static constexpr uint8_t kUnknown = 0xFF;

  PairVerdicts() = default;
  // Room for `slots` pairs (rounded up to a power of two, at least 1024).
  explicit PairVerdicts(size_t slots)
      : bits_(std::countr_zero(Slots(slots))), slots_(Slots(slots), 0) {}

  // Bytes held for `slots` (as the constructor rounds them).
  static size_t BytesFor(size_t slots) {
    return Slots(slots) * sizeof(uint64_t);
  }

  // Returns the verdict remembered for (a, b), or kUnknown. Cost: one
  // random memory access.
  uint8_t Find(uint32_t a, uint32_t b) const {
    if (slots_.empty() || a >= b) return kUnknown;
    const uint64_t mixed = Mix(a, b);
    const uint64_t slot = slots_[SlotOf(mixed)];
    if (slot == 0 || (slot >> 8) != Rest(mixed)) return kUnknown;
    return static_cast<uint8_t>((slot & 0xFF) - 1);
  }

  // Hints that (a, b) will be looked up or remembered soon: fetches its
  // slot.
  void Prefetch(uint32_t a, uint32_t b) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[SlotOf(Mix(a, b))]);
  }

  // Remembers `verdict` (not kUnknown) for (a, b); a pair with a >= b is
  // not remembered.
  void Remember(uint32_t a, uint32_t b, uint8_t verdict) {
    if (slots_.empty() || a >= b || verdict == kUnknown) return;
    const uint64_t mixed = Mix(a, b);
    slots_[SlotOf(mixed)] = (Rest(mixed) << 8) | (verdict + 1u);
  }

 private:
  static size_t Slots(size_t slots) {
    return std::bit_ceil(slots < 1024 ? size_t{1024} : slots);
  }
  // A bijection of the pair: its high bits choose the slot, and the slot
  // keeps the others (at most 54 of them), so the slot and what it keeps
  // name exactly one pair.
  static uint64_t Mix(uint32_t a, uint32_t b) {
    return ((uint64_t{a} << 32) | b) * 0x9E3779B97F4A7C15ull;
  }
  size_t SlotOf(uint64_t mixed) const {
    return static_cast<size_t>(mixed >> (64 - bits_));
  }
  uint64_t Rest(uint64_t mixed) const {
    return mixed & ((uint64_t{1} << (64 - bits_)) - 1);
  }

  int bits_ = 0;
  // 0: empty; else the pair's other bits, then its verdict + 1 (8 bits).
  std::vector<uint64_t> slots_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_PAIR_VERDICTS_H_
