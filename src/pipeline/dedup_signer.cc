// DocSigner: the one way dedup signs a document (dedup_signer.h).

#include "pipeline/dedup_signer.h"

#include <cstdint>
#include <string_view>
#include <utility>

#include "pipeline/similarity_method.h"

namespace neardup::internal {

DocSigner::DocSigner(const DedupOptions& options, Shingler shingler,
                     const MinHasher* hasher, const LineCounter* counts)
    : method_(&SimilarityMethod::Of(options.method)),
      min_words_(options.min_words),
      boilerplate_(options.main_text_boilerplate),
      counts_(options.main_text ? counts : nullptr),
      scratch_{.hasher = hasher,
               .seed = options.seed,
               .counts_sizes = method_->counts_sizes(options),
               .keeps_sets = method_->keeps_sets(options),
               .shingler = std::move(shingler),
               .normalizer = Normalizer(options.shingles.normalize),
               .hashes = {},
               .normalized = {},
               .distinct = {}} {}

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
                             absl::Span<uint32_t> row, SignTrace* trace) {
  if (counts_ != nullptr) {
    text = MainText(text, site, *counts_, boilerplate_, lines, &cuts_,
                    &main_text_);
  }
  DocSignature out;
  const std::string_view normalized = method_->Sign(text, scratch_, row, &out);
  if (min_words_ > 0) out.too_short = CountWords(normalized) < min_words_;
  if (trace != nullptr) Trace(text, normalized, trace);
  return out;
}

void DocSigner::Trace(std::string_view text, std::string_view normalized,
                      SignTrace* trace) {
  trace->text = text;
  // MainText returns its scratch only when it left lines out.
  trace->boilerplate_lines =
      counts_ != nullptr && text.data() == main_text_.data() ? cuts_.size()
                                                             : 0;
  // Copied first: the shingling below may reuse the buffer it points into.
  trace->normalized = normalized;
  Shingler& shingler = scratch_.shingler;
  trace->repaired = DedupShingles(shingler, text, &trace->hashes);
  trace->shingled = shingler.normalized();
  shingler.SpansNormalized(trace->shingled, &trace->spans);
  // A text without words has its one hash (of its bytes) and no span of
  // its own: an empty one stands for it.
  trace->spans.resize(trace->hashes.size());
}

}  // namespace neardup::internal
