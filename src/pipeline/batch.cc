// Batch calls over many documents, on threads: what the Python module's
// batch functions are, for programs that link the library.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "neardup/pipeline.h"
#include "neardup/simhash.h"
#include "pipeline/job.h"

namespace neardup {
namespace {

// One shingler per worker (scratch only: the hashes of item i do not
// depend on which worker computed them).
template <typename Fn>
absl::Status ForEachTextHashes(size_t n, const TextFn& text,
                               const ShingleOptions& shingles, int threads,
                               const Fn& fn) {
  auto first = Shingler::Create(shingles);
  if (!first.ok()) return first.status();
  const int workers = internal::JobThreads(threads);
  std::vector<Shingler> shinglers(static_cast<size_t>(workers), *first);
  std::vector<std::vector<uint64_t>> hashes(static_cast<size_t>(workers));
  std::vector<std::string> scratch(static_cast<size_t>(workers));
  internal::ParallelFor(workers, n, [&](int w, size_t i) {
    shinglers[w].Hash(text(i, &scratch[w]), &hashes[w]);
    fn(i, hashes[w]);
  });
  return absl::OkStatus();
}

TextFn FromSpan(absl::Span<const std::string_view> texts) {
  return [texts](size_t i, std::string*) { return texts[i]; };
}

}  // namespace

absl::Status SignTexts(size_t n, const TextFn& text,
                       const ShingleOptions& shingles, const MinHasher& hasher,
                       int threads, absl::Span<uint32_t> signatures) {
  const size_t k = static_cast<size_t>(hasher.num_perm());
  if (threads < 0) {
    return absl::InvalidArgumentError("threads must be at least 0, got " +
                                      std::to_string(threads));
  }
  if (signatures.size() != n * k) {
    return absl::InvalidArgumentError(
        "signatures must hold " + std::to_string(n) + " x " +
        std::to_string(k) + " values, got " + std::to_string(signatures.size()));
  }
  return ForEachTextHashes(
      n, text, shingles, threads,
      [&](size_t i, const std::vector<uint64_t>& hashes) {
        // The row has k values: Sign cannot fail.
        hasher.Sign(hashes, signatures.subspan(i * k, k)).IgnoreError();
      });
}

absl::Status SignTexts(absl::Span<const std::string_view> texts,
                       const ShingleOptions& shingles, const MinHasher& hasher,
                       int threads, absl::Span<uint32_t> signatures) {
  return SignTexts(texts.size(), FromSpan(texts), shingles, hasher, threads,
                   signatures);
}

absl::Status SimHashTexts(size_t n, const TextFn& text,
                          const ShingleOptions& shingles, int threads,
                          absl::Span<uint64_t> fingerprints) {
  if (threads < 0) {
    return absl::InvalidArgumentError("threads must be at least 0, got " +
                                      std::to_string(threads));
  }
  if (fingerprints.size() != n) {
    return absl::InvalidArgumentError(
        "fingerprints must hold " + std::to_string(n) + " values, got " +
        std::to_string(fingerprints.size()));
  }
  return ForEachTextHashes(n, text, shingles, threads,
                           [&](size_t i, const std::vector<uint64_t>& hashes) {
                             fingerprints[i] = SimHash(hashes);
                           });
}

absl::Status SimHashTexts(absl::Span<const std::string_view> texts,
                          const ShingleOptions& shingles, int threads,
                          absl::Span<uint64_t> fingerprints) {
  return SimHashTexts(texts.size(), FromSpan(texts), shingles, threads,
                      fingerprints);
}

absl::Status BandKeysOfRows(absl::Span<const uint32_t> signatures,
                            size_t num_perm, const LshParams& lsh,
                            absl::Span<uint64_t> keys) {
  if (num_perm == 0 || signatures.size() % num_perm != 0) {
    return absl::InvalidArgumentError(
        "signatures must be rows of num_perm values (num_perm " +
        std::to_string(num_perm) + ", " + std::to_string(signatures.size()) +
        " values)");
  }
  if (lsh.bands < 1 || lsh.rows < 1 ||
      static_cast<size_t>(lsh.bands) * static_cast<size_t>(lsh.rows) > num_perm) {
    return absl::InvalidArgumentError(
        "bands x rows must be at least 1 and at most num_perm (" +
        std::to_string(lsh.bands) + " x " + std::to_string(lsh.rows) + " > " +
        std::to_string(num_perm) + ")");
  }
  const size_t n = signatures.size() / num_perm;
  if (keys.size() != n * static_cast<size_t>(lsh.bands)) {
    return absl::InvalidArgumentError(
        "keys must hold bands x documents = " +
        std::to_string(n * static_cast<size_t>(lsh.bands)) + " values, got " +
        std::to_string(keys.size()));
  }
  for (int b = 0; b < lsh.bands; ++b) {
    for (size_t i = 0; i < n; ++i) {
      keys[static_cast<size_t>(b) * n + i] =
          BandKey(signatures.subspan(i * num_perm, num_perm), b, lsh.rows);
    }
  }
  return absl::OkStatus();
}

absl::Status EstimateJaccardRows(absl::Span<const uint32_t> a,
                                 absl::Span<const uint32_t> b, size_t num_perm,
                                 absl::Span<double> out) {
  if (num_perm == 0 || a.size() != b.size() || a.size() % num_perm != 0) {
    return absl::InvalidArgumentError(
        "a and b must be the same number of rows of num_perm values (" +
        std::to_string(a.size()) + " and " + std::to_string(b.size()) +
        " values, num_perm " + std::to_string(num_perm) + ")");
  }
  if (out.size() != a.size() / num_perm) {
    return absl::InvalidArgumentError(
        "out must hold one value per row (" + std::to_string(a.size() / num_perm) +
        "), got " + std::to_string(out.size()));
  }
  for (size_t i = 0; i < out.size(); ++i) {
    // Rows of one length: the estimate cannot fail.
    out[i] = *EstimateJaccard(a.subspan(i * num_perm, num_perm),
                              b.subspan(i * num_perm, num_perm));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<DocPair>> CandidatesOfSignatures(
    absl::Span<const uint32_t> signatures, size_t num_perm,
    const LshParams& lsh, const CandidateOptions& options,
    CandidateStats* stats) {
  const size_t n = num_perm == 0 ? 0 : signatures.size() / num_perm;
  std::vector<uint64_t> keys(n * static_cast<size_t>(std::max(lsh.bands, 0)));
  if (auto s = BandKeysOfRows(signatures, num_perm, lsh, absl::MakeSpan(keys));
      !s.ok()) {
    return s;
  }
  CandidateStats ignored;
  if (stats == nullptr) stats = &ignored;
  std::vector<std::pair<uint64_t, uint32_t>> scratch;
  std::vector<DocPair> pairs;
  for (int b = 0; b < lsh.bands; ++b) {
    if (auto s = CandidatesFromKeys(
            absl::MakeConstSpan(keys).subspan(static_cast<size_t>(b) * n, n),
            options, &scratch, &pairs, stats);
        !s.ok()) {
      return s;
    }
  }
  for (DocPair& p : pairs) {
    if (p.first > p.second) std::swap(p.first, p.second);
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

}  // namespace neardup
