// neardup index layer: locality-sensitive hashing over MinHash signatures
// and permuted-table search over SimHash fingerprints. Candidates come from
// sorting (key, document) pairs, never from one giant hash map, so the same
// code can run out of core and sharded.
//
// Stable values (kSketchFormatVersion 1): the band key of band b (0-based)
// is XXH3(the rows 32-bit signature values of the band, each 4 bytes
// little-endian, seed b).

#ifndef NEARDUP_LSH_H_
#define NEARDUP_LSH_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace neardup {

// MinHash LSH banding: a signature of bands * rows values is cut into
// `bands` bands of `rows` values; two documents become candidates when all
// values of at least one band agree.
struct LshParams {
  int bands = 14;
  int rows = 8;
};

// Returns the probability that two documents with Jaccard similarity s
// share at least one band: 1 - (1 - s^rows)^bands.
double CandidateProbability(double s, const LshParams& params);

// Chooses (bands, rows) with bands * rows <= num_perm that minimize
//   fp_weight * FP + fn_weight * FN, where
//   FP = integral over s in [0, threshold) of CandidateProbability(s) and
//   FN = integral over s in [threshold, 1] of 1 - CandidateProbability(s),
// the criterion of datasketch. The default weights differ from datasketch's
// 0.5 / 0.5 on purpose: neardup verifies every candidate against the full
// signature, so a false positive costs one comparison while a false negative
// is a duplicate lost. With 0.05 / 0.95, threshold 0.8 and 112 permutations
// give 14 bands x 8 rows (the FineWeb setting): a pair at exactly 0.8 is a
// candidate with probability 0.924, at 0.9 with 0.9996; datasketch's weights
// give 9 x 12 and 0.47 at the threshold. Ties go to more bands. Returns
// InvalidArgument (naming the value) when threshold is outside (0, 1),
// num_perm is outside [1, kMaxPermutations] (minhash.h), a weight is
// negative or not finite, or both weights are 0. Cost: about
// num_perm * ln(num_perm) * 1024 evaluations of CandidateProbability.
inline constexpr double kLshFalsePositiveWeight = 0.05;
inline constexpr double kLshFalseNegativeWeight = 0.95;
absl::StatusOr<LshParams> OptimalLshParams(
    double threshold, int num_perm,
    double fp_weight = kLshFalsePositiveWeight,
    double fn_weight = kLshFalseNegativeWeight);

// Returns the key of band `band` of `signature` (see the banner). The hot
// per-document kernel of the index: it does not check its arguments in
// release builds. Requires band >= 0, rows >= 1 and
// (band + 1) * rows <= signature.size(), asserted in debug builds; use
// CheckedBandKey for values that come from outside the program. Cost: one
// XXH3 of 4 * rows bytes; no allocation on little-endian machines.
uint64_t BandKey(absl::Span<const uint32_t> signature, int band, int rows);

// As BandKey, checked: returns InvalidArgument (naming the values) when rows
// < 1 or band < 0, and OutOfRange when the band runs past the signature.
absl::StatusOr<uint64_t> CheckedBandKey(absl::Span<const uint32_t> signature,
                                        int band, int rows);

// A pair of document numbers, first < second.
using DocPair = std::pair<uint32_t, uint32_t>;

// Options of the candidate generators.
struct CandidateOptions {
  // A bucket (documents sharing a key) with more members than this emits
  // only a linear number of pairs: each member with the bucket's first
  // member and with its successor in document order, instead of all
  // m(m-1)/2. Keeps skewed data (thousands of copies of one page) linear.
  // Default: 64.
  size_t max_bucket_pairs_size = 64;
};

// Counters of a candidate search.
struct CandidateStats {
  uint64_t buckets = 0;           // keys shared by two or more documents
  uint64_t pairs = 0;             // pairs emitted (before deduplication)
  uint64_t oversized_buckets = 0; // buckets that took the linear path
  size_t largest_bucket = 0;
};

// Appends to *out the candidate pairs of one band: documents whose key in
// `keys` is equal (keys[i] is document i's key) and adds to *stats.
// `scratch` is reused between calls. Output order: by key, then by
// document. Returns InvalidArgument when a pointer is null or keys has more
// than 2^32 entries (documents are numbered by uint32_t); nothing is
// appended then. Cost: one sort of keys.size() pairs.
absl::Status CandidatesFromKeys(absl::Span<const uint64_t> keys,
                        const CandidateOptions& options,
                        std::vector<std::pair<uint64_t, uint32_t>>* scratch,
                        std::vector<DocPair>* out, CandidateStats* stats);

// As CandidatesFromKeys for SimHash: returns the pairs of documents whose
// fingerprints differ in at most `max_distance` bits (0 to 8), exactly, by
// the permuted-table method (Manku et al. 2007): the 64 bits are cut into
// max_distance + 2 blocks, and for every choice of max_distance blocks the
// fingerprints are sorted on the remaining blocks; pairs within a distance
// of max_distance agree on those in at least one table. Buckets larger than
// options.max_bucket_pairs_size are compared within a sliding window of
// that size (counted in stats->oversized_buckets), so skewed data cannot
// make it quadratic. Output: sorted, unique, each pair verified. Returns
// InvalidArgument when max_distance is outside [0, 8], there are more than
// 2^32 fingerprints, or stats is null.
absl::StatusOr<std::vector<DocPair>> SimHashNearPairs(absl::Span<const uint64_t> fingerprints,
                                      int max_distance,
                                      const CandidateOptions& options,
                                      CandidateStats* stats);

// The key masks of SimHashNearPairs' permuted tables for `max_distance`
// (0 to 8; empty otherwise), in the order it searches them: a table's key is
// fingerprint & mask.
std::vector<uint64_t> SimHashTableMasks(int max_distance);

}  // namespace neardup

#endif  // NEARDUP_LSH_H_
