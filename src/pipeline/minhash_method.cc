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
    // The row has num_perm values, so Sign cannot fail.
    s.hasher->Sign(s.hashes, row).IgnoreError();
    if (s.counts_sizes) {
      out->set_size = static_cast<uint32_t>(CountDistinct(s.hashes, &s.distinct));
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

  // One group per band, in band order. Bands are keyed and sorted
  // `threads` at a time (each needs a key per document and their sorted
  // pairs in memory).
  absl::Status Candidates(const SketchColumns& docs, const DedupOptions& o,
                          int threads, CandidateStats* stats, PairGroupFn each,
                          CandidateStepFn step) const override {
    const size_t n = docs.size;
    const int bands = o.bands, rows = o.rows;
    const int parallel = std::max(1, std::min(threads, bands));
    std::vector<std::vector<DocPair>> pairs(parallel);
    std::vector<CandidateStats> band_stats(parallel);
    std::vector<absl::Status> band_status(parallel);
    // Each band's (key, document) pairs, sorted as CandidatesFromKeys sorts
    // them; the keys go straight into them (no separate key array: 8 bytes
    // per document per band in flight), and the buffers are reused.
    std::vector<std::vector<std::pair<uint64_t, uint32_t>>> sorted(parallel);
    for (int b0 = 0; b0 < bands; b0 += parallel) {
      const int count = std::min(parallel, bands - b0);
      auto work = [&](int j) {
        std::vector<std::pair<uint64_t, uint32_t>>& keyed = sorted[j];
        keyed.resize(n);
        if (docs.packed == nullptr) {
          for (size_t d = 0; d < n; ++d) {
            keyed[d] = {BandKey(docs.Signature(d), b0 + j, rows),
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
              keyed[d] = {BandKey(row, b0 + j, rows), static_cast<uint32_t>(d)};
            }
          }
        }
        std::sort(keyed.begin(), keyed.end());
        pairs[j].clear();
        band_status[j] = CandidatesFromSortedKeys(keyed, o.candidates,
                                                  &pairs[j], &band_stats[j]);
      };
      ParallelFor(count, static_cast<size_t>(count),
                  [&](int, size_t j) { work(static_cast<int>(j)); },
                  /*grain=*/1);
      for (int j = 0; j < count; ++j) {
        if (!band_status[j].ok()) return band_status[j];
      }
      for (int j = 0; j < count; ++j) {
        if (auto s = each(pairs[j]); !s.ok()) return s;
      }
      step(static_cast<size_t>(b0 + count), static_cast<size_t>(bands));
    }
    for (const CandidateStats& s : band_stats) {
      stats->buckets += s.buckets;
      stats->pairs += s.pairs;
      stats->oversized_buckets += s.oversized_buckets;
      stats->largest_bucket = std::max(stats->largest_bucket, s.largest_bucket);
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
    // Per band in flight: its sorted (key, document) pairs.
    const uint64_t parallel = std::max<uint64_t>(
        1, std::min<uint64_t>(threads, static_cast<uint64_t>(o.bands)));
    out.candidates = parallel * docs * 16;
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

  // 50 bins of 0.02 over [0, 1].
  size_t SimilarityBins(const DedupOptions&) const override { return 50; }
  size_t Bin(double similarity, size_t bins) const override {
    return std::min(bins - 1,
                    static_cast<size_t>(std::max(0.0, similarity) * bins));
  }
};

}  // namespace

const SimilarityMethod& MinHashMethod() {
  static const MinHashMethodImpl method;
  return method;
}

}  // namespace neardup::internal
