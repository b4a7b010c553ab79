// MinHash: coefficient generation, the portable kernel, kernel dispatch and
// the Jaccard estimators.

#include "neardup/minhash.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sketch/minhash_kernels.h"

namespace neardup {
namespace internal {

void MinHashPortable(const MinHashArgs& args) {
  for (size_t p0 = 0; p0 < args.padded; p0 += 8) {
    uint64_t mins[8];
    for (int j = 0; j < 8; ++j) mins[j] = ~uint64_t{0};
    const uint64_t* a = args.a + p0;
    const uint64_t* c = args.c + p0;
    for (size_t s = 0; s < args.count; ++s) {
      const uint64_t x = args.x[s];
      for (int j = 0; j < 8; ++j) {
        const uint64_t v = a[j] * x + c[j];
        mins[j] = v < mins[j] ? v : mins[j];
      }
    }
    for (int j = 0; j < 8 && p0 + j < args.num_perm; ++j) {
      args.out[p0 + j] = static_cast<uint32_t>(mins[j] >> 32);
    }
  }
}

}  // namespace internal

namespace {

constexpr uint64_t kSeedSalt = 0x6E65617264757021ull;  // "neardup!"

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

const char* MinHashKernelName(MinHashKernel kernel) {
  switch (kernel) {
    case MinHashKernel::kAuto:
      return "auto";
    case MinHashKernel::kPortable:
      return "portable";
    case MinHashKernel::kAvx2:
      return "avx2";
    case MinHashKernel::kAvx512:
      return "avx512";
  }
  return "unknown";
}

bool MinHashKernelSupported(MinHashKernel kernel) {
  switch (kernel) {
    case MinHashKernel::kAuto:
    case MinHashKernel::kPortable:
      return true;
#if defined(NEARDUP_X86_KERNELS)
    case MinHashKernel::kAvx2:
      return __builtin_cpu_supports("avx2");
    case MinHashKernel::kAvx512:
      return __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("avx512dq");
#else
    default:
      return false;
#endif
  }
  return false;
}

MinHasher::MinHasher(const MinHashOptions& options, MinHashKernel kernel)
    : options_(options), kernel_(kernel) {
  const size_t k = static_cast<size_t>(options.num_perm);
  const size_t padded = (k + 7) / 8 * 8;
  a_.resize(padded);
  c_.resize(padded);
  uint64_t state = options.seed ^ kSeedSalt;
  for (size_t i = 0; i < k; ++i) {
    a_[i] = SplitMix64(&state) | 1;
    c_[i] = SplitMix64(&state);
  }
  for (size_t i = k; i < padded; ++i) {
    a_[i] = a_[k - 1];
    c_[i] = c_[k - 1];
  }
}

absl::StatusOr<MinHasher> MinHasher::Create(const MinHashOptions& options,
                                            MinHashKernel kernel) {
  if (options.num_perm < 1 || options.num_perm > kMaxPermutations) {
    return absl::InvalidArgumentError(
        "num_perm must be between 1 and " + std::to_string(kMaxPermutations) +
        ", got " + std::to_string(options.num_perm));
  }
  if (!MinHashKernelSupported(kernel)) {
    return absl::UnavailableError(std::string("this CPU cannot run the ") +
                                  MinHashKernelName(kernel) +
                                  " MinHash kernel");
  }
  if (kernel == MinHashKernel::kAuto) {
    kernel = MinHashKernelSupported(MinHashKernel::kAvx512)
                 ? MinHashKernel::kAvx512
             : MinHashKernelSupported(MinHashKernel::kAvx2)
                 ? MinHashKernel::kAvx2
                 : MinHashKernel::kPortable;
  }
  return MinHasher(options, kernel);
}

absl::Status MinHasher::Sign(absl::Span<const uint64_t> shingles,
                             absl::Span<uint32_t> out) const {
  return SignWith(shingles, out, nullptr);
}

absl::Status MinHasher::SignCountingDistinct(
    absl::Span<const uint64_t> shingles, absl::Span<uint32_t> out,
    std::vector<uint64_t>* table, size_t* distinct) const {
  if (out.size() < static_cast<size_t>(options_.num_perm)) {
    return SignWith(shingles, out, nullptr);  // the error, out untouched
  }
  // A quarter full at most while the table stays within L2 (2^16 slots,
  // 512 KiB), half full past that (a huge document's table stays half the
  // size). At half full a value probed 1.5-2.5 slots on average, and the
  // probe loop's branch mispredicted on each occupied one: counting cost
  // 15-17% of MinHash/112, against 9-10% a quarter full (bench/README,
  // BM_MinHashDistinct). The count does not depend on the size.
  constexpr size_t kSparseSlots = size_t{1} << 16;
  const size_t n = shingles.size();
  const size_t want = 4 * n <= kSparseSlots ? 4 * n : 2 * n;
  size_t capacity = 16;
  while (capacity < want) capacity <<= 1;
  table->assign(capacity, 0);
  internal::DistinctCounter counter{table->data(), capacity - 1};
  const absl::Status status = SignWith(shingles, out, &counter);
  *distinct = counter.count;
  return status;
}

absl::Status MinHasher::SignWith(absl::Span<const uint64_t> shingles,
                                 absl::Span<uint32_t> out,
                                 internal::DistinctCounter* distinct) const {
  const size_t k = static_cast<size_t>(options_.num_perm);
  if (out.size() < k) {
    return absl::InvalidArgumentError(
        "MinHasher::Sign: output of " + std::to_string(out.size()) +
        " values for a signature of " + std::to_string(k));
  }
  if (shingles.empty()) {
    std::fill(out.begin(), out.begin() + k, 0xFFFFFFFFu);
    return absl::OkStatus();
  }
  internal::MinHashArgs args{a_.data(),       c_.data(),
                             a_.size(),       k,
                             shingles.data(), shingles.size(),
                             out.data(),      nullptr};
  switch (kernel_) {
#if defined(NEARDUP_X86_KERNELS)
    case MinHashKernel::kAvx512:
      args.distinct = distinct;  // counted in its first pass
      internal::MinHashAvx512(args);
      return absl::OkStatus();
    case MinHashKernel::kAvx2:
      args.distinct = distinct;  // counted in its first pass
      internal::MinHashAvx2(args);
      return absl::OkStatus();
#endif
    default:
      internal::MinHashPortable(args);
      break;
  }
  if (distinct != nullptr) {
    for (const uint64_t h : shingles) distinct->Add(h);
  }
  return absl::OkStatus();
}

std::vector<uint32_t> MinHasher::Sign(
    absl::Span<const uint64_t> shingles) const {
  std::vector<uint32_t> out(static_cast<size_t>(options_.num_perm));
  Sign(shingles, absl::MakeSpan(out)).IgnoreError();  // sized to fit
  return out;
}

absl::StatusOr<double> EstimateJaccard(absl::Span<const uint32_t> a,
                                       absl::Span<const uint32_t> b) {
  if (a.size() != b.size() || a.empty()) {
    return absl::InvalidArgumentError(
        "EstimateJaccard: signatures of " + std::to_string(a.size()) +
        " and " + std::to_string(b.size()) +
        " values; they must have the same, non-zero length");
  }
  size_t equal = 0;
  for (size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / static_cast<double>(a.size());
}

namespace {

struct Overlap {
  size_t a = 0, b = 0, common = 0;  // distinct values of each, shared
};

Overlap CountOverlap(absl::Span<const uint64_t> a,
                     absl::Span<const uint64_t> b) {
  std::vector<uint64_t> sa(a.begin(), a.end());
  std::vector<uint64_t> sb(b.begin(), b.end());
  std::sort(sa.begin(), sa.end());
  sa.erase(std::unique(sa.begin(), sa.end()), sa.end());
  std::sort(sb.begin(), sb.end());
  sb.erase(std::unique(sb.begin(), sb.end()), sb.end());
  Overlap o{sa.size(), sb.size(), 0};
  size_t i = 0, j = 0;
  while (i < sa.size() && j < sb.size()) {
    if (sa[i] < sb[j]) {
      ++i;
    } else if (sb[j] < sa[i]) {
      ++j;
    } else {
      ++o.common;
      ++i;
      ++j;
    }
  }
  return o;
}

}  // namespace

double ExactJaccard(absl::Span<const uint64_t> a,
                    absl::Span<const uint64_t> b) {
  const Overlap o = CountOverlap(a, b);
  if (o.a == 0 && o.b == 0) return 1.0;
  const size_t unions = o.a + o.b - o.common;
  return static_cast<double>(o.common) / static_cast<double>(unions);
}

double ExactContainment(absl::Span<const uint64_t> a,
                        absl::Span<const uint64_t> b) {
  const Overlap o = CountOverlap(a, b);
  if (o.a == 0 && o.b == 0) return 1.0;
  const size_t smaller = std::min(o.a, o.b);
  if (smaller == 0) return 0.0;
  return static_cast<double>(o.common) / static_cast<double>(smaller);
}

double EstimateContainment(double jaccard, uint64_t size_a, uint64_t size_b) {
  const uint64_t smaller = std::min(size_a, size_b);
  if (smaller == 0) return size_a == size_b ? 1.0 : 0.0;
  const double common = jaccard *
                        (static_cast<double>(size_a) + static_cast<double>(size_b)) /
                        (1.0 + jaccard);
  return std::min(1.0, common / static_cast<double>(smaller));
}

}  // namespace neardup
