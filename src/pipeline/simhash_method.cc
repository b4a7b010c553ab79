// The SimHash method: Hamming distance of 64-bit SimHash fingerprints,
// candidates from permuted tables (Manku et al. 2007), which are near pairs
// already (similarity_method.h).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/lsh.h"
#include "neardup/simhash.h"
#include "pipeline/similarity_method.h"

namespace neardup::internal {
namespace {

class SimHashMethodImpl final : public SimilarityMethod {
 public:
  SimHashMethodImpl() {
    for (int h = 0; h <= kMaxHamming; ++h) masks_[h] = SimHashTableMasks(h);
  }

  DedupMethod id() const override { return DedupMethod::kSimHash; }
  const char* name() const override { return "simhash"; }
  const char* description() const override {
    return "Hamming distance";
  }
  // Word 3-grams give SimHash enough features on short pages.
  int default_shingle_size() const override { return 3; }

  std::string_view Sign(std::string_view text, SignScratch& s,
                        absl::Span<uint32_t>, DocSignature* out) const override {
    out->repaired = DedupShingles(s.shingler, text, &s.hashes);
    out->key = SimHash(s.hashes);
    return s.shingler.normalized();
  }

  // One table per permutation: the fingerprint with `hamming` of its
  // blocks masked out.
  size_t Tables(const DedupOptions& o) const override {
    return Masks(o).size();
  }
  uint64_t TableKey(const SketchRef& doc, size_t t,
                    const DedupOptions& o) const override {
    return doc.key & Masks(o)[t];
  }

  // One group: every pair within the distance (the distance is checked
  // while the tables are scanned).
  absl::Status Candidates(const SketchColumns& docs, const DedupOptions& o,
                          int, CandidateStats* stats, PairGroupFn each,
                          CandidateStepFn) const override {
    auto near = SimHashNearPairs(docs.keys, o.hamming, o.candidates, stats);
    if (!near.ok()) return near.status();
    return each(*near);
  }
  bool compares_while_finding() const override { return true; }

  // A key per document; candidates sort one (key, document) table.
  JobBytes EstimatedBytes(uint64_t docs, uint64_t, const DedupOptions&,
                          uint64_t) const override {
    return {docs * 8, docs * 16};
  }

  Likeness Compare(const SketchRef& a, const SketchRef& b,
                   const DedupOptions&) const override {
    return Likeness{static_cast<double>(HammingDistance(a.key, b.key))};
  }
  bool Accepts(const DedupOptions& o, const Likeness& like) const override {
    return like.similarity <= o.hamming;
  }

  std::string RuleSummary(const DedupOptions& o,
                          const LshParams&) const override {
    return ", Hamming distance <= " + std::to_string(o.hamming) + "\n";
  }

  std::string ExplainVerdict(const ExplainedDoc& a, const ExplainedDoc& b,
                             const DedupOptions& o) const override {
    const Likeness like = Compare(a.sketch, b.sketch, o);
    const bool near = Accepts(o, like);
    const std::string rule =
        std::to_string(static_cast<int>(like.similarity)) +
        (near ? " <= " : " > ") + std::to_string(o.hamming) + " (--hamming)";
    return near ? "verdict: near-duplicate: SimHash Hamming distance " + rule +
                      "; dedup's permuted tables find every such pair"
                : "verdict: not a near-duplicate: SimHash Hamming distance " +
                      rule;
  }
  std::string ExplainSettings(const DedupOptions& o) const override {
    return ", --hamming " + std::to_string(o.hamming);
  }

  bool reports_distance() const override { return true; }
  // One bin per distance, 0 to hamming.
  size_t SimilarityBins(const DedupOptions& o) const override {
    return static_cast<size_t>(o.hamming) + 1;
  }
  size_t Bin(double distance, size_t) const override {
    return static_cast<size_t>(distance);
  }

 private:
  static constexpr int kMaxHamming = 8;  // ResolveDedupOptions' limit
  const std::vector<uint64_t>& Masks(const DedupOptions& o) const {
    return masks_[o.hamming];
  }
  std::vector<uint64_t> masks_[kMaxHamming + 1];
};

}  // namespace

const SimilarityMethod& SimHashMethod() {
  static const SimHashMethodImpl method;
  return method;
}

}  // namespace neardup::internal
