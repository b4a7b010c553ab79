// MinHash: containment from the order of two signatures' values
// (CompareSlots, the maximum-likelihood EstimateContainment).

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "neardup/minhash.h"

namespace neardup {

absl::StatusOr<SlotCounts> CompareSlots(absl::Span<const uint32_t> a,
                                        absl::Span<const uint32_t> b) {
  if (a.size() != b.size() || a.empty()) {
    return absl::InvalidArgumentError(
        "CompareSlots: signatures of " + std::to_string(a.size()) + " and " +
        std::to_string(b.size()) +
        " values; they must have the same, non-zero length");
  }
  uint32_t equal = 0;
  uint32_t a_lower = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    equal += a[i] == b[i];
    a_lower += a[i] < b[i];
  }
  return SlotCounts{equal, a_lower,
                    static_cast<uint32_t>(a.size()) - equal - a_lower};
}

namespace {

// The log-likelihood of the slot counts for a shared count x of sets of
// sizes a and b is
//   L(x) = m ln x + p ln(a - x) + q ln(b - x) - k ln(a + b - x)
// (m equal, p a lower, q b lower, k all slots). Score is L'(x), Slope
// L''(x); L'' <= 0 (each of m, p, q over the square of its set is at least
// its share of k over the square of the union), so the score falls with x
// and has at most one root. A count of 0 drops its term, so that an end
// where that set's own part is empty stays finite.
struct Likelihood {
  double m, p, q, k, a, b;

  double Score(double x) const {
    double s = k / (a + b - x);
    if (m > 0) s += m / x;
    if (p > 0) s -= p / (a - x);
    if (q > 0) s -= q / (b - x);
    return s;
  }
  double Slope(double x) const {
    const double u = a + b - x;
    double s = k / (u * u);
    if (m > 0) s -= m / (x * x);
    if (p > 0) s -= p / ((a - x) * (a - x));
    if (q > 0) s -= q / ((b - x) * (b - x));
    return s;
  }
};

}  // namespace

double EstimateContainment(const SlotCounts& slots, uint64_t size_a,
                           uint64_t size_b) {
  const uint64_t smaller = std::min(size_a, size_b);
  if (smaller == 0) return size_a == size_b ? 1.0 : 0.0;
  if (slots.equal == 0) return 0.0;
  const Likelihood l{static_cast<double>(slots.equal),
                     static_cast<double>(slots.a_lower),
                     static_cast<double>(slots.b_lower),
                     static_cast<double>(slots.equal) + slots.a_lower +
                         slots.b_lower,
                     static_cast<double>(size_a), static_cast<double>(size_b)};
  const double top = static_cast<double>(smaller);
  // Whole containment is possible only when the slots give the smaller
  // set(s) nothing of their own; it is the estimate when the likelihood
  // still rises there.
  const bool a_may_empty = size_a > smaller || slots.a_lower == 0;
  const bool b_may_empty = size_b > smaller || slots.b_lower == 0;
  if (a_may_empty && b_may_empty && l.Score(top) >= 0) return 1.0;
  // The root of the score in (0, top), where it falls from +inf to below
  // 0: Newton steps from the Jaccard estimate's shared count, kept inside
  // the bracket of the root by bisecting when a step leaves it.
  double lo = 0;
  double hi = top;
  const double jaccard = l.m / l.k;
  double x = jaccard * (l.a + l.b) / (1 + jaccard);
  if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
  for (int step = 0; step < 200; ++step) {
    const double score = l.Score(x);
    if (score > 0) {
      lo = x;
    } else {
      hi = x;
    }
    double next = x - score / l.Slope(x);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    const bool done = std::abs(next - x) <= 1e-10 * top;
    x = next;
    if (done) break;
  }
  return std::min(1.0, x / top);
}

}  // namespace neardup
