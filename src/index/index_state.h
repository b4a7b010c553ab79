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
#include "pipeline/similarity_method.h"

namespace neardup {

struct Index::State {
  IndexOptions options;   // resolved
  DedupOptions dedup;     // the job's options of the same decisions
  const internal::SimilarityMethod* method;  // of options.method
  MinHasher hasher;       // signs_rows() (a 1-permutation one otherwise)
  Shingler shingler;      // prototype, copied per Sketch call
  // Lookup tables, the method's (SimilarityMethod::Tables): head[t]: table
  // key -> newest document with it; next[doc * tables + t]: the next older
  // document with the same key.
  size_t tables = 0;
  std::vector<absl::flat_hash_map<uint64_t, uint32_t>> head;
  std::vector<uint32_t> next;
  // Per document, in insertion order (removed ones keep their slot).
  std::vector<uint32_t> signatures;   // signs_rows(): num_perm per document
  std::vector<uint64_t> fingerprints; // otherwise: the method's keys
  std::vector<uint64_t> set_values, set_end;  // VerifyMode::kExact
  std::string origins;
  std::vector<uint64_t> origin_end;
  std::vector<const std::string*> key_of;  // null once removed
  absl::node_hash_map<std::string, uint32_t> doc_of;

  State(const IndexOptions& o, const DedupOptions& d, MinHasher h, Shingler s)
      : options(o),
        dedup(d),
        method(&internal::SimilarityMethod::Of(o.method)),
        hasher(std::move(h)),
        shingler(std::move(s)),
        tables(method->Tables(d)) {}

  size_t documents() const { return key_of.size(); }
  bool keeps_sets() const { return method->keeps_sets(dedup); }
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
  uint64_t TableKey(const DocSketch& sketch, size_t t) const {
    return method->TableKey(Ref(sketch), t, dedup);
  }
  // A sketch as the method compares it.
  static internal::SketchRef Ref(const DocSketch& sketch) {
    internal::SketchRef r;
    r.signature = sketch.signature;
    r.key = sketch.fingerprint;
    r.set = sketch.set;
    return r;
  }
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
