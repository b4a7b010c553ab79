// Private: writes a run's report.html (see report/report.h for the page)
// from the run's files, for the jobs (before they write stats.json) and for
// WriteReport (neardup report OUTDIR, after the run).

#ifndef NEARDUP_PIPELINE_RUN_REPORT_H_
#define NEARDUP_PIPELINE_RUN_REPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "neardup/io.h"

namespace neardup::internal {

// A removal that removed.jsonl lists (its fields), with its line there.
struct ReportRemoval {
  std::string id, file, kept_id;
  uint64_t line = 0;        // of the removed record in its input
  uint64_t jsonl_line = 0;  // 1-based line of removed.jsonl
  double similarity = 0;
  int64_t cluster = -1;
  // The job's document numbers of the removed and the kept record (0 when
  // read back from removed.jsonl).
  uint64_t doc = 0, kept_doc = 0;
  double order = 0;  // private to ReportExamples
};

// Chooses the removals a dedup page shows, from removed.jsonl's lines in
// order: the removals nearest the threshold (lowest similarity; simhash:
// largest distance; none for exact) and a sample of the others (the
// smallest XXH3 of their removed.jsonl line numbers: spread over the run,
// the same every time). The job and the page choose with this one rule.
class ReportExamples {
 public:
  explicit ReportExamples(std::string_view method) : method_(method) {}
  // True when the removal on `jsonl_line` with `similarity` would be kept
  // if offered (cheap: decide before building a ReportRemoval).
  bool Wants(uint64_t jsonl_line, double similarity) const;
  void Offer(const ReportRemoval& removal);
  // The removals nearest the threshold, nearest first.
  const std::vector<ReportRemoval>& nearest() const { return nearest_; }
  // The sample, without those in nearest(), in removed.jsonl order.
  std::vector<ReportRemoval> sample() const;

 private:
  std::string method_;
  std::vector<ReportRemoval> nearest_, sample_;
};

// Texts of documents the job read anyway (its write pass), so that the
// page need not read the inputs again: by (file as named, line) and by id.
struct ReportTexts {
  std::map<std::pair<std::string, uint64_t>, std::string> at;
  std::map<std::string, std::tuple<std::string, uint64_t, std::string>> ids;
};

// Adds `record`'s text (its first MiB: excerpts come from there) to
// `texts` under (file, line) and, unless there already, under its id.
void KeepReportText(const std::string& file, const Record& record,
                    ReportTexts* texts);

// Writes OUTDIR/report.html for the run that `stats_json` (the text of its
// stats.json, which need not be on disk yet) describes: a dedup run when it
// has "candidate_pairs", a clean run when it has "cuts_boilerplate". Reads
// the run's other outputs in `outdir` (removed.jsonl, clusters.jsonl,
// edits.jsonl, line_counts.jsonl, signals.jsonl: each streamed once, memory
// bounded by the page's limits) and the inputs named in stats_json's
// "files" again with `reader`, but only until the documents shown as
// examples are found; an input that cannot be read any more leaves its
// examples out (said on the page), it is not an error. Documents found in
// `texts` (may be null) are not looked for in the inputs. The page is written
// under a temporary name and renamed into place (an interrupted run leaves
// no report.html). Returns an error when stats_json is not a neardup
// stats.json or report.html cannot be written.
absl::Status WriteRunReport(const std::string& outdir,
                            std::string_view stats_json,
                            const ReaderOptions& reader,
                            const ReportTexts* texts = nullptr);

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_RUN_REPORT_H_
