// neardup index: a near-duplicate index for programs that link the library,
// one document at a time ("have I seen this document, or one nearly like
// it?"), and the same object saved to a file and opened again.
//
//   auto index = neardup::Index::Create({.threshold = 0.8});
//   for (const Doc& d : docs) {
//     auto matches = index->Query(d.text);        // best first, verified
//     if (matches.ok() && matches->empty()) index->Insert(d.id, d.text);
//   }
//   index->Save("seen.ndx");                     // Index::Open reads it
//
// Decisions are the dedup job's (RunDedup, FindDuplicates): the same
// shingles, signatures, LSH bands, SimHash tables and verification rule, so
// inserting a collection's documents in order and keeping each one whose
// query returns nothing keeps exactly the documents `neardup dedup` keeps
// with --keep first at the same options (tested for every method in
// tests/index_test.cc). The one difference: a bucket of more than
// CandidateOptions::max_bucket_pairs_size documents sharing a band key is
// compared in full here, where the job compares a linear number of its
// pairs; it can only find more duplicates, never fewer.
//
// Queries:
//   - Query returns every indexed document that is a duplicate of the query
//     by the dedup rule (estimated or exact Jaccard >= threshold for
//     kMinHash, Hamming distance <= hamming for kSimHash, equal normalized
//     text for kExact), best first (highest Jaccard, smallest distance;
//     ties in insertion order), at most QueryOptions::limit of them (top-k).
//   - QueryOptions::min_similarity (kMinHash) lowers the acceptance below
//     the threshold; candidates still come from the bands chosen for the
//     threshold, so a pair at similarity s is found with probability
//     CandidateProbability(s) (lsh.h), which falls fast below the
//     threshold. For a wide range, build the index at the lower threshold.
//   - Containment queries (an indexed document containing most of the
//     query, as datasketch's LSH Ensemble) are not offered: Jaccard bands
//     do not find a short excerpt of a long text; see
//     DedupOptions::containment for what the file job does.
//
// Thread safety: const member functions (Query, Contains, Sketch, size,
// Serialize, Save) may run concurrently with each other; Insert, Remove and
// assignment need exclusive access (no other call on the same index while
// they run). The batch functions (InsertBatch, QueryBatch, in the pipeline
// layer) take care of this themselves.
//
// Memory per document (kMinHash, defaults: 112 permutations, 14 bands):
// the signature (4 x num_perm = 448 bytes, in a vector that grows by
// doubling), the band tables (a hash-map slot and a 4-byte chain link per
// band, about 250 bytes), the key (a hash-map node: about 60 bytes plus the
// key) and the origin: measured about 930 bytes per document with short
// keys at 100,000 documents of 2 KB (bench/index_eval.cc; resident memory
// growth, allocator overhead included). kSimHash: 8 bytes and 10 tables
// at hamming 3; kExact: one table. VerifyMode::kExact adds 8 bytes per
// distinct shingle (about 3,700 bytes per 2 KB document in all). Removed
// documents keep their slot (not their key) until the index is saved and
// opened again (Save writes live documents only).
//
// The file format (version kIndexFormatVersion, stable: a later version of
// the library reads files of this version or refuses them with a clear
// error; all integers little-endian):
//   header, 32 bytes: magic "NDUPIDX1" (8 bytes), u32 format version,
//     u32 section count S, u64 document count, u64 XXH3-64 of the section
//     table;
//   section table: S entries of 32 bytes: 4-byte tag, u32 reserved (0),
//     u64 offset from the start of the file, u64 size, u64 XXH3-64 of the
//     section's bytes;
//   sections, in this order:
//     "PARM" the options as text, one "name=value\n" per line, sorted
//            (IndexParametersText; `neardup index info` prints them);
//     "KEYS" the keys: u64 end offset per document, then the bytes;
//     "ORIG" the origins (Insert's `origin`), in the same form;
//     "BKEY" the lookup tables, sorted, for reading a file in place
//            (IndexFolder maps files and binary-searches them): for each
//            table t (kMinHash: band t; kSimHash: permuted table t; kExact:
//            one), one 8-byte entry per document, u32 folded key then u32
//            document number, sorted by (folded key, document). The folded
//            key is the high 32 bits of the MurmurHash3 64-bit finalizer
//            of the table key (BandKey, fingerprint & mask, or the key);
//            a lookup compares the full key again from the signature, so
//            folding never changes an answer;
//     "SIGS" kMinHash: num_perm u32 values per document;
//     "FPRS" kSimHash fingerprints, kExact keys: u64 per document;
//     "SETS" VerifyMode::kExact: u64 end offset per document (counted in
//            values), then the sorted distinct shingle hashes, u64 each.
//   Documents are numbered in insertion order, removed ones left out (at
//   most 2^32 - 1 per file). Index::Open loads a file whole and rebuilds
//   its hash tables; IndexFolder reads it in place. Bytes per document at
//   the defaults: 448 (signature) + 112 (14 band entries) + 16 (two
//   offsets) = 576, plus the key and origin.
//   Version 1 (no BKEY) is refused with FailedPrecondition: build the index
//   again.

#ifndef NEARDUP_INDEX_H_
#define NEARDUP_INDEX_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "neardup/pipeline.h"
#include "neardup/shingle.h"

namespace neardup {

inline constexpr uint32_t kIndexFormatVersion = 2;

// The part of DedupOptions that decides whether a document duplicates an
// indexed one: each field means what the DedupOptions field of its name
// does, with the same default (see there).
struct IndexOptions {
  DedupMethod method = DedupMethod::kMinHash;
  double threshold = kDefaultThreshold;  // kMinHash
  ShingleOptions shingles;  // seeded by `seed`: leave shingles.seed at 0
  int num_perm = kDefaultNumPerm;  // kMinHash
  uint64_t seed = 0;
  int bands = 0, rows = 0;  // kMinHash; 0 and 0: chosen from threshold
  int hamming = kDefaultHamming;  // kSimHash
  // kExact keeps each document's shingle set (8 bytes per distinct
  // shingle) to compute the Jaccard exactly.
  VerifyMode verify = VerifyMode::kSignature;
};

// The options of the dedup job whose decisions the index makes: for an
// index shared with `neardup dedup` (same method, threshold, shingles,
// permutations, bands, rows, hamming, seed, verification).
DedupOptions IndexDedupOptions(const IndexOptions& options);
// The index options of `options`. Returns InvalidArgument naming the option
// when the job's decisions need more than an index holds: main_text,
// min_words, containment, or a keep policy other than kFirst.
absl::StatusOr<IndexOptions> IndexOptionsOf(const DedupOptions& options);

// What the index keeps of one document, by method: the signature
// (kMinHash), the fingerprint (kSimHash) or normalized-text hash (kExact),
// and the sorted distinct shingles (VerifyMode::kExact).
struct DocSketch {
  std::vector<uint32_t> signature;
  uint64_t fingerprint = 0;
  std::vector<uint64_t> set;
};

// One indexed document that matches a query.
struct IndexMatch {
  std::string key;
  // Jaccard (estimated or exact) for kMinHash, Hamming distance for
  // kSimHash, 1 for kExact, as removed.jsonl reports it.
  double similarity = 0;
  // The document's number in insertion order, from 0 (the first document
  // inserted, or the first in the file opened): the dedup job keeps the
  // first document in input order, so `neardup dedup --index` judges a
  // record against the match with the smallest number.
  uint64_t doc = 0;
  // The origin given to Insert ("" when none).
  std::string origin;
};

struct QueryOptions {
  // At most this many matches, best first; 0: all. Default: 0.
  size_t limit = 0;
  // kMinHash: accept matches at or above this Jaccard instead of the
  // threshold (see the banner: found with probability
  // CandidateProbability). NaN: the threshold. Default: NaN.
  double min_similarity = NAN;
};

class Index {
 public:
  // Returns an empty index, or InvalidArgument naming the option (as
  // ResolveDedupOptions: threshold, num_perm, bands x rows, hamming,
  // shingles).
  static absl::StatusOr<Index> Create(const IndexOptions& options = {});

  Index(Index&&) noexcept;
  Index& operator=(Index&&) noexcept;
  ~Index();

  // Returns the sketch of `text` as the dedup job makes it (normalized,
  // shingled, signed; a text without words is hashed by its bytes). Cost:
  // linear in the text (about num_perm / 8 vector operations per shingle).
  DocSketch Sketch(std::string_view text) const;

  // Adds a document under `key` (any bytes, unique in the index) with an
  // optional `origin` (any bytes the caller wants back with a match: where
  // the document came from). Returns AlreadyExists when the key is indexed,
  // InvalidArgument when the sketch has the wrong shape for the method
  // (a signature of another length; no set with VerifyMode::kExact).
  // Not thread-safe (see the banner). Cost: Sketch, plus one hash-map
  // insertion per table.
  absl::Status Insert(std::string_view key, std::string_view text,
                      std::string_view origin = {});
  absl::Status Insert(std::string_view key, const DocSketch& sketch,
                      std::string_view origin = {});
  // kMinHash with VerifyMode::kSignature: a signature of num_perm values
  // made with this index's seed and shingles (SignTexts, or MinHasher with
  // {num_perm, seed}).
  absl::Status InsertSignature(std::string_view key,
                               absl::Span<const uint32_t> signature,
                               std::string_view origin = {});

  // Returns the indexed documents that are duplicates of `text` (see the
  // banner), best first. Never fails for any text; returns InvalidArgument
  // only for a min_similarity outside [0, 1]. Cost: Sketch, one lookup per
  // table, one verification per candidate.
  absl::StatusOr<std::vector<IndexMatch>> Query(
      std::string_view text, const QueryOptions& query = {}) const;
  absl::StatusOr<std::vector<IndexMatch>> Query(
      const DocSketch& sketch, const QueryOptions& query = {}) const;

  // Inserts every document of `other`, in its order, with its key, origin
  // and sketch (no signing). Returns InvalidArgument when the two indexes
  // have other parameters (IndexParametersText differs), AlreadyExists
  // (naming the key) when a key of `other` is indexed; nothing is inserted
  // then. Not thread-safe.
  absl::Status InsertAll(const Index& other);

  // Makes room for `documents` documents in all, so that inserting that
  // many does not grow the tables by doubling (which holds the old and the
  // new copy at once). Not thread-safe.
  void Reserve(size_t documents);

  // True when `key` is indexed (and not removed).
  bool Contains(std::string_view key) const;
  // Removes the document under `key`; returns false when there is none.
  bool Remove(std::string_view key);
  // Documents indexed and not removed.
  size_t size() const;

  // The options, with bands and rows filled in (chosen from the threshold
  // when they were 0) and shingles.seed = seed.
  const IndexOptions& options() const;

  // The index in the file format (see the banner); deterministic: the same
  // inserts and removals give the same bytes.
  std::string Serialize() const;
  // Reads an index from `bytes`. Returns DataLoss naming `name` and the
  // section for a wrong magic, a truncated file, a bad checksum or
  // inconsistent sizes, and FailedPrecondition naming the version for
  // another format version. Never crashes on any bytes (fuzzed:
  // tests/fuzz/index_format_fuzzer.cc).
  static absl::StatusOr<Index> Deserialize(std::string_view bytes,
                                           std::string_view name = "index");

  // Writes Serialize() to `path` under a temporary name, fsyncs it and
  // renames it into place. Returns the writer's error naming the path.
  absl::Status Save(const std::string& path) const;
  // Reads the file Save wrote: Deserialize's errors, with the path as name;
  // NotFound when the file does not exist.
  static absl::StatusOr<Index> Open(const std::string& path);

 private:
  struct State;
  explicit Index(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// --- Batch forms, on threads (pipeline layer) -------------------------------
// `threads`: at least 0; 0 means one per core. Results do not depend on the
// thread count.

// Sketches texts[i] on `threads` threads, then inserts them in order under
// keys[i] (origins[i], or "" when origins is empty), as many Insert calls
// would. Returns InvalidArgument when the spans differ in length or threads
// < 0, AlreadyExists (naming the key) when a key is indexed or repeated in
// `keys`; nothing is inserted then. Needs exclusive access to the index.
absl::Status InsertBatch(Index& index, absl::Span<const std::string_view> keys,
                         absl::Span<const std::string_view> texts, int threads,
                         absl::Span<const std::string_view> origins = {});

// Query(texts[i]) for every i, on `threads` threads (queries are const:
// no insert may run meanwhile). Returns Query's error for bad options.
absl::StatusOr<std::vector<std::vector<IndexMatch>>> QueryBatch(
    const Index& index, absl::Span<const std::string_view> texts, int threads,
    const QueryOptions& query = {});

// Deduplicates texts against the index and each other, in order, as
// `neardup dedup --keep first` would with the indexed documents read
// first: text i is a duplicate when it matches an indexed document or an
// earlier text of the batch that was not a duplicate, and is then judged
// against the earliest such document (smallest IndexMatch::doc), as the
// job judges a record against the first kept record. Returns, per text,
// that match, or nullopt when the text is new; new texts are inserted under
// keys[i] (origins[i]). Signs on `threads` threads; decisions and inserts
// are sequential, so the result does not depend on the thread count.
// Errors as InsertBatch.
absl::StatusOr<std::vector<std::optional<IndexMatch>>> DedupBatch(
    Index& index, absl::Span<const std::string_view> keys,
    absl::Span<const std::string_view> texts, int threads,
    absl::Span<const std::string_view> origins = {});

// --- Index folders: an index grown by runs (neardup dedup --index) --------
//
// A folder holds the records kept by the runs that used it, one generation
// per run, in index files (the format above) that each hold consecutive
// generations:
//   DIR/MANIFEST          the committed state, text:
//                           "neardup-index-folder 1\n"
//                           "param <name>=<value>\n" per parameter (the
//                           PARM text);
//                           one line per file, oldest first:
//                           "generation <n> <file> <documents> <XXH3-64 of
//                           the file, hex> <run label>\n", n the last
//                           generation the file holds
//   DIR/gen-<n>.ndx       a run's file (n from 1, 6 digits), and
//   DIR/gen-<a>-<b>.ndx   a merge of generations a to b (-d<n> when
//                         generation n was dropped from it), immutable;
//                         a document's key is "<n>:<ordinal>" and its
//                         origin encodes the record's generation, file,
//                         line and id (see IndexFolderMatch)
//   DIR/LOCK              the writer lock (flock), holding "pid P on HOST
//                         since TIME: COMMAND" of the writer
// A writer writes a new generation file (temporary name, fsync, rename),
// then a new MANIFEST the same way: the rename of MANIFEST commits. Killed
// at any moment, the folder is at the old MANIFEST or the new one; files
// no MANIFEST names are leftovers, removed by the next writer. Readers take
// no lock: they read MANIFEST and map the immutable files it names (a
// merge removes the files it replaced after its commit; a reader that has
// mapped them keeps reading them, one that read the old MANIFEST but had
// not yet mapped them gets NotFound and should open again).
//
// Memory and time (bounded): the files are mapped (mmap), not loaded.
// Opening reads the MANIFEST and each file's header, section table and
// PARM: its cost does not grow with the records. A lookup binary-searches
// each file's sorted table keys (section BKEY, one search per band or
// SimHash table per file) and reads the signature, key and origin of its
// candidates only, so a dedup run's memory is its own records plus the
// pages of the index the kernel caches (shared, evictable), and its time
// per record grows with log(records) and the number of files, not with
// the records.
//
// Checksums: opening checks the section table's and PARM's checksums and
// that every section has the size the document count gives; the other
// sections' checksums (and each file's XXH3 in MANIFEST) are checked by
// VerifyIndexFolder (`neardup index verify`) and by every merge before it
// reads a file, not on open (that would read the whole index). Every read
// is bounds-checked: a damaged section gives DataLoss naming the file and
// section, or wrong similarities, never a crash.
//
// Files and merging: a file holds consecutive generations (a run's own
// file, "gen-<n>.ndx", or a merge of several, "gen-<first>-<last>.ndx").
// After each commit, when the newest kMergeFanIn files are of one tier
// (tier = floor(log4(records in the file))), they are merged into one
// (size-tiered, as LSM trees do): each record is rewritten about
// log4(all records) times over the folder's life and the folder holds at
// most about 3 files per tier, so lookups stay fast after many runs. A merge
// streams the files (a k-way merge of their sorted BKEY sections) with
// fixed buffers; records keep their generation numbers. `Compact` merges
// everything into one file.

inline constexpr size_t kMergeFanIn = 4;

// A record of an index folder that matches a query.
struct IndexFolderMatch {
  std::string id;       // the record's id (as removed.jsonl's kept_id)
  uint64_t generation = 0;
  std::string file;     // the input it was read from, as the run named it
  uint64_t line = 0;    // its line (record number) in that file
  double similarity = 0;
  uint64_t doc = 0;     // its number in the folder (order of keeping)
};

// One file of the folder (a MANIFEST line).
struct IndexGeneration {
  uint64_t number = 0;    // the last generation the file holds
  std::string file;       // name inside the folder
  uint64_t documents = 0;
  uint64_t checksum = 0;  // XXH3-64 of the file
  std::string run;        // the run that added it (its output folder)
};

class IndexFolder {
 public:
  // Opens the folder `dir` to read: NotFound when it has no MANIFEST;
  // DataLoss naming the file for a bad MANIFEST or file header (see the
  // banner for what is checked when). Cost: independent of the records.
  static absl::StatusOr<IndexFolder> Open(const std::string& dir);
  // Opens `dir` to write, creating it with `options` when it does not
  // exist or has no MANIFEST; takes the writer lock (FailedPrecondition
  // naming the holder when another process has it) until this object goes
  // away. Returns InvalidArgument naming the first option that differs
  // when the folder exists with other parameters, or for VerifyMode::kExact
  // (a folder keeps signatures only).
  static absl::StatusOr<IndexFolder> OpenForWriting(const std::string& dir,
                                                    const IndexOptions& options);

  IndexFolder(IndexFolder&&) noexcept;
  IndexFolder& operator=(IndexFolder&&) noexcept;
  ~IndexFolder();  // releases the lock

  // Records in the folder (committed ones).
  size_t size() const;
  // The folder's parameters (resolved, as Index::options).
  const IndexOptions& options() const;
  // The sketch of `text` at the folder's parameters (Index::Sketch).
  DocSketch Sketch(std::string_view text) const;
  // The files, oldest first.
  const std::vector<IndexGeneration>& generations() const;

  // The records that `text` nearly duplicates, best first (as
  // Index::Query; ties in the order kept). DataLoss naming the file and
  // section when a damaged file is met. Thread-safe with other const
  // calls.
  absl::StatusOr<std::vector<IndexFolderMatch>> Query(
      std::string_view text, const QueryOptions& query = {}) const;
  absl::StatusOr<std::vector<IndexFolderMatch>> Query(
      const DocSketch& sketch, const QueryOptions& query = {}) const;
  // The earliest record (smallest doc) that `sketch` duplicates, the one
  // the dedup job judges a record against, or nullopt; stops at the first
  // file that has one. Errors as Query. Thread-safe with other const calls.
  absl::StatusOr<std::optional<IndexFolderMatch>> FindFirst(
      const DocSketch& sketch) const;
  // FindFirst of every sketch, on `threads` threads (0: one per core),
  // for many lookups at once (a run's records): each file's sorted tables
  // are walked forward once with the lookups in key order, instead of
  // searched once per lookup. Same answers as FindFirst; they do not
  // depend on the thread count. Memory: about 16 bytes per sketch and
  // table.
  absl::StatusOr<std::vector<std::optional<IndexFolderMatch>>> FindFirstBatch(
      absl::Span<const DocSketch> sketches, int threads) const;

  // Records to be added as the next generation (in the order kept), held
  // in memory until Commit.
  void Add(std::string_view id, std::string_view file, uint64_t line,
           const DocSketch& sketch);
  size_t pending() const;
  // Writes the pending records as a new generation (even when there are
  // none: a run is recorded) and commits it, then merges files as the
  // banner says. `run`: a label (newlines become spaces). Requires
  // OpenForWriting.
  absl::Status Commit(std::string_view run);
  // Merges every file into one and commits it; the records keep their
  // generation numbers. Requires OpenForWriting.
  absl::Status Compact();
  // Removes the records of one generation (a snapshot withdrawn): the file
  // that holds them is rewritten without them, and committed. Later runs no
  // longer see them; records that earlier runs removed as their duplicates
  // stay removed (their outputs are not rewritten). Generation numbers are
  // not reused. Returns NotFound when no record of that generation is in
  // the folder. Requires OpenForWriting.
  absl::Status DropGeneration(uint64_t generation);

 private:
  struct State;
  explicit IndexFolder(std::unique_ptr<State> state);
  static absl::StatusOr<std::unique_ptr<State>> Load(const std::string& dir,
                                                     std::string* report,
                                                     bool verify);
  absl::StatusOr<IndexGeneration> WriteMerged(size_t from, size_t to,
                                              uint64_t drop,
                                              const std::string& name);
  absl::Status Replace(size_t from, size_t to, IndexGeneration g);
  absl::Status Merge(size_t from, size_t to, uint64_t drop);
  friend absl::Status VerifyIndexFolder(const std::string& dir,
                                        std::string* report);
  std::unique_ptr<State> state_;
};

// Query(texts[i]) for every i, on `threads` threads (see the batch forms
// above). Returns Query's first error.
absl::StatusOr<std::vector<std::vector<IndexFolderMatch>>> QueryBatch(
    const IndexFolder& folder, absl::Span<const std::string_view> texts,
    int threads, const QueryOptions& query = {});

// Checks every file of the folder: the MANIFEST, each generation's file
// checksum and section checksums, its parameters and counts. Returns OK or
// the first error (naming the file and section); *report (may be null)
// gets one line per file checked.
absl::Status VerifyIndexFolder(const std::string& dir, std::string* report);

// Runs the dedup job (RunDedup) with the records of the index folder
// `index_dir` as earlier records: records of `inputs` that duplicate one
// of them are removed (removed.jsonl: kept_id the indexed record's id,
// "cluster":null, and "kept_source":{"generation","file","line"}); the
// others are deduplicated among themselves. When the run completes and
// `readonly` is false, the records it kept are added to the folder as a new
// generation (created with the run's options when missing). The folder's
// parameters win: options that differ are refused (InvalidArgument naming
// the option). Refuses options an index cannot decide alike (see
// IndexOptionsOf) and VerifyMode::kExact. `dedup A --index I` then `dedup
// B --index I` removes exactly the records `dedup A B` removes, judged
// against the same kept ids (--keep first; tests/index_folder_test.cc).
// *added (may be null) gets the number of records added.
absl::StatusOr<DedupStats> RunDedupWithIndex(
    const std::vector<InputFile>& inputs, const std::string& outdir,
    const DedupOptions& options, const std::string& index_dir, bool readonly,
    const ProgressFn& progress = nullptr, uint64_t* added = nullptr);

// The "PARM" section of an index with these (resolved) options: one
// "name=value\n" line per option, sorted by name. Two indexes can share
// decisions exactly when these texts are equal.
std::string IndexParametersText(const IndexOptions& options);

}  // namespace neardup

#endif  // NEARDUP_INDEX_H_
