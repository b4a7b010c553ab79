// Private: writes a run's report.html (see report/report.h for the page)
// from the run's files, for the jobs (before they write stats.json) and for
// WriteReport (neardup report OUTDIR, after the run).

#ifndef NEARDUP_PIPELINE_RUN_REPORT_H_
#define NEARDUP_PIPELINE_RUN_REPORT_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "neardup/io.h"

namespace neardup::internal {

// Writes OUTDIR/report.html for the run that `stats_json` (the text of its
// stats.json, which need not be on disk yet) describes: a dedup run when it
// has "candidate_pairs", a clean run when it has "cuts_boilerplate". Reads
// the run's other outputs in `outdir` (removed.jsonl, clusters.jsonl,
// edits.jsonl, line_counts.jsonl, signals.jsonl: each streamed once, memory
// bounded by the page's limits) and the inputs named in stats_json's
// "files" again with `reader`, but only until the documents shown as
// examples are found; an input that cannot be read any more leaves its
// examples out (said on the page), it is not an error. The page is written
// under a temporary name and renamed into place (an interrupted run leaves
// no report.html). Returns an error when stats_json is not a neardup
// stats.json or report.html cannot be written.
absl::Status WriteRunReport(const std::string& outdir,
                            std::string_view stats_json,
                            const ReaderOptions& reader);

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_RUN_REPORT_H_
