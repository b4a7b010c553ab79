// The dedup job: sign (threads), index, verify, cluster, write.

#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "neardup/internal/dedup_stages.h"
#include "neardup/internal/parallel.h"
#include "neardup/minhash.h"
#include "neardup/pipeline.h"
#include "neardup/simhash.h"
#include "neardup/text.h"
#include "pipeline/dedup_signer.h"
#include "pipeline/job.h"
#include "pipeline/job_base.h"
#include "pipeline/packed_signatures.h"
#include "pipeline/doc_places.h"
#include "pipeline/pair_verdicts.h"
#include "pipeline/run_report.h"
#include "pipeline/similarity_method.h"
#include "pipeline/spill.h"

namespace neardup {
namespace {

using internal::Clock;
using internal::PeakRssBytes;
using internal::SecondsSince;

// A number in an error message: as short as it can be ("1.5", "-3", "nan").
std::string ShortDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

std::string FormatDouble(double v, int digits = 4) {
  if (std::isnan(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

// Blocks of spilled lines (LineStore, 1.5 MiB each) read back at once.
constexpr uint64_t kLoadBlocks = 8;
// The counter's near-duplicate bands: 4 a document with long lines, in
// its band set (about 13 bytes a band, up to 19 just after a table grew).
constexpr uint64_t kBandBytesPerDoc = 4 * 16;
// The index stage's verdict byte of a pair to compare on the threads, and
// of one joined (or too short) when its group started.
constexpr uint8_t kComparePair = 0x7F;
constexpr uint8_t kSkipPair = 0xFF;
// How many pairs ahead the index stage fetches what a pair's comparison
// reads: remembered verdicts and signature offsets this far, signature
// records half as far.
constexpr size_t kFetchAhead = 16;

// Per-document facts kept from the sign pass to the end.
struct Documents {
  internal::DocPlaces places;
  // Only for the keep policy that reads them (empty for the others):
  std::vector<uint64_t> length;    // KeepPolicy::kLongest: text bytes
  std::vector<double> number;      // KeepPolicy::kField: NaN when absent
  internal::IdStore ids;
  // One of these, by method (SimilarityMethod::signs_rows):
  internal::PackedSignatures signatures;  // rows (MinHash)
  std::vector<uint64_t> keys;        // keys (SimHash fingerprints, hashes)
  // VerifyMode::kExact: where each document's sorted shingle set is in the
  // spill file (offset in values, count).
  std::vector<uint64_t> set_offset;
  std::vector<uint32_t> set_count;
  // DedupOptions::containment with VerifyMode::kSignature: each document's
  // number of distinct shingles, from which containment is estimated.
  std::vector<uint32_t> set_size;
  // DedupOptions::containment without main_text: LineCounter::SiteKey of
  // each document's URL host (0: none); containment within a site does not
  // count on the whole text.
  std::vector<uint64_t> site;
  // DedupOptions::min_words: 1 for a document with fewer words, which is
  // removed as too_short and never compared.
  std::vector<uint8_t> too_short;

  size_t size() const { return places.size(); }
  std::string_view Id(size_t i) const { return ids.Id(i); }
};

// A batch of documents read by the main thread and signed by the workers.
struct Batch {
  // Sized for a whole batch from the start (kBatchSlackBytes).
  Batch() { arena.reserve(internal::kBatchBytes + internal::kBatchSlackBytes); }

  size_t first = 0;  // document number of Text(0)
  size_t size = 0;   // documents
  // The texts one after another (one buffer reused from batch to batch:
  // reading a document allocates nothing) and where each ends.
  std::string arena;
  std::vector<size_t> ends;
  std::vector<std::string> sites;  // DedupOptions::main_text: URL hosts
  // Filled by workers (SimilarityMethod::signs_rows): num_perm values per
  // document, packed into Documents::signatures in order once signed.
  std::vector<uint32_t> rows;
  // Filled by workers (VerifyMode::kExact): sorted distinct shingles.
  std::vector<std::vector<uint64_t>> sets;
  // Filled by workers when the sign pass counts lines (DedupJob::counting_):
  // each document's prepared lines, for LineCounter::Add in input order
  // (kept from batch to batch: their vectors' memory is reused).
  std::vector<LineCounter::Prepared> prepared;
  std::vector<internal::CountedLines> kept;
  std::vector<uint64_t> repaired_docs;  // UTF-8 repairs of each document
  uint64_t repaired = 0;
  void Add(std::string_view text) {
    arena.append(text);
    ends.push_back(arena.size());
    ++size;
  }
  std::string_view Text(size_t i) const {
    const size_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(arena).substr(begin, ends[i] - begin);
  }
  void Clear() {
    // A buffer that grew for a very long document is not kept.
    if (arena.capacity() > (size_t{64} << 20)) std::string().swap(arena);
    arena.clear();
    ends.clear();
    size = 0;
    sites.clear();
    sets.clear();
    repaired = 0;
  }
};

// Gives the memory a stage freed back to the system before the next stage
// allocates its own. The sign pass's threads and the main thread free
// their buffers in different malloc arenas, which glibc keeps: without
// this the stages after the index held 15-20 MB more at a million
// documents (peak 504 MB against 488 when one thread did all the
// storing).
void ReturnFreedMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

// Everything one signing thread owns.
struct Worker {
  internal::DocSigner signer;
  uint64_t repaired = 0;
  std::vector<KeyedLine> lines;  // main_text: the document's kept lines
};

class DedupJob : internal::JobBase<DedupOptions, DedupStats> {
 public:
  DedupJob(const std::vector<InputFile>& inputs, std::string outdir,
           const DedupOptions& options, const ProgressFn& progress)
      : JobBase(inputs, std::move(outdir), options, progress) {}

  absl::StatusOr<DedupStats> Run();
  ~DedupJob() {
    if (spill_ != nullptr) {
      std::fclose(spill_);
      std::remove(spill_path_.c_str());
    }
  }

 private:
  absl::Status Setup();
  absl::Status CountLines();
  absl::Status SignPass();
  // A batch of the sign pass: StartBatch sizes its outputs and hands its
  // documents to the pool's threads (SignDocument each); StoreBatch, once
  // the pool finished it, keeps what they gave, in input order.
  void StartBatch(Batch& batch, std::vector<Worker>& workers,
                  internal::WorkerPool& pool);
  void SignDocument(Batch& batch, Worker& worker, size_t i);
  absl::Status StoreBatch(Batch& batch);
  // After a sign pass that counted lines: finishes the counts and signs
  // again, on their main text, the documents that have boilerplate lines.
  absl::Status SignMainTexts();
  absl::StatusOr<std::vector<uint8_t>> FindMainTexts();
  // counting_: moves the line counter's raw entries and the kept lines to
  // spill files (bounded memory; see line_budget_).
  absl::Status SpillLines();
  // Bytes spilled to disk (signatures, ids, line counts, kept lines).
  uint64_t SpilledBytes() const;
  struct MainTextSigning;
  absl::Status MergeSignatures(MainTextSigning& r,
                               const std::vector<uint8_t>& again);
  absl::Status SignMainTextBatch(std::vector<Worker>& workers,
                                 internal::WorkerPool& pool,
                                 MainTextSigning& r);
  // Document doc's shingle set (keeps_sets) appended to the spill file.
  absl::Status WriteSet(size_t doc, const std::vector<uint64_t>& set);
  std::vector<Worker> MakeWorkers();
  absl::Status Index(DisjointSets& sets);
  // Index's comparisons on the threads, the first step: for each pair of
  // a group, kSkipPair when joined (or too short) as the group starts, the
  // verdict `refused` remembers, or kComparePair.
  void FindPairsToCompare(absl::Span<const DocPair> pairs, DisjointSets& sets,
                          const internal::PairVerdicts& refused,
                          std::vector<uint8_t>* verdicts);
  // Fetches the signature offsets of the documents of `next` and the
  // records of those of `soon`, pairs to compare a few steps from now (a
  // pair's signatures are anywhere in memory).
  void PrefetchSignatures(const DocPair& next, const DocPair& soon) const {
    docs_.signatures.PrefetchOffset(next.first);
    docs_.signatures.PrefetchOffset(next.second);
    docs_.signatures.PrefetchRecord(soon.first);
    docs_.signatures.PrefetchRecord(soon.second);
  }
  void JoinUnverified(const DocPair& p, DisjointSets& sets);
  void CountVerdict(size_t bin, bool join);
  // How alike documents a and b are. Fails only when a shingle set cannot
  // be read back from the spill file.
  absl::StatusOr<internal::Likeness> Compare(uint32_t a, uint32_t b);
  const internal::SimilarityMethod& method() const {
    return internal::SimilarityMethod::Of(options_.method);
  }
  // DedupOptions::containment estimated from signatures and set sizes.
  bool EstimatesContainment() const { return method().counts_sizes(options_); }
  // Document d as its method compares it (without its shingle set).
  internal::SketchColumns Columns() const {
    if (!method().signs_rows()) return internal::SketchColumns::Keys(docs_.keys);
    internal::SketchColumns c;
    c.size = docs_.size();
    c.num_perm = docs_.signatures.num_perm();
    c.packed = &docs_.signatures;
    return c;
  }
  // Its signature (signs_rows) is unpacked into *row, valid until the next
  // use of *row.
  internal::SketchRef Ref(size_t d, std::vector<uint32_t>* row) const {
    internal::SketchRef r;
    if (method().signs_rows()) {
      row->resize(docs_.signatures.num_perm());
      docs_.signatures.Get(d, absl::MakeSpan(*row));
      r.signature = *row;
    } else {
      r.key = docs_.keys[d];
    }
    if (EstimatesContainment()) r.set_size = docs_.set_size[d];
    if (!docs_.site.empty()) r.site = docs_.site[d];
    return r;
  }
  bool TooShort(const DocPair& p) const {
    return (!docs_.too_short.empty() &&
            (docs_.too_short[p.first] || docs_.too_short[p.second])) ||
           (!prior_of_.empty() && (prior_of_[p.first] || prior_of_[p.second]));
  }
  // DedupOptions::prior: the records that duplicate a prior record.
  absl::Status FindPrior();
  absl::Status WriteDecisions(const Clustering& clustering);
  // The number of each cluster of two or more (-1 for the others), indexed
  // by its smallest member; *members: each cluster's size.
  std::vector<int64_t> NumberClusters(const Clustering& c,
                                      std::vector<uint32_t>* members);
  // clusters.jsonl: members of clusters of two or more, by cluster, then
  // in input order.
  absl::Status WriteClusters(const Clustering& c,
                             const std::vector<uint32_t>& members,
                             const std::vector<int64_t>& number);
  absl::Status WritePass(const Clustering& clustering);
  // The memory the job will hold at its peak with `docs` documents whose
  // ids held in memory take `id_bytes`, with its signatures and ids in
  // memory or `spilled` (see DedupOptions::max_memory_bytes).
  uint64_t EstimatedPeakBytes(uint64_t docs, uint64_t id_bytes,
                              bool spilled) const;
  // Before one more document (of id size `id_bytes`) is added: OK when the
  // estimate with it stays under the ceiling as things are, or once
  // spilled (*spill is then set: call Spill before adding it);
  // ResourceExhausted when not even then.
  // *spill_lines: move the line tables (counting_) to disk first (call
  // SpillLines).
  absl::Status CheckMemory(size_t id_bytes, bool* spill,
                           bool* spill_lines) const;
  // Moves the signatures and ids into spill files in the output folder.
  // Requires that no worker is signing.
  absl::Status Spill();

  Documents docs_;
  std::unique_ptr<MinHasher> minhasher_;
  std::string spill_path_;
  std::FILE* spill_ = nullptr;
  uint64_t spill_values_ = 0;
  std::vector<uint64_t> set_a_, set_b_;
  // Signatures unpacked for Ref (serial stages only).
  std::vector<uint32_t> row_a_, row_b_;
  bool spilled_ = false;  // Spill was called
  // Bytes of spill files given back before the job ends (the line tables,
  // the stores MergeSignatures merged).
  uint64_t released_spilled_bytes_ = 0;
  LineCounter line_counts_;  // main_text
  internal::LineStore lines_;  // main_text: the counting pass's lines
  // counting_: where the counter spills its sorted runs, and the memory
  // its raw entries and the kept lines may hold together
  // (LineBudgetBytes): past it they go to spill files.
  std::unique_ptr<internal::LineRunFile> line_runs_;
  uint64_t line_budget_ = 0;
  // main_text without line_counts_file: the sign pass signs whole texts and
  // counts their lines (DocSigner::SignCounting); SignMainTexts then signs
  // again the documents whose main text is not their whole text.
  bool counting_ = false;
  std::vector<uint64_t> site_keys_;  // counting_: LineCounter::SiteKey
  // counting_: what the kept lines and the counter's raw entries held
  // when a batch was stored last (StoreBatch).
  uint64_t lines_bytes_ = 0;
  // counting_: (document, UTF-8 repairs) of the documents whose whole text
  // had repairs, in input order: a document signed again counts the
  // repairs of its main text instead.
  std::vector<std::pair<uint64_t, uint64_t>> whole_repairs_;
  // DedupOptions::report: the documents the page shows (sorted), and their
  // texts, kept as the write pass reads them.
  std::vector<uint64_t> report_docs_;
  internal::ReportTexts report_texts_;
  // DedupOptions::prior: prior_of_[i] is 0, or 1 + the index in
  // prior_matches_ of the prior record document i duplicates (it is then
  // removed, and compared with nothing in this run).
  std::vector<uint32_t> prior_of_;
  std::vector<PriorRecords::Match> prior_matches_;
};

}  // namespace

std::vector<std::optional<PriorRecords::Match>> PriorRecords::FindAll(
    size_t n,
    const std::function<absl::Span<const uint32_t>(size_t)>& signature,
    const std::function<uint64_t(size_t)>& key, int threads) const {
  std::vector<std::optional<Match>> found(n);
  internal::ParallelFor(std::max(1, threads), n, [&](int, size_t i) {
    found[i] = Find(signature(i), key(i));
  });
  return found;
}

namespace {

absl::Status DedupJob::FindPrior() {
  const size_t n = docs_.size();
  std::vector<std::optional<PriorRecords::Match>> found =
      options_.prior->FindAll(
          n,
          [&](size_t i) {
            // Valid until this thread's next call: FindAll uses it once.
            thread_local std::vector<uint32_t> row;
            return Ref(i, &row).signature;
          },
          [&](size_t i) {
            std::vector<uint32_t> unused;
            return method().signs_rows() ? uint64_t{0} : Ref(i, &unused).key;
          },
          std::max(1, options_.threads));
  prior_of_.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (!found[i]) continue;
    prior_matches_.push_back(*std::move(found[i]));
    prior_of_[i] = static_cast<uint32_t>(prior_matches_.size());
  }
  return internal::CheckCancel(options_.cancel);
}

absl::Status DedupJob::Setup() {
  auto resolved = ResolveDedupOptions(options_);
  if (!resolved.ok()) return resolved.status();
  options_ = *std::move(resolved);
  options_.threads = internal::JobThreads(options_.threads);
  stats_.threads = options_.threads;
  if (method().signs_rows()) {
    minhasher_ =
        std::make_unique<MinHasher>(*MinHasher::Create(MinHashOptionsOf(options_)));
    docs_.signatures.Init(static_cast<size_t>(options_.num_perm));
    stats_.lsh = LshParamsOf(options_);
  }
  return OpenFiles();
}

uint64_t DedupJob::EstimatedPeakBytes(uint64_t docs, uint64_t id_bytes,
                                      bool spilled) const {
  constexpr uint64_t kChunkDocs = internal::PackedSignatures::kChunkDocs;
  const uint64_t threads = static_cast<uint64_t>(options_.threads);
  // Two batches of text, the readers' buffers, the workers' scratch, and
  // once spilled the ids' write buffer.
  uint64_t bytes = 2 * uint64_t{internal::kBatchBytes} + (uint64_t{4} << 20) +
                   threads * (uint64_t{1} << 20) +
                   (spilled ? internal::SpillFile::kAppendBufferBytes : 0);
  // Documents: line (the files are runs), id end, the ids held, and the
  // length or number the keep policy reads.
  bytes += docs * (4 + 8) + id_bytes;
  if (options_.keep != KeepPolicy::kFirst) bytes += docs * 8;
  // The method's sketches (MinHash rows in whole chunks, at the most a
  // value takes; once spilled, mapped pages of a file, page cache) and the
  // peak of finding its candidates (one band at a time once spilled).
  const uint64_t row_docs =
      spilled ? 0 : (docs + kChunkDocs - 1) / kChunkDocs * kChunkDocs;
  const internal::SimilarityMethod::JobBytes method_bytes =
      method().EstimatedBytes(docs, row_docs, options_, spilled ? 1 : threads);
  bytes += method_bytes.sketches;
  if (method().signs_rows()) {
    // PackedSignatures: a width byte (in the spill file once spilled) and
    // an end offset a document beyond the 4 bytes a value above, the
    // buffer of the chunk being filled, and the rows of SignPass's two
    // batches (4096 documents each).
    const uint64_t k = static_cast<uint64_t>(options_.num_perm);
    bytes += docs * (spilled ? 4 : 5) + kChunkDocs * (4 * k + 1) +
             2 * 4096 * 4 * k;
  }
  // The index stage: the method's candidates, and the verdicts of refused
  // pairs (PairVerdicts, two slots a document).
  const uint64_t index =
      method_bytes.candidates +
      (method().verifies_candidates()
           ? internal::PairVerdicts::BytesFor(2 * docs)
           : 0);
  // Union-find (4 bytes a document), then the clustering (cluster, kept,
  // members, numbers).
  return bytes + std::max(index, docs * (4 + 4 + 4 + 8)) + docs * 4;
}

absl::Status DedupJob::CheckMemory(size_t id_bytes, bool* spill,
                                   bool* spill_lines) const {
  *spill = false;
  *spill_lines = false;
  if (options_.max_memory_bytes == 0) return absl::OkStatus();
  const uint64_t docs = docs_.size() + 1;
  const uint64_t held = docs_.ids.held_bytes() + id_bytes;
  // main_text: the counting pass's lines and the counter's raw entries are
  // held until the sign pass ends, at most line_budget_ of them (the rest
  // spilled); the counter keeps a site, a long-line count, a flag and its
  // near-duplicate bands a document, the job a site key.
  uint64_t lines = counting_ ? lines_bytes_ : lines_.bytes();
  if (counting_) lines += docs * (8 + 4 + 1 + 8 + kBandBytesPerDoc);
  // Counting with MinHash, the whole texts' signatures are in a spill file
  // while the lines are held, and SignMainTexts frees the lines before it
  // merges them with the main texts' into the store the later stages hold
  // (beside two chunks in flight): the peak is the larger of the two.
  // Otherwise everything counted is held at once.
  const bool apart = counting_ && method().signs_rows();
  const uint64_t k = static_cast<uint64_t>(options_.num_perm);
  const uint64_t merging =
      apart && !spilled_
          ? docs * 4 + 2 * internal::PackedSignatures::kChunkDocs * (4 * k + 1)
          : 0;
  auto peak = [&](uint64_t id_bytes_held, bool spilled, uint64_t lines_held) {
    const uint64_t whole = EstimatedPeakBytes(docs, id_bytes_held, spilled);
    if (!apart) return whole + lines_held;
    return std::max(whole + merging,
                    EstimatedPeakBytes(docs, id_bytes_held, true) + lines_held);
  };
  if (peak(spilled_ ? 0 : held, spilled_, lines) <= options_.max_memory_bytes) {
    return absl::OkStatus();
  }
  // The line tables go to disk first: they are read back in order, once.
  if (counting_ && lines_bytes_ > line_budget_ / 8 &&
      peak(spilled_ ? 0 : held, spilled_,
           lines - lines_bytes_ + line_budget_ / 8) <=
          options_.max_memory_bytes) {
    *spill_lines = true;
    return absl::OkStatus();
  }
  const uint64_t estimate = peak(0, true, lines);
  if (!spilled_ && estimate <= options_.max_memory_bytes) {
    *spill = true;
    return absl::OkStatus();
  }
  return absl::ResourceExhaustedError(
      "memory ceiling reached: " + std::to_string(docs) +
      " documents would need an estimated " +
      FormatDouble(estimate / 1048576.0, 1) +
      " MiB with their signatures and ids spilled to disk, over the ceiling "
      "max_memory_bytes (" +
      FormatDouble(options_.max_memory_bytes / 1048576.0, 1) +
      " MiB); nothing was written. Raise the ceiling, use fewer threads, or "
      "split the input and dedup the parts against an index folder "
      "(RunDedupWithIndex)");
}

absl::Status DedupJob::SpillLines() {
  line_counts_.Spill(/*release=*/true);
  if (!line_counts_.status().ok()) return line_counts_.status();
  if (auto s = lines_.Spill(outdir_); !s.ok()) return s;
  lines_bytes_ = lines_.bytes() + line_counts_.held_bytes();
  return absl::OkStatus();
}

uint64_t DedupJob::SpilledBytes() const {
  return docs_.signatures.spilled_bytes() + released_spilled_bytes_ +
         docs_.ids.spilled_bytes() + line_counts_.spilled_bytes() +
         lines_.spilled_bytes();
}

absl::Status DedupJob::Spill() {
  if (method().signs_rows() && !docs_.signatures.spilled()) {
    if (auto s = docs_.signatures.Spill(outdir_); !s.ok()) return s;
  }
  if (auto s = docs_.ids.Spill(outdir_); !s.ok()) return s;
  spilled_ = true;
  return absl::OkStatus();
}

void DedupJob::StartBatch(Batch& batch, std::vector<Worker>& workers,
                          internal::WorkerPool& pool) {
  const size_t n = batch.size;
  // Room for the batch's outputs, sized while no worker runs.
  const size_t end = batch.first + n;
  if (method().signs_rows()) {
    batch.rows.resize(n * static_cast<size_t>(options_.num_perm));
    if (spill_ != nullptr) {
      docs_.set_offset.resize(end);
      docs_.set_count.resize(end);
    }
    if (EstimatesContainment()) docs_.set_size.resize(end);
  } else {
    docs_.keys.resize(end);
  }
  if (options_.min_words > 0) docs_.too_short.resize(end, 0);
  if (options_.main_text && options_.containment > 0) docs_.site.resize(end);
  if (method().keeps_sets(options_)) batch.sets.resize(n);
  if (counting_) {
    batch.prepared.resize(n);
    // The kept lines' buffers are reused from batch to batch.
    if (batch.kept.size() < n) batch.kept.resize(n);
    batch.repaired_docs.assign(n, 0);
  }
  // Workers take the next few documents as they finish theirs, so that a
  // long document does not leave the other threads idle; each document's
  // results have their own place, so the output does not depend on who
  // signed it.
  constexpr size_t kGrain = 8;
  pool.Start(
      n,
      [this, &batch, &workers](int w, size_t i) {
        SignDocument(batch, workers[static_cast<size_t>(w)], i);
      },
      kGrain);
}

void DedupJob::SignDocument(Batch& batch, Worker& worker, size_t i) {
  const size_t k = static_cast<size_t>(options_.num_perm);
  const bool rows = method().signs_rows();
  // main_text with containment: the site keys the containment rule
  // compares, written here (StartBatch sized them).
  const bool sites = options_.main_text && options_.containment > 0;
  const size_t doc = batch.first + i;
  const absl::Span<uint32_t> row =
      rows ? absl::MakeSpan(batch.rows.data() + i * k, k)
           : absl::Span<uint32_t>();
  internal::DocSignature sig;
  if (counting_) {
    sig = worker.signer.SignCounting(batch.Text(i), batch.sites[i],
                                     &batch.prepared[i], &batch.kept[i].lines,
                                     row);
  } else {
    const bool kept = lines_.available(doc);
    if (kept) lines_.Lines(doc, &worker.lines);
    sig = worker.signer.Sign(
        batch.Text(i),
        options_.main_text ? batch.sites[i] : std::string_view(),
        kept ? &worker.lines : nullptr, row);
  }
  worker.repaired += sig.repaired;
  if (counting_ && sig.repaired > 0) batch.repaired_docs[i] = sig.repaired;
  if (!rows) docs_.keys[doc] = sig.key;
  if (worker.signer.counts_sizes()) docs_.set_size[doc] = sig.set_size;
  if (method().keeps_sets(options_)) {
    batch.sets[i].assign(sig.set.begin(), sig.set.end());
  }
  if (options_.min_words > 0) docs_.too_short[doc] = sig.too_short;
  if (sites) {
    docs_.site[doc] =
        internal::ContainmentSite(LineCounter::SiteKey(batch.sites[i]), sig);
  }
}

absl::Status DedupJob::StoreBatch(Batch& batch) {
  const size_t n = batch.size;
  const size_t k = static_cast<size_t>(options_.num_perm);
  const bool keep_sets = method().keeps_sets(options_);
  const bool rows = method().signs_rows();
  if (counting_) {
    // The counter takes documents in input order.
    for (size_t i = 0; i < n; ++i) {
      line_counts_.Add(batch.prepared[i]);
      if (auto s = lines_.Append(batch.kept[i]); !s.ok()) return s;
      if (batch.repaired_docs[i] > 0) {
        whole_repairs_.push_back({batch.first + i, batch.repaired_docs[i]});
      }
    }
    if (!line_counts_.status().ok()) return line_counts_.status();
    lines_bytes_ = lines_.bytes() + line_counts_.held_bytes();
  }
  if (rows) {
    for (size_t i = 0; i < n; ++i) {
      if (auto s = docs_.signatures.Append(
              absl::MakeConstSpan(batch.rows.data() + i * k, k));
          !s.ok()) {
        return s;
      }
    }
  }
  if (keep_sets) {
    for (size_t i = 0; i < n; ++i) {
      if (auto s = WriteSet(batch.first + i, batch.sets[i]); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status DedupJob::WriteSet(size_t doc, const std::vector<uint64_t>& set) {
  docs_.set_offset[doc] = spill_values_;
  docs_.set_count[doc] = static_cast<uint32_t>(set.size());
  if (!set.empty() && std::fwrite(set.data(), sizeof(uint64_t), set.size(),
                                  spill_) != set.size()) {
    return absl::ResourceExhaustedError("cannot write " + spill_path_ + ": " +
                                        std::strerror(errno));
  }
  spill_values_ += set.size();
  return absl::OkStatus();
}

// DedupOptions::main_text with line_counts_file: the line counts read
// from it, before the sign pass (which then signs main texts at once).
absl::Status DedupJob::CountLines() {
  const auto start = Clock::now();
  auto loaded = internal::ReadLineCounts(options_.line_counts_file);
  if (!loaded.ok()) return loaded.status();
  line_counts_ = *std::move(loaded);
  stats_.stage_seconds.push_back({"count", SecondsSince(start)});
  return absl::OkStatus();
}

// SignMainTexts' state: the batch being read, the signatures in input
// order with the new ones in place of the first (signs_rows), how many of
// them are there, and where the repairs of the whole texts were left.
struct DedupJob::MainTextSigning {
  Batch batch;
  std::vector<size_t> docs;  // each text's document
  // The main texts' signatures, in document order; MergeSignatures puts
  // them in place of the whole texts'.
  internal::PackedSignatures resigned;
  size_t repairs_at = 0;  // in whole_repairs_
};

// The counts finished, which documents have boilerplate lines of their
// site (1): those SignMainTexts signs again.
absl::StatusOr<std::vector<uint8_t>> DedupJob::FindMainTexts() {
  line_counts_.Finish(
      std::max<uint32_t>(2, options_.main_text_boilerplate.min_docs));
  if (!line_counts_.status().ok()) return line_counts_.status();
  line_runs_.reset();  // the runs are merged: the spill file goes
  const size_t n = docs_.size();
  std::vector<uint8_t> again(n, 0);
  struct Scratch {
    std::vector<KeyedLine> lines;
    std::vector<Cut> cuts;
  };
  std::vector<Scratch> scratch(static_cast<size_t>(options_.threads));
  // Spilled lines are read back a few blocks at a time, in order.
  for (size_t begin = 0; begin < n;) {
    const size_t end =
        lines_.spilled() ? lines_.RangeEnd(begin, kLoadBlocks) : n;
    if (auto s = lines_.Load(begin, end); !s.ok()) return s;
    internal::ParallelFor(options_.threads, end - begin, [&](int w, size_t i) {
      const size_t d = begin + i;
      if (site_keys_[d] == 0) return;
      // A document whose lines were not kept (offsets past 32 bits) finds
      // them again from its text.
      if (!lines_.has(d)) {
        again[d] = 1;
        return;
      }
      Scratch& t = scratch[static_cast<size_t>(w)];
      lines_.Lines(d, &t.lines);
      t.cuts.clear();
      FindBoilerplate(t.lines, site_keys_[d], line_counts_,
                      options_.main_text_boilerplate, &t.cuts);
      again[d] = !t.cuts.empty();
    });
    begin = end;
  }
  std::vector<uint64_t>().swap(site_keys_);
  return again;
}

// DedupOptions::main_text, counting: the sign pass signed every whole
// text and counted its lines as the clean job counts them (LineCounter,
// documents added in input order). A document's main text is its whole
// text unless FindBoilerplate finds lines of its site in it: only those
// documents are read again and signed on their main text (DocSigner::Sign
// with the lines kept), and their signatures replace the first ones, so
// that the outputs are those of counting first and signing main texts
// after. A collection without furniture is not read twice.
absl::Status DedupJob::SignMainTexts() {
  auto start = Clock::now();
  absl::StatusOr<std::vector<uint8_t>> found = FindMainTexts();
  if (!found.ok()) return found.status();
  const std::vector<uint8_t> again = *std::move(found);
  stats_.spilled_bytes = SpilledBytes();
  const uint64_t signed_again =
      static_cast<uint64_t>(std::count(again.begin(), again.end(), 1));
  stats_.stage_seconds.push_back({"count", SecondsSince(start)});
  if (signed_again == 0) return absl::OkStatus();

  start = Clock::now();
  MainTextSigning r;
  if (method().signs_rows()) {
    r.resigned.Init(static_cast<size_t>(options_.num_perm));
    if (spilled_) {
      if (auto s = r.resigned.Spill(outdir_); !s.ok()) return s;
    }
  }
  uint64_t bytes_read = 0, done = 0;
  {
    std::vector<Worker> workers = MakeWorkers();
    internal::WorkerPool pool(static_cast<int>(workers.size()));
    Batch& batch = r.batch;
    size_t batch_bytes = 0;
    auto add = [&](size_t d, const Record& record) -> absl::Status {
      bytes_read += record.raw.size();
      batch.Add(record.text);
      batch.sites.push_back(std::string(UrlHost(record.url)));
      r.docs.push_back(d);
      batch_bytes += record.text.size();
      Report("resign", ++done, bytes_read);
      if (batch_bytes >= internal::kBatchBytes ||
          batch.size >= internal::kBatchDocs) {
        batch_bytes = 0;
        return SignMainTextBatch(workers, pool, r);
      }
      return absl::OkStatus();
    };
    // Only the documents signed again are read (of JSONL files, only their
    // lines are parsed).
    std::vector<uint64_t> documents(files_.size());
    for (size_t f = 0; f < files_.size(); ++f) {
      documents[f] = stats_.files[f].read - stats_.files[f].rejected;
    }
    if (auto s = internal::ReadChosenDocuments(
            files_, options_.reader, documents,
            [this](size_t d) { return docs_.places.line(d); },
            [&again](size_t d) { return again[d] != 0; }, options_.cancel,
            add);
        !s.ok()) {
      return s;
    }
    if (auto s = SignMainTextBatch(workers, pool, r); !s.ok()) return s;
  }
  // What signed the main texts (the workers' scratch, the batch, the kept
  // lines, the line counts) is freed before the stores are merged: the
  // merge ends with a whole store held, and nothing else of main text.
  r.batch = Batch();
  released_spilled_bytes_ +=
      line_counts_.spilled_bytes() + lines_.spilled_bytes();
  lines_ = internal::LineStore();
  line_counts_ = LineCounter();
  ReturnFreedMemory();
  if (method().signs_rows()) {
    if (auto s = MergeSignatures(r, again); !s.ok()) return s;
  }
  if (spill_ != nullptr && std::fflush(spill_) != 0) {
    return absl::ResourceExhaustedError("cannot write " + spill_path_ + ": " +
                                        std::strerror(errno));
  }
  stats_.spilled_bytes = SpilledBytes();
  Report("resign", done, bytes_read, /*force=*/true, signed_again);
  stats_.stage_seconds.push_back({"resign", SecondsSince(start)});
  return absl::OkStatus();
}

// The signature store of every document: the main text's where `again`
// says it was signed again (r.resigned, in document order), else the
// whole text's. Both stores are read in order and given back chunk by
// chunk as they are, so that the job holds about one store, not two (the
// first is a spill file while counting: DedupJob::Run).
absl::Status DedupJob::MergeSignatures(MainTextSigning& r,
                                       const std::vector<uint8_t>& again) {
  constexpr size_t kChunkDocs = internal::PackedSignatures::kChunkDocs;
  internal::PackedSignatures merged;
  merged.Init(static_cast<size_t>(options_.num_perm));
  if (spilled_) {
    if (auto s = merged.Spill(outdir_); !s.ok()) return s;
  }
  size_t next = 0;  // in r.resigned
  for (size_t d = 0; d < docs_.size(); ++d) {
    absl::Status s;
    if (again[d] != 0) {
      s = merged.AppendFrom(r.resigned, next++);
      if (next % kChunkDocs == 0) r.resigned.ReleaseBefore(next);
    } else {
      s = merged.AppendFrom(docs_.signatures, d);
    }
    if (!s.ok()) return s;
    if ((d + 1) % kChunkDocs == 0) docs_.signatures.ReleaseBefore(d + 1);
  }
  released_spilled_bytes_ +=
      docs_.signatures.spilled_bytes() + r.resigned.spilled_bytes();
  docs_.signatures = std::move(merged);
  r.resigned.Release();
  return absl::OkStatus();
}

// Signs the batch's main texts and stores what they give in place of what
// the whole texts gave.
absl::Status DedupJob::SignMainTextBatch(std::vector<Worker>& workers,
                                         internal::WorkerPool& pool,
                                         MainTextSigning& r) {
  Batch& batch = r.batch;
  const size_t m = batch.size;
  if (m == 0) return absl::OkStatus();
  const size_t k = static_cast<size_t>(options_.num_perm);
  const bool rows = method().signs_rows();
  const bool keep_sets = method().keeps_sets(options_);
  batch.rows.resize(rows ? m * k : 0);
  std::vector<internal::DocSignature> sigs(m);
  std::vector<std::vector<uint64_t>> sets(keep_sets ? m : 0);
  // Spilled, the lines of the batch's documents are read back as far as a
  // few blocks hold them; the others' lines are found again from their
  // texts (the same lines, at the cost of normalizing them).
  if (auto s = lines_.Load(r.docs, kLoadBlocks); !s.ok()) return s;
  pool.ParallelFor(
      m,
      [&](int w, size_t i) {
        Worker& worker = workers[w];
        const size_t doc = r.docs[i];
        const bool kept = lines_.available(doc);
        if (kept) lines_.Lines(doc, &worker.lines);
        sigs[i] = worker.signer.Sign(
            batch.Text(i), batch.sites[i], kept ? &worker.lines : nullptr,
            rows ? absl::MakeSpan(batch.rows.data() + i * k, k)
                 : absl::Span<uint32_t>());
        if (keep_sets) sets[i].assign(sigs[i].set.begin(), sigs[i].set.end());
      },
      8);
  for (size_t i = 0; i < m; ++i) {
    const size_t doc = r.docs[i];
    const internal::DocSignature& sig = sigs[i];
    // The repairs counted are those of the text signed.
    while (r.repairs_at < whole_repairs_.size() &&
           whole_repairs_[r.repairs_at].first < doc) {
      ++r.repairs_at;
    }
    if (r.repairs_at < whole_repairs_.size() &&
        whole_repairs_[r.repairs_at].first == doc) {
      stats_.repaired_utf8 -= whole_repairs_[r.repairs_at].second;
    }
    stats_.repaired_utf8 += sig.repaired;
    if (rows) {
      if (auto s = r.resigned.Append(
              absl::MakeConstSpan(batch.rows.data() + i * k, k));
          !s.ok()) {
        return s;
      }
    } else {
      docs_.keys[doc] = sig.key;
    }
    if (workers[0].signer.counts_sizes()) docs_.set_size[doc] = sig.set_size;
    if (options_.min_words > 0) docs_.too_short[doc] = sig.too_short;
    if (!docs_.site.empty()) {
      docs_.site[doc] = internal::ContainmentSite(docs_.site[doc], sig);
    }
    if (keep_sets) {
      if (auto s = WriteSet(doc, sets[i]); !s.ok()) return s;
    }
  }
  batch.Clear();
  r.docs.clear();
  return absl::OkStatus();
}

std::vector<Worker> DedupJob::MakeWorkers() {
  std::vector<Worker> workers;
  for (int w = 0; w < options_.threads; ++w) {
    workers.push_back(Worker{
        internal::DocSigner(options_, *Shingler::Create(options_.shingles),
                            minhasher_.get(), &line_counts_),
        0, {}});
  }
  return workers;
}

absl::Status DedupJob::SignPass() {
  const auto start = Clock::now();
  std::vector<Worker> workers = MakeWorkers();
  if (method().keeps_sets(options_)) {
    spill_path_ = OutPath(".neardup-shingles.tmp-" + std::to_string(getpid()));
    spill_ = std::fopen(spill_path_.c_str(), "w+b");
    if (spill_ == nullptr) {
      return absl::PermissionDeniedError("cannot create " + spill_path_ +
                                         ": " + std::strerror(errno));
    }
  }
  // The main thread reads batch k + 1 while the pool's other threads sign
  // batch k, then signs with them what is left of it (WorkerPool).
  Batch batches[2];
  int current = 0;
  uint64_t bytes_read = 0;
  // Declared after what it signs into: an early return (an error, a memory
  // ceiling, an interrupt) finishes the batch being signed.
  internal::WorkerPool pool(static_cast<int>(workers.size()));
  Batch* signing = nullptr;  // started, not yet stored
  // Finishes signing the batch being signed; returns it (null: none).
  auto finish = [&]() -> Batch* {
    if (signing == nullptr) return nullptr;
    pool.Finish();
    return std::exchange(signing, nullptr);
  };
  // Finishes the batch being signed and stores it.
  auto complete = [&]() -> absl::Status {
    Batch* batch = finish();
    return batch != nullptr ? StoreBatch(*batch) : absl::OkStatus();
  };
  auto flush = [&]() -> absl::Status {
    Batch& batch = batches[current];
    if (batch.size == 0) return absl::OkStatus();
    // The batch signed last is stored while the pool signs this one: the
    // workers read nothing that storing writes (SignCounting does not read
    // the counter the store adds to).
    Batch* signed_batch = finish();
    StartBatch(batch, workers, pool);
    signing = &batch;
    if (signed_batch != nullptr) {
      if (auto s = StoreBatch(*signed_batch); !s.ok()) return s;
    }
    current ^= 1;
    batches[current].Clear();
    batches[current].first = docs_.size();
    return absl::OkStatus();
  };
  batches[0].first = 0;
  size_t batch_bytes = 0;
  auto add = [&](size_t f, const Record& record) -> absl::Status {
    bool spill = false, spill_lines = false;
    if (auto s = CheckMemory(record.id.size(), &spill, &spill_lines); !s.ok()) {
      return s;
    }
    if (spill_lines) {
      // The counter and the lines move while no worker adds to them.
      if (auto s = complete(); !s.ok()) return s;
      if (auto s = SpillLines(); !s.ok()) return s;
    }
    if (spill) {
      // Signatures move while no worker writes them.
      if (auto s = complete(); !s.ok()) return s;
      if (auto s = Spill(); !s.ok()) return s;
    }
    bytes_read += record.raw.size();
    docs_.places.Add(static_cast<uint32_t>(f), record.line);
    if (options_.keep == KeepPolicy::kLongest) {
      docs_.length.push_back(record.text.size());
    }
    if (options_.keep == KeepPolicy::kField) {
      docs_.number.push_back(record.number);
    }
    if (auto s = docs_.ids.Append(record.id); !s.ok()) return s;
    batches[current].Add(record.text);
    if (options_.main_text)
      batches[current].sites.push_back(UrlHost(record.url));
    if (counting_) {
      site_keys_.push_back(LineCounter::SiteKey(batches[current].sites.back()));
    }
    if (options_.containment > 0 && !options_.main_text) {
      docs_.site.push_back(LineCounter::SiteKey(UrlHost(record.url)));
    }
    batch_bytes += record.text.size();
    if (batch_bytes >= internal::kBatchBytes ||
        batches[current].size >= internal::kBatchDocs) {
      if (auto s = flush(); !s.ok()) return s;
      batch_bytes = 0;
    }
    Report("sign", docs_.size(), bytes_read);
    return absl::OkStatus();
  };
  if (auto s = internal::ReadFirstPass(files_, options_.reader, options_.cancel,
                                       &stats_, &rejected_, add);
      !s.ok()) {
    return s;
  }
  if (auto s = flush(); !s.ok()) return s;
  if (auto s = complete(); !s.ok()) return s;
  for (const Worker& w : workers) stats_.repaired_utf8 += w.repaired;
  if (auto s = docs_.ids.Finish(); !s.ok()) return s;
  stats_.spilled_bytes = SpilledBytes();
  if (spill_ != nullptr && std::fflush(spill_) != 0) {
    return absl::ResourceExhaustedError("cannot write " + spill_path_ + ": " +
                                        std::strerror(errno));
  }
  Report("sign", docs_.size(), bytes_read, /*force=*/true);
  stats_.stage_seconds.push_back({"sign", SecondsSince(start)});
  return absl::OkStatus();
}

// How alike two documents are, as verified and as reported (the method's
// Compare), with their shingle sets read back from the spill file when the
// method compares sets (VerifyMode::kExact).
absl::StatusOr<internal::Likeness> DedupJob::Compare(uint32_t a, uint32_t b) {
  internal::SketchRef ra = Ref(a, &row_a_), rb = Ref(b, &row_b_);
  if (spill_ != nullptr) {
    auto load = [this](uint32_t d, std::vector<uint64_t>* out) -> absl::Status {
      out->resize(docs_.set_count[d]);
      if (out->empty()) return absl::OkStatus();
      const auto offset =
          static_cast<off_t>(docs_.set_offset[d] * sizeof(uint64_t));
      const size_t bytes = out->size() * sizeof(uint64_t);
      const ssize_t got = pread(fileno(spill_), out->data(), bytes, offset);
      if (got != static_cast<ssize_t>(bytes)) {
        // An empty set would silently make the pair unalike.
        return absl::DataLossError(
            "cannot read the shingle set of record " + std::string(docs_.Id(d)) +
            " back from " + spill_path_ + ": " +
            (got < 0 ? std::strerror(errno)
                     : "the file is shorter than what was written to it"));
      }
      return absl::OkStatus();
    };
    if (auto s = load(a, &set_a_); !s.ok()) return s;
    if (auto s = load(b, &set_b_); !s.ok()) return s;
    ra.set = set_a_;
    rb.set = set_b_;
  }
  return method().Compare(ra, rb, options_);
}

// The candidate pairs of the method, verified (when the method's candidates
// are only likely duplicates) and joined in the order the method hands
// them over, so that the result does not depend on the thread count.
// A candidate of a method whose candidate rule is the duplicate rule.
void DedupJob::JoinUnverified(const DocPair& p, DisjointSets& sets) {
  ++stats_.verified_pairs;
  const size_t bins = stats_.pairs_accepted.size();
  if (bins > 0) {
    const internal::SimilarityMethod& m = method();
    const size_t bin = m.Bin(
        m.Compare(Ref(p.first, &row_a_), Ref(p.second, &row_b_), options_)
            .similarity,
        bins);
    if (bin < bins) ++stats_.pairs_accepted[bin];
  }
  stats_.joined_pairs += sets.Union(p.first, p.second);
}

// A verified pair in the report's histogram (bin past its end: none).
void DedupJob::CountVerdict(size_t bin, bool join) {
  if (bin >= stats_.pairs_accepted.size()) return;
  ++(join ? stats_.pairs_accepted : stats_.pairs_refused)[bin];
}

void DedupJob::FindPairsToCompare(absl::Span<const DocPair> pairs,
                                  DisjointSets& sets,
                                  const internal::PairVerdicts& refused,
                                  std::vector<uint8_t>* verdicts) {
  verdicts->assign(pairs.size(), kSkipPair);
  for (size_t i = 0; i < pairs.size(); ++i) {
    // The remembered verdict is anywhere in a table of two slots a
    // document (this loop waited on it): fetched ahead.
    if (i + kFetchAhead < pairs.size()) {
      refused.Prefetch(pairs[i + kFetchAhead].first,
                       pairs[i + kFetchAhead].second);
    }
    const DocPair& p = pairs[i];
    if (!TooShort(p) && sets.Find(p.first) != sets.Find(p.second)) {
      const uint8_t known = refused.Find(p.first, p.second);
      (*verdicts)[i] =
          known != internal::PairVerdicts::kUnknown ? known : kComparePair;
    }
  }
}

absl::Status DedupJob::Index(DisjointSets& sets) {
  const auto start = Clock::now();
  const internal::SimilarityMethod& m = method();
  const size_t bins = options_.report ? m.SimilarityBins(options_) : 0;
  if (bins > 0) {
    stats_.pairs_accepted.assign(bins, 0);
    stats_.pairs_refused.assign(bins, 0);
  }
  // With signatures (no shingle sets to read from the spill file), the
  // pairs of a group not joined when it starts are compared on the threads
  // first: they include every pair the loop below verifies, which then
  // uses the verdict (the join, and the histogram bin; kNoBin when Bin
  // gives none), so the joins, counters and histogram are those of
  // comparing one pair after another.
  constexpr uint8_t kJoin = 0x80, kNoBin = 0x7E;
  const bool verify_on_threads = m.verifies_candidates() &&
                                 spill_ == nullptr && options_.threads > 1 &&
                                 bins < kNoBin;
  // The verdicts of pairs compared and refused, for when a later band
  // finds them again (a pair joined is skipped by Find before it is
  // compared): with two slots a document, 87% of the repeated
  // verifications of the 1 GB crawl are found there (one slot: 75%).
  internal::PairVerdicts refused;
  if (m.verifies_candidates() && bins < kNoBin) {
    refused = internal::PairVerdicts(2 * docs_.size());
  }
  auto verdict_of = [&](const internal::Likeness& like) {
    const size_t bin = bins > 0 ? m.Bin(like.similarity, bins) : bins;
    return static_cast<uint8_t>((bin < bins ? bin : kNoBin) |
                                (m.Accepts(options_, like) ? kJoin : 0));
  };
  std::vector<uint8_t> verdicts;
  // Kept from group to group: a group takes a few milliseconds.
  internal::WorkerPool pool(verify_on_threads ? options_.threads : 1);
  auto compare_on_threads = [&](absl::Span<const DocPair> pairs) {
    FindPairsToCompare(pairs, sets, refused, &verdicts);
    const bool prefetch = m.signs_rows();
    pool.ParallelFor(
        pairs.size(),
        [&](int, size_t i) {
          if (prefetch && i + kFetchAhead < pairs.size()) {
            PrefetchSignatures(pairs[i + kFetchAhead],
                               pairs[i + kFetchAhead / 2]);
          }
          if (verdicts[i] != kComparePair) return;
          thread_local std::vector<uint32_t> row_a, row_b;
          const internal::Likeness like =
              m.Compare(Ref(pairs[i].first, &row_a),
                        Ref(pairs[i].second, &row_b), options_);
          verdicts[i] = verdict_of(like);
        },
        /*grain=*/256);
  };
  auto judge = [&](absl::Span<const DocPair> pairs) -> absl::Status {
    if (verify_on_threads) compare_on_threads(pairs);
    // Compared here, one after another: their signatures fetched ahead as
    // compare_on_threads fetches them.
    const bool prefetch = !verify_on_threads && m.signs_rows();
    for (size_t i = 0; i < pairs.size(); ++i) {
      if (prefetch && i + kFetchAhead < pairs.size()) {
        PrefetchSignatures(pairs[i + kFetchAhead], pairs[i + kFetchAhead / 2]);
      }
      const DocPair& p = pairs[i];
      ++stats_.candidate_pairs;
      if (TooShort(p)) continue;
      if (!m.verifies_candidates()) {
        JoinUnverified(p, sets);
        continue;
      }
      if (sets.Find(p.first) == sets.Find(p.second)) continue;
      ++stats_.verified_pairs;
      uint8_t verdict = internal::PairVerdicts::kUnknown;
      if (verify_on_threads) {
        verdict = verdicts[i];
      } else if (bins < kNoBin) {
        verdict = refused.Find(p.first, p.second);
      }
      if (verdict == internal::PairVerdicts::kUnknown) {
        const absl::StatusOr<internal::Likeness> compared =
            Compare(p.first, p.second);
        if (!compared.ok()) return compared.status();
        if (bins >= kNoBin) {  // more bins than a verdict byte holds
          const bool join = m.Accepts(options_, *compared);
          CountVerdict(m.Bin(compared->similarity, bins), join);
          if (join) stats_.joined_pairs += sets.Union(p.first, p.second);
          continue;
        }
        verdict = verdict_of(*compared);
      }
      const bool join = (verdict & kJoin) != 0;
      CountVerdict(verdict & ~kJoin, join);
      if (join) {
        stats_.joined_pairs += sets.Union(p.first, p.second);
      } else {
        refused.Remember(p.first, p.second, verdict);
      }
    }
    return absl::OkStatus();
  };
  // Once spilled, one band at a time (DedupOptions::max_memory_bytes); its
  // pairs are still compared on the threads (a byte a pair of the band in
  // hand, and the signatures read from the page cache).
  if (auto s = m.Candidates(
          Columns(), options_, spilled_ ? 1 : options_.threads,
          &stats_.candidates, judge,
          [&](size_t done, size_t total) {
            Report("index", done, 0, true, total);
          });
      !s.ok()) {
    return s;
  }
  if (m.compares_while_finding()) {
    stats_.candidate_pairs = stats_.candidates.pairs;
    stats_.verified_pairs = stats_.candidates.pairs;
  }
  stats_.stage_seconds.push_back({"index", SecondsSince(start)});
  return absl::OkStatus();
}

std::vector<int64_t> DedupJob::NumberClusters(const Clustering& c,
                                              std::vector<uint32_t>* members) {
  const size_t n = docs_.size();
  // Clusters of two or more are numbered 0, 1, ... in order of their
  // component's first member, then of their own first member (so that a
  // distributed job numbers them where it judges the component).
  members->assign(n, 0);
  for (size_t i = 0; i < n; ++i) ++(*members)[c.cluster[i]];
  std::vector<uint32_t> firsts;
  for (uint32_t i = 0; i < n; ++i) {
    if (c.cluster[i] == i && (*members)[i] >= 2) firsts.push_back(i);
  }
  std::stable_sort(firsts.begin(), firsts.end(), [&](uint32_t a, uint32_t b) {
    return c.component[a] < c.component[b];
  });
  std::vector<int64_t> number(n, -1);
  int64_t next = 0;
  for (uint32_t f : firsts) number[f] = next++;
  return number;
}

absl::Status DedupJob::WriteClusters(const Clustering& c,
                                     const std::vector<uint32_t>& members,
                                     const std::vector<int64_t>& number) {
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < docs_.size(); ++i) {
    if (members[c.cluster[i]] >= 2) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return number[c.cluster[a]] < number[c.cluster[b]];
  });
  auto clusters = RecordWriter::Create(OutPath("clusters.jsonl"),
                                       InputFormat::kJsonl, Compression::kNone);
  if (!clusters.ok()) return clusters.status();
  for (uint32_t i : order) {
    const std::string line = internal::ClusterMemberJson(
        docs_.Id(i), number[c.cluster[i]], docs_.Id(c.kept[i]));
    if (auto s = (*clusters)->WriteLine(line); !s.ok()) return s;
  }
  return files_.Stage(*std::move(clusters));
}

absl::Status DedupJob::WriteDecisions(const Clustering& c) {
  const auto start = Clock::now();
  const size_t n = docs_.size();
  std::vector<uint32_t> members;
  const std::vector<int64_t> number = NumberClusters(c, &members);
  stats_.clusters = static_cast<uint64_t>(
      std::count_if(number.begin(), number.end(),
                    [](int64_t k) { return k >= 0; }));

  auto removed = RecordWriter::Create(OutPath("removed.jsonl"),
                                      InputFormat::kJsonl, Compression::kNone);
  if (!removed.ok()) return removed.status();
  std::string line;
  // The page's examples, chosen as it will choose them from removed.jsonl,
  // so that the write pass can keep their texts.
  std::unique_ptr<internal::ReportExamples> examples;
  if (options_.report) {
    examples = std::make_unique<internal::ReportExamples>(
        DedupMethodName(options_.method));
  }
  uint64_t removed_lines = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t file = docs_.places.file(i);
    const uint64_t at_line = docs_.places.line(i);
    if (!docs_.too_short.empty() && docs_.too_short[i]) {
      ++stats_.files[file].removed;
      line = internal::TooShortJson(docs_.Id(i), files_.display(file), at_line);
      if (auto s = (*removed)->WriteLine(line); !s.ok()) return s;
      ++removed_lines;
      continue;
    }
    if (!prior_of_.empty() && prior_of_[i] != 0) {
      // Removed as a duplicate of a record of an earlier run.
      ++stats_.files[file].removed;
      const PriorRecords::Match& m = prior_matches_[prior_of_[i] - 1];
      line = internal::RemovedJson(docs_.Id(i), files_.display(file), at_line,
                                   options_.method, -1, m.kept_id,
                                   m.similarity);
      line.replace(line.find(",\"cluster\":-1,"), 14, ",\"cluster\":null,");
      line.insert(line.size() - 1, m.source_json);
      if (auto s = (*removed)->WriteLine(line); !s.ok()) return s;
      ++removed_lines;
      continue;
    }
    if (c.kept[i] == i) {
      if (options_.prior != nullptr) {
        const internal::SketchRef ref = Ref(i, &row_a_);
        options_.prior->Kept(docs_.Id(i), files_.display(file), at_line,
                             ref.signature, ref.key);
      }
      continue;
    }
    ++stats_.files[file].removed;
    const absl::StatusOr<internal::Likeness> compared = Compare(i, c.kept[i]);
    if (!compared.ok()) return compared.status();
    const internal::Likeness& like = *compared;
    // The invariant "a removal is judged against the record kept", checked
    // by the job, not only by the tests.
    if (!method().Accepts(options_, like)) {
      return absl::InternalError(
          "dedup: record " + std::string(docs_.Id(i)) +
          " would be removed as a duplicate of " +
          std::string(docs_.Id(c.kept[i])) + " at similarity " +
          FormatDouble(like.similarity) + ", which is not a duplicate");
    }
    line = internal::RemovedJson(docs_.Id(i), files_.display(file), at_line,
                                 options_.method, number[c.cluster[i]],
                                 docs_.Id(c.kept[i]), like.similarity,
                                 like.containment);
    if (auto s = (*removed)->WriteLine(line); !s.ok()) return s;
    ++removed_lines;
    if (examples) {
      // As printed: 4 decimals, or a whole distance.
      const double shown = method().Shown(like.similarity);
      if (examples->Wants(removed_lines, shown)) {
        internal::ReportRemoval r;
        r.jsonl_line = removed_lines;
        r.similarity = shown;
        r.doc = i;
        r.kept_doc = c.kept[i];
        examples->Offer(r);
      }
    }
  }
  if (examples) {
    for (const auto& list : {examples->nearest(), examples->sample()}) {
      for (const internal::ReportRemoval& r : list) {
        report_docs_.push_back(r.doc);
        report_docs_.push_back(r.kept_doc);
      }
    }
    std::sort(report_docs_.begin(), report_docs_.end());
  }
  if (auto s = files_.Stage(*std::move(removed)); !s.ok()) return s;
  if (auto s = WriteClusters(c, members, number); !s.ok()) return s;
  stats_.stage_seconds.push_back({"decisions", SecondsSince(start)});
  return absl::OkStatus();
}

absl::Status DedupJob::WritePass(const Clustering& c) {
  const auto start = Clock::now();
  std::vector<uint64_t> documents(files_.size());
  for (size_t f = 0; f < files_.size(); ++f) {
    documents[f] = stats_.files[f].read - stats_.files[f].rejected;
  }
  auto decide = [&](size_t f, size_t doc, const Record& record,
                    std::string*) -> absl::StatusOr<internal::RecordAction> {
    if (auto s = internal::CheckCancel(options_.cancel); !s.ok()) return s;
    if (std::binary_search(report_docs_.begin(), report_docs_.end(), doc)) {
      internal::KeepReportText(files_.display(f), record, &report_texts_);
    }
    if (c.kept[doc] != doc) return internal::RecordAction::kDrop;
    if (!prior_of_.empty() && prior_of_[doc] != 0) {
      return internal::RecordAction::kDrop;
    }
    if (!docs_.too_short.empty() && docs_.too_short[doc]) {
      return internal::RecordAction::kDrop;
    }
    ++stats_.files[f].kept;
    return internal::RecordAction::kKeep;
  };
  uint64_t bytes_done = 0;
  auto progress = [&](uint64_t docs, uint64_t bytes) {
    bytes_done = bytes;
    Report("write", docs, bytes, false, docs_.size());
  };
  // JSONL: the documents are found by the lines the sign pass read them
  // on, and parsed again only for the report's texts; the others are
  // copied as read.
  internal::RewriteOptions rewrite;
  rewrite.line_of = [this](size_t doc) { return docs_.places.line(doc); };
  rewrite.parse = [this](size_t doc) {
    return std::binary_search(report_docs_.begin(), report_docs_.end(), doc);
  };
  if (auto s = internal::RewriteInputs(files_, options_.reader, documents,
                                       decide, progress, nullptr, rewrite);
      !s.ok()) {
    return s;
  }
  Report("write", docs_.size(), bytes_done, true, docs_.size());
  stats_.stage_seconds.push_back({"write", SecondsSince(start)});
  return absl::OkStatus();
}

absl::StatusOr<DedupStats> DedupJob::Run() {
  const auto start = Clock::now();
  if (auto s = Setup(); !s.ok()) return s;
  // Counts given (line_counts_file): the sign pass signs main texts.
  counting_ = options_.main_text && options_.line_counts_file.empty();
  if (options_.main_text && !counting_) {
    if (auto s = CountLines(); !s.ok()) return s;
  }
  if (counting_) {
    line_budget_ = internal::LineBudgetBytes(options_.max_memory_bytes);
    line_runs_ = std::make_unique<internal::LineRunFile>(outdir_);
    line_counts_.SpillTo(line_runs_.get(),
                         internal::CounterBudgetBytes(line_budget_));
    // FindBoilerplate asks only about sites.
    line_counts_.CountOverall(false);
    // Past a quarter of the budget the kept lines go to disk as they come
    // (the counter spills its own past the rest of it).
    lines_.SpillPast(outdir_, line_budget_ / 4);
    // The whole texts' signatures go to a spill file as they come (page
    // cache, not the job's memory): MergeSignatures reads them once, in
    // order, into the store the later stages use. So the counter's tables
    // and bands are never held beside a whole store, and main text's peak
    // is the default job's (bench/README, issue 13 part 10).
    if (method().signs_rows()) {
      if (auto s = docs_.signatures.Spill(outdir_); !s.ok()) return s;
    }
  }
  if (auto s = SignPass(); !s.ok()) return s;
  if (counting_) {
    if (auto s = SignMainTexts(); !s.ok()) return s;
  }
  // The kept lines and the line counts serve no later stage.
  lines_ = internal::LineStore();
  line_counts_ = LineCounter();
  ReturnFreedMemory();
  if (options_.prior != nullptr) {
    if (auto s = FindPrior(); !s.ok()) return s;
  }
  absl::StatusOr<DisjointSets> sets = DisjointSets::Create(docs_.size());
  if (!sets.ok()) return sets.status();
  if (auto s = Index(*sets); !s.ok()) return s;
  ReturnFreedMemory();
  if (auto s = internal::CheckCancel(options_.cancel); !s.ok()) return s;
  const auto judge_start = Clock::now();
  absl::Status compare_status;  // the first failure, which ends the run
  absl::StatusOr<Clustering> clustered = MakeJudgedClustering(
      *sets, options_.keep, docs_.length, docs_.number,
      [this, &compare_status](uint32_t member, uint32_t kept) {
        if (!compare_status.ok()) return false;
        const absl::StatusOr<internal::Likeness> like = Compare(member, kept);
        compare_status.Update(like.status());
        return like.ok() && method().Accepts(options_, *like);
      },
      method().JudgeTables(options_),
      [this](uint32_t doc, size_t table) {
        return method().TableKey(Ref(doc, &row_a_), table, options_);
      });
  if (!compare_status.ok()) return compare_status;
  if (!clustered.ok()) return clustered.status();
  stats_.stage_seconds.push_back({"judge", SecondsSince(judge_start)});
  const Clustering& clustering = *clustered;
  stats_.removed_too_short = static_cast<uint64_t>(
      std::count(docs_.too_short.begin(), docs_.too_short.end(), 1));
  stats_.removed = clustering.removed + stats_.removed_too_short +
                   prior_matches_.size();
  stats_.kept = stats_.read - stats_.rejected - stats_.removed;
  if (auto s = WriteDecisions(clustering); !s.ok()) return s;
  if (spill_ != nullptr) {
    std::fclose(spill_);
    spill_ = nullptr;
    std::remove(spill_path_.c_str());
  }
  // Nothing compares documents after the decisions: the write pass runs
  // without the signatures (the largest part of the job's memory).
  docs_.signatures.Release();
  std::vector<uint32_t>().swap(docs_.set_size);
  std::vector<uint64_t>().swap(docs_.site);
  if (!options_.dry_run) {
    if (auto s = WritePass(clustering); !s.ok()) return s;
  } else {
    for (size_t f = 0; f < inputs_.size(); ++f) {
      FileCounts& fc = stats_.files[f];
      fc.kept = fc.read - fc.rejected - fc.removed;
    }
  }
  if (auto s = Commit(
          start, [this] { return StatsToJson(stats_, options_); },
          &report_texts_);
      !s.ok()) {
    return s;
  }
  return stats_;
}

}  // namespace

absl::StatusOr<DedupOptions> ResolveDedupOptions(const DedupOptions& options) {
  DedupOptions o = options;
  auto invalid = [](const std::string& message) {
    return absl::InvalidArgumentError(message);
  };
  // Enums can hold any value of their type (a cast, a Python binding).
  const internal::SimilarityMethod* method =
      internal::SimilarityMethod::Find(o.method);
  if (method == nullptr) {
    return invalid("method " + std::to_string(static_cast<int>(o.method)) +
                   " is not a DedupMethod");
  }
  if (o.verify != VerifyMode::kSignature && o.verify != VerifyMode::kExact) {
    return invalid("verify " + std::to_string(static_cast<int>(o.verify)) +
                   " is not a VerifyMode");
  }
  if (o.keep != KeepPolicy::kFirst && o.keep != KeepPolicy::kLongest &&
      o.keep != KeepPolicy::kField) {
    return invalid("keep " + std::to_string(static_cast<int>(o.keep)) +
                   " is not a KeepPolicy");
  }
  if (auto s = method->CheckRule(o); !s.ok()) return s;
  if (o.containment < 0) o.containment = method->DefaultContainment(o);
  if (o.containment != 0) {
    if (!(o.containment > 0 && o.containment <= 1)) {
      return invalid("containment must be negative (the default), 0 (off) "
                     "or in (0, 1], got " + ShortDouble(o.containment));
    }
    if (!method->compares_sets()) {
      return invalid("containment needs method minhash");
    }
  }
  if (!(o.containment_asymmetry >= 1 && std::isfinite(o.containment_asymmetry))) {
    return invalid("containment_asymmetry must be at least 1, got " +
                   ShortDouble(o.containment_asymmetry));
  }
  if (o.main_text && o.main_text_boilerplate.min_docs < 2) {
    return invalid("main_text_boilerplate.min_docs must be at least 2, got " +
                   std::to_string(o.main_text_boilerplate.min_docs));
  }
  if (!o.line_counts_file.empty() && !o.main_text) {
    return invalid("line_counts_file is read only with main_text");
  }
  if (o.hamming < 0 || o.hamming > 8) {
    return invalid("hamming must be 0 to 8, got " + std::to_string(o.hamming));
  }
  if (o.threads < 0) {
    return invalid("threads must be at least 0 (0: one per core), got " +
                   std::to_string(o.threads));
  }
  if (o.keep == KeepPolicy::kField && o.keep_field.empty()) {
    return invalid("keep policy kField needs keep_field, the name of a "
                   "numeric field; it is empty");
  }
  if (o.shingles.seed != 0 && o.shingles.seed != o.seed) {
    return invalid("shingles.seed (" + std::to_string(o.shingles.seed) +
                   ") differs from seed (" + std::to_string(o.seed) +
                   "): DedupOptions.seed seeds both the shingle hashes and "
                   "the permutations; set seed instead");
  }
  o.shingles = ShingleOptionsOf(o);
  o.reader = ReaderOptionsOf(o);
  if (auto s = method->ResolveTables(&o); !s.ok()) return s;
  if (auto shingler = Shingler::Create(o.shingles); !shingler.ok()) {
    return shingler.status();
  }
  return o;
}

std::string internal::RemovedJson(std::string_view id, std::string_view file,
                        uint64_t line, DedupMethod method, int64_t cluster,
                        std::string_view kept_id, double similarity,
                        double containment) {
  internal::JsonWriter j;
  j.Key("id").String(id).Key("file").String(file).Key("line").Uint(line);
  const auto& m = internal::SimilarityMethod::Of(method);
  j.Key("reason").String(m.removal_reason());
  j.Key("cluster").Int(cluster).Key("kept_id").String(kept_id);
  j.Key("similarity");
  m.WriteSimilarity(similarity, &j);
  if (!std::isnan(containment)) j.Key("containment").Fixed(containment, 4);
  return j.Finish();
}

std::string internal::TooShortJson(std::string_view id, std::string_view file,
                         uint64_t line) {
  internal::JsonWriter j;
  j.Key("id").String(id).Key("file").String(file).Key("line").Uint(line);
  j.Key("reason").String("too_short").Key("cluster").Null();
  j.Key("kept_id").Null().Key("similarity").Null();
  return j.Finish();
}

std::string internal::ClusterMemberJson(std::string_view id, int64_t cluster,
                              std::string_view kept_id) {
  internal::JsonWriter j;
  j.Key("id").String(id).Key("cluster").Int(cluster).Key("kept_id").String(kept_id);
  return j.Finish();
}

std::string StatsToJson(const DedupStats& s, const DedupOptions& o) {
  internal::JsonWriter j;
  internal::AddRecordCounts(s, &j);
  if (o.min_words > 0) j.Key("removed_too_short").Uint(s.removed_too_short);
  j.Key("clusters").Uint(s.clusters);
  j.Key("text_bytes").Uint(s.text_bytes);
  j.Key("repaired_utf8_sequences").Uint(s.repaired_utf8);
  j.Key("candidate_pairs").Uint(s.candidate_pairs);
  j.Key("verified_pairs").Uint(s.verified_pairs);
  j.Key("joined_pairs").Uint(s.joined_pairs);
  j.Key("oversized_buckets").Uint(s.candidates.oversized_buckets);
  j.Key("largest_bucket").Uint(s.candidates.largest_bucket);
  j.Key("peak_rss_bytes").Uint(s.peak_rss_bytes);
  if (s.spilled_bytes > 0) j.Key("spilled_bytes").Uint(s.spilled_bytes);
  j.Key("threads").Uint(static_cast<uint64_t>(s.threads));
  j.Key("dry_run").Bool(o.dry_run);
  j.Key("parameters").Object();
  j.Key("method").String(DedupMethodName(o.method));
  j.Key("threshold").Fixed(o.threshold, 4);
  j.Key("shingle").String(o.shingles.kind == ShingleKind::kChar ? "char" : "word");
  j.Key("ngram").Int(o.shingles.n).Key("num_perm").Int(o.num_perm);
  j.Key("bands").Int(s.lsh.bands).Key("rows").Int(s.lsh.rows);
  j.Key("hamming").Int(o.hamming).Key("seed").Uint(o.seed);
  if (o.min_words > 0) j.Key("min_words").Uint(o.min_words);
  if (o.containment > 0) {
    j.Key("containment").Fixed(o.containment, 4);
    j.Key("containment_asymmetry").Fixed(o.containment_asymmetry, 4);
  }
  if (!o.shingles.normalize.digits_to_zero) j.Key("digits").String("keep");
  if (o.main_text) j.Key("main_text").Bool(true);
  if (!o.line_counts_file.empty()) {
    j.Key("line_counts_file").String(o.line_counts_file);
  }
  j.Key("verify").String(o.verify == VerifyMode::kExact ? "exact" : "signature");
  j.Key("keep").String(o.keep == KeepPolicy::kFirst     ? "first"
                       : o.keep == KeepPolicy::kLongest ? "longest"
                                                         : "field:" + o.keep_field);
  j.Key("text_field").String(o.reader.text_field);
  j.Key("id_field").String(o.reader.id_field);
  // Written only when not the default, so that explain of a removal reads
  // the documents as the run did.
  if (o.reader.max_document_bytes != ReaderOptions{}.max_document_bytes) {
    j.Key("max_doc_bytes").Uint(o.reader.max_document_bytes);
  }
  if (o.reader.oversize == Oversize::kTruncate) j.Key("oversize").String("truncate");
  j.End();
  if (internal::SimilarityMethod::Of(o.method).signs_rows()) {
    j.Key("candidate_probability").Object();
    for (double d : {-0.1, 0.0, 0.1}) {
      const double t = std::clamp(o.threshold + d, 0.0, 1.0);
      j.Key(FormatDouble(t, 2)).Fixed(CandidateProbability(t, s.lsh), 4);
    }
    j.End();
  }
  if (!s.pairs_accepted.empty()) {
    j.Key("pair_similarity").Object().Key("bins").Uint(s.pairs_accepted.size());
    for (const auto* list : {&s.pairs_accepted, &s.pairs_refused}) {
      j.Key(list == &s.pairs_accepted ? "accepted" : "refused").Array();
      for (uint64_t count : *list) j.Uint(count);
      j.End();
    }
    j.End();
  }
  internal::AddStageSeconds(s, /*digits=*/3, &j);
  if (o.prior != nullptr && !o.prior->source().folder.empty()) {
    const PriorRecords::Source src = o.prior->source();
    j.Key("index").Object().Key("folder").String(src.folder);
    j.Key("generation_read").Uint(src.generation_read);
    j.Key("generation_written");
    if (src.generation_written == 0) {
      j.Null();
    } else {
      j.Uint(src.generation_written);
    }
    j.End();
  }
  internal::AddJobFiles(s, /*with_format=*/true, o.skipped_files, &j);
  return j.Finish();
}

absl::StatusOr<DedupStats> RunDedup(const std::vector<InputFile>& inputs,
                                    const std::string& outdir,
                                    const DedupOptions& options,
                                    const ProgressFn& progress) {
  DedupJob job(inputs, outdir, options, progress);
  return job.Run();
}

}  // namespace neardup
