// The exact method: identical normalized text, by a 64-bit hash of it;
// candidates are documents with equal keys, joined without comparing
// (similarity_method.h).

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "neardup/lsh.h"
#include "pipeline/similarity_method.h"

namespace neardup::internal {
namespace {

class ExactMethodImpl final : public SimilarityMethod {
 public:
  DedupMethod id() const override { return DedupMethod::kExact; }
  const char* name() const override { return "exact"; }
  const char* description() const override { return "identical normalized text"; }

  std::string_view Sign(std::string_view text, SignScratch& s,
                        absl::Span<uint32_t>, DocSignature* out) const override {
    out->repaired = s.normalizer.Normalize(text, &s.normalized);
    out->key = ExactKey(text, s.normalized, s.seed);
    return s.normalized;
  }

  size_t Tables(const DedupOptions&) const override { return 1; }
  uint64_t TableKey(const SketchRef& doc, size_t,
                    const DedupOptions&) const override {
    return doc.key;
  }

  // One group: each bucket of equal keys as a chain (a bucket of m in
  // m - 1 pairs), which joins it as well as all its pairs would.
  absl::Status Candidates(const SketchColumns& docs, const DedupOptions& o,
                          int, CandidateStats* stats, PairGroupFn each,
                          CandidateStepFn) const override {
    std::vector<std::pair<uint64_t, uint32_t>> scratch;
    std::vector<DocPair> pairs;
    CandidateOptions linear = o.candidates;
    linear.max_bucket_pairs_size = 1;  // chains_buckets()
    if (auto s = CandidatesFromKeys(docs.keys, linear, &scratch, &pairs, stats);
        !s.ok()) {
      return s;
    }
    return each(pairs);
  }

  bool chains_buckets() const override { return true; }

  // A key per document; candidates sort one (key, document) table.
  JobBytes EstimatedBytes(uint64_t docs, uint64_t, const DedupOptions&,
                          uint64_t) const override {
    return {docs * 8, docs * 16};
  }

  Likeness Compare(const SketchRef& a, const SketchRef& b,
                   const DedupOptions&) const override {
    return Likeness{a.key == b.key ? 1.0 : 0.0};
  }
  bool Accepts(const DedupOptions&, const Likeness& like) const override {
    return like.similarity == 1.0;
  }

  std::string RuleSummary(const DedupOptions&,
                          const LshParams&) const override {
    return " (normalized text hashed)\n";
  }

  const char* removal_reason() const override { return "exact_duplicate"; }

  std::string ExplainVerdict(const ExplainedDoc& a, const ExplainedDoc& b,
                             const DedupOptions& o) const override {
    const bool equal = Accepts(o, Compare(a.sketch, b.sketch, o));
    if (a.normalized.empty() || b.normalized.empty()) {
      return equal ? "verdict: exact duplicate: no words, and the same bytes "
                     "(documents without words are compared byte for byte)"
                   : "verdict: not a duplicate: a document without words is "
                     "a duplicate of the same bytes only";
    }
    if (equal) {
      return "verdict: exact duplicate: the normalized texts are equal "
             "(dedup --method exact compares their hashes)";
    }
    const auto differ = std::mismatch(a.normalized.begin(), a.normalized.end(),
                                      b.normalized.begin(), b.normalized.end());
    const auto at = static_cast<size_t>(differ.first - a.normalized.begin());
    return "verdict: not a duplicate: the normalized texts differ (first at "
           "byte " + std::to_string(at) + "); --method exact joins equal "
           "texts only";
  }
};

}  // namespace

const SimilarityMethod& ExactMethod() {
  static const ExactMethodImpl method;
  return method;
}

}  // namespace neardup::internal
