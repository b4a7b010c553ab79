// Private: what the dedup job, its distributed stages, FindDuplicates and
// the index compare for one document, signed by one DocSigner so that all
// of them sign it the same way.

#ifndef NEARDUP_PIPELINE_DEDUP_SIGNER_H_
#define NEARDUP_PIPELINE_DEDUP_SIGNER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "neardup/clean.h"
#include "neardup/minhash.h"
#include "neardup/pipeline.h"
#include "neardup/shingle.h"
#include "neardup/text.h"
#include "text/utf8_internal.h"
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace neardup::internal {

// Mixed into the seed of the hash of a document with nothing to shingle.
inline constexpr uint64_t kNoWordsSeed = 0x6E6F2D776F726473ull;  // "no-words"

// Writes the shingle hashes dedup compares for `text` (Shingler::Hash) and
// returns the number of repaired UTF-8 sequences. A document with nothing
// to shingle (its normalized text is empty: "", "!!!", blanks) would share
// its one shingle with every other such document; its one shingle is the
// hash of its raw bytes instead, so it is a duplicate only of the same
// bytes.
inline size_t DedupShingles(Shingler& shingler, std::string_view text,
                            std::vector<uint64_t>* hashes) {
  const size_t repaired = shingler.Hash(text, hashes);
  if (shingler.normalized().empty()) {
    hashes->assign(1, XXH3_64bits_withSeed(text.data(), text.size(),
                                           shingler.options().seed ^ kNoWordsSeed));
  }
  return repaired;
}

// The key of `text` for DedupMethod::kExact, from its normalized form: the
// hash of the normalized text, or of the raw bytes when that is empty (as
// DedupShingles).
inline uint64_t ExactKey(std::string_view text, std::string_view normalized,
                         uint64_t seed) {
  return normalized.empty()
             ? XXH3_64bits_withSeed(text.data(), text.size(), seed ^ kNoWordsSeed)
             : XXH3_64bits_withSeed(normalized.data(), normalized.size(), seed);
}

// The number of words (SplitWords) of a normalized text.
inline size_t CountWords(std::string_view normalized) {
  size_t words = 0;
  internal::ForEachWord(normalized.data(), normalized.size(),
                        [&](size_t, size_t) { ++words; });
  return words;
}

// The text dedup compares with DedupOptions::main_text: `text` without the
// lines FindBoilerplate finds by `counts` for `site`, or `text` itself when
// it has no site (no URL: across a whole collection, a line recurs because
// its documents are copies as often as because it is furniture, and
// masking it would hide the copies) or when what is left has no letter or
// digit (a page that is all furniture is compared whole rather than as an
// empty text). Uses *cuts and *scratch; the result points into `text` or
// *scratch.
// With `lines` (not null), those are the text's lines as FindBoilerplate
// takes them (the counting pass kept them: LineCounter::Prepare): no line
// is normalized again.
inline std::string_view MainText(std::string_view text, std::string_view site,
                                 const LineCounter& counts,
                                 const BoilerplateOptions& options,
                                 const std::vector<KeyedLine>* lines,
                                 std::vector<Cut>* cuts, std::string* scratch) {
  cuts->clear();
  if (site.empty()) return text;
  // Lines that do not fit the text (a file changed between the passes)
  // are not used.
  if (lines != nullptr &&
      (lines->empty() || lines->back().cut_end <= text.size())) {
    FindBoilerplate(*lines, site, counts, options, cuts);
  } else {
    FindBoilerplate(text, site, counts, options, cuts);
  }
  if (cuts->empty()) return text;
  scratch->clear();
  size_t at = 0;
  for (const Cut& c : *cuts) {  // sorted and disjoint (FindBoilerplate)
    if (c.begin > at) scratch->append(text.substr(at, c.begin - at));
    at = std::max(at, c.end);
  }
  if (at < text.size()) scratch->append(text.substr(at));
  for (const char ch : *scratch) {
    const auto u = static_cast<unsigned char>(ch);
    if (u >= 0x80 || (u >= '0' && u <= '9') || ((u | 0x20) >= 'a' && (u | 0x20) <= 'z')) {
      return *scratch;
    }
  }
  return text;
}

inline std::string_view MainText(std::string_view text, std::string_view site,
                                 const LineCounter& counts,
                                 const BoilerplateOptions& options,
                                 std::vector<Cut>* cuts, std::string* scratch) {
  return MainText(text, site, counts, options, nullptr, cuts, scratch);
}

// What DocSigner::Sign finds for one document, besides its MinHash row.
struct DocSignature {
  uint64_t key = 0;        // kSimHash: SimHash; kExact: ExactKey
  uint32_t set_size = 0;   // DocSigner::counts_sizes(): distinct shingles
  // DocSigner::keeps_sets(): the sorted distinct shingles, in the signer's
  // scratch (valid until its next Sign).
  absl::Span<const uint64_t> set;
  bool too_short = false;  // DedupOptions::min_words: fewer words
  size_t repaired = 0;     // repaired UTF-8 sequences (Shingler::Hash)
  // main_text: boilerplate lines of its site were left out of the text
  // signed (MainText returned less than the text). Such a document is
  // compared as one of no site (ContainmentSite).
  bool masked = false;
};

// The site key dedup's containment rule compares for a document whose URL
// host has the key `site` (LineCounter::SiteKey, 0: none) and whose
// signature is `sig`: 0 when its site's furniture was left out of the text
// signed (main_text), else `site`. Containment within one site does not
// count because whole pages of a site contain each other by their shared
// furniture; a page without its furniture no longer carries any, while a
// page of a site where nothing was masked (a site without furniture, or a
// page whose lines recur nowhere else) is compared whole, as without
// main_text (bench/README issue 13 part 5).
inline uint64_t ContainmentSite(uint64_t site, const DocSignature& sig) {
  return sig.masked ? 0 : site;
}

// How alike two documents are, as dedup verifies and reports it.
struct Likeness {
  double similarity = 0;   // Jaccard; Hamming distance (kSimHash); 1 (kExact)
  double containment = NAN;  // only with DedupOptions::containment
  // Both records have the same site (the host of their URL, not empty; with
  // main_text, not masked: ContainmentSite).
  bool same_site = false;
  // Distinct shingles of the two records (with containment, kMinHash).
  uint64_t size_a = 0;
  uint64_t size_b = 0;
};

// One DocSigner's scratch, which a SimilarityMethod signs with: the
// shingler and normalizer, and buffers that grow to the largest document
// and are reused.
struct SignScratch {
  const MinHasher* hasher = nullptr;  // SimilarityMethod::signs_rows()
  uint64_t seed = 0;                  // DedupOptions::seed
  bool counts_sizes = false;          // SimilarityMethod::counts_sizes
  bool keeps_sets = false;            // SimilarityMethod::keeps_sets
  Shingler shingler;
  Normalizer normalizer;
  std::vector<uint64_t> hashes;
  std::string normalized;
  std::vector<uint64_t> distinct;  // MinHasher::SignCountingDistinct's table
  // Set for one Sign call by DocSigner::SignCounting: the text is already
  // normalized and `hashes` holds its shingles (kMinHash only).
  bool prehashed = false;
};

// What DocSigner::Sign signed, for `neardup explain` to show beside the
// verdict: the text as signed, what the method normalized, and the
// shingles of that text with their places. Filled only on request: the
// jobs never ask for it.
struct SignTrace {
  // The text the method signed: with main_text, the text without its
  // site's boilerplate lines (MainText); else the text itself.
  std::string text;
  // main_text: the boilerplate lines left out of `text` (0: compared whole).
  size_t boilerplate_lines = 0;
  // What the method's Sign returned: the normalized text that min_words
  // counts the words of (SimilarityMethod::Sign).
  std::string normalized;
  // The shingle hashes of `text` as dedup computes them (DedupShingles,
  // with the signer's shingler), in document order, repeats included;
  // spans[i] is the place of hashes[i] in `shingled`, the shingler's
  // normalized text, one per hash (a text without words has one hash,
  // of its bytes, and an empty span).
  std::vector<uint64_t> hashes;
  std::string shingled;
  std::vector<TextSpan> spans;
  size_t repaired = 0;  // repaired UTF-8 sequences of the shingling
};

class SimilarityMethod;

// Signs documents the one way dedup compares them, for the job, its
// distributed stages, FindDuplicates and the index: the method's key or
// MinHash row, the distinct shingle count containment is estimated from,
// the sorted shingle set exact verification compares, the min_words test,
// and with main_text the text without its site's boilerplate lines. Holds
// one thread's scratch (shingler, normalizer, hashes, main text): one signer
// per thread; no allocation per document once its buffers have grown.
class DocSigner {
 public:
  // `options` are resolved (ResolveDedupOptions). `hasher` (kMinHash) and
  // `counts` (main_text; LineCounter::Finish already called) outlive the
  // signer; `counts` null compares whole texts.
  DocSigner(const DedupOptions& options, Shingler shingler,
            const MinHasher* hasher, const LineCounter* counts = nullptr);
  static absl::StatusOr<DocSigner> Create(const DedupOptions& options,
                                          const MinHasher* hasher,
                                          const LineCounter* counts = nullptr);

  // Signs `text`, of a record whose URL host is `site` (main_text only).
  // A method that signs_rows() writes `row` (num_perm values; empty for
  // other methods).
  DocSignature Sign(std::string_view text, std::string_view site,
                    absl::Span<uint32_t> row);
  // The same, given the text's lines as the counting pass kept them
  // (LineCounter::Prepare(text, site, lines)), so that main_text
  // normalizes no line again; `lines` null is Sign(text, site, row).
  // With `trace` (not null), also fills *trace with what was signed (one
  // more shingling of the text: for explain, not for the jobs).
  DocSignature Sign(std::string_view text, std::string_view site,
                    const std::vector<KeyedLine>* lines,
                    absl::Span<uint32_t> row, SignTrace* trace = nullptr);

  // The first pass of main_text without line counts: signs the whole
  // `text` (as a signer without counts would) and prepares its lines for
  // the line counts (LineCounter::Prepare(text, site, lines): *prepared,
  // and the lines FindBoilerplate takes to *lines). With kMinHash over
  // word 5-grams of seed 0 and the default normalization (shares_lines()),
  // each line is normalized and each word hashed once for both: the
  // shingles of the text are those of its normalized lines joined by
  // spaces, and the line counts' 5-grams are among them. A document
  // without a site has no lines prepared (its main text is itself).
  DocSignature SignCounting(std::string_view text, std::string_view site,
                            LineCounter::Prepared* prepared,
                            std::vector<KeyedLine>* lines,
                            absl::Span<uint32_t> row);
  bool shares_lines() const { return shares_lines_; }

  // DedupOptions::containment estimated (VerifyMode::kSignature, kMinHash).
  bool counts_sizes() const { return scratch_.counts_sizes; }
  // VerifyMode::kExact with kMinHash: Sign returns the shingle set.
  bool keeps_sets() const { return scratch_.keeps_sets; }

 private:
  void Trace(std::string_view text, std::string_view normalized,
             SignTrace* trace);
  // Signs `text` whole, whatever the counts.
  DocSignature SignWhole(std::string_view text, absl::Span<uint32_t> row,
                         SignTrace* trace = nullptr);

  const SimilarityMethod* method_;
  size_t min_words_;
  BoilerplateOptions boilerplate_;
  const LineCounter* counts_;
  SignScratch scratch_;

  std::vector<Cut> cuts_;           // main_text
  std::string main_text_;
  bool shares_lines_ = false;  // see SignCounting
  // SignCounting's buffers: the text's lines, a normalized line, the
  // normalized lines joined, and each line's words and 5-grams.
  std::vector<TextSpan> spans_;
  std::string line_;
  std::string joined_;
  std::vector<LineCounter::LineGrams> line_grams_;
};

// Returns true when two records with sites `a` and `b` (LineCounter::SiteKey
// of the URL host, 0 without one) are of the same site.
inline bool SameSite(uint64_t a, uint64_t b) { return a != 0 && a == b; }

// The likeness of two MinHash signatures under VerifyMode::kSignature:
// the estimated Jaccard and, when `containment` (DedupOptions::containment
// is on), the containment estimated from the slots' order and the distinct
// shingle counts `size_a` and `size_b` (EstimateContainment of the
// SlotCounts: which record holds each unshared minimum tells an excerpt
// from an edit; the containment the Jaccard alone implies let edited
// copies pass as excerpts, bench/README issue 13 part 4). The one estimate
// of the job, its distributed stages, FindDuplicates and explain.
inline Likeness EstimateLikeness(absl::Span<const uint32_t> a,
                                 absl::Span<const uint32_t> b, uint64_t size_a,
                                 uint64_t size_b, bool containment) {
  if (!containment) {
    // Signatures of one MinHasher have the same length: this cannot fail.
    return Likeness{EstimateJaccard(a, b).value_or(0.0)};
  }
  const SlotCounts slots = CompareSlots(a, b).value_or(SlotCounts{});
  Likeness like{a.empty() ? 0.0
                          : static_cast<double>(slots.equal) /
                                static_cast<double>(a.size())};
  like.containment = EstimateContainment(slots, size_a, size_b);
  like.size_a = size_a;
  like.size_b = size_b;
  return like;
}

// Returns true when a pair whose containment is `containment`, of records
// with `size_a` and `size_b` distinct shingles, is an excerpt or an
// extension rather than an edit: of the shingles the two do not share, the
// longer record holds at least `asymmetry` times as many as the shorter
// (DedupOptions::containment_asymmetry). The shared part is taken as
// containment x the smaller size, so that the estimated and the exact
// containment are judged alike.
inline bool IsExcerpt(double containment, uint64_t size_a, uint64_t size_b,
                      double asymmetry) {
  const double smaller = static_cast<double>(std::min(size_a, size_b));
  const double larger = static_cast<double>(std::max(size_a, size_b));
  const double shared = containment * smaller;
  return larger - shared >= asymmetry * (smaller - shared);
}

// Returns true when a MinHash pair with `like` counts as a duplicate by
// containment under `o` (resolved options), whatever its Jaccard: the
// containment part of IsDuplicate, also evaluated row by row for
// neardup.dask.
inline bool ContainmentCounts(const DedupOptions& o, const Likeness& like) {
  // Containment within one site does not count: on the whole page, a short
  // article is contained in a long one by their shared furniture
  // (measured: every containment-only removal within a site of
  // CleanPortalEval was a different article). With main_text a page whose
  // furniture was masked has no site (ContainmentSite), so that it counts
  // on main texts without furniture only; a page compared whole keeps its
  // site (measured: on the generated crawl, which has no furniture,
  // same-site shortened copies took the Jaccard precision from 0.983 to
  // 0.969 when main_text let every same-site pair count). And it counts
  // only for an
  // excerpt or an extension (IsExcerpt): two versions of one size sharing
  // 70% of their shingles are an edit of Jaccard 0.54, not one text inside
  // the other (measured on the generated crawl: such removals took its
  // Jaccard precision from 0.999 to 0.71).
  return o.containment > 0 && like.containment >= o.containment &&
         !like.same_site &&
         IsExcerpt(like.containment, like.size_a, like.size_b,
                   o.containment_asymmetry);
}

// Returns true when a pair with `like` is a duplicate under `o` (resolved
// options): the one rule of the job, its distributed stages and explain
// (SimilarityMethod::Accepts of o.method).
bool IsDuplicate(const DedupOptions& o, const Likeness& like);

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_DEDUP_SIGNER_H_
