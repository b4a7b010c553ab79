// LSH banding for MinHash and permuted tables for SimHash.

#include "neardup/lsh.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "neardup/internal/dedup_stages.h"
#include "neardup/minhash.h"
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace neardup {
namespace {

// Simpson's rule over [a, b] with an even number of intervals.
template <typename F>
double Integrate(F f, double a, double b) {
  constexpr int kIntervals = 512;
  if (b <= a) return 0;
  const double h = (b - a) / kIntervals;
  double sum = f(a) + f(b);
  for (int i = 1; i < kIntervals; ++i) sum += f(a + i * h) * (i % 2 ? 4 : 2);
  return sum * h / 3;
}

// Emits the pairs of one bucket: members[0 .. m) are document numbers in
// increasing order.
template <typename Pair>
void EmitBucket(const Pair* members, size_t m,
                size_t cap, std::vector<DocPair>* out, CandidateStats* stats) {
  ++stats->buckets;
  stats->largest_bucket = std::max(stats->largest_bucket, m);
  if (m <= cap) {
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = i + 1; j < m; ++j) {
        out->push_back({members[i].second, members[j].second});
      }
    }
    stats->pairs += m * (m - 1) / 2;
    return;
  }
  ++stats->oversized_buckets;
  for (size_t i = 1; i < m; ++i) {
    out->push_back({members[0].second, members[i].second});
    if (i + 1 < m) out->push_back({members[i].second, members[i + 1].second});
  }
  stats->pairs += 2 * (m - 1) - 1;
}

constexpr size_t kMaxDocuments = size_t{1} << 32;

absl::Status CheckDistance(int max_distance, const char* function) {
  if (max_distance >= 0 && max_distance <= 8) return absl::OkStatus();
  return absl::InvalidArgumentError(
      std::string(function) + ": max_distance must be 0 to 8, got " +
      std::to_string(max_distance));
}

}  // namespace

double CandidateProbability(double s, const LshParams& params) {
  return 1.0 - std::pow(1.0 - std::pow(s, params.rows), params.bands);
}

absl::StatusOr<LshParams> OptimalLshParams(double threshold, int num_perm,
                                           double fp_weight,
                                           double fn_weight) {
  if (!(threshold > 0 && threshold < 1)) {
    return absl::InvalidArgumentError(
        "threshold must be strictly between 0 and 1, got " +
        std::to_string(threshold));
  }
  if (num_perm < 1 || num_perm > kMaxPermutations) {
    return absl::InvalidArgumentError(
        "num_perm must be 1 to " + std::to_string(kMaxPermutations) +
        ", got " + std::to_string(num_perm));
  }
  if (!(std::isfinite(fp_weight) && fp_weight >= 0 &&
        std::isfinite(fn_weight) && fn_weight >= 0) ||
      fp_weight + fn_weight == 0) {
    return absl::InvalidArgumentError(
        "fp_weight and fn_weight must be finite, at least 0 and not both 0, "
        "got " + std::to_string(fp_weight) + " and " +
        std::to_string(fn_weight));
  }
  LshParams best{1, 1};
  double best_error = INFINITY;
  for (int bands = 1; bands <= num_perm; ++bands) {
    for (int rows = 1; bands * rows <= num_perm; ++rows) {
      const LshParams p{bands, rows};
      const double fp = Integrate(
          [&](double s) { return CandidateProbability(s, p); }, 0, threshold);
      const double fn = Integrate(
          [&](double s) { return 1 - CandidateProbability(s, p); }, threshold,
          1);
      const double error = fp_weight * fp + fn_weight * fn;
      if (error <= best_error) {
        best_error = error;
        best = p;
      }
    }
  }
  return best;
}

uint64_t BandKey(absl::Span<const uint32_t> signature, int band, int rows) {
  assert(band >= 0 && rows >= 1 &&
         (static_cast<size_t>(band) + 1) * static_cast<size_t>(rows) <=
             signature.size());
  const uint32_t* values = signature.data() + static_cast<size_t>(band) * rows;
  const size_t bytes = static_cast<size_t>(rows) * sizeof(uint32_t);
  if constexpr (std::endian::native == std::endian::little) {
    return XXH3_64bits_withSeed(values, bytes, static_cast<uint64_t>(band));
  } else {
    std::vector<uint32_t> swapped(values, values + rows);
    for (uint32_t& v : swapped) v = __builtin_bswap32(v);
    return XXH3_64bits_withSeed(swapped.data(), bytes,
                                static_cast<uint64_t>(band));
  }
}

absl::StatusOr<uint64_t> CheckedBandKey(absl::Span<const uint32_t> signature,
                                        int band, int rows) {
  if (rows < 1 || band < 0) {
    return absl::InvalidArgumentError(
        "BandKey: need band >= 0 and rows >= 1, got band " +
        std::to_string(band) + " and rows " + std::to_string(rows));
  }
  if ((static_cast<uint64_t>(band) + 1) * static_cast<uint64_t>(rows) >
      signature.size()) {
    return absl::OutOfRangeError(
        "BandKey: band " + std::to_string(band) + " of " +
        std::to_string(rows) + " rows runs past a signature of " +
        std::to_string(signature.size()) + " values");
  }
  return BandKey(signature, band, rows);
}

absl::Status CandidatesFromKeys(
    absl::Span<const uint64_t> keys, const CandidateOptions& options,
    std::vector<std::pair<uint64_t, uint32_t>>* scratch,
    std::vector<DocPair>* out, CandidateStats* stats) {
  if (scratch == nullptr || out == nullptr || stats == nullptr) {
    return absl::InvalidArgumentError(
        "CandidatesFromKeys: scratch, out and stats must not be null");
  }
  if (keys.size() > kMaxDocuments) {
    return absl::InvalidArgumentError(
        "CandidatesFromKeys: " + std::to_string(keys.size()) +
        " keys, more than 2^32 documents");
  }
  scratch->resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    (*scratch)[i] = {keys[i], static_cast<uint32_t>(i)};
  }
  std::sort(scratch->begin(), scratch->end());
  return internal::CandidatesFromSortedKeys(*scratch, options, out, stats);
}

namespace {

template <typename Pair>
absl::Span<const Pair> SortRepeatedKeysOf(absl::Span<Pair> pairs,
                                          std::vector<uint64_t>* scratch) {
  const size_t n = pairs.size();
  if (n <= 4096 || n > UINT32_MAX) {  // counts below are 32-bit
    std::sort(pairs.begin(), pairs.end());
    return pairs;
  }
  // A key's low bits pick a bit of `seen` (8 bits a pair); a bit hit
  // twice is set in `repeated`. A key that occurs twice hits its bit
  // twice, so its pairs are all kept.
  const size_t words = std::bit_ceil(n) / 8;
  const uint64_t mask = words * 64 - 1;
  scratch->assign(2 * words, 0);
  uint64_t* seen = scratch->data();
  uint64_t* repeated = seen + words;
  for (const Pair& p : pairs) {
    const uint64_t at = p.first & mask;
    const uint64_t bit = uint64_t{1} << (at % 64);
    repeated[at / 64] |= seen[at / 64] & bit;
    seen[at / 64] |= bit;
  }
  size_t m = 0;  // the kept pairs to the front, in their order
  for (size_t i = 0; i < n; ++i) {
    const uint64_t at = pairs[i].first & mask;
    pairs[m] = pairs[i];
    m += (repeated[at / 64] >> (at % 64)) & 1;
  }
  if (m <= 4096 || 2 * m > n) {
    std::sort(pairs.begin(), pairs.begin() + m);
    return pairs.subspan(0, m);
  }
  // Distributed by the high bits of the key (about 4 pairs a bucket, at
  // most 2^16 buckets) into [m, 2m), which the pairs left out free; then
  // each bucket sorted.
  const int bits =
      std::clamp(static_cast<int>(std::bit_width(m)) - 2, 8, 16);
  const int shift = 64 - bits;
  const size_t buckets = size_t{1} << bits;
  scratch->assign(buckets / 2 + 1, 0);
  auto* next = reinterpret_cast<uint32_t*>(scratch->data());
  for (size_t i = 0; i < m; ++i) ++next[pairs[i].first >> shift];
  uint32_t at = 0;
  for (size_t b = 0; b < buckets; ++b) {
    const uint32_t count = next[b];
    next[b] = at;
    at += count;
  }
  Pair* out = pairs.data() + m;
  for (size_t i = 0; i < m; ++i) out[next[pairs[i].first >> shift]++] = pairs[i];
  // next[b] is now the end of bucket b.
  uint32_t begin = 0;
  for (size_t b = 0; b < buckets; ++b) {
    Pair* first = out + begin;
    Pair* last = out + next[b];
    begin = next[b];
    if (last - first <= 1) continue;
    if (last - first > 16) {
      std::sort(first, last);
      continue;
    }
    for (Pair* i = first + 1; i < last; ++i) {
      const Pair p = *i;
      Pair* j = i;
      for (; j > first && p < *(j - 1); --j) *j = *(j - 1);
      *j = p;
    }
  }
  return absl::Span<const Pair>(out, m);
}

template <typename Pair>
absl::Status CandidatesFromSortedKeysOf(absl::Span<const Pair> sorted,
                                        const CandidateOptions& options,
                                        std::vector<DocPair>* out,
                                        CandidateStats* stats) {
  if (out == nullptr || stats == nullptr) {
    return absl::InvalidArgumentError(
        "CandidatesFromSortedKeys: out and stats must not be null");
  }
  const size_t n = sorted.size();
  for (size_t i = 1; i < n; ++i) {
    if (sorted[i] < sorted[i - 1]) {
      return absl::InvalidArgumentError(
          "CandidatesFromSortedKeys: (key, document) pairs not sorted at "
          "position " + std::to_string(i));
    }
  }
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && sorted[j].first == sorted[i].first) ++j;
    if (j - i >= 2) {
      EmitBucket(sorted.data() + i, j - i, options.max_bucket_pairs_size, out,
                 stats);
    }
    i = j;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Span<const std::pair<uint64_t, uint32_t>> internal::SortRepeatedKeys(
    absl::Span<std::pair<uint64_t, uint32_t>> pairs,
    std::vector<uint64_t>* scratch) {
  return SortRepeatedKeysOf(pairs, scratch);
}

absl::Span<const internal::KeyedDoc> internal::SortRepeatedKeys(
    absl::Span<KeyedDoc> pairs, std::vector<uint64_t>* scratch) {
  return SortRepeatedKeysOf(pairs, scratch);
}

absl::Status internal::CandidatesFromSortedKeys(
    absl::Span<const std::pair<uint64_t, uint32_t>> sorted,
    const CandidateOptions& options, std::vector<DocPair>* out,
    CandidateStats* stats) {
  return CandidatesFromSortedKeysOf(sorted, options, out, stats);
}

absl::Status internal::CandidatesFromSortedKeys(
    absl::Span<const KeyedDoc> sorted, const CandidateOptions& options,
    std::vector<DocPair>* out, CandidateStats* stats) {
  return CandidatesFromSortedKeysOf(sorted, options, out, stats);
}

std::vector<uint64_t> SimHashTableMasks(int max_distance) {
  std::vector<uint64_t> masks;
  if (max_distance < 0 || max_distance > 8) return masks;
  const int blocks = max_distance + 2;
  // Block b covers bits [64 b / blocks, 64 (b + 1) / blocks).
  uint64_t block_masks[10];
  for (int b = 0; b < blocks; ++b) {
    const int begin = 64 * b / blocks;
    const int end = 64 * (b + 1) / blocks;
    block_masks[b] = (end - begin == 64 ? ~uint64_t{0}
                                        : ((uint64_t{1} << (end - begin)) - 1))
                     << begin;
  }
  // Each table ignores max_distance of the blocks: the key is the others.
  for (unsigned ignored = 0; ignored < (1u << blocks); ++ignored) {
    if (std::popcount(ignored) != max_distance) continue;
    uint64_t key_mask = 0;
    for (int b = 0; b < blocks; ++b) {
      if (!(ignored & (1u << b))) key_mask |= block_masks[b];
    }
    masks.push_back(key_mask);
  }
  return masks;
}

absl::Status internal::SimHashPairsFromSortedKeys(absl::Span<const uint64_t> keys,
                                        absl::Span<const uint64_t> fingerprints,
                                        absl::Span<const uint32_t> docs,
                                        int max_distance,
                                        const CandidateOptions& options,
                                        std::vector<DocPair>* out,
                                        CandidateStats* stats) {
  if (auto s = CheckDistance(max_distance, "SimHashPairsFromSortedKeys");
      !s.ok()) {
    return s;
  }
  if (out == nullptr || stats == nullptr) {
    return absl::InvalidArgumentError(
        "SimHashPairsFromSortedKeys: out and stats must not be null");
  }
  if (fingerprints.size() != keys.size() || docs.size() != keys.size()) {
    return absl::InvalidArgumentError(
        "SimHashPairsFromSortedKeys: keys, fingerprints and docs differ in "
        "length (" + std::to_string(keys.size()) + ", " +
        std::to_string(fingerprints.size()) + ", " +
        std::to_string(docs.size()) + ")");
  }
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i] < keys[i - 1] ||
        (keys[i] == keys[i - 1] && docs[i] < docs[i - 1])) {
      return absl::InvalidArgumentError(
          "SimHashPairsFromSortedKeys: (key, document) pairs not sorted at "
          "position " + std::to_string(i));
    }
  }
  const size_t cap = std::max<size_t>(options.max_bucket_pairs_size, 2);
  auto consider = [&](size_t x, size_t y) {
    ++stats->pairs;
    if (std::popcount(fingerprints[x] ^ fingerprints[y]) <= max_distance) {
      out->push_back({std::min(docs[x], docs[y]), std::max(docs[x], docs[y])});
    }
  };
  std::vector<std::pair<uint64_t, size_t>> run;
  for (size_t i = 0; i < keys.size();) {
    size_t j = i + 1;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    const size_t m = j - i;
    if (m >= 2) {
      ++stats->buckets;
      stats->largest_bucket = std::max(stats->largest_bucket, m);
    }
    if (m >= 2 && m <= cap) {
      for (size_t x = i; x < j; ++x) {
        for (size_t y = x + 1; y < j; ++y) consider(x, y);
      }
    } else if (m > cap) {
      // Sorted by full fingerprint, near fingerprints are close together.
      ++stats->oversized_buckets;
      run.clear();
      for (size_t x = i; x < j; ++x) {
        run.push_back({fingerprints[x], x});
      }
      // Ties in the fingerprint keep document order, as sorting (fingerprint,
      // document) pairs does.
      std::sort(run.begin(), run.end(), [&](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first
                                  : docs[a.second] < docs[b.second];
      });
      for (size_t x = 0; x < m; ++x) {
        for (size_t y = x + 1; y < m && y <= x + cap; ++y) {
          consider(run[x].second, run[y].second);
        }
      }
    }
    i = j;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<DocPair>> SimHashNearPairs(
    absl::Span<const uint64_t> fingerprints, int max_distance,
    const CandidateOptions& options, CandidateStats* stats) {
  if (auto s = CheckDistance(max_distance, "SimHashNearPairs"); !s.ok()) {
    return s;
  }
  if (stats == nullptr) {
    return absl::InvalidArgumentError("SimHashNearPairs: stats is null");
  }
  if (fingerprints.size() > kMaxDocuments) {
    return absl::InvalidArgumentError(
        "SimHashNearPairs: " + std::to_string(fingerprints.size()) +
        " fingerprints, more than 2^32 documents");
  }
  std::vector<DocPair> pairs;
  std::vector<std::pair<uint64_t, uint32_t>> table(fingerprints.size());
  std::vector<uint64_t> keys(fingerprints.size()), prints(fingerprints.size());
  std::vector<uint32_t> docs(fingerprints.size());
  for (const uint64_t key_mask : SimHashTableMasks(max_distance)) {
    for (size_t i = 0; i < fingerprints.size(); ++i) {
      table[i] = {fingerprints[i] & key_mask, static_cast<uint32_t>(i)};
    }
    std::sort(table.begin(), table.end());
    for (size_t i = 0; i < table.size(); ++i) {
      keys[i] = table[i].first;
      docs[i] = table[i].second;
      prints[i] = fingerprints[table[i].second];
    }
    if (auto s = internal::SimHashPairsFromSortedKeys(keys, prints, docs, max_distance,
                                            options, &pairs, stats);
        !s.ok()) {
      return s;
    }
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

}  // namespace neardup
