// Private: what a similarity method (DedupMethod) is, in one place. Each
// method is one SimilarityMethod, implemented in one file
// (minhash_method.cc, simhash_method.cc, exact_method.cc): how it signs a
// document, the keys of its lookup tables, how it finds the candidate pairs
// of a collection, how it compares two documents and which pairs it calls
// duplicates, how it reports a similarity, and its defaults. The dedup job,
// its distributed stages, FindDuplicates, the index and the Python bindings
// all go through it.
//
// Adding a method: a value in DedupMethod (pipeline.h), a file here that
// implements SimilarityMethod, its line in similarity_method.cc's table, and
// the file in CMakeLists.txt. Callers ask the method, never the enum.
//
// Cost: one virtual call per document (signing, table keys) or per pair
// (comparing); the loops over shingles, rows and pairs are inside the
// methods.

#ifndef NEARDUP_PIPELINE_SIMILARITY_METHOD_H_
#define NEARDUP_PIPELINE_SIMILARITY_METHOD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "neardup/lsh.h"
#include "neardup/pipeline.h"
#include "pipeline/dedup_signer.h"
#include "pipeline/packed_signatures.h"

namespace neardup::internal {

class JsonWriter;

// One document as a method compares it. What is filled depends on the
// method and the options (SimilarityMethod::signs_rows, keeps_sets,
// counts_sizes); the rest stays empty or 0.
struct SketchRef {
  absl::Span<const uint32_t> signature;  // signs_rows(): num_perm values
  uint64_t key = 0;                      // otherwise: the 64-bit key
  absl::Span<const uint64_t> set;        // keeps_sets(): sorted distinct shingles
  uint64_t set_size = 0;                 // counts_sizes(): distinct shingles
  uint64_t site = 0;  // LineCounter::SiteKey of the URL host, 0: none
};

// The sketches of a whole collection, as the job, the stages and
// FindDuplicates store them: rows of num_perm values in chunks of
// chunk_docs documents (one chunk for a flat array), or one key per
// document.
struct SketchColumns {
  size_t size = 0;
  std::vector<const uint32_t*> chunks;  // signs_rows()
  size_t chunk_docs = 1;
  size_t num_perm = 0;
  // signs_rows(), instead of `chunks`: the dedup job's packed signatures
  // (read with PackedSignatures::GetRange; Signature is not available).
  const PackedSignatures* packed = nullptr;
  absl::Span<const uint64_t> keys;  // otherwise

  // Rows one after another in `rows` (documents x num_perm values).
  static SketchColumns Rows(absl::Span<const uint32_t> rows, size_t num_perm);
  // One key per document.
  static SketchColumns Keys(absl::Span<const uint64_t> keys);

  absl::Span<const uint32_t> Signature(size_t doc) const {
    return absl::MakeConstSpan(
        chunks[doc / chunk_docs] + (doc % chunk_docs) * num_perm, num_perm);
  }
};

// One document of a pair that `neardup explain` judges, as a DocSigner
// signed it (Sign with a SignTrace).
struct ExplainedDoc {
  SketchRef sketch;  // as dedup compares it; site filled whatever the options
  // What the method's Sign returned (SignTrace::normalized).
  std::string_view normalized;
  std::string_view site;  // the URL host of its record (empty: none)
};

// Called with each group of candidate pairs, in a fixed order.
using PairGroupFn = absl::FunctionRef<absl::Status(absl::Span<const DocPair>)>;
// Called when `done` of `total` steps of finding candidates are done.
using CandidateStepFn = absl::FunctionRef<void(size_t done, size_t total)>;

class SimilarityMethod {
 public:
  virtual ~SimilarityMethod() = default;

  // The method of `method`, or null for a value that is none (a cast, a
  // Python binding). The objects are static and immutable: any thread.
  static const SimilarityMethod* Find(DedupMethod method);
  // The method of `method`, a DedupMethod's value (ResolveDedupOptions
  // refuses others). A value that is none gets MinHash, so that a hostile
  // value cannot crash a formatter; callers that must refuse it use Find.
  static const SimilarityMethod& Of(DedupMethod method);
  // Every method, in the order of DedupMethod.
  static absl::Span<const SimilarityMethod* const> All();

  // --- What it is called and its defaults.
  virtual DedupMethod id() const = 0;
  // As DedupMethodName prints it and ParseDedupMethod reads it.
  virtual const char* name() const = 0;
  // A few words for --help: what it measures ("Jaccard of shingle sets").
  virtual const char* description() const = 0;
  // The shingle size when none is given (DefaultShingleSize).
  virtual int default_shingle_size() const { return ShingleOptions{}.n; }
  // DedupOptions::containment when it is left negative (the default).
  virtual double DefaultContainment(const DedupOptions&) const { return 0; }

  // --- What it keeps per document.
  // True: a MinHash row of num_perm values per document, banded into
  // bands x rows for LSH; false: one 64-bit key per document.
  virtual bool signs_rows() const { return false; }
  // True when it compares shingle sets: containment and
  // VerifyMode::kExact are options of this method only.
  virtual bool compares_sets() const { return false; }
  // The sorted distinct shingles are kept (VerifyMode::kExact).
  bool keeps_sets(const DedupOptions& o) const {
    return compares_sets() && o.verify == VerifyMode::kExact;
  }
  // The number of distinct shingles is kept (containment estimated from
  // signatures).
  bool counts_sizes(const DedupOptions& o) const {
    return compares_sets() && o.verify == VerifyMode::kSignature &&
           o.containment > 0;
  }

  // --- Options (ResolveDedupOptions).
  // Checks the options of its decision rule (before the shared checks).
  virtual absl::Status CheckRule(const DedupOptions&) const {
    return absl::OkStatus();
  }
  // Fills what it derives (after the shared checks): LSH bands and rows.
  virtual absl::Status ResolveTables(DedupOptions*) const {
    return absl::OkStatus();
  }

  // --- Signing one document.
  // Signs `text` (already the main text when main_text) with the scratch
  // of one DocSigner: fills out->key, set_size, set and repaired, and
  // `row` (num_perm values) when signs_rows(). Returns the normalized text
  // that DedupOptions::min_words counts the words of.
  virtual std::string_view Sign(std::string_view text, SignScratch& scratch,
                                absl::Span<uint32_t> row,
                                DocSignature* out) const = 0;

  // --- Lookup tables (the index; JudgeTables).
  // How many tables a document is entered in under resolved options `o`.
  virtual size_t Tables(const DedupOptions& o) const = 0;
  // The key of `doc` in table t < Tables(o).
  virtual uint64_t TableKey(const SketchRef& doc, size_t t,
                            const DedupOptions& o) const = 0;
  // When a cluster is judged (MakeJudgedClustering), only members sharing
  // one of this many tables are compared (0: every pair).
  virtual size_t JudgeTables(const DedupOptions&) const { return 0; }

  // --- Candidate pairs of a collection.
  // Finds the candidate pairs of `docs` under `o` and hands them to `each`
  // group by group, in an order that depends on nothing but the sketches
  // (not on `threads`). Adds to *stats; calls `step` as it goes.
  virtual absl::Status Candidates(const SketchColumns& docs,
                                  const DedupOptions& o, int threads,
                                  CandidateStats* stats, PairGroupFn each,
                                  CandidateStepFn step) const = 0;
  // True when candidates are only likely duplicates and each must be
  // compared; false when the candidate rule is the duplicate rule.
  virtual bool verifies_candidates() const { return false; }
  // True when one pair can come in several groups.
  virtual bool candidates_repeat() const { return false; }
  // True when a bucket of equal table keys is handed over as a chain (a
  // bucket of m in m - 1 pairs; CandidateOptions::max_bucket_pairs_size 1):
  // its members are all duplicates of each other.
  virtual bool chains_buckets() const { return false; }
  // True when finding the candidates compared every pair it counted in
  // CandidateStats::pairs (those are the job's verified pairs).
  virtual bool compares_while_finding() const { return false; }

  // --- Comparing two documents.
  // How alike a and b are: similarity (and containment when the options
  // ask for it), same_site from their sites.
  virtual Likeness Compare(const SketchRef& a, const SketchRef& b,
                           const DedupOptions& o) const = 0;
  // True when a pair with `like` is a duplicate under resolved `o`.
  virtual bool Accepts(const DedupOptions& o, const Likeness& like) const = 0;

  // --- Memory (DedupOptions::max_memory_bytes).
  struct JobBytes {
    uint64_t sketches = 0;    // what the job keeps per document
    uint64_t candidates = 0;  // the peak of Candidates
  };
  // What the dedup job holds for `docs` documents under resolved `o`
  // (`row_docs`: docs rounded up to the job's whole chunks of rows) and
  // the peak of finding their candidates on `threads` threads.
  virtual JobBytes EstimatedBytes(uint64_t docs, uint64_t row_docs,
                                  const DedupOptions& o,
                                  uint64_t threads) const = 0;

  // --- Reporting.
  // True when the similarity is a distance (0: identical; smaller is
  // nearer; written as an integer), false for a similarity in [0, 1].
  virtual bool reports_distance() const { return false; }
  // removed.jsonl's "reason".
  virtual const char* removal_reason() const { return "near_duplicate"; }
  // The bins of stats.json's pair_similarity (0: none), and the bin of a
  // similarity (>= bins: not counted).
  virtual size_t SimilarityBins(const DedupOptions&) const { return 0; }
  virtual size_t Bin(double, size_t bins) const { return bins; }

  // What `neardup dedup` prints of its rule after "METHOD, word N-grams"
  // (a line or two, each ending in a newline), for resolved `o` and the
  // LSH bands and rows the run used.
  virtual std::string RuleSummary(const DedupOptions& o,
                                  const LshParams& lsh) const = 0;

  // --- Explaining (`neardup explain`).
  // The last line of explain for documents a and b under resolved `o`,
  // without its newline: "verdict: " and what dedup decides for the pair
  // and why, in this method's words (its candidate rule, measure and
  // threshold). Computes what it says with Compare and the table keys.
  virtual std::string ExplainVerdict(const ExplainedDoc& a,
                                     const ExplainedDoc& b,
                                     const DedupOptions& o) const = 0;
  // What explain's "dedup settings:" line says of this method's options
  // after "--method NAME, word N-grams, seed S" (each part after ", ";
  // empty: nothing), for resolved `o`.
  virtual std::string ExplainSettings(const DedupOptions&) const { return {}; }

  // Writes a similarity as removed.jsonl does.
  void WriteSimilarity(double similarity, JsonWriter* j) const;
  // The similarity as printed: 4 decimals, or a whole distance.
  double Shown(double similarity) const;
  // The similarity of a document to itself.
  double SelfSimilarity() const { return reports_distance() ? 0 : 1; }
};

// "minhash, simhash or exact": every method's name, for messages and
// --help.
std::string MethodNamesText();

// The methods, each defined in its own file.
const SimilarityMethod& MinHashMethod();
const SimilarityMethod& SimHashMethod();
const SimilarityMethod& ExactMethod();

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_SIMILARITY_METHOD_H_
