// The clean job: count lines across documents, then rewrite every record
// with its repeated and boilerplate text cut, listing every cut.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "neardup/clean.h"
#include "neardup/pipeline.h"
#include "pipeline/job.h"
#include "pipeline/job_base.h"
#include "pipeline/run_report.h"
#include "pipeline/spill.h"

namespace neardup {
namespace {

using internal::Clock;
using internal::SecondsSince;

// Writes the Gopher repetition fractions of `f` (RepetitionSignals, or
// the GopherThresholds they are held against: the same names), 4 decimals.
template <typename Fractions>
void AddFractions(const Fractions& f, internal::JsonWriter* j) {
  j->Key("dup_line_fraction").Fixed(f.dup_line_fraction, 4);
  j->Key("dup_paragraph_fraction").Fixed(f.dup_paragraph_fraction, 4);
  j->Key("dup_line_char_fraction").Fixed(f.dup_line_char_fraction, 4);
  j->Key("dup_paragraph_char_fraction").Fixed(f.dup_paragraph_char_fraction, 4);
  for (int n = 2; n <= 4; ++n) {
    j->Key("top_" + std::to_string(n) + "gram_char_fraction")
        .Fixed(f.top_ngram_char_fraction[n - 2], 4);
  }
  for (int n = 5; n <= 10; ++n) {
    j->Key("dup_" + std::to_string(n) + "gram_char_fraction")
        .Fixed(f.dup_ngram_char_fraction[n - 5], 4);
  }
}

// Returns Normalize(text).empty(), normalizing only a text without an
// ASCII letter or digit (such a byte always leaves something).
bool NormalizesEmpty(std::string_view text) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
      return false;
    }
  }
  return Normalize(text).empty();
}

struct BoilerplateLine {
  std::string text;
  std::string site;
  uint32_t docs = 0;
};

class CleanJob : internal::JobBase<CleanOptions, CleanStats> {
 public:
  CleanJob(const std::vector<InputFile>& inputs, std::string outdir,
           const CleanOptions& options, const ProgressFn& progress)
      : JobBase(inputs, std::move(outdir), options, progress),
        threads_(internal::JobThreads(options.threads)) {
    for (int w = 0; w < threads_; ++w) finders_.emplace_back(options.repeat_options);
    stored_lines_.resize(threads_);
    finder_in_count_pass_ =
        options.repeats && options.repeat_options.normalize == NormalizeOptions{};
  }

  absl::StatusOr<CleanStats> Run();

 private:
  // What the rewrite pass works out for one document before it is
  // written: the part that depends on the document alone is done by worker
  // threads (Prepare), the syndication filter, which depends on every
  // earlier document, in input order (Decide).
  struct DocWork {
    std::vector<Cut> cuts;  // repeats and boilerplate, then syndicated
    std::string cleaned;    // the text with the cuts applied
    RepetitionSignals signals;  // of `cleaned` (of the text: signals only)
    bool empty_after_clean = false;
    // The document is the first of its site to carry one of its lines that
    // recur: its id is kept for the evidence of later boilerplate cuts.
    bool first_of_a_line = false;
    // Not OK when a finder produced a cut outside the text (a bug).
    absl::Status cuts_status;
  };

  absl::Status CountPass();
  void Prepare(int worker, uint64_t ordinal, const Record& record,
               DocWork* work);
  bool PrepareFromCountPass(int worker, uint64_t ordinal, const Record& record,
                            DocWork* work);
  void Complete(const Record& record, DocWork* work) const;
  absl::StatusOr<internal::RecordAction> Decide(size_t file, size_t doc,
                                                const Record& record,
                                                std::string* replacement);
  // removed.jsonl: the record, removed for `reason` (and counted).
  absl::StatusOr<internal::RecordAction> Remove(size_t file,
                                                const Record& record,
                                                std::string_view reason);
  // signals.jsonl, when the job writes it: the record's signals.
  absl::Status WriteSignals(const Record& record,
                            const RepetitionSignals& signals);
  // edits.jsonl: one cut of the record with its evidence (counted); a
  // boilerplate cut's line is kept for line_counts.jsonl.
  absl::Status WriteCut(const Record& record, const Cut& cut);
  // The record with its text cleaned: in its own format (ReplaceRecordText),
  // or its text for a file written as JSONL; a WARC response, whose text is
  // not its bytes, as read (counted in not_rewritten).
  absl::StatusOr<internal::RecordAction> Rewrite(size_t file,
                                                 const Record& record,
                                                 const std::string& cleaned,
                                                 std::string* replacement);
  absl::Status CheckCuts(const Record& record, size_t file,
                         absl::Span<const Cut> cuts) const;
  absl::Status Reject(size_t file, const Rejection& r);
  absl::Status WriteLineCounts();
  std::string StatsJson() const;
  // Keeps `share` among the documents with the largest share of their
  // text cut.
  void NoteShare(CleanStats::Share share, size_t doc);
  std::vector<size_t> share_docs_;  // input order of largest_share_cut

  std::unique_ptr<RecordWriter> edits_, removed_, signals_;
  int threads_;
  std::vector<RepeatFinder> finders_;  // one per worker thread
  // The counting pass runs the repeat finder (repeats on, with the
  // counter's normalization) and keeps its cuts in lines_.
  bool finder_in_count_pass_ = false;
  // The counting pass's lines of every document (only when it ran).
  internal::LineStore lines_;
  absl::Status lines_status_;  // reading spilled lines back
  std::vector<std::vector<KeyedLine>> stored_lines_;  // per worker, scratch
  // Of the batch being written and the one being prepared: document d's
  // is work_[d % work_.size()] (twice the documents of a batch).
  std::vector<DocWork> work_;
  std::unique_ptr<SyndicationFilter> syndication_;
  LineCounter counter_;
  // The counter's raw entries past their budget, as sorted runs in a spill
  // file of the output folder (gone when this goes, or on a kill).
  std::unique_ptr<internal::LineRunFile> line_runs_;
  bool counted_ = false;  // a first pass read and accounted every record
  std::vector<uint64_t> documents_;
  std::unordered_map<uint64_t, BoilerplateLine> boilerplate_lines_;
  // Ids of the documents that are the first of their site to carry a
  // recurring line, by ordinal (LineCounter's first_doc).
  std::unordered_map<uint64_t, std::string> first_ids_;
  std::vector<Cut> syndicated_cuts_;
  internal::JsonWriter json_;  // the line being written
};

// The invariant every edit of the job must meet, checked before anything
// of the record is written: each cut lies inside the record's text, cuts
// are sorted and do not overlap, and the job never cuts more bytes than it
// read. A violation is a bug in a rule, and the run stops with Internal
// (nothing renamed into place) rather than write a damaged record.
absl::Status CleanJob::CheckCuts(const Record& record, size_t file,
                                 absl::Span<const Cut> cuts) const {
  size_t previous_end = 0;
  uint64_t bytes = 0;
  for (const Cut& c : cuts) {
    if (c.begin >= c.end || c.end > record.text.size() || c.begin < previous_end) {
      return absl::InternalError(
          "internal error: a " + std::string(CutReasonName(c.reason)) +
          " cut [" + std::to_string(c.begin) + ", " + std::to_string(c.end) +
          ") of record " + std::string(record.id) + " (" + files_.display(file) +
          " line " + std::to_string(record.line) + ") does not lie inside its " +
          std::to_string(record.text.size()) +
          " bytes of text after the previous cut; nothing was written");
    }
    previous_end = c.end;
    bytes += c.end - c.begin;
  }
  if (stats_.cut_bytes + bytes > stats_.text_bytes) {
    return absl::InternalError(
        "internal error: more bytes cut (" +
        std::to_string(stats_.cut_bytes + bytes) + ") than read (" +
        std::to_string(stats_.text_bytes) + ") at record " +
        std::string(record.id) + "; nothing was written");
  }
  return absl::OkStatus();
}

absl::Status CleanJob::Reject(size_t file, const Rejection& r) {
  return internal::CountRejection(files_, file, r, &stats_, &rejected_);
}

// Counts the lines of every document, in batches signed by worker threads
// with a counter each, merged at the end (the counts do not depend on how
// the documents were split).
absl::Status CleanJob::CountPass() {
  const auto start = Clock::now();
  // Workers prepare a batch; the counter takes it in input order, so the
  // near-duplicate rule sees documents in the same order for any thread
  // count.
  // The repeat finder runs here too when its lines are the counter's (the
  // default normalization): each line is normalized once in the job, and
  // the rewrite pass takes its cuts and lines from lines_.
  internal::LineCountBatch::PrepareFn prepare;
  if (finder_in_count_pass_) {
    prepare = [this](int worker, std::string_view text, std::string_view site,
                     internal::CountedLines* kept) {
      RepeatFinder& finder = finders_[worker];
      finder.FindKeepingWordHashes(text, &kept->repeat_cuts);
      kept->lines = finder.lines();
      return LineCounter::Prepare(finder, site);
    };
  }
  documents_.assign(files_.size(), 0);
  // The raw entries are held up to the dedup counter's budget (48 MiB:
  // about 130,000 pages spill nothing) and spilled past it, so that
  // counting a crawl of any size holds a bounded table (the counts are the
  // same for any budget: LineCounter::SpillTo).
  // The kept lines likewise past the rest of the budget (a quarter), read
  // back a batch at a time by the rewrite pass.
  const uint64_t line_budget = internal::LineBudgetBytes(0);
  line_runs_ = std::make_unique<internal::LineRunFile>(outdir_);
  counter_.SpillTo(line_runs_.get(), internal::CounterBudgetBytes(line_budget));
  lines_.SpillPast(outdir_, std::max<uint64_t>(1, line_budget / 4));
  if (auto s = CountLinePass(&counter_, threads_, &lines_, std::move(prepare),
                             /*account=*/true,
                             [this](size_t f) { ++documents_[f]; });
      !s.ok()) {
    return s;
  }
  stats_.count_near_duplicates = counter_.near_duplicates();
  // Weak evidence needs one document less than min_docs (at least 2).
  counter_.Finish(std::max<uint32_t>(2, options_.boilerplate_options.min_docs - 1));
  stats_.spilled_bytes = counter_.spilled_bytes() + lines_.spilled_bytes();
  line_runs_.reset();  // the runs are merged: the spill file goes
  // A run that could not be written or read back whole stops the job.
  if (!counter_.status().ok()) return counter_.status();
  counted_ = true;
  stats_.stage_seconds.push_back({"count", SecondsSince(start)});
  return absl::OkStatus();
}

// Prepare from what the counting pass kept of the document (its lines,
// and with finder_in_count_pass_ its repeat cuts): no line is normalized
// again. Returns false, having done nothing, when it kept nothing of it.
bool CleanJob::PrepareFromCountPass(int worker, uint64_t ordinal,
                                    const Record& record, DocWork* work) {
  if (!lines_.available(ordinal)) return false;
  const std::string_view text = record.text;
  std::vector<KeyedLine>& lines = stored_lines_[worker];
  lines_.Lines(ordinal, &lines);
  // A file changed between the passes may not match its lines: worked out
  // again (what the run makes of such a file is undefined, but no cut may
  // fall outside the text).
  if (!lines.empty() && lines.back().cut_end > text.size()) return false;
  std::vector<Cut> repeat_cuts, boilerplate_cuts;
  if (finder_in_count_pass_) {
    const absl::Span<const Cut> stored = lines_.RepeatCuts(ordinal);
    repeat_cuts.assign(stored.begin(), stored.end());
  } else if (options_.repeats) {
    finders_[worker].Find(text, &repeat_cuts);
  }
  FindBoilerplate(lines, UrlHost(record.url), counter_,
                  options_.boilerplate_options, &boilerplate_cuts);
  const uint64_t site = LineCounter::SiteKey(UrlHost(record.url));
  for (const KeyedLine& line : lines) {
    const LineCounter::LineEvidence e = counter_.SiteEvidence(site, line.key);
    if (e.docs > 0 && e.first_doc == ordinal) {
      work->first_of_a_line = true;
      break;
    }
  }
  work->cuts = MergeCuts(std::move(repeat_cuts), std::move(boilerplate_cuts));
  if (!syndication_) Complete(record, work);
  return true;
}

void CleanJob::Prepare(int worker, uint64_t ordinal, const Record& record,
                       DocWork* work) {
  const std::string_view text = record.text;
  work->cuts.clear();
  work->first_of_a_line = false;
  if (options_.signals_only) {
    work->signals = ComputeRepetitionSignals(text);
    return;
  }
  std::vector<Cut> repeat_cuts, boilerplate_cuts;
  RepeatFinder& finder = finders_[worker];
  if (PrepareFromCountPass(worker, ordinal, record, work)) return;
  if (options_.repeats) finder.Find(text, &repeat_cuts);
  if (options_.boilerplate) {
    // The line counts are keys of the default normalization.
    if (options_.repeats && options_.repeat_options.normalize == NormalizeOptions{}) {
      FindBoilerplate(finder.lines(), UrlHost(record.url), counter_,
                      options_.boilerplate_options, &boilerplate_cuts);
    } else {
      FindBoilerplate(text, UrlHost(record.url), counter_,
                      options_.boilerplate_options, &boilerplate_cuts);
    }
  }
  if (options_.boilerplate && counted_) {
    // Is this the first document of its site carrying a recurring line?
    // (Counts loaded from a file come from another run: their first
    // documents are not this run's.)
    const uint64_t site = LineCounter::SiteKey(UrlHost(record.url));
    auto first_here = [&](uint64_t key) {
      const LineCounter::LineEvidence e = counter_.SiteEvidence(site, key);
      return e.docs > 0 && e.first_doc == ordinal;
    };
    if (options_.repeats && options_.repeat_options.normalize == NormalizeOptions{}) {
      for (const KeyedLine& line : finder.lines()) {
        if (first_here(line.key)) {
          work->first_of_a_line = true;
          break;
        }
      }
    } else {
      Normalizer normalizer;
      std::string normalized;
      for (const TextSpan& line : SplitLines(text)) {
        normalizer.Normalize(line.In(text), &normalized);
        if (!normalized.empty() && first_here(LineCounter::LineKey(normalized))) {
          work->first_of_a_line = true;
          break;
        }
      }
    }
  }
  work->cuts = MergeCuts(std::move(repeat_cuts), std::move(boilerplate_cuts));
  if (!syndication_) Complete(record, work);
}

void CleanJob::Complete(const Record& record, DocWork* work) const {
  const std::string_view text = record.text;
  // A truncated document is cleaned on its first max_document_bytes; the
  // rest stays as it was.
  absl::StatusOr<std::string> cleaned = ApplyCuts(text, work->cuts);
  if (!cleaned.ok()) {
    work->cuts_status = absl::InternalError(
        "record " + std::string(record.id) + ": " +
        std::string(cleaned.status().message()));
    work->cleaned = std::string(text);
  } else {
    work->cleaned = *std::move(cleaned);
  }
  work->cleaned.append(record.text_rest);
  if (options_.gopher_filter) work->signals = ComputeRepetitionSignals(work->cleaned);
  work->empty_after_clean = !work->cuts.empty() && !NormalizesEmpty(text) &&
                            NormalizesEmpty(work->cleaned);
}

absl::StatusOr<internal::RecordAction> CleanJob::Decide(
    size_t file, size_t doc, const Record& record, std::string* replacement) {
  using internal::RecordAction;
  if (auto s = internal::CheckCancel(options_.cancel); !s.ok()) return s;
  FileCounts& counts = stats_.files[file];
  if (!counted_) internal::CountDocument(file, record, &stats_);
  const std::string_view text = record.text;
  DocWork& work = work_[doc % work_.size()];
  // The cleaned text is not kept once written: the ring holds many slots.
  struct ReleaseCleaned {
    DocWork& work;
    ~ReleaseCleaned() { std::string().swap(work.cleaned); }
  } release{work};
  if (options_.boilerplate && UrlHost(record.url).empty()) ++stats_.without_url;
  if (work.first_of_a_line) first_ids_[doc] = std::string(record.id);
  if (options_.signals_only) {
    if (auto s = WriteSignals(record, work.signals); !s.ok()) return s;
    ++stats_.kept;
    ++counts.kept;
    return RecordAction::kKeep;
  }
  // Every document goes through the filter, in input order, so the first
  // occurrence of a paragraph is the one kept.
  if (syndication_) {
    syndicated_cuts_.clear();  // FindAndAdd appends: this document's only
    syndication_->FindAndAdd(text, &syndicated_cuts_);
    work.cuts = MergeCuts(std::move(work.cuts), syndicated_cuts_);
    Complete(record, &work);
  }
  if (!work.cuts_status.ok()) return work.cuts_status;
  const std::vector<Cut>& cuts = work.cuts;
  if (auto s = CheckCuts(record, file, cuts); !s.ok()) return s;

  if (options_.gopher_filter) {
    if (auto st = WriteSignals(record, work.signals); !st.ok()) return st;
    const std::string exceeded = ExceededGopherSignal(work.signals, options_.gopher);
    if (!exceeded.empty()) {
      ++stats_.removed_gopher;
      return Remove(file, record, "gopher:" + exceeded);
    }
  }
  if (work.empty_after_clean) {
    ++stats_.removed_empty;
    return Remove(file, record, "empty_after_clean");
  }
  for (const Cut& c : cuts) {
    if (auto s = WriteCut(record, c); !s.ok()) return s;
  }
  ++stats_.kept;
  ++counts.kept;
  if (!cuts.empty() && !text.empty()) {
    uint64_t cut = 0;
    for (const Cut& c : cuts) cut += c.end - c.begin;
    NoteShare({std::string(record.id), files_.display(file), record.line,
               text.size(), cut},
              doc);
  }
  if (cuts.empty() || options_.annotate) return RecordAction::kKeep;
  return Rewrite(file, record, work.cleaned, replacement);
}

absl::StatusOr<internal::RecordAction> CleanJob::Remove(
    size_t file, const Record& record, std::string_view reason) {
  ++stats_.removed;
  ++stats_.files[file].removed;
  json_.Clear();
  json_.Key("id").String(record.id).Key("file").String(files_.display(file));
  json_.Key("line").Uint(record.line).Key("reason").String(reason);
  if (auto s = removed_->WriteLine(json_.Finish()); !s.ok()) return s;
  return internal::RecordAction::kDrop;
}

absl::Status CleanJob::WriteSignals(const Record& record,
                                    const RepetitionSignals& signals) {
  if (!signals_) return absl::OkStatus();
  json_.Clear();
  json_.Key("id").String(record.id);
  AddFractions(signals, &json_);
  json_.Key("exceeds").StringOrNull(ExceededGopherSignal(signals, options_.gopher));
  return signals_->WriteLine(json_.Finish());
}

absl::Status CleanJob::WriteCut(const Record& record, const Cut& c) {
  ++stats_.cuts_of(c.reason);
  stats_.cut_bytes += c.end - c.begin;
  json_.Clear();
  json_.Key("id").String(record.id).Key("start").Uint(c.begin);
  json_.Key("end").Uint(c.end).Key("reason").String(CutReasonName(c.reason));
  if (c.source_begin == Cut::kNoSource) {
    json_.Key("source_id").Null().Key("source_start").Null();
  } else {
    json_.Key("source_id").String(record.id);
    json_.Key("source_start").Uint(c.source_begin);
  }
  if (c.reason != CutReason::kBoilerplate) return edits_->WriteLine(json_.Finish());
  // The evidence: in how many documents (and article families) of which
  // site the line occurs, and the first of them.
  const std::string site = UrlHost(record.url);
  json_.Key("site").StringOrNull(site);
  json_.Key("docs").Uint(c.docs).Key("families").Uint(c.families);
  const auto first = first_ids_.find(c.first_doc);
  json_.Key("first_id");
  if (counted_ && first != first_ids_.end()) {
    json_.String(first->second);
  } else {
    json_.Null();
  }
  if (auto s = edits_->WriteLine(json_.Finish()); !s.ok()) return s;
  // The line, for line_counts.jsonl.
  std::string_view cut_line = record.text.substr(c.begin, c.end - c.begin);
  while (!cut_line.empty() && (cut_line.back() == '\n' || cut_line.back() == '\r')) {
    cut_line.remove_suffix(1);
  }
  const uint64_t key = LineCounter::LineKey(Normalize(cut_line));
  const uint64_t entry_key = key ^ (LineCounter::SiteKey(site) * 0x9E3779B97F4A7C15ull);
  auto [it, inserted] = boilerplate_lines_.try_emplace(entry_key);
  if (inserted) {
    it->second.text = std::string(cut_line);
    it->second.site = site;
    it->second.docs = c.docs;
  }
  return absl::OkStatus();
}

absl::StatusOr<internal::RecordAction> CleanJob::Rewrite(
    size_t file, const Record& record, const std::string& cleaned,
    std::string* replacement) {
  using internal::RecordAction;
  if (files_.converts(file)) {  // written as a JSONL text record
    ++stats_.edited;
    *replacement = cleaned;
    return RecordAction::kReplace;
  }
  const absl::Status replaced = ReplaceRecordText(record, cleaned, replacement);
  if (absl::IsFailedPrecondition(replaced)) {
    ++stats_.not_rewritten;  // a WARC response: its text is not its bytes
    return RecordAction::kKeep;
  }
  if (!replaced.ok()) {
    return absl::Status(replaced.code(), files_.display(file) + " record " +
                                             std::to_string(record.line) + ": " +
                                             std::string(replaced.message()));
  }
  ++stats_.edited;
  return RecordAction::kReplace;
}

void CleanJob::NoteShare(CleanStats::Share share, size_t doc) {
  constexpr size_t kKeep = 15;
  auto& list = stats_.largest_share_cut;
  // share a > share b, compared without division; ties: input order.
  auto before = [](const CleanStats::Share& a, size_t da,
                   const CleanStats::Share& b, size_t db) {
    const unsigned __int128 x =
        static_cast<unsigned __int128>(a.cut_bytes) * b.text_bytes;
    const unsigned __int128 y =
        static_cast<unsigned __int128>(b.cut_bytes) * a.text_bytes;
    return x != y ? x > y : da < db;
  };
  if (list.size() == kKeep &&
      !before(share, doc, list.back(), share_docs_.back())) {
    return;
  }
  size_t at = list.size();
  while (at > 0 && before(share, doc, list[at - 1], share_docs_[at - 1])) --at;
  list.insert(list.begin() + static_cast<std::ptrdiff_t>(at), std::move(share));
  share_docs_.insert(share_docs_.begin() + static_cast<std::ptrdiff_t>(at), doc);
  if (list.size() > kKeep) {
    list.pop_back();
    share_docs_.pop_back();
  }
}

absl::Status CleanJob::WriteLineCounts() {
  std::vector<const BoilerplateLine*> lines;
  for (const auto& [key, line] : boilerplate_lines_) lines.push_back(&line);
  std::sort(lines.begin(), lines.end(), [](const auto* a, const auto* b) {
    if (a->docs != b->docs) return a->docs > b->docs;
    if (a->site != b->site) return a->site < b->site;
    return a->text < b->text;
  });
  stats_.boilerplate_lines = lines.size();
  auto out = RecordWriter::Create(files_.OutPath("line_counts.jsonl"),
                                  InputFormat::kJsonl, Compression::kNone);
  if (!out.ok()) return out.status();
  for (const BoilerplateLine* l : lines) {
    json_.Clear();
    json_.Key("line").String(l->text).Key("docs").Uint(l->docs);
    json_.Key("site").StringOrNull(l->site);
    if (auto s = (*out)->WriteLine(json_.Finish()); !s.ok()) return s;
  }
  return files_.Stage(*std::move(out));
}

std::string CleanJob::StatsJson() const {
  internal::JsonWriter j;
  internal::AddRecordCounts(stats_, &j);
  j.Key("edited").Uint(stats_.edited);
  j.Key("removed_empty_after_clean").Uint(stats_.removed_empty);
  j.Key("removed_gopher").Uint(stats_.removed_gopher);
  for (size_t r = 0; r < kCutReasonCount; ++r) {
    const auto reason = static_cast<CutReason>(r);
    j.Key(std::string("cuts_") + CutReasonName(reason)).Uint(stats_.cuts_of(reason));
  }
  j.Key("cut_bytes").Uint(stats_.cut_bytes);
  j.Key("text_bytes").Uint(stats_.text_bytes);
  j.Key("not_rewritten").Uint(stats_.not_rewritten);
  j.Key("boilerplate_lines").Uint(stats_.boilerplate_lines);
  j.Key("count_near_duplicates").Uint(stats_.count_near_duplicates);
  j.Key("without_url").Uint(stats_.without_url);
  j.Key("peak_rss_bytes").Uint(stats_.peak_rss_bytes);
  if (stats_.spilled_bytes > 0) j.Key("spilled_bytes").Uint(stats_.spilled_bytes);
  const auto& r = options_.repeat_options;
  const auto& b = options_.boilerplate_options;
  j.Key("parameters").Object();
  j.Key("repeats").Bool(options_.repeats);
  j.Key("min_single_line_bytes").Uint(r.min_single_line_bytes);
  j.Key("near_similarity").Fixed(r.near_similarity, 4);
  j.Key("block_similarity").Fixed(r.block_similarity, 4);
  j.Key("boilerplate").Bool(options_.boilerplate);
  j.Key("boilerplate_min_docs").Uint(b.min_docs);
  j.Key("boilerplate_max_line_bytes").Uint(b.max_line_bytes);
  j.Key("syndicated").Bool(options_.syndicated);
  j.Key("syndicated_threshold").Fixed(options_.syndication.threshold, 4);
  j.Key("syndicated_min_words").Uint(options_.syndication.min_words);
  j.Key("line_counts_file").String(options_.line_counts_file);
  j.Key("gopher_filter").Bool(options_.gopher_filter);
  j.Key("signals_only").Bool(options_.signals_only);
  j.Key("annotate").Bool(options_.annotate);
  j.Key("text_field").String(options_.reader.text_field);
  j.Key("id_field").String(options_.reader.id_field);
  j.Key("gopher").Object();
  AddFractions(options_.gopher, &j);
  j.End().End();
  j.Key("largest_share_cut").Array();
  for (const CleanStats::Share& sh : stats_.largest_share_cut) {
    j.Object().Key("id").String(sh.id).Key("file").String(sh.file);
    j.Key("line").Uint(sh.line).Key("text_bytes").Uint(sh.text_bytes);
    j.Key("cut_bytes").Uint(sh.cut_bytes).End();
  }
  j.End();
  internal::AddStageSeconds(stats_, /*digits=*/4, &j);
  internal::AddJobFiles(stats_, /*with_format=*/false, options_.skipped_files,
                        &j);
  return j.Finish();
}

absl::StatusOr<CleanStats> CleanJob::Run() {
  const auto start = Clock::now();
  if (auto s = OpenFiles(); !s.ok()) return s;
  for (auto [name, writer] : {std::pair{"edits.jsonl", &edits_},
                              std::pair{"removed.jsonl", &removed_}}) {
    // Written while the rewrite pass reads and decides (see OutputSink).
    WriterOptions background;
    background.background = true;
    auto w = RecordWriter::Create(files_.OutPath(name), InputFormat::kJsonl,
                                  Compression::kNone, background);
    if (!w.ok()) return w.status();
    *writer = *std::move(w);
  }
  if (options_.signals_only || options_.gopher_filter) {
    auto w = RecordWriter::Create(files_.OutPath("signals.jsonl"),
                                  InputFormat::kJsonl, Compression::kNone);
    if (!w.ok()) return w.status();
    signals_ = *std::move(w);
  }
  if (options_.syndicated && !options_.signals_only) {
    syndication_ = std::make_unique<SyndicationFilter>(options_.syndication);
  }
  const bool boilerplate = options_.boilerplate && !options_.signals_only;
  if (boilerplate) {
    if (!options_.line_counts_file.empty()) {
      auto loaded = internal::ReadLineCounts(options_.line_counts_file);
      if (!loaded.ok()) return loaded.status();
      counter_ = *std::move(loaded);
    } else if (auto s = CountPass(); !s.ok()) {
      return s;
    }
    auto bin = RecordWriter::Create(files_.OutPath("line_counts.bin"),
                                    InputFormat::kText, Compression::kNone);
    if (!bin.ok()) return bin.status();
    if (auto s = (*bin)->Write(counter_.Serialize()); !s.ok()) return s;
    if (auto s = files_.Stage(*std::move(bin)); !s.ok()) return s;
  } else {
    options_.boilerplate = false;
  }

  const auto clean_start = Clock::now();
  auto decide = [this](size_t f, size_t doc, const Record& record,
                       std::string* replacement) {
    return Decide(f, doc, record, replacement);
  };
  internal::RewriteOptions rewrite;
  // Sized before any batch is prepared (see RewriteOptions).
  work_.resize(2 * rewrite.batch_records);
  // The preparing task's workers, kept from batch to batch.
  internal::WorkerPool prepare_pool(threads_);
  rewrite.prepare = [this, &prepare_pool](size_t first_doc,
                                          absl::Span<const Record> records) {
    // Spilled lines: the batch's read back (one batch is prepared at a
    // time, and only Prepare reads them). A failure stops the job after
    // the pass (lines_status_); the batch's lines are then worked out
    // again from the texts.
    if (lines_.spilled() && lines_status_.ok()) {
      lines_status_ = lines_.Load(first_doc, first_doc + records.size());
    }
    prepare_pool.ParallelFor(records.size(), [&](int worker, size_t i) {
      Prepare(worker, first_doc + i, records[i], &work_[(first_doc + i) % work_.size()]);
    });
  };
  uint64_t docs_done = 0, bytes_done = 0;
  const uint64_t total_docs = counted_ ? stats_.read - stats_.rejected : 0;
  auto progress = [&](uint64_t docs, uint64_t bytes) {
    docs_done = docs;
    bytes_done = bytes;
    Report("clean", docs, bytes, false, total_docs);
  };
  internal::RejectionFn on_rejection = nullptr;
  if (!counted_) {
    on_rejection = [this](size_t f, const Rejection& r) { return Reject(f, r); };
  }
  if (auto s = internal::RewriteInputs(
          files_, options_.reader,
          counted_ ? documents_ : std::vector<uint64_t>(), decide, progress,
          on_rejection, rewrite);
      !s.ok()) {
    return s;
  }
  if (!lines_status_.ok()) return lines_status_;
  Report("clean", docs_done, bytes_done, true, total_docs);
  stats_.stage_seconds.push_back({"clean", SecondsSince(clean_start)});
  if (!counted_) {
    stats_.fields = files_.fields();
    if (auto s = internal::CheckFields(stats_.fields, options_.reader); !s.ok()) {
      return s;
    }
  }
  if (auto s = WriteLineCounts(); !s.ok()) return s;
  for (auto* w : {&edits_, &removed_, &signals_}) {
    if (*w) {
      if (auto s = files_.Stage(std::move(*w)); !s.ok()) return s;
    }
  }
  if (auto s = Commit(start, [this] { return StatsJson(); }); !s.ok()) {
    return s;
  }
  return stats_;
}

}  // namespace

absl::StatusOr<CleanStats> RunClean(const std::vector<InputFile>& inputs,
                                    const std::string& outdir,
                                    const CleanOptions& options,
                                    const ProgressFn& progress) {
  if (auto s = ValidateCleanOptions(options); !s.ok()) return s;
  CleanJob job(inputs, outdir, options, progress);
  return job.Run();
}

absl::Status ValidateCleanOptions(const CleanOptions& options) {
  auto invalid = [](const std::string& name, const std::string& rule,
                    double value) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%g", value);
    return absl::InvalidArgumentError(name + " must be " + rule + ", got " +
                                      buf);
  };
  if (options.threads < 0) {
    return invalid("threads", "at least 0 (0: one per core)", options.threads);
  }
  const double near = options.repeat_options.near_similarity;
  if (!(near >= 0 && near <= 1)) {
    return invalid("repeat_options.near_similarity", "0 to 1", near);
  }
  const double block = options.repeat_options.block_similarity;
  if (!(block >= 0 && block <= 1)) {
    return invalid("repeat_options.block_similarity", "0 to 1", block);
  }
  if (options.boilerplate_options.min_docs < 2) {
    return invalid("boilerplate_options.min_docs",
                   "at least 2 (a line of one document is not boilerplate)",
                   options.boilerplate_options.min_docs);
  }
  const double syndicated = options.syndication.threshold;
  if (!(syndicated >= 0 && syndicated <= 1)) {
    return invalid("syndication.threshold", "0 to 1", syndicated);
  }
  const GopherThresholds& g = options.gopher;
  const std::pair<const char*, double> scalars[] = {
      {"gopher.dup_line_fraction", g.dup_line_fraction},
      {"gopher.dup_paragraph_fraction", g.dup_paragraph_fraction},
      {"gopher.dup_line_char_fraction", g.dup_line_char_fraction},
      {"gopher.dup_paragraph_char_fraction", g.dup_paragraph_char_fraction}};
  for (const auto& [name, value] : scalars) {
    if (!(value >= 0)) return invalid(name, "at least 0", value);
  }
  for (size_t i = 0; i < g.top_ngram_char_fraction.size(); ++i) {
    const double value = g.top_ngram_char_fraction[i];
    if (!(value >= 0)) {
      return invalid("gopher.top_ngram_char_fraction[" + std::to_string(i) +
                         "]",
                     "at least 0", value);
    }
  }
  for (size_t i = 0; i < g.dup_ngram_char_fraction.size(); ++i) {
    const double value = g.dup_ngram_char_fraction[i];
    if (!(value >= 0)) {
      return invalid("gopher.dup_ngram_char_fraction[" + std::to_string(i) +
                         "]",
                     "at least 0", value);
    }
  }
  return absl::OkStatus();
}

}  // namespace neardup
