// Fuzz target, differential: the candidate generators against brute force
// on small inputs.
//  - MinHash LSH: signatures built from the input (small values, so bands
//    collide often) are banded with BandKey and CandidatesFromKeys; the
//    pairs must be exactly those that agree on every row of some band, and
//    when a bucket takes the linear path, the pairs must still connect the
//    same documents.
//  - SimHash: fingerprints derived from the input (a few bits flipped from
//    a handful of bases); SimHashNearPairs must return exactly the pairs
//    within the distance when no bucket was oversized, else a subset.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <set>
#include <utility>
#include <vector>

#include "neardup/lsh.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using neardup::DocPair;

// Component labels of the graph `pairs` draws on n documents.
std::vector<uint32_t> Components(size_t n, const std::set<DocPair>& pairs) {
  std::vector<uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const DocPair& p : pairs) parent[find(p.first)] = find(p.second);
  std::vector<uint32_t> label(n);
  for (uint32_t i = 0; i < n; ++i) label[i] = find(i);
  // Canonical labels: the smallest member of each component.
  std::vector<uint32_t> smallest(n, UINT32_MAX);
  for (uint32_t i = 0; i < n; ++i) {
    smallest[label[i]] = std::min(smallest[label[i]], i);
  }
  for (uint32_t i = 0; i < n; ++i) label[i] = smallest[label[i]];
  return label;
}

void MinHashBands(neardup::fuzz::FuzzInput& input) {
  const int bands = 1 + input.Byte() % 6;
  const int rows = 1 + input.Byte() % 4;
  const int alphabet = 1 + input.Byte() % 4;
  neardup::CandidateOptions options;
  options.max_bucket_pairs_size = 2 + input.Byte() % 8;
  const size_t k = static_cast<size_t>(bands * rows);
  const size_t n = std::min<size_t>(input.rest().size() / k, 200);
  std::vector<std::vector<uint32_t>> sigs(n, std::vector<uint32_t>(k));
  for (size_t d = 0; d < n; ++d) {
    for (size_t i = 0; i < k; ++i) sigs[d][i] = input.Byte() % alphabet;
  }
  std::set<DocPair> brute;
  for (uint32_t a = 0; a < n; ++a) {
    for (uint32_t b = a + 1; b < n; ++b) {
      for (int band = 0; band < bands; ++band) {
        if (std::equal(sigs[a].begin() + band * rows,
                       sigs[a].begin() + (band + 1) * rows,
                       sigs[b].begin() + band * rows)) {
          brute.insert({a, b});
          break;
        }
      }
    }
  }
  std::set<DocPair> found;
  neardup::CandidateStats stats;
  std::vector<std::pair<uint64_t, uint32_t>> scratch;
  std::vector<uint64_t> keys(n);
  for (int band = 0; band < bands; ++band) {
    for (size_t d = 0; d < n; ++d) {
      keys[d] = neardup::BandKey(sigs[d], band, rows);
    }
    std::vector<DocPair> pairs;
    FUZZ_CHECK(
        neardup::CandidatesFromKeys(keys, options, &scratch, &pairs, &stats)
            .ok());
    for (const DocPair& p : pairs) {
      FUZZ_CHECK(p.first < p.second && p.second < n);
      FUZZ_CHECK(brute.count(p) == 1);  // no false candidate
      found.insert(p);
    }
  }
  if (stats.oversized_buckets == 0) {
    FUZZ_CHECK(found == brute);
  } else {
    FUZZ_CHECK(Components(n, found) == Components(n, brute));
  }
}

void SimHashTables(neardup::fuzz::FuzzInput& input) {
  const int distance = input.Byte() % 9;
  neardup::CandidateOptions options;
  options.max_bucket_pairs_size = 2 + input.Byte() % 64;
  uint64_t bases[4];
  for (uint64_t& base : bases) {
    base = 0;
    for (int i = 0; i < 8; ++i) base = base << 8 | input.Byte();
  }
  // Each fingerprint: a base and up to three flipped bits (2 bytes).
  std::vector<uint64_t> prints;
  while (input.rest().size() >= 2 && prints.size() < 300) {
    const uint8_t a = input.Byte(), b = input.Byte();
    uint64_t f = bases[a & 3];
    f ^= uint64_t{1} << (b & 63);
    if (a & 4) f ^= uint64_t{1} << (a >> 3 & 63);
    if (b & 64) f ^= uint64_t{1} << ((a + b) & 63);
    prints.push_back(f);
  }
  std::set<DocPair> brute;
  for (uint32_t i = 0; i < prints.size(); ++i) {
    for (uint32_t j = i + 1; j < prints.size(); ++j) {
      if (std::popcount(prints[i] ^ prints[j]) <= distance) {
        brute.insert({i, j});
      }
    }
  }
  neardup::CandidateStats stats;
  const auto near =
      neardup::SimHashNearPairs(prints, distance, options, &stats);
  FUZZ_CHECK(near.ok());
  const std::vector<DocPair>& pairs = *near;
  FUZZ_CHECK(std::is_sorted(pairs.begin(), pairs.end()));
  FUZZ_CHECK(std::adjacent_find(pairs.begin(), pairs.end()) == pairs.end());
  const std::set<DocPair> found(pairs.begin(), pairs.end());
  for (const DocPair& p : found) FUZZ_CHECK(brute.count(p) == 1);
  if (stats.oversized_buckets == 0) FUZZ_CHECK(found == brute);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  neardup::fuzz::FuzzInput input(data, size);
  if (input.Byte() & 1) {
    SimHashTables(input);
  } else {
    MinHashBands(input);
  }
  return 0;
}
