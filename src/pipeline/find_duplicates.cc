// In-memory dedup: the decisions of the dedup job for documents a program
// holds, by the job's own rules (dedup_signer.h) and clustering.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "neardup/cluster.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "neardup/pipeline.h"
#include "pipeline/dedup_signer.h"
#include "pipeline/job.h"
#include "pipeline/similarity_method.h"

namespace neardup {
namespace {

// What the comparison of two documents needs, by method.
struct Sketches {
  std::vector<uint32_t> signatures;          // signs_rows(), n x k
  std::vector<std::vector<uint64_t>> sets;   // keeps_sets()
  std::vector<uint32_t> sizes;               // counts_sizes(): distinct
  std::vector<uint64_t> keys;                // the other methods
  std::vector<uint64_t> lengths;
  size_t k = 0;

  internal::SketchRef Ref(uint32_t d) const {
    internal::SketchRef r;
    if (!signatures.empty()) {
      r.signature = absl::MakeConstSpan(signatures).subspan(d * k, k);
    }
    if (!keys.empty()) r.key = keys[d];
    if (!sets.empty()) r.set = sets[d];
    if (!sizes.empty()) r.set_size = sizes[d];
    return r;
  }
};

absl::Status Sketch(size_t n, const TextFn& text, const DedupOptions& o,
                    const internal::SimilarityMethod& m,
                    const MinHasher* hasher, Sketches* out) {
  auto first = internal::DocSigner::Create(o, hasher);
  if (!first.ok()) return first.status();
  const size_t k = static_cast<size_t>(o.num_perm);
  out->k = k;
  if (m.signs_rows()) {
    out->signatures.resize(n * k);
  } else {
    out->keys.resize(n);
  }
  if (first->keeps_sets()) out->sets.resize(n);
  if (first->counts_sizes()) out->sizes.resize(n);
  out->lengths.resize(n);
  const int workers = internal::JobThreads(o.threads);
  std::vector<internal::DocSigner> signers(static_cast<size_t>(workers), *first);
  std::vector<std::string> scratch(static_cast<size_t>(workers));
  internal::ParallelFor(workers, n, [&](int w, size_t i) {
    const std::string_view t = text(i, &scratch[w]);
    out->lengths[i] = t.size();
    internal::DocSigner& signer = signers[w];
    const internal::DocSignature sig = signer.Sign(
        t, {},
        m.signs_rows() ? absl::MakeSpan(out->signatures).subspan(i * k, k)
                       : absl::Span<uint32_t>());
    if (!m.signs_rows()) out->keys[i] = sig.key;
    if (signer.counts_sizes()) out->sizes[i] = sig.set_size;
    if (signer.keeps_sets()) out->sets[i].assign(sig.set.begin(), sig.set.end());
  });
  return absl::OkStatus();
}

// Each candidate pair of the method once, in the order the method finds
// them (pairs that can come twice sorted by (first, second)).
absl::StatusOr<std::vector<DocPair>> Candidates(const Sketches& s,
                                                const DedupOptions& o,
                                                const internal::SimilarityMethod& m) {
  const internal::SketchColumns columns =
      m.signs_rows() ? internal::SketchColumns::Rows(s.signatures, s.k)
                     : internal::SketchColumns::Keys(s.keys);
  std::vector<DocPair> pairs;
  CandidateStats stats;
  if (auto st = m.Candidates(
          columns, o, internal::JobThreads(o.threads), &stats,
          [&](absl::Span<const DocPair> group) {
            pairs.insert(pairs.end(), group.begin(), group.end());
            return absl::OkStatus();
          },
          [](size_t, size_t) {});
      !st.ok()) {
    return st;
  }
  if (m.candidates_repeat()) {
    for (DocPair& p : pairs) {
      if (p.first > p.second) std::swap(p.first, p.second);
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  }
  return pairs;
}

}  // namespace

absl::StatusOr<Duplicates> FindDuplicates(size_t n, const TextFn& text,
                                          const DedupOptions& options,
                                          absl::Span<const double> numbers) {
  auto resolved = ResolveDedupOptions(options);
  if (!resolved.ok()) return resolved.status();
  const DedupOptions& o = *resolved;
  if (o.main_text || o.min_words > 0) {
    return absl::InvalidArgumentError(
        "FindDuplicates compares whole texts: main_text and min_words are "
        "options of the file job (RunDedup)");
  }
  if (o.keep == KeepPolicy::kField && numbers.size() != n) {
    return absl::InvalidArgumentError(
        "keep policy kField needs one number per document (" +
        std::to_string(n) + "), got " + std::to_string(numbers.size()));
  }
  if (n > uint64_t{0xFFFFFFFF}) {
    return absl::InvalidArgumentError("more than 2^32 documents");
  }
  const internal::SimilarityMethod& m = internal::SimilarityMethod::Of(o.method);
  std::optional<MinHasher> hasher;
  if (m.signs_rows()) {
    auto h = MinHasher::Create(MinHashOptionsOf(o));
    if (!h.ok()) return h.status();
    hasher.emplace(*std::move(h));
  }
  Sketches s;
  if (auto st = Sketch(n, text, o, m, hasher ? &*hasher : nullptr, &s);
      !st.ok()) {
    return st;
  }
  auto compare = [&](uint32_t a, uint32_t b) {
    return m.Compare(s.Ref(a), s.Ref(b), o);
  };

  // Candidates, each pair once, then verified.
  absl::StatusOr<std::vector<DocPair>> candidates = Candidates(s, o, m);
  if (!candidates.ok()) return candidates.status();
  auto sets = DisjointSets::Create(n);
  if (!sets.ok()) return sets.status();
  Duplicates out;
  for (const DocPair& p : *candidates) {
    const internal::Likeness like = compare(p.first, p.second);
    if (!m.Accepts(o, like)) continue;
    sets->Union(p.first, p.second);
    out.pairs.push_back({std::min(p.first, p.second), std::max(p.first, p.second)});
    out.pair_similarity.push_back(like.similarity);
  }
  auto clustering = MakeJudgedClustering(
      *sets, o.keep, s.lengths, numbers,
      [&](uint32_t member, uint32_t kept) {
        return m.Accepts(o, compare(member, kept));
      },
      m.JudgeTables(o),
      [&](uint32_t doc, size_t table) { return m.TableKey(s.Ref(doc), table, o); });
  if (!clustering.ok()) return clustering.status();
  out.kept = std::move(clustering->kept);
  out.cluster = std::move(clustering->cluster);
  out.similarity.resize(n);
  if (o.containment > 0) out.containment.resize(n, 1.0);
  for (uint32_t i = 0; i < n; ++i) {
    if (out.kept[i] == i) {
      out.similarity[i] = m.SelfSimilarity();
      continue;
    }
    const internal::Likeness like = compare(i, out.kept[i]);
    out.similarity[i] = like.similarity;
    if (o.containment > 0) out.containment[i] = like.containment;
    ++out.removed;
  }
  return out;
}

absl::StatusOr<Duplicates> FindDuplicates(absl::Span<const std::string_view> texts,
                                          const DedupOptions& options,
                                          absl::Span<const double> numbers) {
  return FindDuplicates(
      texts.size(), [texts](size_t i, std::string*) { return texts[i]; },
      options, numbers);
}

}  // namespace neardup
