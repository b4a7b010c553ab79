// neardup shingle layer: turns a document into the 64-bit hashes of its word
// or character n-grams.
//
// Stable values (kSketchFormatVersion 1). With XXH3(bytes, seed) meaning
// XXH3_64bits_withSeed from xxHash 0.8:
//   - The text is normalized (text.h) with ShingleOptions::normalize.
//   - Word shingles. The tokens are the words of the normalized text
//     (SplitWords). token_hash(t) = XXH3(bytes of t, seed). For a document of
//     k >= n tokens, shingle i (0 <= i <= k - n) is XXH3(the n token hashes
//     t_i .. t_{i+n-1}, each as 8 bytes little-endian, seed).
//   - Character shingles. Shingle i is XXH3(the UTF-8 bytes of code points
//     i .. i+n-1 of the normalized text, seed); spaces are characters.
//   - Short documents. A document with fewer than n units (tokens or code
//     points, possibly zero) has exactly one shingle: the same formula over
//     all of its units. No document is ever without a shingle.
// Hashes come out in document order, repeats included (SimHash counts them;
// MinHash ignores them).

#ifndef NEARDUP_SHINGLE_H_
#define NEARDUP_SHINGLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "neardup/text.h"

namespace neardup {

enum class ShingleKind {
  kWord,  // n consecutive words (CJK and Thai characters count as words)
  kChar,  // n consecutive Unicode code points of the normalized text
};

struct ShingleOptions {
  // What an n-gram is made of. Default: kWord.
  ShingleKind kind = ShingleKind::kWord;
  // n, in words or code points, 1 to kMaxShingleSize. Default: 5.
  int n = 5;
  // Seed of every XXH3 call. Default: 0.
  uint64_t seed = 0;
  // Normalization applied before shingling. Default: NormalizeOptions{}.
  NormalizeOptions normalize;
};

inline constexpr int kMaxShingleSize = 64;

// Turns documents into shingle hashes. Holds scratch buffers that are reused
// from one document to the next, so hashing a stream of documents allocates
// nothing once the buffers have grown: not per shingle, not per document.
// Not thread-safe: use one Shingler per thread. Movable.
class Shingler {
 public:
  // Returns InvalidArgument if options.n is outside [1, kMaxShingleSize] or
  // options.kind is not a ShingleKind.
  static absl::StatusOr<Shingler> Create(const ShingleOptions& options);

  // Normalizes `text` (any bytes) and writes its shingle hashes, in document
  // order, to *hashes, replacing its contents. Always writes at least one.
  // Returns the number of ill-formed UTF-8 sequences that were repaired.
  // The normalized text stays available through normalized() until the next
  // call. Cost: linear in the text.
  size_t Hash(std::string_view text, std::vector<uint64_t>* hashes);

  // As Hash, for text that is already normalized with options().normalize.
  void HashNormalized(std::string_view normalized,
                      std::vector<uint64_t>* hashes);

  // Writes the byte span in `normalized` that each shingle covers, in the
  // order HashNormalized emits the hashes, to *spans (replacing its
  // contents). For reports and explanations, not for the hot path.
  void SpansNormalized(std::string_view normalized,
                       std::vector<TextSpan>* spans) const;

  // The normalized text of the last Hash call.
  std::string_view normalized() const { return normalized_; }

  const ShingleOptions& options() const { return options_; }

 private:
  explicit Shingler(const ShingleOptions& options);

  ShingleOptions options_;
  Normalizer normalizer_;
  std::string normalized_;
  std::vector<uint64_t> token_hashes_;
};

}  // namespace neardup

#endif  // NEARDUP_SHINGLE_H_
