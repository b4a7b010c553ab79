// The MinHash method: Jaccard of shingle sets, estimated from MinHash
// signatures (or exact on the sets, VerifyMode::kExact), candidates by LSH
// banding, and containment for excerpts and extensions
// (similarity_method.h).

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "neardup/internal/dedup_stages.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "pipeline/job.h"
#include "pipeline/similarity_method.h"

namespace neardup::internal {
namespace {

// A number in an error message, as ResolveDedupOptions writes them.
std::string ShortDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

// A number as explain prints it: `digits` decimals.
std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

class MinHashMethodImpl final : public SimilarityMethod {
 public:
  DedupMethod id() const override { return DedupMethod::kMinHash; }
  const char* name() const override { return "minhash"; }
  const char* description() const override {
    return "Jaccard of shingle sets";
  }
  double DefaultContainment(const DedupOptions& o) const override {
    // An excerpt or an extended version is a duplicate too; prior records
    // (an index) keep no set sizes.
    return o.prior == nullptr ? kDefaultContainment : 0;
  }
  bool signs_rows() const override { return true; }
  bool compares_sets() const override { return true; }

  absl::Status CheckRule(const DedupOptions& o) const override {
    if (!(o.threshold > 0 && o.threshold < 1)) {
      return absl::InvalidArgumentError(
          "threshold must be strictly between 0 and 1, got " +
          ShortDouble(o.threshold));
    }
    return absl::OkStatus();
  }

  absl::Status ResolveTables(DedupOptions* o) const override {
    auto hasher = MinHasher::Create(MinHashOptionsOf(*o));
    if (!hasher.ok()) return hasher.status();
    if (o->bands != 0 || o->rows != 0) {
      if (o->bands <= 0 || o->rows <= 0 ||
          int64_t{o->bands} * o->rows > o->num_perm) {
        return absl::InvalidArgumentError(
            "bands and rows must both be positive with bands x rows <= "
            "num_perm (" + std::to_string(o->num_perm) + "), got " +
            std::to_string(o->bands) + " and " + std::to_string(o->rows));
      }
      return absl::OkStatus();
    }
    // Pairs with containment C whose smaller set is half the larger have
    // Jaccard C / (3 - C): they must become candidates too.
    const double lsh_threshold =
        o->containment > 0
            ? std::min(o->threshold, o->containment / (3 - o->containment))
            : o->threshold;
    auto params = OptimalLshParams(lsh_threshold, o->num_perm);
    if (!params.ok()) return params.status();
    o->bands = params->bands;
    o->rows = params->rows;
    return absl::OkStatus();
  }

  std::string_view Sign(std::string_view text, SignScratch& s,
                        absl::Span<uint32_t> row,
                        DocSignature* out) const override {
    // Prehashed (DocSigner::SignCounting): `text` is normalized already.
    if (!s.prehashed) {
      out->repaired = DedupShingles(s.shingler, text, &s.hashes);
    }
    // The row has num_perm values, so signing cannot fail.
    if (s.counts_sizes) {
      size_t distinct = 0;
      s.hasher->SignCountingDistinct(s.hashes, row, &s.distinct, &distinct)
          .IgnoreError();
      out->set_size = static_cast<uint32_t>(distinct);
    } else {
      s.hasher->Sign(s.hashes, row).IgnoreError();
    }
    if (s.keeps_sets) {
      std::sort(s.hashes.begin(), s.hashes.end());
      s.hashes.erase(std::unique(s.hashes.begin(), s.hashes.end()),
                     s.hashes.end());
      out->set = s.hashes;
    }
    return s.prehashed ? text : s.shingler.normalized();
  }

  size_t Tables(const DedupOptions& o) const override {
    return static_cast<size_t>(o.bands);
  }
  uint64_t TableKey(const SketchRef& doc, size_t t,
                    const DedupOptions& o) const override {
    return BandKey(doc.signature, static_cast<int>(t), o.rows);
  }
  // Only LSH candidates are compared, as in the index.
  size_t JudgeTables(const DedupOptions& o) const override {
    return static_cast<size_t>(o.bands);
  }

  // The pairs of each band, in band order, in groups of the buckets of
  // about kGroupKeys sorted keys (a bucket is never split), so that the
  // pairs of a band are never all in memory: the groups depend only on the
  // sketches. Bands are keyed and sorted `threads` at a time (each needs a
  // key per document in memory).
  absl::Status Candidates(const SketchColumns& docs, const DedupOptions& o,
                          int threads, CandidateStats* stats, PairGroupFn each,
                          CandidateStepFn step) const override {
    constexpr size_t kGroupKeys = 16384;
    const size_t n = docs.size;
    const int bands = o.bands, rows = o.rows;
    const int parallel = std::max(1, std::min(threads, bands));
    // Each band's (key, document) pairs, those of repeated keys sorted as
    // CandidatesFromKeys sorts them (SortRepeatedKeys: the same candidates
    // in the same order); the keys go straight into them (no separate key
    // array: 12 bytes per document per band in flight), and the buffers are
    // reused.
    std::vector<std::vector<KeyedDoc>> keyed(parallel);
    std::vector<absl::Span<const KeyedDoc>> sorted(parallel);
    std::vector<std::vector<uint64_t>> seen(parallel);  // SortRepeatedKeys
    std::vector<DocPair> pairs;  // one group's
    for (int b0 = 0; b0 < bands; b0 += parallel) {
      const int count = std::min(parallel, bands - b0);
      auto work = [&](int j) {
        std::vector<KeyedDoc>& band = keyed[j];
        band.resize(n);
        if (docs.packed == nullptr) {
          for (size_t d = 0; d < n; ++d) {
            band[d] = {BandKey(docs.Signature(d), b0 + j, rows),
                       static_cast<uint32_t>(d)};
          }
        } else {
          // The band's values of a block of documents, unpacked, each
          // copied in place into a whole row for BandKey.
          constexpr size_t kBlock = 4096;
          const size_t first = static_cast<size_t>(b0 + j) * rows;
          std::vector<uint32_t> row(docs.num_perm);
          std::vector<uint32_t> block(kBlock * static_cast<size_t>(rows));
          for (size_t d0 = 0; d0 < n; d0 += kBlock) {
            const size_t d1 = std::min(n, d0 + kBlock);
            docs.packed->GetRange(d0, d1, first, rows, block.data());
            for (size_t d = d0; d < d1; ++d) {
              std::copy_n(block.data() + (d - d0) * rows, rows,
                          row.data() + first);
              band[d] = {BandKey(row, b0 + j, rows), static_cast<uint32_t>(d)};
            }
          }
        }
        sorted[j] = SortRepeatedKeys(absl::MakeSpan(band), &seen[j]);
      };
      ParallelFor(count, static_cast<size_t>(count),
                  [&](int, size_t j) { work(static_cast<int>(j)); },
                  /*grain=*/1);
      for (int j = 0; j < count; ++j) {
        const absl::Span<const KeyedDoc> band = sorted[j];
        for (size_t begin = 0; begin < band.size();) {
          size_t end = std::min(band.size(), begin + kGroupKeys);
          while (end < band.size() && band[end].first == band[end - 1].first) {
            ++end;
          }
          pairs.clear();
          if (auto s = CandidatesFromSortedKeys(band.subspan(begin, end - begin),
                                                o.candidates, &pairs, stats);
              !s.ok()) {
            return s;
          }
          if (!pairs.empty()) {
            if (auto s = each(pairs); !s.ok()) return s;
          }
          begin = end;
        }
      }
      step(static_cast<size_t>(b0 + count), static_cast<size_t>(bands));
    }
    return absl::OkStatus();
  }
  bool verifies_candidates() const override { return true; }

  JobBytes EstimatedBytes(uint64_t docs, uint64_t row_docs,
                          const DedupOptions& o,
                          uint64_t threads) const override {
    JobBytes out;
    out.sketches = row_docs * static_cast<uint64_t>(o.num_perm) * sizeof(uint32_t);
    if (o.verify == VerifyMode::kExact) out.sketches += docs * (8 + 4);
    if (o.containment > 0) out.sketches += docs * (4 + 8);  // sizes, sites
    // Per band in flight: its (key, document) pairs, and SortRepeatedKeys's
    // bits (up to 4 bytes a document).
    const uint64_t parallel = std::max<uint64_t>(
        1, std::min<uint64_t>(threads, static_cast<uint64_t>(o.bands)));
    out.candidates = parallel * docs * (12 + 4);
    return out;
  }
  bool candidates_repeat() const override { return true; }

  Likeness Compare(const SketchRef& a, const SketchRef& b,
                   const DedupOptions& o) const override {
    Likeness like;
    if (keeps_sets(o)) {
      like.similarity = ExactJaccard(a.set, b.set);
      if (o.containment > 0) {
        like.containment = ExactContainment(a.set, b.set);
        like.size_a = a.set.size();
        like.size_b = b.set.size();
      }
    } else {
      const bool sized = counts_sizes(o);
      like = EstimateLikeness(a.signature, b.signature, sized ? a.set_size : 0,
                              sized ? b.set_size : 0, sized);
    }
    like.same_site = SameSite(a.site, b.site);
    return like;
  }
  bool Accepts(const DedupOptions& o, const Likeness& like) const override {
    return like.similarity >= o.threshold || ContainmentCounts(o, like);
  }

  std::string RuleSummary(const DedupOptions& o,
                          const LshParams& lsh) const override {
    char buf[256];
    std::snprintf(buf, sizeof(buf), ", %d permutations, threshold %.2f\n",
                  o.num_perm, o.threshold);
    std::string out = buf;
    std::snprintf(buf, sizeof(buf),
                  "LSH: %d bands x %d rows; a pair becomes a candidate with "
                  "probability",
                  lsh.bands, lsh.rows);
    out += buf;
    for (double d : {-0.1, 0.0, 0.1}) {
      const double t = std::clamp(o.threshold + d, 0.0, 1.0);
      std::snprintf(buf, sizeof(buf), " %.3f at J=%.2f%s",
                    CandidateProbability(t, lsh), t, d < 0.1 ? "," : "\n");
      out += buf;
    }
    return out;
  }

  std::string ExplainVerdict(const ExplainedDoc& a, const ExplainedDoc& b,
                             const DedupOptions& o) const override;
  std::string ExplainSettings(const DedupOptions& o) const override {
    char buf[160];
    std::snprintf(buf, sizeof(buf),
                  ", %d permutations = %d bands x %d rows, threshold %.2f, "
                  "--verify %s",
                  o.num_perm, o.bands, o.rows, o.threshold,
                  o.verify == VerifyMode::kExact ? "exact" : "signature");
    return buf;
  }

  // 50 bins of 0.02 over [0, 1].
  size_t SimilarityBins(const DedupOptions&) const override { return 50; }
  size_t Bin(double similarity, size_t bins) const override {
    return std::min(bins - 1,
                    static_cast<size_t>(std::max(0.0, similarity) * bins));
  }
};

// The candidate rule (an LSH band in common), then the threshold, then
// containment with its two conditions (not within one site on whole pages;
// an excerpt, not an edit), each named when it decides.
std::string MinHashMethodImpl::ExplainVerdict(const ExplainedDoc& a,
                                              const ExplainedDoc& b,
                                              const DedupOptions& o) const {
  size_t agree = 0;
  for (size_t t = 0; t < Tables(o); ++t) {
    agree += TableKey(a.sketch, t, o) == TableKey(b.sketch, t, o);
  }
  const Likeness like = Compare(a.sketch, b.sketch, o);
  const bool exact = keeps_sets(o);
  const std::string measure =
      std::string(exact ? "exact Jaccard " : "estimated Jaccard ") +
      Fixed(like.similarity, 4);
  const std::string bands = std::to_string(agree) + " of " +
                            std::to_string(o.bands) + " bands of " +
                            std::to_string(o.rows) + " rows agree";
  if (agree == 0) {
    return "verdict: not a near-duplicate: no LSH candidate (" + bands +
           "), so dedup never compares this pair (" + measure +
           "; a pair at that similarity is a candidate with probability " +
           Fixed(CandidateProbability(like.similarity, LshParamsOf(o)), 3) +
           ")";
  }
  const std::string threshold = Fixed(o.threshold, 2);
  if (like.similarity >= o.threshold) {
    return "verdict: near-duplicate: an LSH candidate (" + bands + ") with " +
           measure + " >= threshold " + threshold;
  }
  const bool contained = o.containment > 0;
  const bool above = contained && like.containment >= o.containment;
  const std::string cont =
      std::string(exact ? "containment " : "estimated containment ") +
      Fixed(like.containment, 4) + (above ? " >= " : " < ") +
      Fixed(o.containment, 2) + " (--containment)";
  if (above && like.same_site) {
    return "verdict: not a near-duplicate: an LSH candidate (" + bands +
           ") with " + measure + " < threshold " + threshold + "; " + cont +
           ", but both are pages of " + std::string(a.site) +
           (o.main_text
                ? " compared whole (no boilerplate line of the site was left "
                  "out of either), and within one site containment counts "
                  "only on a main text without the site's furniture"
                : ", and within one site containment counts only on the main "
                  "text (--main-text on)") +
           ": on whole pages, shared furniture contains a short page";
  }
  if (above && !IsExcerpt(like.containment, like.size_a, like.size_b,
                          o.containment_asymmetry)) {
    const double shared = like.containment *
                          static_cast<double>(std::min(like.size_a, like.size_b));
    const double own_a = static_cast<double>(like.size_a) - shared;
    const double own_b = static_cast<double>(like.size_b) - shared;
    const bool a_longer = like.size_a >= like.size_b;
    return "verdict: not a near-duplicate: an LSH candidate (" + bands +
           ") with " + measure + " < threshold " + threshold + "; " + cont +
           ", but an edit, not an excerpt: the longer has " +
           Fixed(a_longer ? own_a : own_b, 0) + " shingles of its own against " +
           Fixed(a_longer ? own_b : own_a, 0) + " of the shorter, fewer than " +
           Fixed(o.containment_asymmetry, 2) +
           " times as many (--containment-asymmetry)";
  }
  if (contained && Accepts(o, like)) {
    return "verdict: near-duplicate: an LSH candidate (" + bands + ") with " +
           measure + " < threshold " + threshold + ", but " + cont +
           "; the record --keep ranks lower is removed";
  }
  return "verdict: not a near-duplicate: an LSH candidate (" + bands +
         "), but " + measure + " < threshold " + threshold +
         (contained ? " and " + cont : "");
}

}  // namespace

const SimilarityMethod& MinHashMethod() {
  static const MinHashMethodImpl method;
  return method;
}

}  // namespace neardup::internal
