// neardup pipeline layer: the dedup job over many files. Reads every input
// once to sign its documents (threads), finds and verifies candidate pairs,
// clusters them, then reads the inputs again to write the kept records, and
// accounts for every record: kept + removed + rejected = read.
//
// Deterministic: documents are numbered in input order (files in the order
// given, folders expanded in sorted order, records in file order), every
// decision depends only on those numbers, the options and the seed, and
// every output is written in that order, so the output bytes are identical
// for any thread count.

#ifndef NEARDUP_PIPELINE_H_
#define NEARDUP_PIPELINE_H_

#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "neardup/clean.h"
#include "neardup/cluster.h"
#include "neardup/io.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "neardup/shingle.h"

namespace neardup {

// How a job writes the records it keeps.
enum class OutputFormat {
  kAsInput,    // each input's format and compression (WARC response
               // records, HTML, are written as read: see CleanStats)
  kTextJsonl,  // WARC/WET and text inputs as JSONL records {"id", "url",
               // "date", "text"} of their documents' (cleaned) text, named
               // NAME.jsonl with the input's compression (a.warc.gz ->
               // a.warc.jsonl.gz); records that are
               // not documents (warcinfo, request, ...) are not written.
               // JSONL inputs stay as they are.
};

enum class DedupMethod {
  kMinHash,  // Jaccard of shingle sets, estimated by MinHash, LSH candidates
  kSimHash,  // Hamming distance of SimHash fingerprints, permuted tables
  kExact,    // identical normalized text
};

// How a candidate pair is confirmed before two documents are joined.
enum class VerifyMode {
  kSignature,  // estimated Jaccard of the full signatures >= threshold
  kExact,      // exact Jaccard of the shingle sets >= threshold (the sets
               // are spilled to a temporary file in the output folder)
};

// Records kept by earlier runs that a dedup run compares its records with
// too (neardup dedup --index: IndexFolder in neardup/index.h implements
// it). A record that duplicates one of them is removed, judged against
// it, and compared with nothing else; the others are deduplicated among
// themselves as usual.
class PriorRecords {
 public:
  virtual ~PriorRecords() = default;
  struct Match {
    std::string kept_id;
    // Members added to the removed.jsonl line: ,"kept_source":{...}.
    std::string source_json;
    double similarity = 0;
  };
  // Returns the earliest prior record (in the order they were kept) that a
  // document with this MinHash signature (kMinHash) or key (kSimHash
  // fingerprint, kExact hash) duplicates, or nullopt. Called from several
  // threads at once.
  virtual std::optional<Match> Find(absl::Span<const uint32_t> signature,
                                    uint64_t key) const = 0;
  // Find for documents 0 to n - 1 (signature(i), key(i) as Find takes
  // them), on `threads` threads; the same answers as Find one by one. The
  // default calls Find; an implementation may order the lookups (an index
  // folder reads its files in key order).
  virtual std::vector<std::optional<Match>> FindAll(
      size_t n,
      const std::function<absl::Span<const uint32_t>(size_t)>& signature,
      const std::function<uint64_t(size_t)>& key, int threads) const;
  // Called once per record the run keeps, in input order, when its
  // decisions are made (before the outputs are committed).
  virtual void Kept(std::string_view id, std::string_view file, uint64_t line,
                    absl::Span<const uint32_t> signature, uint64_t key) = 0;
  // Where the prior records are, for stats.json ("index": {"folder",
  // "generation_read", "generation_written"}): the folder, the newest
  // generation the run compared with (0: none), and the generation its kept
  // records become (0: none, read-only). An empty folder writes nothing.
  struct Source {
    std::string folder;
    uint64_t generation_read = 0;
    uint64_t generation_written = 0;
  };
  virtual Source source() const { return {}; }
};

// DedupOptions::containment of kMinHash when it is not set: measured on
// the article-extraction benchmark (pairwise F1 0.905 against 0.57 without
// it) with containment_asymmetry 5 (bench/README, issue 13 parts 3 and 4).
inline constexpr double kDefaultContainment = 0.7;

// Defaults that DedupOptions shares with IndexOptions (neardup/index.h)
// and the command's flags; the Python options read them from these structs.
inline constexpr double kDefaultThreshold = 0.8;
inline constexpr int kDefaultHamming = 3;
inline constexpr double kDefaultContainmentAsymmetry = 5;

// The options of the dedup job and of FindDuplicates, flat so that a
// caller names only what it changes (FindDuplicates(texts, {.threshold =
// 0.9})). They stand for the core's option structs, which are derived from
// them in one place each (MinHashOptionsOf, LshParamsOf, ShingleOptionsOf,
// ReaderOptionsOf below), never copied field by field; their defaults are
// the core's (kDefaultNumPerm, ShingleOptions{}).
struct DedupOptions {
  // Default: kMinHash.
  DedupMethod method = DedupMethod::kMinHash;
  // Jaccard similarity at or above which two documents are duplicates
  // (kMinHash). Default: kDefaultThreshold (0.8).
  double threshold = kDefaultThreshold;
  // Shingles of both MinHash and SimHash. Default: word 5-grams. Leave
  // shingles.seed at 0: `seed` below seeds the shingles (a different
  // non-zero shingles.seed is refused, not silently replaced).
  ShingleOptions shingles;
  // MinHash permutations, 1 to kMaxPermutations (MinHashOptions::num_perm).
  // Default: kDefaultNumPerm (112).
  int num_perm = kDefaultNumPerm;
  // Seed of the shingle hashes and of the MinHash permutations: it wins
  // over shingles.seed, which must be 0 or equal to it. Default: 0.
  uint64_t seed = 0;
  // LSH bands and rows, both positive with bands x rows <= num_perm; 0 and
  // 0: chosen from threshold by OptimalLshParams.
  int bands = 0;
  int rows = 0;
  // SimHash: duplicates differ in at most this many bits (0-8). Default:
  // kDefaultHamming (3).
  int hamming = kDefaultHamming;
  // Default: kSignature.
  VerifyMode verify = VerifyMode::kSignature;
  // Containment at or above which a pair is a duplicate even when its
  // Jaccard is below threshold: |A ∩ B| / min(|A|, |B|) of the shingle sets
  // (an excerpt, a shortened or extended version). 0: off; else in (0, 1],
  // with kMinHash only. With VerifyMode::kExact it is computed from the
  // shingle sets; with kSignature it is estimated from the signatures'
  // slots (which record holds each unshared minimum) and each document's
  // number of distinct shingles (EstimateContainment of CompareSlots; 4
  // bytes more per document, nothing spilled).
  // Two records of one site (the same non-empty host of their URL) count
  // by containment only with main_text: on whole pages, the furniture they
  // share contains a short page (CleanPortalEval: 5 of 5 such removals
  // were different articles); without a URL, or across sites, it counts.
  // When bands and rows are chosen (both 0), they are chosen for the
  // Jaccard threshold min(threshold, C / (3 - C)): the Jaccard of a pair
  // with containment C whose smaller set is half the larger, so that such
  // pairs become LSH candidates; a smaller part of a larger text may not.
  // Which of the two is removed is the keep policy's choice (kLongest
  // removes the shorter). Negative: the default, which ResolveDedupOptions
  // makes kDefaultContainment (0.7) for kMinHash and 0 for the other
  // methods and with `prior` (an index compares by Jaccard alone).
  // Default: -1 (0.7 with kMinHash).
  double containment = -1;
  // Containment counts only for an excerpt or an extension, not an edit:
  // of the shingles the two records do not share, the longer must hold at
  // least this many times as many as the shorter (with |A| <= |B| and
  // containment C: |B| - C|A| >= asymmetry x (|A| - C|A|)). Two versions
  // of one size sharing 70% of their shingles are an edit of Jaccard 0.54,
  // and are judged by Jaccard alone. At least 1; 1: any containment >= C
  // counts. Default: kDefaultContainmentAsymmetry (5: the largest whole
  // value that keeps the article benchmark's F1 over 0.90; a generated
  // crawl's Jaccard precision gains from larger values, since its shortened
  // and extended copies below Jaccard 0.7 are removed by containment,
  // bench/README issue 13 parts 3 and 4).
  double containment_asymmetry = kDefaultContainmentAsymmetry;
  // Compare documents on their main text: lines that are boilerplate of
  // their site (FindBoilerplate with `main_text_boilerplate`, the clean
  // job's rule: a line in at least min_docs documents of the site, the
  // host of the record's URL) are left out of the shingles, so that page
  // furniture (navigation, sidebars, footers) does not make different
  // articles of one site alike, nor hide a copy on another site. Documents
  // without a URL are compared whole (across a collection, a line recurs
  // as often because its documents are copies as because it is
  // furniture), and so is a document with no letter or digit left. The
  // records written stay the bytes read. Unless line_counts_file is set,
  // the job counts the lines while it signs the whole texts (each line
  // normalized and each word hashed once for both, with kMinHash over
  // default word 5-grams), keeps each document's lines (24 bytes per line
  // of a document with a URL), then reads again and signs on their main
  // text only the documents that have boilerplate lines; its outputs are
  // those of counting first and signing main texts after. The counter's
  // raw entries and the kept lines (about 1.5 KB a document) are held up
  // to a budget, 64 MiB (an eighth of max_memory_bytes, 4 to 64 MiB, when
  // set), and spilled past it to files in the output folder (unlinked at
  // once) as sorted runs merged when the counts are finished: the outputs
  // do not depend on it; about 90 bytes a document stay (sites,
  // near-duplicate bands). neardup.dask runs it too (prepare_dedup_lines,
  // count_dedup_lines). Default: false.
  bool main_text = false;
  BoilerplateOptions main_text_boilerplate;
  // With main_text: the line counts to use (line_counts.bin of a clean
  // run) instead of counting this collection. Default: "" (count).
  std::string line_counts_file;
  // Which record of a cluster is kept. Default: the first in input order.
  // A cluster is judged as JudgeMembers says: members in this policy's
  // order each join the first kept member they are a duplicate of, else
  // are kept, so that every removed record is a duplicate of its kept one
  // (no chains).
  KeepPolicy keep = KeepPolicy::kFirst;
  // Field for KeepPolicy::kField, required (not empty) with it; it becomes
  // reader.number_field. Default: "".
  std::string keep_field;
  // Fields and limits of the readers.
  ReaderOptions reader;
  // Signing threads, at least 0; 0 means one per core. Default: 0.
  int threads = 0;
  // Memory ceiling in bytes; 0: none. As documents are read, the job
  // estimates what it will hold at its peak: its fixed buffers (two batches
  // of 8 MiB of text, scratch per thread), the data kept per document
  // (signature or key, id, position, length), with main_text the lines
  // kept from the counting pass, and the index (band keys and
  // their sort, `threads` bands at a time, union-find and clusters). Before
  // the estimate passes the ceiling, the job spills: it moves the MinHash
  // signatures (4 x num_perm bytes per document) and the ids into files in
  // the output folder (unlinked at once: nothing is left behind, also when
  // the job is killed), maps them shared, so that their pages are the
  // kernel's to write out and drop, and from then on keys one band at a
  // time. Every output is byte-identical to a run without a ceiling (same
  // decisions, cluster numbers, similarities; any keep policy, method and
  // thread count); stats.json says how much was spilled ("spilled_bytes").
  // What stays in memory is about 50 bytes per document while reading
  // (position, length, keep value, id end; containment: set size and site;
  // kSimHash and kExact: the 8-byte key) and about 70 more while
  // clustering. When even that estimate would pass the ceiling, the job
  // stops with ResourceExhausted naming the ceiling, the documents read and
  // the estimate, having written no output, instead of being killed by the
  // system later. Pairs and allocator overhead are not in the estimate:
  // keep the ceiling some way below the memory the machine can give.
  // Spilling costs disk (4 x num_perm bytes and the id per document) and
  // little time when the pages stay cached; when the kernel must drop
  // them, candidate verification reads signatures back at random.
  // Default: 0.
  uint64_t max_memory_bytes = 0;
  // Write the decisions (removed.jsonl, clusters.jsonl, stats.json) but no
  // record files. Default: false.
  bool dry_run = false;
  // Accept an output folder that exists and is not empty: the outputs an
  // earlier run listed in its stats.json are removed (no other file) and
  // replaced, when this run commits. Default: false.
  bool overwrite = false;
  CandidateOptions candidates;
  // Documents with fewer words (normalized, SplitWords) are removed with
  // reason "too_short" and never compared; 0 keeps every document.
  // Documents with no word at all are compared for byte equality only
  // (two empty documents are duplicates, "" and "!!!" are not), whatever
  // this is. Not supported by neardup.dask. Default: 0.
  size_t min_words = 0;
  // Default: OutputFormat::kAsInput. Not supported by neardup.dask.
  OutputFormat output_format = OutputFormat::kAsInput;
  // When not null and set to true (from another thread, or a signal
  // handler), the job stops at its next document with Cancelled: its
  // temporaries are removed and nothing is renamed into place (an earlier
  // run's outputs stay as they were). Default: null.
  const std::atomic<bool>* cancel = nullptr;
  // Files the folder walk left out (PlanInputs' `skipped`, all folders in
  // one list): not read, listed in stats.json ("skipped_files", the first
  // 1000, and "skipped_file_count") so that a run says what it did not
  // read. Default: none.
  std::vector<std::string> skipped_files;
  // Records of earlier runs to compare with (see PriorRecords); only with
  // KeepPolicy::kFirst, VerifyMode::kSignature, and without main_text,
  // min_words or containment (RunDedupWithIndex checks). Default: null.
  PriorRecords* prior = nullptr;
  // Write report.html (one self-contained page: counts, the LSH S-curve,
  // the similarity of the verified pairs, cluster sizes, kept and removed
  // texts side by side; see WriteReport), committed with the other outputs
  // and listed in stats.json's "outputs". Records the similarity of the
  // verified candidate pairs for it, in stats.json's "pair_similarity"
  // (kMinHash: 50 bins of 0.02 over [0, 1]; kSimHash: one bin per Hamming
  // distance 0..hamming). The write pass keeps the texts of the examples
  // (at most 16 documents, 1 MiB each); a dry run reads the inputs again
  // until it finds them. Not supported by neardup.dask (run WriteReport
  // on its output). Default: false (the command's default is on:
  // --no-report).
  bool report = false;
};

// The core options of a dedup job with `options`, each derived here and
// nowhere else. RunDedup, FindDuplicates and the index use them as
// ResolveDedupOptions leaves them (bands and rows chosen, shingles seeded).
// The permutations: {num_perm, seed}.
MinHashOptions MinHashOptionsOf(const DedupOptions& options);
// The LSH banding: {bands, rows} (0 and 0 before ResolveDedupOptions
// chooses them).
LshParams LshParamsOf(const DedupOptions& options);
// The shingles, seeded by `seed`.
ShingleOptions ShingleOptionsOf(const DedupOptions& options);
// The reader, whose number_field is keep_field with KeepPolicy::kField.
ReaderOptions ReaderOptionsOf(const DedupOptions& options);

// One input file and the name of its output, relative to the output folder.
struct InputFile {
  std::string path;         // "-" is standard input
  std::string output_name;
};

// The files under one folder argument that PlanInputs left out because
// their name is not an input format (.wat.gz, .bin, no extension, ...).
struct SkippedFiles {
  std::string folder;              // the folder as given
  std::vector<std::string> paths;  // in the order of the folder walk
};

// Expands the command-line inputs into files (folders recursively, sorted)
// and names their outputs: a file keeps its base name, a file inside a
// folder argument keeps its path below the folder, under the folder's name;
// "-" becomes "stdin.jsonl" (or .warc / .txt, by content). Returns
// InvalidArgument when two inputs would get the same output name, NotFound
// for a missing path or a folder without input files (naming the files it
// left out). When `skipped` is not null, the files each folder walk left
// out are appended to it, one entry per folder argument that left some out.
absl::StatusOr<std::vector<InputFile>> PlanInputs(
    const std::vector<std::string>& args,
    std::vector<SkippedFiles>* skipped = nullptr);

// The accounting of a job, or of one of its input files: every record
// read is kept, removed or rejected, read = kept + removed + rejected (the
// last line of a run and the first members of stats.json).
struct RecordCounts {
  uint64_t read = 0, kept = 0, removed = 0, rejected = 0;
  // WARC records that are not documents, written back as read; not part
  // of `read`.
  uint64_t passed_through = 0;
  // Documents over ReaderOptions::max_document_bytes read truncated
  // (Oversize::kTruncate): signed or cleaned on their first
  // max_document_bytes bytes, written back whole. Part of `read`, not a
  // fourth outcome.
  uint64_t truncated = 0;
};

// Counts for one input file.
struct FileCounts : RecordCounts {
  std::string path;
  std::string output;
  std::string format;       // jsonl, warc, text
  std::string compression;  // none, gzip, zstd
};

// What every job records beside its RecordCounts.
struct JobStats : RecordCounts {
  // Bytes of document text read (of a truncated document, what was read).
  uint64_t text_bytes = 0;
  std::vector<FileCounts> files;
  // The files the run wrote, relative to the output folder, sorted
  // (stats.json aside): what a later run with overwrite removes.
  std::vector<std::string> outputs;
  // JSONL inputs: records without the fields the reader options name (a
  // job stops when no record has one: see RunDedup).
  FieldCounts fields;
  // Seconds per stage, in the order run, "total" last.
  std::vector<std::pair<std::string, double>> stage_seconds;
  uint64_t peak_rss_bytes = 0;
};

// What a dedup job counted: its JobStats, then the rest.
struct DedupStats : JobStats {
  uint64_t repaired_utf8 = 0;       // ill-formed sequences replaced
  uint64_t removed_too_short = 0;   // part of removed (min_words)
  // Clusters of two or more documents: a kept record and the records
  // judged against it.
  uint64_t clusters = 0;
  uint64_t candidate_pairs = 0;     // pairs emitted by the index
  uint64_t verified_pairs = 0;      // pairs compared in full
  uint64_t joined_pairs = 0;        // pairs that joined two components
  LshParams lsh;                    // bands and rows used (kMinHash)
  CandidateStats candidates;
  int threads = 0;
  // Bytes of signatures and ids the job spilled to disk to stay under
  // DedupOptions::max_memory_bytes, and with main_text of line counts and
  // kept lines past their budget (0: none; stats.json's "spilled_bytes",
  // written only when not 0).
  uint64_t spilled_bytes = 0;
  // With DedupOptions::report: the verified candidate pairs by similarity
  // bin, joined (similarity at or above the threshold) and refused; empty
  // otherwise.
  std::vector<uint64_t> pairs_accepted, pairs_refused;
};

// What the job reports while it runs (from the calling thread).
// Events come at most every 250 ms per stage, and once more when a stage
// ends (records == total_records when that is known).
struct ProgressEvent {
  std::string_view stage;  // dedup: "sign", "resign" (main_text: the
                           // documents signed again on their main text),
                           // "index", "write"; clean:
                           // "count", "clean"
  uint64_t records = 0;    // what is done in this stage: records, or bands
                           // in "index"
  uint64_t bytes = 0;      // input bytes done in this stage (0 in "index")
  // Input bytes in all: the sum of the input file sizes, 0 when unknown
  // (standard input, or a compressed input whose size says nothing of the
  // bytes read).
  uint64_t total_bytes = 0;
  // Records (bands) the stage will do in all: known after a first pass; 0
  // when unknown.
  uint64_t total_records = 0;
};
// Called on the thread that runs the job. To stop the job from it, set
// the atomic the options' `cancel` points to: the job returns Cancelled at
// its next document and writes nothing. (Throwing from it is not
// supported.)
using ProgressFn = std::function<void(const ProgressEvent&)>;

// --- Batch calls: many documents in one call, on threads ----------------
// For programs that link the library (the Python module's batch functions
// are these). `threads`: at least 0; 0 means one per core. Results do not
// depend on the thread count.

// Returns the text of document i; may use *scratch to hold it (one scratch
// string per thread). Called from worker threads, concurrently for
// different i: it must be thread-safe.
using TextFn = std::function<std::string_view(size_t i, std::string* scratch)>;

// Signs n documents into `signatures`, row i (hasher.num_perm() values)
// for document i, shingled as `shingles` says (Shingler::Hash). Returns
// InvalidArgument for threads < 0, bad shingle options, or `signatures` of
// another size than n x num_perm. Cost: as Shingler::Hash + Sign per
// document, spread over the threads.
absl::Status SignTexts(absl::Span<const std::string_view> texts,
                       const ShingleOptions& shingles, const MinHasher& hasher,
                       int threads, absl::Span<uint32_t> signatures);
absl::Status SignTexts(size_t n, const TextFn& text,
                       const ShingleOptions& shingles, const MinHasher& hasher,
                       int threads, absl::Span<uint32_t> signatures);

// As SignTexts, the SimHash fingerprint of each document.
absl::Status SimHashTexts(absl::Span<const std::string_view> texts,
                          const ShingleOptions& shingles, int threads,
                          absl::Span<uint64_t> fingerprints);
absl::Status SimHashTexts(size_t n, const TextFn& text,
                          const ShingleOptions& shingles, int threads,
                          absl::Span<uint64_t> fingerprints);

// The band keys of signatures (rows of num_perm values):
// keys[b * documents + i] = BandKey(row i, b, lsh.rows), band by band.
// Returns InvalidArgument unless the rows are whole, 1 <= bands x rows <=
// num_perm, and keys holds bands x documents values.
absl::Status BandKeysOfRows(absl::Span<const uint32_t> signatures,
                            size_t num_perm, const LshParams& lsh,
                            absl::Span<uint64_t> keys);

// out[i] = EstimateJaccard(row i of a, row i of b). Returns
// InvalidArgument unless a and b are the same number of whole rows and out
// holds one value per row.
absl::Status EstimateJaccardRows(absl::Span<const uint32_t> a,
                                 absl::Span<const uint32_t> b, size_t num_perm,
                                 absl::Span<double> out);

// The LSH candidate pairs of signatures over all bands, each pair once,
// (smaller, larger) document, sorted; unverified (compare them with
// EstimateJaccardRows or ExactJaccard). Counters of every band are added
// to *stats (may be null). Errors as BandKeysOfRows.
absl::StatusOr<std::vector<DocPair>> CandidatesOfSignatures(
    absl::Span<const uint32_t> signatures, size_t num_perm,
    const LshParams& lsh, const CandidateOptions& options = {},
    CandidateStats* stats = nullptr);

// --- In-memory dedup --------------------------------------------------------

// The decisions of the dedup job for documents held in memory.
struct Duplicates {
  // kept[i]: the document i is a duplicate of, judged against it (no
  // chains, as RunDedup); i itself when i is kept.
  std::vector<uint32_t> kept;
  // cluster[i]: the smallest document of i's cluster (a kept document and
  // the documents judged against it).
  std::vector<uint32_t> cluster;
  // similarity[i]: of i to kept[i], as removed.jsonl reports it (Jaccard,
  // estimated or exact; Hamming distance for SimHash; 1 for exact); 1 (0
  // for SimHash) for a kept document.
  std::vector<double> similarity;
  // containment[i]: of i to kept[i] (exact or estimated as the verify mode
  // says), 1 for a kept document; empty unless options.containment is on.
  std::vector<double> containment;
  // The candidate pairs that verified as duplicates, (smaller, larger),
  // each once, with their similarity.
  std::vector<DocPair> pairs;
  std::vector<double> pair_similarity;
  uint64_t removed = 0;
};

// Finds the near-duplicates among n documents as RunDedup would decide for
// the same texts in the same order (same options, seed, keep policy; texts
// without words compared by their bytes), without files: sign on
// options.threads threads, LSH candidates of all bands (each pair once),
// verified, then judged against kept documents. `numbers` holds one value
// per document for KeepPolicy::kField (NaN: missing), else may be empty.
// Returns InvalidArgument for bad options (ResolveDedupOptions), main_text
// or min_words (file-job options), or a wrong `numbers` size. Memory:
// num_perm x 4 bytes per document (plus the shingle sets with exact
// verification, 4 bytes with estimated containment). Thread-safe for distinct calls.
absl::StatusOr<Duplicates> FindDuplicates(
    absl::Span<const std::string_view> texts, const DedupOptions& options = {},
    absl::Span<const double> numbers = {});
absl::StatusOr<Duplicates> FindDuplicates(size_t n, const TextFn& text,
                                          const DedupOptions& options = {},
                                          absl::Span<const double> numbers = {});

// Runs the dedup job and writes into `outdir`: the kept records (files
// named by InputFile::output_name, same format and compression as their
// input), removed.jsonl, clusters.jsonl, rejected.jsonl and stats.json, each
// written under a temporary name, all renamed into place together when the
// run completes (stats.json last). Returns InvalidArgument (naming the
// option and its value, as ResolveDedupOptions) for bad options, an error
// (naming the path) before reading anything when an input cannot be opened
// or the output folder cannot be used (FailedPrecondition when it is not
// empty and `overwrite` is false), an error when writing fails,
// FailedPrecondition when no JSONL record has a field the options name (the
// text field; the keep field; the id field unless it is the default "id"),
// and Cancelled when `cancel` was set; after an error nothing is renamed
// into place. Records that cannot be read are rejected and counted, never
// fatal.
absl::StatusOr<DedupStats> RunDedup(const std::vector<InputFile>& inputs,
                                    const std::string& outdir,
                                    const DedupOptions& options,
                                    const ProgressFn& progress = nullptr);

// Returns stats as the JSON written to stats.json (one object, with
// the options in "parameters").
std::string StatsToJson(const DedupStats& stats, const DedupOptions& options);

// ---------------------------------------------------------------------------
// The clean job: removes repeated text inside documents and boilerplate
// lines across documents, computes repetition signals, and writes every
// record back with only its text changed.

struct CleanOptions {
  // Cut repeated blocks, lines and in-line repeats. Default: true.
  bool repeats = true;
  RepeatOptions repeat_options;
  // Cut lines frequent across documents (two passes). When the lines are
  // counted (no line_counts_file), the counting pass also finds the
  // repeats (under the default RepeatOptions::normalize) and keeps each
  // document's lines and repeat cuts for the second pass, which then
  // normalizes nothing: 24 bytes per line of the collection. Default: true.
  bool boilerplate = true;
  BoilerplateOptions boilerplate_options;
  // Cut paragraphs (lines) syndicated from earlier documents, in input
  // order, the first occurrence kept. Default: false.
  bool syndicated = false;
  SyndicationOptions syndication;
  // Use the line counts saved in this file (line_counts.bin of an earlier
  // run) instead of counting this collection. Default: "" (count).
  std::string line_counts_file;
  // Remove documents whose cleaned text exceeds a Gopher threshold
  // (reason "gopher:<signal>"). Default: false.
  bool gopher_filter = false;
  GopherThresholds gopher;
  // Write signals.jsonl (the Gopher signals of every document) and change
  // nothing: every record is written back as read. Default: false.
  bool signals_only = false;
  // Write edits.jsonl but leave every record's text as read. Default: false.
  bool annotate = false;
  ReaderOptions reader;
  // Threads of the counting pass, at least 0; 0 means one per core.
  // Default: 0.
  int threads = 0;
  // As DedupOptions::output_format.
  OutputFormat output_format = OutputFormat::kAsInput;
  // Accept an output folder that exists and is not empty, and stop with
  // Cancelled when *cancel becomes true: as DedupOptions::overwrite and
  // DedupOptions::cancel. Default: false, null.
  bool overwrite = false;
  const std::atomic<bool>* cancel = nullptr;
  // As DedupOptions::skipped_files. Default: none.
  std::vector<std::string> skipped_files;
  // Write report.html (bytes and lines cut by reason, the most frequent
  // boilerplate lines per site, the documents with the largest share cut,
  // examples with their cuts marked in place, the signal distributions when
  // signals.jsonl is written), as DedupOptions::report; the examples are
  // the first documents cut, read again from the inputs until they are
  // found. Default: false.
  bool report = false;
};

// Returns InvalidArgument, naming the option and its value, when `options`
// cannot run: threads < 0, repeat_options.near_similarity or
// syndication.threshold outside [0, 1], boilerplate_options.min_docs < 2,
// or a Gopher threshold negative or NaN. RunClean calls it first.
absl::Status ValidateCleanOptions(const CleanOptions& options);

// What a clean job counted: its JobStats, then the rest.
struct CleanStats : JobStats {
  uint64_t edited = 0;               // kept documents whose text changed
  uint64_t removed_empty = 0;        // empty_after_clean
  uint64_t removed_gopher = 0;
  // Cuts by reason: cuts[static_cast<size_t>(reason)]; see cuts_of.
  std::array<uint64_t, kCutReasonCount> cuts{};
  uint64_t cut_bytes = 0;
  // WARC response records (HTML) with cuts, written as read with
  // OutputFormat::kAsInput: HTML cannot be cut line by line (their cuts are
  // in edits.jsonl; kTextJsonl writes their cleaned text). Not in `edited`.
  uint64_t not_rewritten = 0;
  uint64_t boilerplate_lines = 0;    // distinct lines cut as boilerplate
  uint64_t count_near_duplicates = 0;  // documents not counted (LineCounter)
  // Documents checked for boilerplate without a site (no url host): they
  // count as one site and need much stronger evidence (FindBoilerplate).
  uint64_t without_url = 0;
  // Bytes of the line counts' raw entries written to a spill file of the
  // output folder past their budget (48 MiB), merged back when counted
  // (0: none; stats.json's "spilled_bytes" when not 0).
  uint64_t spilled_bytes = 0;
  // The kept documents with the largest share of their text cut (at most
  // 15, largest first, then in input order): stats.json's
  // "largest_share_cut".
  struct Share {
    std::string id, file;
    uint64_t line = 0, text_bytes = 0, cut_bytes = 0;
  };
  std::vector<Share> largest_share_cut;

  uint64_t& cuts_of(CutReason reason) {
    return cuts[static_cast<size_t>(reason)];
  }
  uint64_t cuts_of(CutReason reason) const {
    return cuts[static_cast<size_t>(reason)];
  }
};

// Runs the clean job and writes into `outdir`: the records (same names,
// format and compression; JSONL records keep every other field byte for
// byte), edits.jsonl ({id, start, end, reason, source_id, source_start} per
// cut, byte offsets into the original text), removed.jsonl ({id, file,
// line, reason}: empty_after_clean or gopher:<signal>), rejected.jsonl,
// line_counts.bin (reusable with line_counts_file) and line_counts.jsonl
// (the lines cut as boilerplate, most frequent first), signals.jsonl (with
// signals_only or gopher_filter), and stats.json. WARC conversion records
// are rewritten with a new Content-Length; response records (HTML) cannot
// be, so they are written as read and their cuts listed (counted in
// not_rewritten). Returns ValidateCleanOptions' error for bad options, and
// fails as RunDedup does for inputs and the output folder.
absl::StatusOr<CleanStats> RunClean(const std::vector<InputFile>& inputs,
                                    const std::string& outdir,
                                    const CleanOptions& options,
                                    const ProgressFn& progress = nullptr);

// Writes OUTDIR/report.html again for the finished dedup or clean run in
// `outdir` (one with a stats.json), from its files and the inputs its
// stats.json names (read again, with its text and id fields, until the
// documents shown as examples are found; inputs that are gone only leave
// the examples out). The page: inline CSS and SVG, no script, no network,
// a few hundred kilobytes at most whatever the run's size; written under a
// temporary name and renamed. When stats.json does not list report.html
// among its "outputs" (a run without the report), it is added there
// (stats.json rewritten the same way, every other byte as it was), so
// that a later run with overwrite removes the page too. Returns NotFound when there is no
// stats.json, InvalidArgument when it is not one of a dedup or clean run,
// and the writer's error when the page cannot be written.
absl::Status WriteReport(const std::string& outdir);

// Returns "minhash", "simhash" or "exact".
const char* DedupMethodName(DedupMethod method);

// Parses a method's name as DedupMethodName spells it ("minhash", "simhash"
// or "exact"). Returns InvalidArgument naming `text` for anything else.
absl::StatusOr<DedupMethod> ParseDedupMethod(std::string_view text);

// Returns the shingle size `neardup dedup --method` uses when --ngram is
// not given: 3 for kSimHash (word 3-grams give SimHash enough features on
// short pages), else ShingleOptions' default n (5).
int DefaultShingleSize(DedupMethod method);

// Checks `options` as RunDedup does (same errors) and returns them with
// what RunDedup derives filled in: bands and rows (chosen from the threshold
// when both are 0; kMinHash only), shingles = ShingleOptionsOf(options)
// and reader = ReaderOptionsOf(options). Returns
// InvalidArgument naming the option and its value: threshold outside (0, 1)
// (kMinHash), hamming outside [0, 8], threads < 0, kField with an empty
// keep_field, shingles.seed neither 0 nor seed, num_perm outside
// [1, kMaxPermutations], bands or rows not both positive with bands x rows
// <= num_perm (unless both 0), shingles.n outside [1, kMaxShingleSize].
absl::StatusOr<DedupOptions> ResolveDedupOptions(const DedupOptions& options);

}  // namespace neardup

#endif  // NEARDUP_PIPELINE_H_
