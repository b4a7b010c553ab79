// neardup MinHash: fixed-size signatures whose agreement estimates the
// Jaccard similarity of two shingle sets (Broder 1997).
//
// Stable values (kSketchFormatVersion 1). A signature of K permutations is K
// 32-bit values. Permutation i is the multiply-add (Dietzfelbinger
// multiply-shift) function of a shingle hash x:
//   v_i(x) = (a_i * x + c_i) mod 2^64
//   signature[i] = hi32(min over the document's shingles x of v_i(x))
// a_i is an odd and c_i any 64-bit value, drawn in order from SplitMix64
// started at (seed XOR 0x6E65617264757021): for each i, a_i = next() | 1,
// c_i = next(). The values are the same for the portable, AVX2 and AVX-512
// kernels (tests and `neardup selftest` check it).
//
// Because shingle hashes are already uniform 64-bit XXH3 values, this family
// gives unbiased estimates in practice; tests/minhash_test.cc measures bias
// and spread against the binomial bound over pairs of known Jaccard.

#ifndef NEARDUP_MINHASH_H_
#define NEARDUP_MINHASH_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace neardup {

// The default number of permutations, of MinHashOptions and of the jobs'
// options (DedupOptions, IndexOptions): 14 bands x 8 rows, the FineWeb
// setting.
inline constexpr int kDefaultNumPerm = 112;

struct MinHashOptions {
  // Number of permutations K, the length of a signature, 1 to
  // kMaxPermutations. The standard error of the Jaccard estimate is
  // sqrt(J(1-J)/K). Default: kDefaultNumPerm (112).
  int num_perm = kDefaultNumPerm;
  // Seed the permutation coefficients are drawn from. Default: 0.
  uint64_t seed = 0;
};

inline constexpr int kMaxPermutations = 8192;

// Which kernel computes signatures. All give identical values.
enum class MinHashKernel { kAuto, kPortable, kAvx2, kAvx512 };

namespace internal {
struct DistinctCounter;  // sketch/minhash_kernels.h
}  // namespace internal

// Computes MinHash signatures. Immutable after Create: thread-safe, and
// cheap to copy (K * 16 bytes of coefficients).
class MinHasher {
 public:
  // Returns InvalidArgument if num_perm is outside [1, kMaxPermutations], or
  // Unavailable if `kernel` names a SIMD kernel this CPU lacks. kAuto picks
  // the widest kernel the CPU supports.
  static absl::StatusOr<MinHasher> Create(
      const MinHashOptions& options,
      MinHashKernel kernel = MinHashKernel::kAuto);

  // Writes the signature of the set of `shingles` (repeats do not matter) to
  // out[0 .. num_perm()). Returns InvalidArgument, leaving `out` untouched,
  // when out.size() < num_perm(). An empty span gives all 0xFFFFFFFF
  // (Shingler never produces one). Cost: about num_perm() / SIMD width
  // vector operations per shingle; no allocation.
  absl::Status Sign(absl::Span<const uint64_t> shingles,
                    absl::Span<uint32_t> out) const;

  // Returns Sign's result in a new vector.
  std::vector<uint32_t> Sign(absl::Span<const uint64_t> shingles) const;

  // Sign, and sets *distinct to the number of distinct values in
  // `shingles` (exact: the size of the set signed, which containment is
  // estimated from). The values are counted during the signing pass over
  // them, with *table as an open-addressing set (grown to a power of two
  // of at least four times the values, twice past 2^16 slots, and reused:
  // no allocation once it is large enough). `table` and `distinct` must
  // not be null. Errors as Sign.
  absl::Status SignCountingDistinct(absl::Span<const uint64_t> shingles,
                                    absl::Span<uint32_t> out,
                                    std::vector<uint64_t>* table,
                                    size_t* distinct) const;

  int num_perm() const { return options_.num_perm; }
  const MinHashOptions& options() const { return options_; }
  MinHashKernel kernel() const { return kernel_; }

 private:
  MinHasher(const MinHashOptions& options, MinHashKernel kernel);
  // Sign, counting distinct shingles into `distinct` when not null.
  absl::Status SignWith(absl::Span<const uint64_t> shingles,
                        absl::Span<uint32_t> out,
                        internal::DistinctCounter* distinct) const;

  MinHashOptions options_;
  MinHashKernel kernel_;
  // Coefficients, padded with copies of the last permutation to a multiple
  // of 8 so SIMD kernels need no tail loop.
  std::vector<uint64_t> a_, c_;
};

// Returns the name of a kernel ("portable", "avx2", "avx512", "auto").
const char* MinHashKernelName(MinHashKernel kernel);

// Returns true iff this CPU can run `kernel`.
bool MinHashKernelSupported(MinHashKernel kernel);

// Returns the fraction of positions where two signatures agree: an unbiased
// estimate of the Jaccard similarity of the two shingle sets. Returns
// InvalidArgument (naming both lengths) when the signatures differ in
// length or are empty. Signatures made with other options (seed, shingles)
// cannot be told apart here and give a meaningless estimate near 0: compare
// only signatures of one MinHasher. Cost: one pass; no allocation.
absl::StatusOr<double> EstimateJaccard(absl::Span<const uint32_t> a,
                                       absl::Span<const uint32_t> b);

// Returns |A ∩ B| / |A ∪ B| of the sets of values in `a` and `b` (repeats
// ignored). Two empty sets have similarity 1. Cost: O((|a| + |b|) log) and
// one allocation of copies; meant for verification and tests.
double ExactJaccard(absl::Span<const uint64_t> a, absl::Span<const uint64_t> b);

// Returns |A ∩ B| / min(|A|, |B|) of the sets of values in `a` and `b`
// (repeats ignored): how much of the smaller set the larger one contains.
// Two empty sets have containment 1, an empty and a non-empty one 0. Cost
// as ExactJaccard.
double ExactContainment(absl::Span<const uint64_t> a,
                        absl::Span<const uint64_t> b);

// Returns the containment |A ∩ B| / min(|A|, |B|) implied by a Jaccard
// similarity `jaccard` (exact or estimated, in [0, 1]) of sets of `size_a`
// and `size_b` distinct values: |A ∩ B| = J (|A| + |B|) / (1 + J), capped
// at 1. Two empty sets give 1, an empty and a non-empty one 0. With an
// estimated Jaccard the error grows with the size ratio: about
// dJ (1 + R) / (1 + J)^2 for a larger set R times the smaller, where dJ is
// the error of the estimate (sqrt(J (1 - J) / num_perm) for MinHash).
// Pure and deterministic (the same double for the same arguments on every
// platform with IEEE doubles); no allocation.
double EstimateContainment(double jaccard, uint64_t size_a, uint64_t size_b);

// How two signatures of one MinHasher compare slot by slot. A slot's two
// values are the minima of one permutation over the two sets, so the
// minimum over their union is a shared value when they are equal, lies in
// A \ B when a's is lower and in B \ A when b's is: each slot falls in
// these three counts with probability |A ∩ B|, |A \ B| and |B \ A| over
// |A ∪ B|. `equal` over the length is EstimateJaccard.
struct SlotCounts {
  uint32_t equal = 0;
  uint32_t a_lower = 0;
  uint32_t b_lower = 0;
};

// Counts the slots of `a` and `b` as SlotCounts says. Returns
// InvalidArgument, as EstimateJaccard does, when the signatures differ in
// length or are empty. Cost: one pass; no allocation.
absl::StatusOr<SlotCounts> CompareSlots(absl::Span<const uint32_t> a,
                                        absl::Span<const uint32_t> b);

// Returns the containment |A ∩ B| / min(|A|, |B|) of sets of `size_a` and
// `size_b` distinct values under which `slots` are the most likely (the
// maximum-likelihood shared count of the three-way split; the Jaccard
// estimate alone uses only `equal`). Which side holds each unshared
// minimum says how the unshared values divide between the two sets, so
// that a shorter set lying inside a longer one is told apart from two sets
// that each hold values of their own: on pairs of documents with their
// containment known, the mean error is a third of the estimate from the
// Jaccard alone (bench/README, issue 13 part 4). No slot of the shorter
// set's own gives 1 when the slots are likelier so than with any shared
// count below its size. Two empty sets give 1, an empty and a non-empty one
// 0, no equal slot 0. Pure and deterministic (the same double for the same
// arguments on every platform with IEEE doubles); no allocation; a few
// Newton steps.
double EstimateContainment(const SlotCounts& slots, uint64_t size_a,
                           uint64_t size_b);

}  // namespace neardup

#endif  // NEARDUP_MINHASH_H_
