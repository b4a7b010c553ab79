// Private: the HTML report of a run (report.html), as strings. This module
// only builds text: it reads no file and keeps no state. The pipeline layer
// (src/pipeline/report.cc) fills the structs below from a finished run's
// files and writes the page.
//
// The page is self-contained: inline CSS and SVG, no script, no network
// address, readable without JavaScript and printable in grey scale (series
// are told apart by fill and hatching, not by hue). Every chart has a
// title, axis labels with units, and its numbers in a table beside it.
// Every string that comes from the data (document text, ids, file names,
// boilerplate lines) is repaired to valid UTF-8, cut to a bounded length,
// HTML-escaped and isolated for bidirectional text (<bdi>, dir="auto"), so
// no input can add markup, run script or reorder the page around it.
//
// Size: every list is cut to the k* bounds below, so the page stays a few
// hundred kilobytes whatever the size of the run. Deterministic: the page
// shows no timing or memory figure, so the same data gives the same bytes.

#ifndef NEARDUP_REPORT_REPORT_H_
#define NEARDUP_REPORT_REPORT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace neardup::internal {

// Bounds on what a page shows (the rest is counted, not listed).
inline constexpr size_t kReportMaxFiles = 100;          // per-file rows
inline constexpr size_t kReportMaxExcerptBytes = 1200;  // text per excerpt
inline constexpr size_t kReportMaxLabelBytes = 160;     // an id, a line
inline constexpr size_t kReportMaxExamples = 8;         // per example list
inline constexpr size_t kReportMaxClusters = 15;        // largest clusters
inline constexpr size_t kReportMaxSites = 8;            // boilerplate sites
inline constexpr size_t kReportMaxLinesPerSite = 5;
inline constexpr size_t kReportMaxShareRows = 15;       // largest share cut

// One row of the per-file table.
struct ReportFileRow {
  std::string path, format;
  uint64_t read = 0, kept = 0, removed = 0, rejected = 0;
};

// A removal shown as the kept and the removed text side by side.
struct DedupExample {
  std::string removed_id, removed_file;
  uint64_t removed_line = 0;
  std::string kept_id, kept_file;  // kept_file empty: not found in the inputs
  uint64_t kept_line = 0;
  double similarity = 0;
  int64_t cluster = -1;
  uint64_t removed_jsonl_line = 0;  // 1-based line of removed.jsonl
  std::string removed_text, kept_text;  // the documents' texts (any length)
};

struct ClusterRow {
  int64_t cluster = 0;
  uint64_t size = 0;
  std::string kept_id;
};

// What the dedup page shows; filled from stats.json, removed.jsonl,
// clusters.jsonl and the inputs.
struct DedupReport {
  std::string outdir;  // as the run named it, for the explain commands
  std::string method;  // minhash, simhash, exact
  std::string shingle = "word";
  int ngram = 5, num_perm = 0, bands = 0, rows = 0, hamming = 0;
  double threshold = 0;
  std::string verify, keep;
  bool dry_run = false;
  uint64_t read = 0, kept = 0, removed = 0, rejected = 0, truncated = 0;
  uint64_t too_short = 0, clusters = 0, text_bytes = 0;
  uint64_t candidate_pairs = 0, verified_pairs = 0, joined_pairs = 0;
  std::vector<ReportFileRow> files;
  // Similarity of the verified candidate pairs (minhash: estimated or exact
  // Jaccard in equal bins over [0, 1]; simhash: Hamming distance, one bin
  // per bit 0..hamming); empty when the run did not record it.
  std::vector<uint64_t> pairs_accepted, pairs_refused;
  // Cluster sizes: (members, clusters of that size), sizes ascending.
  std::vector<std::pair<uint64_t, uint64_t>> cluster_sizes;
  std::vector<ClusterRow> largest_clusters;  // largest first
  std::vector<DedupExample> nearest;  // removals nearest the threshold
  std::vector<DedupExample> sample;   // a sample of the other removals
};

// A cut inside one document, byte offsets into its text.
struct ReportCut {
  uint64_t begin = 0, end = 0;
  std::string reason;
  int64_t source_begin = -1;  // -1: none (boilerplate)
};

struct CleanExample {
  std::string id, file;
  uint64_t line = 0;
  std::string text;  // the document's text as read (any length)
  std::vector<ReportCut> cuts;  // sorted, not overlapping
};

struct BoilerplateRow {
  std::string site;  // "" when the documents have no URL
  std::string line;
  uint64_t docs = 0;
};

struct ShareRow {
  std::string id, file;
  uint64_t line = 0, text_bytes = 0, cut_bytes = 0;
};

// A repetition signal's distribution: counts of documents in 20 equal
// bins over [0, 1], and the Gopher threshold (NaN when there is none).
struct SignalHistogram {
  std::string name;
  double threshold = 0;
  std::vector<uint64_t> counts;
};

struct ReasonRow {
  std::string reason;
  uint64_t cuts = 0, bytes = 0;
};

// What the clean page shows; filled from stats.json, edits.jsonl,
// line_counts.jsonl, signals.jsonl and the inputs.
struct CleanReport {
  std::string outdir;
  uint64_t read = 0, kept = 0, removed = 0, rejected = 0, truncated = 0;
  uint64_t edited = 0, removed_empty = 0, removed_gopher = 0;
  uint64_t text_bytes = 0, cut_bytes = 0, not_rewritten = 0;
  bool annotate = false, signals_only = false;
  std::vector<ReportFileRow> files;
  std::vector<ReasonRow> reasons;
  std::vector<BoilerplateRow> boilerplate;  // most frequent first
  uint64_t boilerplate_distinct = 0;
  std::vector<ShareRow> largest_share;  // largest share first
  std::vector<CleanExample> examples;
  std::vector<SignalHistogram> signals;  // empty: none computed
};

// Returns the whole page of a dedup run. Cost: linear in the shown data.
std::string RenderDedupReport(const DedupReport& report);

// Returns the whole page of a clean run.
std::string RenderCleanReport(const CleanReport& report);

// Returns `text` repaired to valid UTF-8 and HTML-escaped (& < > " ').
std::string HtmlEscape(std::string_view text);

// Returns at most `max_bytes` of `text` starting at byte `begin`, both
// moved to UTF-8 character boundaries (never splitting a sequence).
std::string_view Utf8Excerpt(std::string_view text, size_t begin,
                             size_t max_bytes);

// Returns the two texts as HTML with the words that are not in their
// longest common word subsequence wrapped in <mark>; each text is first cut
// to kReportMaxExcerptBytes, from a little before the first byte where the
// two differ (the bytes skipped are said). Cost: O(words(a) x words(b)) time and 2-byte
// cells, at most about 600 x 600.
std::pair<std::string, std::string> WordDiffHtml(std::string_view a,
                                                 std::string_view b);

// The probability that a pair of Jaccard similarity j becomes an LSH
// candidate with `bands` bands of `rows` rows: 1 - (1 - j^rows)^bands.
double LshCandidateProbability(double j, int bands, int rows);

}  // namespace neardup::internal

#endif  // NEARDUP_REPORT_REPORT_H_
