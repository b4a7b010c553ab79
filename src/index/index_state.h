// Private: what an Index holds (index.cc) and what its file format
// (index_format.cc) reads and writes.

#ifndef NEARDUP_INDEX_INDEX_STATE_H_
#define NEARDUP_INDEX_INDEX_STATE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "neardup/index.h"
#include "neardup/minhash.h"
#include "neardup/pipeline.h"
#include "neardup/shingle.h"

namespace neardup {

struct Index::State {
  IndexOptions options;   // resolved
  DedupOptions dedup;     // the job's options of the same decisions
  MinHasher hasher;       // kMinHash (a 1-permutation one otherwise)
  Shingler shingler;      // prototype, copied per Sketch call
  // Lookup tables: kMinHash one per band, kSimHash one per permuted table
  // (masks), kExact one. head[t]: table key -> newest document with it;
  // next[doc * tables + t]: the next older document with the same key.
  size_t tables = 0;
  std::vector<uint64_t> masks;  // kSimHash
  std::vector<absl::flat_hash_map<uint64_t, uint32_t>> head;
  std::vector<uint32_t> next;
  // Per document, in insertion order (removed ones keep their slot).
  std::vector<uint32_t> signatures;   // kMinHash, num_perm per document
  std::vector<uint64_t> fingerprints; // kSimHash, kExact
  std::vector<uint64_t> set_values, set_end;  // VerifyMode::kExact
  std::string origins;
  std::vector<uint64_t> origin_end;
  std::vector<const std::string*> key_of;  // null once removed
  absl::node_hash_map<std::string, uint32_t> doc_of;

  State(const IndexOptions& o, const DedupOptions& d, MinHasher h, Shingler s)
      : options(o), dedup(d), hasher(std::move(h)), shingler(std::move(s)) {}

  size_t documents() const { return key_of.size(); }
  bool keeps_sets() const {
    return options.method == DedupMethod::kMinHash &&
           options.verify == VerifyMode::kExact;
  }
  std::string_view Origin(size_t doc) const {
    const uint64_t begin = doc == 0 ? 0 : origin_end[doc - 1];
    return std::string_view(origins).substr(begin, origin_end[doc] - begin);
  }
  absl::Span<const uint64_t> Set(size_t doc) const {
    const uint64_t begin = doc == 0 ? 0 : set_end[doc - 1];
    return absl::MakeConstSpan(set_values).subspan(begin, set_end[doc] - begin);
  }
  absl::Span<const uint32_t> Signature(size_t doc) const {
    const size_t k = static_cast<size_t>(options.num_perm);
    return absl::MakeConstSpan(signatures).subspan(doc * k, k);
  }
  // The key of `sketch` in table t.
  uint64_t TableKey(const DocSketch& sketch, size_t t) const;
  // Appends a document whose sketch has the right shape; the key must not
  // be indexed.
  void Append(std::string_view key, const DocSketch& sketch,
              std::string_view origin);
};

namespace internal {

// Parses the "PARM" text (IndexParametersText) into options. Returns
// DataLoss naming `where` and the line for anything else.
absl::StatusOr<IndexOptions> ParseIndexParameters(std::string_view text,
                                                  const std::string& where);

}  // namespace internal
}  // namespace neardup

#endif  // NEARDUP_INDEX_INDEX_STATE_H_
