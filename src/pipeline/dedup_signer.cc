// DocSigner: the one way dedup signs a document (dedup_signer.h).

#include "pipeline/dedup_signer.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>

#include "neardup/simhash.h"

namespace neardup::internal {

DocSigner::DocSigner(const DedupOptions& options, Shingler shingler,
                     const MinHasher* hasher, const LineCounter* counts)
    : method_(options.method),
      seed_(options.seed),
      min_words_(options.min_words),
      counts_sizes_(options.method == DedupMethod::kMinHash &&
                    options.verify == VerifyMode::kSignature &&
                    options.containment > 0),
      keeps_sets_(options.method == DedupMethod::kMinHash &&
                  options.verify == VerifyMode::kExact),
      boilerplate_(options.main_text_boilerplate),
      hasher_(hasher),
      counts_(options.main_text ? counts : nullptr),
      shingler_(std::move(shingler)),
      normalizer_(options.shingles.normalize) {}

absl::StatusOr<DocSigner> DocSigner::Create(const DedupOptions& options,
                                            const MinHasher* hasher,
                                            const LineCounter* counts) {
  auto shingler = Shingler::Create(options.shingles);
  if (!shingler.ok()) return shingler.status();
  return DocSigner(options, *std::move(shingler), hasher, counts);
}

DocSignature DocSigner::Sign(std::string_view text, std::string_view site,
                             absl::Span<uint32_t> row) {
  return Sign(text, site, nullptr, row);
}

DocSignature DocSigner::Sign(std::string_view text, std::string_view site,
                             const std::vector<KeyedLine>* lines,
                             absl::Span<uint32_t> row) {
  if (counts_ != nullptr) {
    text = MainText(text, site, *counts_, boilerplate_, lines, &cuts_,
                    &main_text_);
  }
  DocSignature out;
  std::string_view normalized;
  if (method_ == DedupMethod::kExact) {
    out.repaired = normalizer_.Normalize(text, &normalized_);
    out.key = ExactKey(text, normalized_, seed_);
    normalized = normalized_;
  } else {
    out.repaired = DedupShingles(shingler_, text, &hashes_);
    normalized = shingler_.normalized();
    if (method_ == DedupMethod::kSimHash) {
      out.key = SimHash(hashes_);
    } else {
      // The row has num_perm values, so Sign cannot fail.
      hasher_->Sign(hashes_, row).IgnoreError();
      if (counts_sizes_) {
        out.set_size = static_cast<uint32_t>(CountDistinct(hashes_, &distinct_));
      }
      if (keeps_sets_) {
        std::sort(hashes_.begin(), hashes_.end());
        hashes_.erase(std::unique(hashes_.begin(), hashes_.end()), hashes_.end());
        out.set = hashes_;
      }
    }
  }
  if (min_words_ > 0) out.too_short = CountWords(normalized) < min_words_;
  return out;
}

}  // namespace neardup::internal
