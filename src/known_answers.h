// Private: the known-answer tables that pin the stable values of
// kSketchFormatVersion 1 (normalized text, shingle hashes, MinHash
// signatures, SimHash fingerprints). tests/ and `neardup selftest` check the
// same tables. Recording new values is a format change: bump
// kSketchFormatVersion.

#ifndef NEARDUP_KNOWN_ANSWERS_H_
#define NEARDUP_KNOWN_ANSWERS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "neardup/minhash.h"
#include "neardup/shingle.h"

namespace neardup::internal {

// Deterministic text: `words` words drawn from a fixed vocabulary of ASCII,
// accented, Greek, CJK and emoji words by SplitMix64(seed), with punctuation,
// digits and a blank line every 40 words. Part of the tables' definition:
// never change it.
std::string KnownAnswerText(uint64_t seed, int words);

// Order-dependent fold of 64-bit values: sum of v[i] * (2i + 1) mod 2^64.
uint64_t Fold(std::span<const uint64_t> values);
uint64_t Fold(std::span<const uint32_t> values);

struct NormalizeVector {
  const char* what;
  std::string_view input;
  std::string_view expected;
};

struct ShingleVector {
  const char* what;
  std::string_view input;   // used when generated_words == 0
  int generated_words;      // > 0: input is KnownAnswerText(seed, words)
  ShingleKind kind;
  int n;
  uint64_t seed;
  size_t count;             // number of shingle hashes
  uint64_t first;           // first shingle hash
  uint64_t fold;            // Fold of all shingle hashes
};

struct SketchVector {
  const char* what;
  int generated_words;      // input is KnownAnswerText(seed, words)
  uint64_t seed;            // shingle and permutation seed
  int num_perm;
  uint32_t first[4];        // signature[0..3]
  uint64_t signature_fold;  // Fold of the whole signature
  uint64_t simhash;         // SimHash of the word 5-gram hashes
};

std::span<const NormalizeVector> NormalizeVectors();
std::span<const ShingleVector> ShingleVectors();
std::span<const SketchVector> SketchVectors();

}  // namespace neardup::internal

#endif  // NEARDUP_KNOWN_ANSWERS_H_
