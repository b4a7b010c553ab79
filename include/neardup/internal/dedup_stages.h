// Private to neardup: the pieces of the dedup job that only a job run in
// stages on many machines needs (the Python package's neardup.dask calls
// them on Dask workers). Not part of the library's interface: no
// stability promise; names and signatures change with neardup.dask.
//
// RunDedup's decisions depend only on the documents in input order, the
// options and the seed; these functions compute the same pieces a part of
// the input at a time, and format the same lines, so that a job assembled
// from them writes the same bytes as RunDedup. Each requires DedupOptions
// from ResolveDedupOptions (pipeline.h).

#ifndef NEARDUP_INTERNAL_DEDUP_STAGES_H_
#define NEARDUP_INTERNAL_DEDUP_STAGES_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "neardup/cluster.h"
#include "neardup/io.h"
#include "neardup/lsh.h"
#include "neardup/pipeline.h"

namespace neardup::internal {

// ---------------------------------------------------------------------------
// Candidates of a job sharded by key (index layer).

// The pairs of `pairs` ((key, document) pairs; keys are hashes, their
// bits spread) whose key may occur more than once, sorted by key, then by
// document: every pair whose key occurs twice or more is in the result,
// with some whose key occurs once (a bucket of one, which has no
// candidates). So CandidatesFromSortedKeys of the result gives the pairs
// and counters it gives for all of `pairs` sorted. Reorders `pairs`; the
// result lies inside it. Uses *scratch (2 to 4 bytes a pair for the keys
// seen, and counts), grown and reused. Cost: linear, plus sorting the pairs of
// repeated keys (a band of the 1 GB crawl: about a third of them).
absl::Span<const std::pair<uint64_t, uint32_t>> SortRepeatedKeys(
    absl::Span<std::pair<uint64_t, uint32_t>> pairs,
    std::vector<uint64_t>* scratch);

// A (key, document) pair in 12 bytes (std::pair<uint64_t, uint32_t> takes
// 16): what the dedup job holds per document for each band in flight.
// Ordered as the pair is, by key, then by document.
struct __attribute__((packed, aligned(4))) KeyedDoc {
  uint64_t first;   // key
  uint32_t second;  // document
  friend bool operator<(const KeyedDoc& a, const KeyedDoc& b) {
    return a.first != b.first ? a.first < b.first : a.second < b.second;
  }
};
static_assert(sizeof(KeyedDoc) == 12);

// SortRepeatedKeys of 12-byte pairs: the same result.
absl::Span<const KeyedDoc> SortRepeatedKeys(absl::Span<KeyedDoc> pairs,
                                            std::vector<uint64_t>* scratch);

// Appends to *out the candidate pairs of the buckets in `sorted`: (key,
// document) pairs sorted by key, then by document, a bucket being a run of
// equal keys. Requires every bucket to be whole (never split between two
// calls; this cannot be checked). Returns InvalidArgument, having appended
// nothing, when `sorted` is not sorted (naming the first position out of
// order) or a pointer is null. Emits the same pairs, in the same order, and the same counters as
// CandidatesFromKeys does for those buckets (it is this function after a
// sort), so that a job sharded by key (neardup.dask) finds exactly the
// candidates of the single-machine job. Cost: linear in sorted.size() plus
// the pairs emitted.
absl::Status CandidatesFromSortedKeys(
    absl::Span<const std::pair<uint64_t, uint32_t>> sorted,
    const CandidateOptions& options, std::vector<DocPair>* out,
    CandidateStats* stats);
// CandidatesFromSortedKeys of 12-byte pairs: the same result.
absl::Status CandidatesFromSortedKeys(absl::Span<const KeyedDoc> sorted,
                                      const CandidateOptions& options,
                                      std::vector<DocPair>* out,
                                      CandidateStats* stats);

// The pairs SimHashNearPairs finds in one table, for a job sharded by key
// (neardup.dask): keys[i], fingerprints[i] and docs[i] describe one
// document, sorted by key and then by document; every bucket (run of equal
// keys) must be whole. Appends the verified pairs (first < second; not
// unique: the same pair may come from several tables) and counts as
// SimHashNearPairs does. Returns InvalidArgument, having appended nothing,
// when the three spans differ in length, keys are not sorted, max_distance
// is outside [0, 8], or a pointer is null. Cost: as SimHashNearPairs for
// these buckets.
absl::Status SimHashPairsFromSortedKeys(absl::Span<const uint64_t> keys,
                                absl::Span<const uint64_t> fingerprints,
                                absl::Span<const uint32_t> docs,
                                int max_distance,
                                const CandidateOptions& options,
                                std::vector<DocPair>* out,
                                CandidateStats* stats);

// ---------------------------------------------------------------------------
// The keep policy, one member at a time (cluster layer).

// Returns true when a member with text `length` (bytes) and field value
// `number` (NaN when missing) replaces the member kept so far (`best_length`,
// `best_number`) under `policy`, members being offered in input order: only
// a strictly better member replaces, so ties keep the earliest. The rule of
// MakeClustering, for jobs that cluster in parts (neardup.dask).
bool KeepsOver(KeepPolicy policy, uint64_t length, double number,
               uint64_t best_length, double best_number);

// ---------------------------------------------------------------------------
// The stages (pipeline layer).

// Checks the inputs and the output folder as RunDedup does before reading
// anything (every input opens; the folder is created, or empty unless
// `overwrite`), and creates the folders the kept records go into. Standard
// input ("-") is not accepted here (InvalidArgument).
absl::Status OpenDedupOutput(const std::vector<InputFile>& inputs,
                                const std::string& outdir, bool overwrite,
                                const ReaderOptions& reader);

// A part of one input file: its records (documents and rejected records)
// whose byte offset in the decompressed stream is in [begin, end). Only
// uncompressed JSONL can be cut at arbitrary offsets (a line belongs to the
// part its first byte is in); a compressed, WARC or text file must be one
// part, begin 0 and end kWholeFile, because the count of WARC records that
// are not documents is only known for the whole file.
struct DedupPartition {
  static constexpr uint64_t kWholeFile = ~uint64_t{0};
  std::string path;     // the file to read
  std::string display;  // its name in removed.jsonl and rejected.jsonl
  uint64_t begin = 0;
  uint64_t end = kWholeFile;
  size_t file = 0;  // the number of its input (PlanDedupPartitions)
};

// The partitions of a distributed run's inputs, in input order, each
// named by its path: an uncompressed JSONL file of more than
// `partition_bytes` bytes is cut into about equal byte ranges of at most
// that many (partition_bytes <= 0: never cut); every other file is one
// partition. Returns the reader's error for an input that does not open.
absl::StatusOr<std::vector<DedupPartition>> PlanDedupPartitions(
    const std::vector<InputFile>& inputs, const ReaderOptions& reader,
    int64_t partition_bytes);

// The documents of one partition, in input order, as RunDedup's first pass
// sees them. Rejected records are counted in file.read and file.rejected.
struct SignedPartition {
  // As the first pass counts the partition's file: format, compression,
  // read, rejected, passed_through and truncated (path, output, kept and
  // removed are left empty and 0).
  FileCounts file;
  uint64_t text_bytes = 0, repaired_utf8 = 0;
  // Per document: line (or record number), text bytes, keep-field value
  // (NaN when missing), and id (ids[id_end[i-1] .. id_end[i])).
  std::vector<uint64_t> line, length;
  std::vector<double> number;
  std::string ids;
  std::vector<uint64_t> id_end;
  // kMinHash: documents x num_perm values, row by row.
  std::vector<uint32_t> signatures;
  // kSimHash: fingerprints; kExact: hashes of the normalized text.
  std::vector<uint64_t> keys;
  // kMinHash with VerifyMode::kExact: each document's distinct shingle
  // hashes, sorted: sets[set_end[i-1] .. set_end[i]).
  std::vector<uint64_t> sets;
  std::vector<uint64_t> set_end;
  // kMinHash with VerifyMode::kSignature and containment: each document's
  // number of distinct shingles (containment is estimated from them).
  std::vector<uint32_t> set_size;
  // kMinHash with containment: LineCounter::SiteKey of each document's URL
  // host (0: none), for the rule that containment within one site does not
  // count; with options.main_text, 0 for a document signed without its
  // site's boilerplate lines (a page without its furniture is compared as
  // one of no site: bench/README issue 13 part 5).
  std::vector<uint64_t> site;
  // The lines of rejected.jsonl for this partition, each ending in "\n".
  std::string rejected_jsonl;

  size_t documents() const { return line.size(); }
};

// Reads one partition and signs its documents on the calling thread, the
// same way RunDedup does. Requires `options` from ResolveDedupOptions, and
// returns its error for options it refuses. With options.main_text,
// `line_counts` is the run's CountDedupLines output (InvalidArgument when
// empty, DataLoss when it does not parse); documents are signed without
// their site's boilerplate lines, as RunDedup signs them; it is not read
// otherwise.
// Returns an error when the file cannot be opened; records that cannot be
// read are rejected and counted, never fatal. Memory: the partition's
// signatures and ids and the parsed line counts, one record at a time
// otherwise. Thread-safe (no shared state).
absl::StatusOr<SignedPartition> SignDedupPartition(
    const DedupPartition& partition, const DedupOptions& options,
    std::string_view line_counts = {});

// DedupOptions::main_text, the first pass of a distributed run: prepares
// the line counting (LineCounter::Prepare of its text and URL host) of each
// document of one partition, in input order, and returns them packed for
// CountDedupLines (a format private to one run, in the machine's byte
// order: not for files). Rejected records are skipped, as RunDedup counts
// documents only. Requires `options` from ResolveDedupOptions. Returns an
// error when the file cannot be opened. Memory: the result, about 8 bytes
// per distinct line and per pair of adjacent lines of each document.
// Thread-safe.
absl::StatusOr<std::string> PrepareDedupLines(const DedupPartition& partition,
                                              const DedupOptions& options);

// DedupOptions::main_text: the line counts every partition of a distributed
// run is signed with (LineCounter::Serialize), RunDedup's: with
// options.line_counts_file, that file's counts, read and checked as RunDedup
// reads it (`prepared` is not read; pass none); else the documents of
// `prepared` (PrepareDedupLines of every partition, in input order) added in
// that order and finished as RunDedup finishes them (site counts only, as
// RunDedup keeps them: LineCounter::CountOverall off). Returns
// InvalidArgument without main_text or for a `prepared` string that
// PrepareDedupLines did not write, and RunDedup's errors for the file.
// Cost: one pass over `prepared` and LineCounter::Finish's sort; memory:
// the counter's, as in RunDedup. Thread-safe.
absl::StatusOr<std::string> CountDedupLines(
    absl::Span<const std::string_view> prepared, const DedupOptions& options);

// Writes the documents of one input file whose flag in `keep` is non-zero
// (keep[d] for the file's d-th document, counted from 0 without rejected
// records) to `output_path`, same format and compression, as RunDedup's
// write pass does: records that are not documents (WARC) pass through, a
// text file's output exists only when its document is kept, and the file is
// written under a temporary name and renamed when complete. Returns
// DataLoss when the file now has another number of documents than
// keep.size(), else the number of documents written.
absl::StatusOr<uint64_t> WriteKeptDocuments(const std::string& path,
                                            const std::string& display,
                                            const std::string& output_path,
                                            const ReaderOptions& reader,
                                            absl::Span<const uint8_t> keep);

// What the distributed job and the bindings know of a similarity method:
// the properties of its one implementation (SimilarityMethod, private, in
// src/pipeline/similarity_method.h), so that Python keeps no list of its
// own.
struct MethodTraits {
  DedupMethod method = DedupMethod::kMinHash;
  std::string name;          // DedupMethodName
  std::string description;   // one line for --help
  int default_shingle_size = 0;
  // A MinHash row of num_perm values per document (banded for LSH), else
  // one 64-bit key per document.
  bool signs_rows = false;
  // Compares shingle sets: containment and VerifyMode::kExact apply.
  bool compares_sets = false;
  // Candidates are only likely duplicates and are compared before joining.
  bool verifies_candidates = false;
  // Finding candidates compares each pair it counts (SimHash: the
  // fingerprints travel with the table keys).
  bool compares_while_finding = false;
  // A bucket of equal keys is joined as a chain (max_bucket_pairs_size 1).
  bool chains_buckets = false;
  // The similarity is a distance (smaller is nearer, an integer).
  bool reports_distance = false;
};

// Every method, in the order of DedupMethod.
std::vector<MethodTraits> DedupMethodTraits();

// The lookup-table keys of a partition's documents under `options`,
// document by document (documents x *tables values; tables: MinHash
// bands, SimHash permuted tables, exact 1): `signatures` holds num_perm
// values per document for a method that signs rows, `keys` one key per
// document otherwise. InvalidArgument for options ResolveDedupOptions
// refuses, or signatures that are not whole rows.
absl::StatusOr<std::vector<uint64_t>> TableKeysOf(
    const DedupOptions& options, absl::Span<const uint32_t> signatures,
    absl::Span<const uint64_t> keys, size_t* tables);

// Returns the removed.jsonl line (without "\n") of a removed document:
// {id, file, line, reason, cluster, kept_id, similarity[, containment]};
// kept_id is the record it was judged against (always its cluster's kept
// record: there are no chains), reason is exact_duplicate for kExact, else
// near_duplicate; similarity, to the kept record, is printed with 4
// decimals (an integer Hamming distance for kSimHash); containment (4
// decimals) only when it is not NaN (DedupOptions::containment on).
std::string RemovedJson(std::string_view id, std::string_view file,
                        uint64_t line, DedupMethod method, int64_t cluster,
                        std::string_view kept_id, double similarity,
                        double containment = NAN);

// What a distributed job holds of the members it judges
// (JudgeComponents), one entry per member in the order given there; only
// the fields of the options' method are read.
struct MemberEvidence {
  // kMinHash with VerifyMode::kSignature: members x num_perm values.
  absl::Span<const uint32_t> signatures;
  // kSimHash fingerprints; kExact keys.
  absl::Span<const uint64_t> keys;
  // kMinHash with VerifyMode::kExact: sorted distinct shingles of member i
  // in sets[set_end[i-1] .. set_end[i]).
  absl::Span<const uint64_t> sets;
  absl::Span<const uint64_t> set_end;
  // kMinHash with VerifyMode::kSignature and containment: distinct shingle
  // counts of the members (SignedPartition::set_size).
  absl::Span<const uint32_t> set_size;
  // kMinHash with containment: the members' sites (SignedPartition::site).
  absl::Span<const uint64_t> site;
};

// Judges the members of connected components as RunDedup does: members
// of a component, sorted by (component, doc), go through JudgeMembers with
// dedup's rule (estimated or exact Jaccard >= threshold, or containment >=
// containment; Hamming distance <= hamming; equal keys). Returns the kept
// document each member is judged against (itself when kept), one per
// entry. Requires `options` from ResolveDedupOptions. Returns
// InvalidArgument when the spans differ in length, the evidence is missing
// or of another size, or the entries are not sorted.
absl::StatusOr<std::vector<uint64_t>> JudgeComponents(
    absl::Span<const uint64_t> component, absl::Span<const uint64_t> doc,
    absl::Span<const uint64_t> length, absl::Span<const double> number,
    const DedupOptions& options, const MemberEvidence& evidence);

// How alike row i of `a` is to row i of `b`, each described by its
// method's evidence as JudgeComponents takes it (one entry per row; with
// VerifyMode::kExact the sets alone, no signatures; site may be empty: no
// sites), under `options` (resolved by the call): the
// similarity its method reports, the containment (NaN when
// DedupOptions::containment is off) and whether the pair is a duplicate
// (1) by dedup's rule. The comparison of the command, for neardup.dask's
// verification of candidates and its removed lines. Returns
// InvalidArgument when the evidence is missing or its sides differ in rows.
struct RowLikeness {
  std::vector<double> similarity;
  std::vector<double> containment;
  std::vector<uint8_t> duplicate;
};
absl::StatusOr<RowLikeness> CompareRows(const DedupOptions& options,
                                        const MemberEvidence& a,
                                        const MemberEvidence& b);

// Returns true when a MinHash pair counts as a duplicate by containment
// under `options` (from ResolveDedupOptions), whatever its Jaccard: its
// containment (exact, or estimated as EstimateContainment does) is at
// least options.containment, its records are not of one site (the
// SignedPartition::site keys: LineCounter::SiteKey of the URL host, 0
// without one or, with options.main_text, for a document whose site's
// boilerplate lines were left out), and it is an excerpt or an extension
// (options.containment_asymmetry, with size_a and size_b the records' distinct
// shingles). Dedup's rule, for distributed stages that verify pairs themselves.
// Cheap; thread-safe.
bool CountsByContainment(const DedupOptions& options, double containment,
                         uint64_t size_a, uint64_t size_b, uint64_t site_a,
                         uint64_t site_b);

// Returns the removed.jsonl line of a document removed as too_short
// (DedupOptions::min_words): cluster, kept_id and similarity are null.
std::string TooShortJson(std::string_view id, std::string_view file,
                         uint64_t line);

// Returns the clusters.jsonl line (without "\n") of a cluster member.
std::string ClusterMemberJson(std::string_view id, int64_t cluster,
                              std::string_view kept_id);

// Strings packed into one buffer: string i is bytes[end[i-1] .. end[i])
// (end[-1] = 0), as SignedPartition keeps its ids. Views, owned by the
// caller.
struct PackedStrings {
  std::string_view bytes;
  absl::Span<const uint64_t> end;
};

// Returns the removed.jsonl lines (RemovedJson, each ending in "\n") of
// rows.size() removed documents of one partition, in the order given:
// document rows[i] has id ids[rows[i]] and line lines[i] of `file`, is in
// cluster clusters[i] and is judged against the record of id kept_ids[i]
// with similarity[i] and, when `containment` is not empty, containment[i].
// Returns InvalidArgument when the spans differ in length or the end
// offsets of `ids` or `kept_ids` decrease or run past their bytes, and
// OutOfRange when a row has no id.
absl::StatusOr<std::string> RemovedLines(
    PackedStrings ids, absl::Span<const uint64_t> rows, std::string_view file,
    absl::Span<const uint64_t> lines, DedupMethod method,
    absl::Span<const uint64_t> clusters, PackedStrings kept_ids,
    absl::Span<const double> similarity, absl::Span<const double> containment);

// Returns the clusters.jsonl lines (ClusterMemberJson, each ending in
// "\n") of rows.size() cluster members, in the order given: member i has id
// ids[rows[i]], cluster clusters[i] and kept record kept_ids[i]. Errors as
// RemovedLines.
absl::StatusOr<std::string> ClusterLines(PackedStrings ids,
                                         absl::Span<const uint64_t> rows,
                                         absl::Span<const uint64_t> clusters,
                                         PackedStrings kept_ids);

// Returns, for entries sorted by (cluster, doc), the doc each entry's
// cluster keeps under `policy`: the member KeepsOver prefers to every
// earlier one (the first on ties), one per entry. Returns InvalidArgument
// when the spans differ in length or the docs of a cluster do not increase.
// Cost: linear.
absl::StatusOr<std::vector<uint64_t>> ChooseKept(
    absl::Span<const uint64_t> cluster, absl::Span<const uint64_t> doc,
    absl::Span<const uint64_t> length, absl::Span<const double> number,
    KeepPolicy policy);

// Returns the rejected.jsonl line (without "\n") of a rejected record:
// {file, line, offset, reason}.
std::string RejectionJson(std::string_view file, const Rejection& rejection);

}  // namespace neardup::internal

#endif  // NEARDUP_INTERNAL_DEDUP_STAGES_H_
