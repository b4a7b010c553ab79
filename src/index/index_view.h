// Private: an index file read in place (the bytes of a mapped file, see
// neardup/index.h for the format), without loading it: lookups binary-search
// the sorted table keys of section BKEY, and only the candidates' signatures,
// keys and origins are read. The pipeline maps the files (IndexFolder); this
// layer only reads bytes, every read bounds-checked.

#ifndef NEARDUP_INDEX_INDEX_VIEW_H_
#define NEARDUP_INDEX_INDEX_VIEW_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "neardup/index.h"
#include "neardup/pipeline.h"
#include "pipeline/similarity_method.h"

namespace neardup::internal {

inline uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}
inline uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}

// The 32 bits of a table key stored in section BKEY: the high half of the
// MurmurHash3 finalizer of the key (SimHash table keys are masked
// fingerprints whose high bits may all be zero). Stable: part of the format.
inline uint32_t FoldTableKey(uint64_t key) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  key *= 0xc4ceb9fe1a85ec53ULL;
  key ^= key >> 33;
  return static_cast<uint32_t>(key >> 32);
}

// The table keys of a document, its method's (SimilarityMethod::TableKey):
// MinHash one per band (BandKey), SimHash one per permuted table
// (fingerprint & mask), exact the key itself.
class TableKeys {
 public:
  explicit TableKeys(const IndexOptions& resolved);
  size_t tables() const { return tables_; }
  uint64_t Key(absl::Span<const uint32_t> signature, uint64_t fingerprint,
               size_t t) const;

 private:
  const SimilarityMethod* method_;
  DedupOptions options_;
  size_t tables_ = 0;
};

// A document of a view that matches a query.
struct ViewMatch {
  uint64_t doc = 0;  // its number in the file
  double similarity = 0;
};

class IndexFileView {
 public:
  // Reads the header, the section table (its checksum) and section PARM
  // (its checksum) of `bytes`, which must outlive the view, and checks that
  // every section lies inside the bytes with the size the document count
  // gives. Section contents are not checksummed here (VerifySections):
  // opening costs the same for any file size. Errors as Index::Deserialize,
  // naming `name`; FailedPrecondition for VerifyMode::kExact files (index
  // folders keep signatures only).
  static absl::StatusOr<IndexFileView> Open(std::string_view bytes,
                                            const std::string& name);

  // Checks the XXH3-64 of every section: DataLoss naming the file and
  // section. Cost: reads the whole file.
  absl::Status VerifySections() const;

  uint64_t documents() const { return docs_; }
  const IndexOptions& options() const { return options_; }
  const std::string& name() const { return name_; }
  // The raw bytes of a section ("" when absent).
  std::string_view Section(std::string_view tag) const;

  // The key and origin of document `doc` (< documents()); DataLoss naming
  // the file and section when its offsets are inconsistent.
  absl::StatusOr<std::string_view> Key(uint64_t doc) const;
  absl::StatusOr<std::string_view> Origin(uint64_t doc) const;
  // Copies the signature of `doc` (kMinHash) into out (num_perm values).
  void Signature(uint64_t doc, uint32_t* out) const;
  // The fingerprint or key of `doc` (kSimHash, kExact).
  uint64_t Fingerprint(uint64_t doc) const;
  // Copies the shingle set of `doc` (VerifyMode::kExact) into *out;
  // DataLoss naming the file when section SETS is inconsistent.
  absl::Status Set(uint64_t doc, std::vector<uint64_t>* out) const;
  // The entries of table t in BKEY: `documents()` pairs (folded key, doc),
  // 8 bytes each, sorted.
  std::string_view Table(size_t t) const;

  // Appends to *out, in document order, the documents that duplicate the
  // query by `rule` (the dedup job's decision, as Index::Query): those
  // sharing a table key with it and passing verification. With
  // `first_only`, stops at the first. DataLoss when BKEY names a document
  // out of range. Thread-safe. Cost: one binary search per table, one
  // signature read per candidate.
  absl::Status Match(const DocSketch& query, const DedupOptions& rule,
                     bool first_only, std::vector<ViewMatch>* out) const;

  // The parts of Match, for batches of lookups in key order (a run's
  // records against a file: IndexFolder::FindFirstBatch).
  struct TableHit {
    uint32_t query = 0, doc = 0, table = 0;
    bool operator<(const TableHit& o) const {
      return query != o.query ? query < o.query
             : doc != o.doc   ? doc < o.doc
                              : table < o.table;
    }
  };
  // The table keys of a query (one per table).
  std::vector<uint64_t> WantedKeys(const DocSketch& query) const;
  // The first entry of table t in [from, to) whose folded key is >= fold,
  // or `to` when none (entries before `from` must be < fold, and the one
  // at `to`, if any, >= fold).
  uint64_t Search(size_t t, uint32_t fold, uint64_t from, uint64_t to) const;
  // Appends {query, doc, t} for each entry of table t with this folded
  // key, looking from *at (a position at or before the first such entry;
  // left there for the next, larger fold). DataLoss for a document out of
  // range.
  absl::Status Hits(size_t t, uint32_t fold, uint64_t* at, uint32_t query,
                    std::vector<TableHit>* out) const;
  // Verifies the hits of one query (sorted by doc): keeps those whose full
  // table key equals wanted[table] and that pass `rule`.
  absl::Status Verify(const DocSketch& query, absl::Span<const uint64_t> wanted,
                      absl::Span<const TableHit> hits, const DedupOptions& rule,
                      bool first_only, std::vector<ViewMatch>* out) const;

 private:
  IndexFileView(std::string_view bytes, std::string name,
                const IndexOptions& options);
  struct Entry;
  const Entry* find_entry(std::string_view tag) const;
  absl::StatusOr<std::string_view> Item(std::string_view sec,
                                        std::string_view tag,
                                        uint64_t doc) const;

  std::string_view bytes_;
  std::string name_;
  IndexOptions options_;
  TableKeys keys_;
  uint64_t docs_ = 0;
  struct Entry {
    std::string tag;
    std::string_view bytes;
    uint64_t checksum = 0;
  };
  std::vector<Entry> sections_;
  std::string_view keys_sec_, orig_sec_, sketch_sec_, bkey_sec_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_INDEX_INDEX_VIEW_H_
