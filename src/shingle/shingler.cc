// Word and character n-gram hashing (the definitions are in shingle.h).

#include <bit>
#include <cassert>
#include <cstring>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "neardup/shingle.h"
#include "shingle/shingle_kernels.h"
#include "shingle/word_hashes.h"
#include "text/utf8_internal.h"
// Inlined: shingle inputs are 1 to 512 bytes, where a call through the shared
// library costs as much as the hash. Same algorithm, same values.
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace neardup {
namespace {

// XXH3 of `count` token hashes laid out as little-endian 8-byte words.
inline uint64_t HashTokenRun(const uint64_t* tokens, size_t count,
                             uint64_t seed) {
  if constexpr (std::endian::native == std::endian::little) {
    return XXH3_64bits_withSeed(tokens, count * sizeof(uint64_t), seed);
  } else {
    uint64_t swapped[kMaxShingleSize];
    for (size_t i = 0; i < count; ++i) swapped[i] = __builtin_bswap64(tokens[i]);
    return XXH3_64bits_withSeed(swapped, count * sizeof(uint64_t), seed);
  }
}

// out[i] = the hash of tokens[i .. i + n), for each whole run of n tokens
// from the first'th. With n a constant (kN > 0), the compiler picks XXH3's
// path for the length once, outside the loop; kN 0 reads n at run time.
template <size_t kN>
void HashTokenRunsScalar(const uint64_t* tokens, size_t count, size_t n,
                         uint64_t seed, uint64_t* out, size_t first = 0) {
  if constexpr (kN > 0) n = kN;
  for (size_t i = first; i + n <= count; ++i) {
    out[i] = HashTokenRun(tokens + i, n, seed);
  }
}

// The first (widest) of the kernels this CPU runs; null: none, or a
// big-endian host, where token hashes are not XXH3's little-endian input.
template <typename Kernel>
Kernel Widest(const std::vector<Kernel>& kernels) {
  if constexpr (std::endian::native != std::endian::little) return nullptr;
  return kernels.empty() ? nullptr : kernels.front();
}

// Calls f(begin, end) for each character n-gram of text (or once for the
// whole text when it has fewer than n code points).
template <typename F>
void ForEachCharGram(std::string_view text, int n, F&& f) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  // Start offsets of the last n code points, as a ring.
  size_t starts[kMaxShingleSize];
  size_t count = 0;
  size_t i = 0;
  while (i < size) {
    int32_t cp;
    const int len = internal::DecodeUtf8(p + i, size - i, &cp);
    starts[count % n] = i;
    ++count;
    i += len;
    if (count >= static_cast<size_t>(n)) f(starts[(count - n) % n], i);
  }
  if (count < static_cast<size_t>(n)) f(0, size);
}

}  // namespace

namespace internal {

std::vector<TokenRunsFn> VectorTokenRunsKernels(size_t n) {
  std::vector<TokenRunsFn> kernels;
#if defined(NEARDUP_X86_KERNELS)
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) {
    if (n == 3) kernels.push_back(HashTokenRunsAvx512<3>);
    if (n == 5) kernels.push_back(HashTokenRunsAvx512<5>);
  }
#endif
  return kernels;
}

std::vector<HashWords8Fn> VectorWordKernels() {
  std::vector<HashWords8Fn> kernels;
#if defined(NEARDUP_X86_KERNELS)
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw")) {
    kernels.push_back(HashWords8Avx512);
  }
#endif
  return kernels;
}

void HashTokenRuns(const uint64_t* tokens, size_t count, size_t n,
                   uint64_t seed, uint64_t* out) {
  assert(n >= 1 && n <= static_cast<size_t>(kMaxShingleSize));
  if (count < n) return;
  static const TokenRunsFn kernel3 = Widest(VectorTokenRunsKernels(3));
  static const TokenRunsFn kernel5 = Widest(VectorTokenRunsKernels(5));
  const TokenRunsFn kernel = n == 3 ? kernel3 : n == 5 ? kernel5 : nullptr;
  const size_t done = kernel != nullptr ? kernel(tokens, count, seed, out) : 0;
  switch (n) {  // XXH3's path for the length picked outside the loop
    case 3:
      HashTokenRunsScalar<3>(tokens, count, n, seed, out, done);
      break;
    case 5:
      HashTokenRunsScalar<5>(tokens, count, n, seed, out, done);
      break;
    default:
      HashTokenRunsScalar<0>(tokens, count, n, seed, out);
  }
}

void AppendWordHashes(std::string_view normalized, uint64_t seed,
                      std::vector<uint64_t>* out) {
  const char* data = normalized.data();
  const size_t size = normalized.size();
  static const HashWords8Fn kernel = Widest(VectorWordKernels());
  if (kernel == nullptr) {
    ForEachWord(data, size, [&](size_t b, size_t e) {
      out->push_back(XXH3_64bits_withSeed(data + b, e - b, seed));
    });
    return;
  }
  // Words take the kernel's lanes in order, eight at a time. Those of 1 to
  // 16 bytes whose first 8 bytes lie in the text are hashed there; the
  // others (longer, or the text's last few bytes) in their lane's place
  // after it, by the scalar code.
  WordGroup group;
  size_t grouped = 0;
  unsigned others = 0;  // bit j: lane j's word is one of the others
  size_t other_begin[WordGroup::kWords], other_len[WordGroup::kWords];
  auto unused_lane = [&](size_t j) {  // a 1-byte word, its hash not kept
    group.first[j] = group.last[j] = 0;
    group.len[j] = 1;
  };
  auto hash_group = [&] {
    uint64_t hashes[WordGroup::kWords];
    kernel(group, seed, hashes);
    for (; others != 0; others &= others - 1) {
      const int j = __builtin_ctz(others);
      hashes[j] = XXH3_64bits_withSeed(data + other_begin[j], other_len[j],
                                       seed);
    }
    out->insert(out->end(), hashes, hashes + grouped);
  };
  ForEachWord(data, size, [&](size_t b, size_t e)
                              __attribute__((always_inline)) {
    const size_t len = e - b;
    if (len == 0 || len > 16 || b + 8 > size) {
      others |= 1u << grouped;
      other_begin[grouped] = b;
      other_len[grouped] = len;
      unused_lane(grouped);
    } else {
      std::memcpy(&group.first[grouped], data + b, 8);
      std::memcpy(&group.last[grouped], data + (len > 8 ? e - 8 : b), 8);
      group.len[grouped] = len;
    }
    if (++grouped == WordGroup::kWords) {
      hash_group();
      grouped = 0;
    }
  });
  if (grouped > 0) {  // a last, partial group
    for (size_t j = grouped; j < WordGroup::kWords; ++j) unused_lane(j);
    hash_group();
  }
}

}  // namespace internal

Shingler::Shingler(const ShingleOptions& options)
    : options_(options), normalizer_(options.normalize) {}

absl::StatusOr<Shingler> Shingler::Create(const ShingleOptions& options) {
  if (options.n < 1 || options.n > kMaxShingleSize) {
    return absl::InvalidArgumentError(
        "shingle size n must be between 1 and 64, got " +
        std::to_string(options.n));
  }
  if (options.kind != ShingleKind::kWord && options.kind != ShingleKind::kChar) {
    return absl::InvalidArgumentError(
        "shingle kind " + std::to_string(static_cast<int>(options.kind)) +
        " is neither kWord nor kChar");
  }
  return Shingler(options);
}

size_t Shingler::Hash(std::string_view text, std::vector<uint64_t>* hashes) {
  const size_t repaired = normalizer_.Normalize(text, &normalized_);
  HashNormalized(normalized_, hashes);
  return repaired;
}

void Shingler::HashNormalized(std::string_view normalized,
                              std::vector<uint64_t>* hashes) {
  hashes->clear();
  const uint64_t seed = options_.seed;
  const size_t n = static_cast<size_t>(options_.n);
  if (options_.kind == ShingleKind::kChar) {
    ForEachCharGram(normalized, options_.n, [&](size_t b, size_t e) {
      hashes->push_back(XXH3_64bits_withSeed(normalized.data() + b, e - b, seed));
    });
    return;
  }
  token_hashes_.clear();
  internal::AppendWordHashes(normalized, seed, &token_hashes_);
  const size_t tokens = token_hashes_.size();
  if (tokens < n) {
    hashes->push_back(HashTokenRun(token_hashes_.data(), tokens, seed));
    return;
  }
  hashes->resize(tokens - n + 1);
  internal::HashTokenRuns(token_hashes_.data(), tokens, n, seed,
                          hashes->data());
}

void Shingler::SpansNormalized(std::string_view normalized,
                               std::vector<TextSpan>* spans) const {
  spans->clear();
  if (options_.kind == ShingleKind::kChar) {
    ForEachCharGram(normalized, options_.n,
                    [&](size_t b, size_t e) { spans->push_back({b, e}); });
    return;
  }
  std::vector<TextSpan> words = SplitWords(normalized);
  const size_t n = static_cast<size_t>(options_.n);
  if (words.size() < n) {
    spans->push_back(words.empty() ? TextSpan{0, 0}
                                   : TextSpan{words.front().begin,
                                              words.back().end});
    return;
  }
  for (size_t i = 0; i + n <= words.size(); ++i) {
    spans->push_back({words[i].begin, words[i + n - 1].end});
  }
}

}  // namespace neardup
