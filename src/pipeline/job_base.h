// Private: the part of a job (dedup, clean) that is the same for both:
// what it holds from start to end (inputs, output folder, options,
// progress, files, rejections, counts) and the steps at its two ends
// (opening the inputs and outputs, committing them) and the line-count
// pass both can run.

#ifndef NEARDUP_PIPELINE_JOB_BASE_H_
#define NEARDUP_PIPELINE_JOB_BASE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "neardup/clean.h"
#include "neardup/io.h"
#include "neardup/pipeline.h"
#include "pipeline/job.h"
#include "pipeline/run_report.h"

namespace neardup::internal {

// The base of a job class. `Options` (DedupOptions, CleanOptions) has
// overwrite, reader, output_format and report; `Stats` (DedupStats,
// CleanStats) derives from JobStats. Not thread safe: the thread that runs
// the job uses it.
template <typename Options, typename Stats>
class JobBase {
 public:
  JobBase(const JobBase&) = delete;
  JobBase& operator=(const JobBase&) = delete;

 protected:
  JobBase(const std::vector<InputFile>& inputs, std::string outdir,
          const Options& options, const ProgressFn& progress)
      : inputs_(inputs),
        outdir_(std::move(outdir)),
        options_(options),
        progress_(progress) {}
  ~JobBase() = default;

  // Opens the inputs and the output folder (JobFiles::Open with options_'
  // overwrite, reader and output format) and rejected.jsonl, and names
  // each input's path and output in stats_.files. Returns the first error.
  absl::Status OpenFiles() {
    if (auto s = files_.Open(inputs_, outdir_, options_.overwrite,
                             options_.reader,
                             options_.output_format == OutputFormat::kTextJsonl);
        !s.ok()) {
      return s;
    }
    if (auto s = rejected_.Open(OutPath("rejected.jsonl")); !s.ok()) return s;
    stats_.files.resize(files_.size());
    for (size_t f = 0; f < files_.size(); ++f) {
      stats_.files[f].path = files_.display(f);
      stats_.files[f].output = files_.output_name(f);
    }
    return absl::OkStatus();
  }

  // Ends the job (CommitJob) once every output but rejected.jsonl is
  // staged: report.html when options_.report (with the example texts the
  // job kept in `report_texts`, may be null: read again), then stats.json,
  // both from `stats_json()`.
  absl::Status Commit(Clock::time_point start,
                      const std::function<std::string()>& stats_json,
                      const ReportTexts* report_texts = nullptr) {
    WriteReportFn write_report;
    if (options_.report) {
      write_report = [this, report_texts](std::string_view json) {
        return WriteRunReport(outdir_, json, options_.reader, report_texts);
      };
    }
    return CommitJob(files_, rejected_, start, &stats_, stats_json,
                     write_report);
  }

  // The first pass of line counting: reads every input (ReadFirstPass,
  // accounting for each record in stats_ and rejected_ with `account`)
  // and adds each document's text and URL host to `counter` in input order,
  // prepared on `threads` threads (LineCountBatch, with `store` and
  // `prepare`, both may be null), with "count" progress.
  // `on_document(file)` (may be null) sees each document first. The caller
  // finishes the counter.
  absl::Status CountLinePass(LineCounter* counter, int threads,
                             LineStore* store,
                             LineCountBatch::PrepareFn prepare, bool account,
                             const std::function<void(size_t)>& on_document) {
    LineCountBatch batch(counter, threads, store, std::move(prepare));
    uint64_t docs = 0, bytes = 0;
    if (auto s = ReadFirstPass(
            files_, options_.reader, options_.cancel,
            account ? &stats_ : nullptr, account ? &rejected_ : nullptr,
            [&](size_t f, const Record& record) {
              if (on_document) on_document(f);
              batch.Add(record.text, UrlHost(record.url));
              bytes += record.raw.size();
              Report("count", ++docs, bytes);
              return absl::OkStatus();
            });
        !s.ok()) {
      return s;
    }
    batch.Flush();
    if (!batch.status().ok()) return batch.status();
    Report("count", docs, bytes, /*force=*/true);
    return absl::OkStatus();
  }

  // A progress event of `stage` (see ProgressReporter).
  void Report(std::string_view stage, uint64_t records, uint64_t bytes,
              bool force = false, uint64_t total_records = 0) {
    progress_.Report(
        {stage, records, bytes, files_.total_bytes(), total_records}, force);
  }
  std::string OutPath(std::string_view name) const {
    return files_.OutPath(name);
  }

  std::vector<InputFile> inputs_;
  std::string outdir_;
  Options options_;
  ProgressReporter progress_;
  JobFiles files_;
  RejectionLog rejected_;
  Stats stats_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_JOB_BASE_H_
