// Paragraphs syndicated from earlier documents, by a Bloom filter of word
// 5-grams.

#include <algorithm>
#include <vector>

#include "neardup/clean.h"
#include "shingle/word_hashes.h"

namespace neardup {
namespace {

constexpr int kProbes = 4;
constexpr size_t kGram = 5;

}  // namespace

SyndicationFilter::SyndicationFilter(const SyndicationOptions& options)
    : options_(options),
      bits_(std::max<size_t>(options.bloom_bytes / 8, 1), 0) {}

// Double hashing: probe i is h1 + i * h2 over the bit count.
bool SyndicationFilter::Contains(uint64_t h) const {
  const uint64_t n = bits_.size() * 64;
  const uint64_t h2 = (h >> 32) | 1;
  for (int i = 0; i < kProbes; ++i) {
    const uint64_t bit = (h + i * h2) % n;
    if (!(bits_[bit / 64] & (uint64_t{1} << (bit % 64)))) return false;
  }
  return true;
}

void SyndicationFilter::Insert(uint64_t h) {
  const uint64_t n = bits_.size() * 64;
  const uint64_t h2 = (h >> 32) | 1;
  for (int i = 0; i < kProbes; ++i) {
    const uint64_t bit = (h + i * h2) % n;
    bits_[bit / 64] |= uint64_t{1} << (bit % 64);
  }
}

void SyndicationFilter::FindAndAdd(std::string_view text,
                                   std::vector<Cut>* cuts) {
  document_grams_.clear();
  const std::vector<TextSpan> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    normalizer_.Normalize(lines[i].In(text), &normalized_);
    tokens_.clear();
    internal::AppendWordHashes(normalized_, /*seed=*/0, &tokens_);
    if (tokens_.size() < kGram) continue;
    grams_.resize(tokens_.size() - kGram + 1);
    internal::HashTokenRuns(tokens_.data(), tokens_.size(), kGram, /*seed=*/0,
                            grams_.data());
    document_grams_.insert(document_grams_.end(), grams_.begin(), grams_.end());
    if (tokens_.size() < options_.min_words) continue;
    size_t seen = 0;
    for (uint64_t g : grams_) seen += Contains(g);
    if (seen >= options_.threshold * grams_.size()) {
      const size_t end = i + 1 < lines.size() ? lines[i + 1].begin : text.size();
      cuts->push_back({lines[i].begin, end, CutReason::kSyndicated,
                       Cut::kNoSource, static_cast<double>(seen) / grams_.size()});
    }
  }
  // Added after the whole document is checked: repeats inside a document
  // are the repeat finder's business, not syndication.
  for (uint64_t g : document_grams_) Insert(g);
}

}  // namespace neardup
