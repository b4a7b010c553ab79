// neardup clean layer: text inside a document that is not the document.
// Within one document (RepeatFinder): blocks of paragraphs captured twice,
// a caption printed twice in a row, a sentence repeated. Across documents,
// from counts the caller keeps over a collection: boilerplate lines, page
// furniture of a site (LineCounter, FindBoilerplate), and paragraphs mostly
// seen in earlier documents (SyndicationFilter). And the repetition signals
// of the Gopher rules (Rae et al. 2021) with their published thresholds.
//
// Every cut is a byte span of the original text with its reason and the
// span it repeats, so that a user can see exactly what was removed and
// from where it was kept. The first occurrence is always the one kept.
// Nothing here does I/O; linear time in the text (bounded work per line).

#ifndef NEARDUP_CLEAN_H_
#define NEARDUP_CLEAN_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "neardup/text.h"

namespace neardup {

enum class CutReason {
  kRepeatedBlock,  // two or more consecutive lines that occurred earlier
  kRepeatedLine,   // one line (or a span inside a line) that occurred earlier
  kBoilerplate,    // a line frequent across documents (cross-document)
  kSyndicated,     // a paragraph mostly seen in earlier documents
};
// The number of CutReason values, for counters indexed by reason.
inline constexpr size_t kCutReasonCount = 4;

// Returns "repeated_block", "repeated_line", "boilerplate" or "syndicated".
const char* CutReasonName(CutReason reason);

// A span removed from a document.
struct Cut {
  size_t begin = 0;  // byte offsets into the original text: [begin, end)
  size_t end = 0;
  CutReason reason = CutReason::kRepeatedLine;
  // Where the copy that is kept starts (same document), or kNoSource.
  size_t source_begin = kNoSource;
  // Similarity of the cut text to its source: 1 for exact repeats (after
  // normalization), else the Jaccard of their word 3-gram sets.
  double similarity = 1.0;
  // kBoilerplate only, the evidence (LineCounter::SiteEvidence): documents
  // of the site carrying the line, their families, and the ordinal of the
  // first of them (order of LineCounter::Add). 0 for other reasons.
  uint32_t docs = 0;
  uint32_t families = 0;
  uint64_t first_doc = 0;

  static constexpr size_t kNoSource = static_cast<size_t>(-1);
  friend bool operator==(const Cut&, const Cut&) = default;
};

struct RepeatOptions {
  // Lines are compared after this normalization (so a changed date or
  // punctuation does not hide a repeat). Default: NormalizeOptions{}.
  NormalizeOptions normalize;
  // A repeated line that stands alone (not in a run of two or more repeated
  // lines, and not right after its source) is cut only when its normalized
  // text has at least this many bytes, so that short lines that recur
  // legitimately ("Reply", "@name:") stay. Default: 30.
  size_t min_single_line_bytes = 30;
  // A line whose word 3-gram set has at least this Jaccard similarity with
  // an earlier line is a near repeat (a block repeated with a word dropped).
  // 0 to 1; 1.0 disables near repeats. Lines with fewer than 8 words are
  // compared exactly only. Default: 0.8.
  double near_similarity = 0.8;
  // Also cut a line that is its own first half printed twice ("caption
  // caption") and a sentence repeated right after itself. Default: true.
  bool repeats_inside_lines = true;
  // A run of lines that aligns in order with an earlier run of the same
  // document (a body captured twice from slightly different versions) is
  // one repeated block when two or more of its lines align and the run's
  // similarity is at least this: the mean, weighted by normalized bytes, of
  // its lines' similarities to their sources (word 3-gram Jaccard; word
  // Jaccard for lines under 8 words; 1 for equal lines), where a line of
  // the copy aligned with nothing (inserted, or edited beyond recognition;
  // at most one between two aligned lines) and a line of the earlier run
  // missing from the copy (up to two in a row) count 0. A line aligns when
  // its similarity to the next line of the earlier run (or to one of the two
  // after it) is at least this too. 0 to 1; applies only while near repeats
  // are on (near_similarity < 1); 1.0 disables aligned runs. Default: 0.5.
  double block_similarity = 0.5;
};

// A line of a document whose normalized text is not empty, with the key of
// that text (LineCounter::LineKey), as RepeatFinder computes them and
// FindBoilerplate can reuse them.
struct KeyedLine {
  size_t begin = 0;    // start of the line
  size_t cut_end = 0;  // end of its line terminator (the next line's start)
  uint64_t key = 0;
  size_t normalized_bytes = 0;
  size_t words = 0;    // words of the normalized line (spaces + 1)
};

// Finds the repeated text inside one document.
//
// Units are the non-blank lines (SplitLines) whose normalized text is not
// empty; blank lines separate paragraphs but are not units. A unit repeats
// when an earlier unit has the same normalized text (or, for near repeats,
// a similar one), and every unit of a run that aligns with an earlier run
// (RepeatOptions::block_similarity) repeats, the lines of the copy that
// align with nothing included. A maximal run of consecutive repeated units
// (blank lines between them allowed) is one cut, with its first unit's
// source and the lowest similarity of its units (an aligned run's
// similarity for its units), kRepeatedBlock when it has two or more
// units; a single repeated unit is kRepeatedLine and subject to
// min_single_line_bytes unless it directly follows its source. A cut spans
// from the start of its first line to the end of the line terminator of its
// last line (blank lines inside the run included); when the run starts a
// paragraph (it is the first line, or follows a blank line) the blank lines
// after it go too, so that the text around it stays separated once. Inside the units that
// stay, a line made of the same text twice loses its second half, and a
// sentence equal to the one before it is cut (both kRepeatedLine).
//
// Not thread-safe (reuses buffers); cost linear in the text: each line is
// normalized and hashed once, each line is compared with at most a few
// lines of the run it may align with, and each near-repeat candidate is compared
// with one earlier line.
class RepeatFinder {
 public:
  // Returns a finder, or InvalidArgument (naming the value) when
  // options.near_similarity or options.block_similarity is outside [0, 1]
  // or NaN.
  static absl::StatusOr<RepeatFinder> Create(const RepeatOptions& options);

  // As Create, unchecked: a near_similarity above 1 or NaN disables near
  // repeats and one below 0 makes every compared line a near repeat.
  explicit RepeatFinder(const RepeatOptions& options = {});
  // A copy has the options and the last Find's lines and word hashes, and
  // buffers of its own.
  RepeatFinder(const RepeatFinder& other);
  RepeatFinder& operator=(const RepeatFinder& other);
  RepeatFinder(RepeatFinder&&) = default;
  RepeatFinder& operator=(RepeatFinder&&) = default;

  // Writes the cuts of `text`, sorted by begin and not overlapping, to
  // *cuts (replacing its contents).
  void Find(std::string_view text, std::vector<Cut>* cuts);

  // As Find, and keeps the hashes of the words of every line of lines()
  // (word_hashes), which LineCounter::Prepare(finder, site) counts from:
  // the repeat finder and the line counts then normalize each line once
  // between them. Costs the word hashing of lines that near repeats would
  // not hash (all of them when near repeats are off) and 8 bytes per word
  // of the text, in a buffer reused by the next call.
  void FindKeepingWordHashes(std::string_view text, std::vector<Cut>* cuts);

  // The lines of the text of the last Find whose normalized text is not
  // empty (by RepeatOptions::normalize), in order.
  const std::vector<KeyedLine>& lines() const { return lines_; }

  // After FindKeepingWordHashes: XXH3_64bits of each word (SplitWords) of
  // the normalized text of lines()[line], in order; a line repeated
  // exactly has the hashes of its first occurrence. Valid until the next
  // Find. Requires line < lines().size().
  absl::Span<const uint64_t> word_hashes(size_t line) const;

 private:
  void Find(std::string_view text, bool keep_word_hashes,
            std::vector<Cut>* cuts);

  RepeatOptions options_;
  std::vector<KeyedLine> lines_;
  Normalizer normalizer_;
  std::string normalized_;
  std::vector<uint64_t> words_;  // word hashes, line after line
  std::vector<std::pair<size_t, size_t>> word_spans_;  // [begin, end) per line
  // Find's per-document buffers (repeats.cc), kept so that a text costs no
  // allocation once they have grown.
  struct Scratch;
  struct ScratchDeleter {
    void operator()(Scratch* scratch) const;
  };
  std::unique_ptr<Scratch, ScratchDeleter> scratch_;
};

// Returns `text` without the bytes covered by `cuts`. Cuts may come in any
// order and may overlap: the bytes removed are the union of their spans
// (so the cuts of several finders can be applied together without
// MergeCuts). Returns InvalidArgument, naming the first bad cut, when a cut
// is inverted (begin > end) or ends past the text (byte offsets: end <=
// text.size()). Cost: linear when the cuts are sorted and disjoint (as
// every finder here returns them), else one sort of a copy of the spans.
absl::StatusOr<std::string> ApplyCuts(std::string_view text,
                                      absl::Span<const Cut> cuts);

// Returns InvalidArgument naming the first cut of `cuts` that is inverted
// or ends past a text of `text_size` bytes; ApplyCuts' check.
absl::Status ValidateCuts(size_t text_size, absl::Span<const Cut> cuts);

// In how many documents each line occurs, overall and per site (the host of
// a document's URL; the documents without one form one more site, key 0):
// the first pass of boilerplate removal (CCNet-style), with the evidence
// that separates page furniture from content.
//
// Lines are compared after normalization (NormalizeOptions{}) and counted
// once per document. For each line of a site it keeps: the documents that
// carry it, the article families among them, and the first of them (its
// ordinal in the order of Add); and for each pair of adjacent lines (two
// lines that are not blank and follow each other), in how many families of
// the site the pair occurs: furniture stands in the same place, next to the
// same lines, on many pages; a quote or a shared paragraph does not.
//
// Families: documents of one site are versions of one article (an updated
// copy, a print view, an AMP page) when they share at least 3 lines of 20
// words or more (paragraphs, rarely furniture) and those are at least half
// of such lines of the one with fewer; a line links documents only when it
// is in at most 16 documents and at most half of the site's (a footer
// sentence on every page links nothing). Families are the connected groups, so
// that an article republished three times counts once for its headline and
// paragraphs, however much the versions differ elsewhere.
//
// Near-duplicate documents of one site count not at all: a document whose
// long lines share a MinHash band (16 permutations over word 5-grams, 4
// bands of 4) with an earlier document of the same site adds no counts.
// Documents without long lines (navigation pages) always count. This
// depends on document order, so documents must be added in input order:
// Prepare them on any thread, then Add them in order.
//
// Memory: 8 bytes per distinct line of each document overall, 16 per line
// and per pair of adjacent lines of each document for the site tables, and
// 16 per long line, until Finish compacts them to the entries kept; with
// SpillTo, at most about a budget of them (the rest in sorted runs), plus
// 13 bytes per document and the near-duplicate bands.
class LineRunStore;
class LineCounter {
 public:
  LineCounter() = default;

  // What Add needs of one document; computed by Prepare on any thread.
  struct Prepared {
    std::vector<uint64_t> lines;  // distinct line keys, sorted
    std::vector<uint64_t> pairs;  // distinct PairKey of adjacent lines, sorted
    std::vector<uint64_t> long_lines;  // distinct keys of 20+ word lines
    uint64_t site = 0;            // SiteKey
    std::vector<uint64_t> bands;  // near-duplicate keys (empty: none)
  };
  // Thread-safe.
  static Prepared Prepare(std::string_view text, std::string_view site);
  // The same from the lines of the text of `finder`'s last
  // FindKeepingWordHashes, which must have used the default normalization
  // (RepeatOptions::normalize == NormalizeOptions{}): equal to
  // Prepare(text, site) with no line normalized again (its lines, as
  // FindBoilerplate takes them, are finder.lines()). Thread-safe for
  // distinct finders.
  static Prepared Prepare(const RepeatFinder& finder, std::string_view site);
  // Prepare(text, site) that also writes the document's lines as
  // FindBoilerplate takes them (those RepeatFinder::lines() gives under the
  // default normalization) to *lines, so that boilerplate can be found
  // later without normalizing a line again.
  static Prepared Prepare(std::string_view text, std::string_view site,
                          std::vector<KeyedLine>* lines);
  // One line of a document for Prepare(lines, site) below.
  struct LineGrams {
    uint64_t key = 0;  // LineKey of its normalized text (not empty)
    size_t words = 0;  // its words (SplitWords of the normalized text)
    // The hashes of its word 5-grams in order (words - 4 of them), as
    // Shingler hashes them with word 5-grams, seed 0 and the default
    // normalization. Read only when words >= 10; may be empty otherwise.
    absl::Span<const uint64_t> grams;
  };
  // Prepare(text, site) from the text's lines whose normalized text is not
  // empty, in order, as a caller that normalized and shingled them already
  // has them: equal to Prepare(text, site), with no line normalized and no
  // word hashed again. Thread-safe.
  static Prepared Prepare(absl::Span<const LineGrams> lines,
                          std::string_view site);
  // The same into *out, whose vectors' memory is reused: a caller that
  // prepares document after document into the same objects allocates
  // nothing once they are large enough.
  static void Prepare(absl::Span<const LineGrams> lines, std::string_view site,
                      Prepared* out);
  // Counts a prepared document, unless it is a near-duplicate of an
  // earlier document of its site. Not thread-safe; call in input order.
  void Add(const Prepared& document);
  // Prepare + Add.
  void AddDocument(std::string_view text, std::string_view site);
  // Documents that were not counted as near-duplicates.
  uint64_t near_duplicates() const { return near_duplicates_; }

  // Bounded memory: when the tables of raw entries held while counting
  // (held_bytes) would grow past `budget_bytes`, Add first sorts them and
  // appends them to `store` as runs (the tables keep their memory for the
  // next run), which Finish merges with what is held then (an external
  // sort). The counts are those of a counter that does not spill, whatever
  // the budget. `store` must outlive Finish. Call before the first Add.
  void SpillTo(LineRunStore* store, uint64_t budget_bytes);
  // Writes the raw entries held now to the store as runs (requires
  // SpillTo; nothing to do when none are held); `release`: and frees the
  // tables' memory (they grow again up to the budget).
  void Spill(bool release = false);
  // Whether the overall counts (Count, distinct_lines) are kept: on by
  // default. A caller that asks only about sites (FindBoilerplate does)
  // turns them off before the first Add: a fifth less to hold, spill and
  // sort. Count is then 0, and Serialize writes no overall line.
  void CountOverall(bool on) { count_overall_ = on; }
  // Bytes of raw entries held in memory while counting (their capacity).
  uint64_t held_bytes() const;
  // Bytes appended to the store.
  uint64_t spilled_bytes() const { return spilled_bytes_; }
  // OK, or the first error of the store: a failed Append, or in Finish a
  // run that cannot be read back whole (truncated) or whose checksum or
  // order is wrong (corrupted). The counts are then empty: check it after
  // Finish when spilling.
  const absl::Status& status() const { return status_; }
  // Links the families, then sorts and compacts: keeps the lines seen in
  // at least `min_docs` documents (overall, and per site) and the pairs of
  // lines seen in at least 2 families of a site. Call once, after the last
  // Add. Cost: a sort of the entries.
  void Finish(uint32_t min_docs = 2);

  // Number of documents (after Finish) containing the line whose key is
  // LineKey(normalized line), overall or within one site (site key 0: the
  // documents without a site); 0 when below the Finish threshold.
  uint32_t Count(uint64_t line_key) const;
  uint32_t SiteCount(uint64_t site_key, uint64_t line_key) const;

  // What the counts say about one line of one site (after Finish); all 0
  // when the line is below the Finish threshold.
  struct LineEvidence {
    uint32_t docs = 0;        // documents of the site carrying it
    uint32_t families = 0;    // the families among them (see above)
    uint64_t first_doc = 0;   // ordinal (from 0, order of Add) of the first
  };
  LineEvidence SiteEvidence(uint64_t site_key, uint64_t line_key) const;
  // In how many families of the site the line `second` directly follows
  // the line `first` (line keys); 0 when under 2.
  uint32_t SitePairFamilies(uint64_t site_key, uint64_t first,
                            uint64_t second) const;

  uint64_t documents() const { return documents_; }
  size_t distinct_lines() const { return overall_.size(); }
  // Documents that Finish linked into a family with an earlier one.
  uint64_t linked_documents() const { return linked_documents_; }

  static uint64_t LineKey(std::string_view normalized_line);
  // Key of a site (host); 0 for "".
  static uint64_t SiteKey(std::string_view site);
  // Key of the pair of line keys (first, second).
  static uint64_t PairKey(uint64_t first, uint64_t second);

  // Serializes the counts (after Finish) to a versioned, checksummed file
  // image: "NDLC" magic, format version 2 and the document count with their
  // XXH3 checksum, then three sections, each an entry count, the entries
  // sorted by key and the section's XXH3 checksum: overall lines (key,
  // documents), lines per site (key, documents, families, first document),
  // pairs per site (key, families). All integers are 8 bytes
  // little-endian. Version 1 files (before families) are refused.
  std::string Serialize() const;
  // Parses Serialize's output. Returns DataLoss naming what is wrong (bad
  // magic, another version, a truncated section, a checksum mismatch, keys
  // out of order, a count beyond 32 bits).
  static absl::StatusOr<LineCounter> Deserialize(std::string_view bytes);

 private:
  struct Entry {
    uint64_t key;
    uint32_t count;     // documents (overall, site lines) or families (pairs)
    uint32_t families;  // site lines
    uint64_t first;     // site lines: first document
  };
  struct Occurrence {
    uint64_t key;
    uint32_t doc;
    uint32_t family;
  };
  // A sorted run of one raw table in the store: its entries from `offset`,
  // in chunks of kRunChunkBytes, each with its XXH3 checksum.
  struct Run {
    uint64_t offset = 0;
    uint64_t entries = 0;
    std::vector<uint64_t> sums;
  };
  // The near-duplicate bands seen, exact, in about 13 bytes a band: 4,096
  // open-addressing tables chosen by a key's top 12 bits, each holding the
  // other 52 bits of its keys in 7 bytes a slot and growing on its own (no
  // moment when one table of every band is held twice, as when a single
  // hash set grows; few enough that their heads stay in cache and their
  // slots are not many small allocations).
  class BandSet {
   public:
    // Adds `key`; false when it was there.
    bool Insert(uint64_t key);
    // Hints that Insert(key) comes soon (fetches its first slot).
    void Prefetch(uint64_t key) const;
    // Bytes held.
    uint64_t bytes() const;

   private:
    struct Table {
      std::unique_ptr<uint8_t[]> slots;  // 7 bytes each; 0: empty
      uint32_t size = 0;
      uint8_t log = 0;    // 2^log slots, when slots is set
      bool zero = false;  // the key whose 52 low bits are 0 is in
    };
    static void Grow(Table& table);
    std::vector<Table> tables_;  // 2^12 once a key is added
  };
  enum Table { kOverall = 0, kSiteLines, kSitePairs, kLongLines, kTables };
  template <typename T>
  void WriteRun(Table table, std::vector<T>& held);
  template <typename T, typename Fn>
  void ForEachGroup(Table table, std::vector<T>& held, Fn fn);
  void LinkFamilies(std::vector<uint32_t>* family);
  static const Entry* Find(const std::vector<Entry>& entries, uint64_t key);

  uint64_t near_duplicates_ = 0;
  uint64_t linked_documents_ = 0;
  BandSet seen_bands_;                  // while counting
  bool count_overall_ = true;           // CountOverall
  std::vector<uint64_t> overall_keys_;  // while counting
  std::vector<Occurrence> site_lines_;  // SiteLineKey(site, line), doc
  std::vector<Occurrence> site_pairs_;  // SiteLineKey(site, pair), doc
  std::vector<Occurrence> long_lines_;  // SiteLineKey(site, line), doc
  std::vector<uint32_t> long_count_;    // per document ordinal
  std::vector<uint64_t> doc_site_;      // per document ordinal
  std::vector<uint8_t> counted_;        // per document: has site lines
  LineRunStore* store_ = nullptr;       // SpillTo
  uint64_t budget_bytes_ = 0;
  uint64_t spilled_bytes_ = 0;
  std::vector<Run> runs_[kTables];
  absl::Status status_;
  std::vector<Entry> overall_;          // after Finish, sorted by key
  std::vector<Entry> site_;
  std::vector<Entry> pairs_;
  uint64_t documents_ = 0;
};

// Where a LineCounter puts the sorted runs of its raw entries
// (LineCounter::SpillTo): bytes appended once and read back by offset. The
// clean layer does no I/O; the caller provides the storage (the dedup job:
// a spill file in its output folder).
class LineRunStore {
 public:
  virtual ~LineRunStore() = default;
  // Appends `bytes` after the bytes appended before (offsets from 0).
  virtual absl::Status Append(std::string_view bytes) = 0;
  // Reads `size` bytes at `offset` (appended before) into `out`; an error
  // naming the storage when it holds fewer (a truncated file).
  virtual absl::Status ReadAt(uint64_t offset, size_t size, char* out) = 0;
};

struct BoilerplateOptions {
  // The evidence a line needs, in families of versions of one article
  // (LineCounter) of its site: at least this many carry it, or it has
  // fewer than 10 words and one less carry it (counting documents) while
  // it sits between two lines it sits between on as many other families'
  // pages (see FindBoilerplate). Default: 3.
  uint32_t min_docs = 3;
  // Lines whose normalized text is longer are content (a quoted paragraph,
  // a syndicated story), never boilerplate. Default: 200 bytes.
  size_t max_line_bytes = 200;
};

// Appends to *cuts the lines of `text` that are boilerplate by `counts`
// (kBoilerplate, no source, with their evidence), sorted by begin. A line is
// page furniture of its site, not content, when all of these hold:
//   - it recurs: LineCounter::SiteEvidence gives at least min_docs
//     families (strong), or, for a line of fewer than 10 words, at least
//     min_docs - 1 (and 2) documents (weak);
//   - it stands in the same place on other pages: the pair it forms with
//     the line before it, and the pair with the line after it, occur in at
//     least max(2, min_docs - 1) families of the site
//     (LineCounter::SitePairFamilies). A strong line of fewer than 6 words
//     needs one of the two pairs (the first or last line of a navigation
//     block), and so does a strong line whose other pair occurs in at least
//     2 x min_docs families; any other line needs both (a quote, a
//     republished headline or a paragraph has different neighbours on
//     every page that carries it). A line of one word needs no neighbour
//     when at least 3 x min_docs families carry it ("Advertisement"), nor
//     does a strong line of fewer than 10 words that is the document's
//     last line (a one-line footer; not the first line, often a headline);
//   - its normalized text has at most max_line_bytes bytes.
// Documents without a site (site "": no url) all count as one site, so the
// evidence must be much stronger: at least 2 x min_docs families, a
// neighbour pair in at least min_docs families (or the last line as
// above), and the line must be in the run of such lines that starts or
// ends the document (a header or footer): without a site, a line in the
// middle of a document is never boilerplate, and weak evidence never
// counts.
// Every occurrence that meets this is cut, the first too: navigation is not
// content anywhere. A cut spans the line and its terminator.
void FindBoilerplate(std::string_view text, std::string_view site,
                     const LineCounter& counts,
                     const BoilerplateOptions& options,
                     std::vector<Cut>* cuts);

// The same from the document's lines as RepeatFinder::lines() gives them
// (keys of the default normalization, NormalizeOptions{}): no line is
// normalized twice.
void FindBoilerplate(absl::Span<const KeyedLine> lines, std::string_view site,
                     const LineCounter& counts,
                     const BoilerplateOptions& options,
                     std::vector<Cut>* cuts);

// The same for the site whose key is `site_key` (LineCounter::SiteKey of
// its host; 0: no site), for a caller that keeps the key, not the host.
void FindBoilerplate(absl::Span<const KeyedLine> lines, uint64_t site_key,
                     const LineCounter& counts,
                     const BoilerplateOptions& options, std::vector<Cut>* cuts);

// Merges two sorted lists of cuts into one sorted list without overlaps
// (where two overlap, the earlier-starting one is kept and the other
// trimmed or dropped).
std::vector<Cut> MergeCuts(std::vector<Cut> a, std::vector<Cut> b);

struct SyndicationOptions {
  // A line (a paragraph of the crawl) is syndicated when at least this
  // fraction of its word 5-grams occurred in earlier documents. Default: 0.8.
  double threshold = 0.8;
  // Lines with fewer words are never syndicated (short lines recur by
  // chance). Default: 20.
  size_t min_words = 20;
  // Size of the Bloom filter of the 5-grams seen so far, in bytes; its
  // false-positive rate at n 5-grams is about (1 - e^(-4n/8m))^4 for m
  // bytes (0.2% at one 5-gram per byte). Default: 256 MiB.
  size_t bloom_bytes = size_t{256} << 20;
};

// Finds paragraphs syndicated from earlier documents (the onion and dolma
// rule): documents must be passed in a fixed order, and the first
// occurrence of a paragraph is the one kept. The memory is the Bloom
// filter's, whatever the collection size. Not thread-safe.
class SyndicationFilter {
 public:
  explicit SyndicationFilter(const SyndicationOptions& options = {});

  // Appends to *cuts the lines of `text` that are syndicated
  // (kSyndicated, no source), then remembers the 5-grams of `text`.
  void FindAndAdd(std::string_view text, std::vector<Cut>* cuts);

 private:
  bool Contains(uint64_t h) const;
  void Insert(uint64_t h);

  SyndicationOptions options_;
  std::vector<uint64_t> bits_;
  Normalizer normalizer_;
  std::string normalized_;
  std::vector<uint64_t> tokens_, grams_, document_grams_;
};

// The Gopher repetition signals of a document (Rae et al. 2021, table A1),
// defined here exactly:
//   - lines: the lines of SplitLines that are not blank, compared byte for
//     byte after removing trailing whitespace; paragraphs: the spans of
//     SplitParagraphs, compared the same way.
//   - A line (paragraph) is a duplicate when an earlier one is equal.
//     dup_line_fraction = duplicate lines / lines; dup_line_char_fraction =
//     characters (code points) of duplicate lines / characters of all lines.
//     The same for paragraphs. 0 when there are no lines.
//   - words: the words (SplitWords) of the text normalized with the default
//     NormalizeOptions; a word's characters are its code points; the total
//     is the sum over all words.
//   - top_ngram_char_fraction[n - 2] for n = 2, 3, 4: the count of the most
//     frequent word n-gram (ties: the one that occurs first) times the
//     characters of its words, over the total; 0 when no n-gram occurs
//     twice (an n-gram seen once is not a repetition: with it, every short
//     document would pass the thresholds, a 4-gram being 27% of 15 words).
//   - dup_ngram_char_fraction[n - 5] for n = 5 .. 10: scanning the words left
//     to right, an n-gram equal to an earlier one counts its words'
//     characters as duplicated and the scan jumps past it (so no character
//     is counted twice); duplicated characters over the total.
//   All fractions are 0 when there is nothing to count.
struct RepetitionSignals {
  double dup_line_fraction = 0;
  double dup_paragraph_fraction = 0;
  double dup_line_char_fraction = 0;
  double dup_paragraph_char_fraction = 0;
  std::array<double, 3> top_ngram_char_fraction{};  // n = 2, 3, 4
  std::array<double, 6> dup_ngram_char_fraction{};  // n = 5 .. 10
  size_t lines = 0;
  size_t paragraphs = 0;
  size_t words = 0;
};

// Computes the signals. Cost: linear in the text (hash maps of n-grams).
RepetitionSignals ComputeRepetitionSignals(std::string_view text);

// The thresholds published with the Gopher rules: a document is dropped
// when any signal is above its threshold.
struct GopherThresholds {
  double dup_line_fraction = 0.30;
  double dup_paragraph_fraction = 0.30;
  double dup_line_char_fraction = 0.20;
  double dup_paragraph_char_fraction = 0.20;
  std::array<double, 3> top_ngram_char_fraction = {0.20, 0.18, 0.16};
  std::array<double, 6> dup_ngram_char_fraction = {0.15, 0.14, 0.13,
                                                   0.12, 0.11, 0.10};
};

// Returns the name of the first signal above its threshold (e.g.
// "dup_line_fraction", "top_3gram_char_fraction"), or "" when none is.
std::string ExceededGopherSignal(const RepetitionSignals& signals,
                                 const GopherThresholds& thresholds = {});

}  // namespace neardup

#endif  // NEARDUP_CLEAN_H_
