// In-memory dedup: the decisions of the dedup job for documents a program
// holds, by the job's own rules (dedup_signer.h) and clustering.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "neardup/cluster.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "neardup/pipeline.h"
#include "neardup/simhash.h"
#include "pipeline/dedup_signer.h"
#include "pipeline/job.h"

namespace neardup {
namespace {

// What the comparison of two documents needs, by method.
struct Sketches {
  std::vector<uint32_t> signatures;          // kMinHash, n x k
  std::vector<std::vector<uint64_t>> sets;   // kMinHash, exact verification
  std::vector<uint32_t> sizes;  // kMinHash, estimated containment: distinct
  std::vector<uint64_t> keys;                // kSimHash, kExact
  std::vector<uint64_t> lengths;
};

absl::Status Sketch(size_t n, const TextFn& text, const DedupOptions& o,
                    const MinHasher* hasher, Sketches* out) {
  auto first = internal::DocSigner::Create(o, hasher);
  if (!first.ok()) return first.status();
  const size_t k = static_cast<size_t>(o.num_perm);
  if (o.method == DedupMethod::kMinHash) out->signatures.resize(n * k);
  if (first->keeps_sets()) out->sets.resize(n);
  if (first->counts_sizes()) out->sizes.resize(n);
  if (o.method != DedupMethod::kMinHash) out->keys.resize(n);
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
        o.method == DedupMethod::kMinHash
            ? absl::MakeSpan(out->signatures).subspan(i * k, k)
            : absl::Span<uint32_t>());
    if (o.method != DedupMethod::kMinHash) out->keys[i] = sig.key;
    if (signer.counts_sizes()) out->sizes[i] = sig.set_size;
    if (signer.keeps_sets()) out->sets[i].assign(sig.set.begin(), sig.set.end());
  });
  return absl::OkStatus();
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
  std::optional<MinHasher> hasher;
  if (o.method == DedupMethod::kMinHash) {
    auto h = MinHasher::Create(MinHashOptionsOf(o));
    if (!h.ok()) return h.status();
    hasher.emplace(*std::move(h));
  }
  Sketches s;
  if (auto st = Sketch(n, text, o, hasher ? &*hasher : nullptr, &s); !st.ok()) {
    return st;
  }
  const size_t k = static_cast<size_t>(o.num_perm);
  auto compare = [&](uint32_t a, uint32_t b) -> internal::Likeness {
    switch (o.method) {
      case DedupMethod::kSimHash:
        return {static_cast<double>(HammingDistance(s.keys[a], s.keys[b]))};
      case DedupMethod::kExact:
        return {s.keys[a] == s.keys[b] ? 1.0 : 0.0};
      case DedupMethod::kMinHash:
        break;
    }
    if (!s.sets.empty()) {
      internal::Likeness like{ExactJaccard(s.sets[a], s.sets[b])};
      if (o.containment > 0) {
        like.containment = ExactContainment(s.sets[a], s.sets[b]);
        like.size_a = s.sets[a].size();
        like.size_b = s.sets[b].size();
      }
      return like;
    }
    const bool contained = !s.sizes.empty();
    return internal::EstimateLikeness(
        absl::MakeConstSpan(s.signatures).subspan(a * k, k),
        absl::MakeConstSpan(s.signatures).subspan(b * k, k),
        contained ? s.sizes[a] : 0, contained ? s.sizes[b] : 0, contained);
  };

  // Candidates, each pair once, then verified.
  std::vector<DocPair> candidates;
  if (o.method == DedupMethod::kMinHash) {
    auto pairs = CandidatesOfSignatures(s.signatures, k, LshParamsOf(o),
                                        o.candidates);
    if (!pairs.ok()) return pairs.status();
    candidates = *std::move(pairs);
  } else if (o.method == DedupMethod::kSimHash) {
    CandidateStats stats;
    auto pairs = SimHashNearPairs(s.keys, o.hamming, o.candidates, &stats);
    if (!pairs.ok()) return pairs.status();
    candidates = *std::move(pairs);
  } else {
    std::vector<std::pair<uint64_t, uint32_t>> scratch;
    CandidateStats stats;
    CandidateOptions linear = o.candidates;
    linear.max_bucket_pairs_size = 1;  // a bucket is joined by a chain
    if (auto st = CandidatesFromKeys(s.keys, linear, &scratch, &candidates, &stats);
        !st.ok()) {
      return st;
    }
  }
  auto sets = DisjointSets::Create(n);
  if (!sets.ok()) return sets.status();
  Duplicates out;
  for (const DocPair& p : candidates) {
    const internal::Likeness like = compare(p.first, p.second);
    if (!internal::IsDuplicate(o, like)) continue;
    sets->Union(p.first, p.second);
    out.pairs.push_back({std::min(p.first, p.second), std::max(p.first, p.second)});
    out.pair_similarity.push_back(like.similarity);
  }
  auto clustering = MakeJudgedClustering(
      *sets, o.keep, s.lengths, numbers,
      [&](uint32_t member, uint32_t kept) {
        return internal::IsDuplicate(o, compare(member, kept));
      },
      o.method == DedupMethod::kMinHash ? static_cast<size_t>(o.bands) : 0,
      [&](uint32_t doc, size_t band) {
        return BandKey(absl::MakeConstSpan(s.signatures).subspan(doc * k, k),
                       static_cast<int>(band), o.rows);
      });
  if (!clustering.ok()) return clustering.status();
  out.kept = std::move(clustering->kept);
  out.cluster = std::move(clustering->cluster);
  out.similarity.resize(n);
  if (o.containment > 0) out.containment.resize(n, 1.0);
  for (uint32_t i = 0; i < n; ++i) {
    if (out.kept[i] == i) {
      out.similarity[i] = o.method == DedupMethod::kSimHash ? 0 : 1;
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
