// LSH banding for MinHash and permuted tables for SimHash.

#include "neardup/lsh.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

#include "absl/status/status.h"
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
void EmitBucket(const std::pair<uint64_t, uint32_t>* members, size_t m,
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
  if (num_perm < 1) {
    return absl::InvalidArgumentError("num_perm must be at least 1");
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

void CandidatesFromKeys(absl::Span<const uint64_t> keys,
                        const CandidateOptions& options,
                        std::vector<std::pair<uint64_t, uint32_t>>* scratch,
                        std::vector<DocPair>* out, CandidateStats* stats) {
  scratch->resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    (*scratch)[i] = {keys[i], static_cast<uint32_t>(i)};
  }
  std::sort(scratch->begin(), scratch->end());
  CandidatesFromSortedKeys(*scratch, options, out, stats);
}

void CandidatesFromSortedKeys(
    absl::Span<const std::pair<uint64_t, uint32_t>> sorted,
    const CandidateOptions& options, std::vector<DocPair>* out,
    CandidateStats* stats) {
  const size_t n = sorted.size();
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && sorted[j].first == sorted[i].first) ++j;
    if (j - i >= 2) {
      EmitBucket(sorted.data() + i, j - i, options.max_bucket_pairs_size, out,
                 stats);
    }
    i = j;
  }
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

void SimHashPairsFromSortedKeys(absl::Span<const uint64_t> keys,
                                absl::Span<const uint64_t> fingerprints,
                                absl::Span<const uint32_t> docs,
                                int max_distance,
                                const CandidateOptions& options,
                                std::vector<DocPair>* out,
                                CandidateStats* stats) {
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
}

std::vector<DocPair> SimHashNearPairs(absl::Span<const uint64_t> fingerprints,
                                      int max_distance,
                                      const CandidateOptions& options,
                                      CandidateStats* stats) {
  std::vector<DocPair> pairs;
  if (max_distance < 0 || max_distance > 8) return pairs;
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
    SimHashPairsFromSortedKeys(keys, prints, docs, max_distance, options,
                               &pairs, stats);
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

}  // namespace neardup
