// neardup cluster layer: joining verified pairs into clusters (union-find)
// and choosing the one record of each cluster that is kept.

#ifndef NEARDUP_CLUSTER_H_
#define NEARDUP_CLUSTER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace neardup {

// Disjoint sets over documents 0 .. n-1 with path halving and union by
// size. The representative of a set is its smallest member, so results do
// not depend on the order of Union calls. Not thread-safe.
//
// Find and Union are the hot path of clustering (one call per verified
// pair) and do not check their arguments in release builds: they require
// x, a, b < size() and assert it in debug builds. CheckedFind and
// CheckedUnion check and return OutOfRange instead; use them for numbers
// that come from outside the program.
class DisjointSets {
 public:
  // Documents are numbered by uint32_t, so at most 2^32 of them.
  static constexpr size_t kMaxSize = size_t{1} << 32;

  // Returns sets of n singletons, or InvalidArgument when n > kMaxSize.
  // Memory: 4 bytes per document.
  static absl::StatusOr<DisjointSets> Create(size_t n);

  // As Create, unchecked: requires n <= kMaxSize (asserted in debug builds).
  explicit DisjointSets(size_t n);

  // Returns the smallest member of the set containing x. Requires
  // x < size() (unchecked in release builds). Amortized nearly constant.
  uint32_t Find(uint32_t x);
  // Joins the sets of a and b. Returns false if they were already joined.
  // Requires a, b < size() (unchecked in release builds).
  bool Union(uint32_t a, uint32_t b);

  // Find and Union that return OutOfRange (naming the value and size())
  // for a member outside [0, size()).
  absl::StatusOr<uint32_t> CheckedFind(uint64_t x);
  absl::StatusOr<bool> CheckedUnion(uint64_t a, uint64_t b);

  size_t size() const { return parent_.size(); }

 private:
  absl::Status CheckMember(uint64_t x, std::string_view name) const;

  // parent_[x] <= x; a root is the smallest member of its set (linking by
  // index with path halving: amortized O(log n) an operation, 4 bytes a
  // member).
  std::vector<uint32_t> parent_;
};

// Which member of a cluster is kept.
enum class KeepPolicy {
  kFirst,    // the first in input order
  kLongest,  // the longest text (ties: the first)
  kField,    // the largest value of a numeric field (ties and missing
             // values: the first; a missing value ranks below any number)
};

// Parses "first", "longest" or "field:NAME" (NAME, not empty, returned in
// *field; *field is left alone for the other policies). Returns
// InvalidArgument naming `text` for anything else, or when field is null.
absl::StatusOr<KeepPolicy> ParseKeepPolicy(std::string_view text,
                                           std::string* field);

// The clustering of n documents: for each document, its cluster (the
// smallest member) and the member that is kept.
struct Clustering {
  std::vector<uint32_t> cluster;  // cluster[i]: smallest member
  std::vector<uint32_t> kept;     // kept[i]: kept member of i's cluster
  // component[i]: smallest member of i's connected component (the sets it
  // was made from). MakeClustering: equal to cluster. MakeJudgedClustering:
  // a component splits into one cluster per record kept.
  std::vector<uint32_t> component;
  uint64_t clusters_of_two_or_more = 0;
  uint64_t removed = 0;           // documents that are not their kept one
};

// Turns disjoint sets into a Clustering. `lengths` (text bytes) is used by
// kLongest and `numbers` (NaN when missing) by kField; each must have one
// value per document (sets.size()), and may be empty when the policy does
// not use it. Returns InvalidArgument when a span has another size, or the
// policy's span is empty. Cost: linear.
absl::StatusOr<Clustering> MakeClustering(DisjointSets& sets,
                                          KeepPolicy policy,
                                          absl::Span<const uint64_t> lengths,
                                          absl::Span<const double> numbers);

// Judges the members of one connected component so that no removal goes
// through a chain (A ~ B and B ~ C do not remove C as a copy of A unless
// C ~ A). Members are offered best first under `policy` (kFirst: input
// order; kLongest: longest first; kField: largest value first, missing
// values last; ties in input order, which is the order of `lengths` and
// `numbers`, one value per member). Each member joins the first kept
// member, in that order, that `duplicate(member, kept)` accepts (it is
// then removed, judged against that member); a member that joins none is
// kept. So the member MakeClustering would keep is always kept, and every
// removed member is a duplicate of the member it names. Writes judged[j]:
// the member that member j is judged against (j itself when kept).
// `lengths` or `numbers` may be empty when the policy does not use them.
//
// With `bands` > 0, `band_keys` holds `bands` keys per member (member j's
// at [j * bands, (j + 1) * bands)), LSH band keys, and a member is compared
// only with the kept members that share a key with it in the same band
// (LSH candidates), still in keep order: what a candidate index would
// compare, and no more. Returns InvalidArgument when a span has another
// size than `judged` (band_keys: than judged.size() * bands). Cost: a sort,
// then at most members x kept calls of `duplicate` without bands; with
// bands, one hash-map lookup per member and band, and one call per kept
// candidate.
absl::Status JudgeMembers(KeepPolicy policy,
                          absl::Span<const uint64_t> lengths,
                          absl::Span<const double> numbers,
                          absl::FunctionRef<bool(size_t member, size_t kept)>
                              duplicate,
                          absl::Span<uint32_t> judged,
                          absl::Span<const uint64_t> band_keys = {},
                          size_t bands = 0);

// As MakeClustering, but each connected component of `sets` is judged by
// JudgeMembers (`duplicate` takes document numbers): a component becomes one
// cluster per kept member (that member and the members judged against it),
// numbered by its smallest member in `cluster`; `component` keeps the
// component. Deterministic: depends only on the components, the policy's
// values and `duplicate`, never on the order of Union calls.
// With `bands` > 0, band_key(doc, band) gives each document's LSH band
// keys, passed to JudgeMembers.
absl::StatusOr<Clustering> MakeJudgedClustering(
    DisjointSets& sets, KeepPolicy policy, absl::Span<const uint64_t> lengths,
    absl::Span<const double> numbers,
    absl::FunctionRef<bool(uint32_t member, uint32_t kept)> duplicate,
    size_t bands = 0,
    const std::function<uint64_t(uint32_t doc, size_t band)>& band_key =
        nullptr);

}  // namespace neardup

#endif  // NEARDUP_CLUSTER_H_
