// Fills the report's structs from a run's files and writes report.html.

#include "pipeline/run_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "neardup/pipeline.h"
#include "report/report.h"
#include "simdjson.h"
#include "xxhash.h"

namespace neardup {
namespace internal {
namespace {

namespace fs = std::filesystem;
using simdjson::dom::element;

uint64_t U64(element e, const char* key) {
  uint64_t v = 0;
  if (e[key].get_uint64().get(v) != simdjson::SUCCESS) return 0;
  return v;
}

double F64(element e, const char* key, double fallback = 0) {
  double v = fallback;
  if (e[key].get_double().get(v) != simdjson::SUCCESS) return fallback;
  return v;
}

std::string Str(element e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

bool Bool(element e, const char* key) {
  bool v = false;
  if (e[key].get_bool().get(v) != simdjson::SUCCESS) return false;
  return v;
}

std::vector<uint64_t> U64Array(element e, const char* key) {
  std::vector<uint64_t> out;
  simdjson::dom::array a;
  if (e[key].get_array().get(a) != simdjson::SUCCESS) return out;
  for (element v : a) {
    uint64_t x = 0;
    if (v.get_uint64().get(x) != simdjson::SUCCESS) x = 0;
    out.push_back(x);
  }
  return out;
}

std::vector<ReportFileRow> Files(element stats) {
  std::vector<ReportFileRow> files;
  simdjson::dom::array a;
  if (stats["files"].get_array().get(a) != simdjson::SUCCESS) return files;
  for (element f : a) {
    files.push_back({Str(f, "path"), Str(f, "format"), U64(f, "read"),
                     U64(f, "kept"), U64(f, "removed"), U64(f, "rejected")});
  }
  return files;
}

// Calls fn(line_number, parsed line) for each JSON line of a file; a line
// that does not parse is skipped. A missing file has no lines.
template <typename Fn>
void ForEachJsonLine(const std::string& path, Fn fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;
  simdjson::dom::parser parser;
  std::string line;
  uint64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    element e;
    if (parser.parse(line).get(e) != simdjson::SUCCESS) continue;
    if (!fn(number, e)) break;
  }
}

// What to find again in the inputs: documents by (file, line) and by id.
struct Wanted {
  std::set<std::pair<std::string, uint64_t>> at;  // (file as named, line)
  std::set<std::string> ids;
};

using Found = ReportTexts;

// Of each text shown, the page needs at most this much (excerpts come from
// its start, or from near the first byte where two texts differ).
constexpr size_t kMaxTextBytes = size_t{1} << 20;

// Keeps the k smallest by `order` (ties: earlier line first).
void KeepSmallest(std::vector<ReportRemoval>* list, const ReportRemoval& r,
                  size_t k) {
  auto less = [](const ReportRemoval& a, const ReportRemoval& b) {
    return a.order != b.order ? a.order < b.order : a.jsonl_line < b.jsonl_line;
  };
  if (list->size() == k && !less(r, list->back())) return;
  list->insert(std::upper_bound(list->begin(), list->end(), r, less), r);
  if (list->size() > k) list->pop_back();
}

// Nearest the threshold first: the lowest Jaccard (every removal is at or
// above it), or the largest Hamming distance (all are within it).
double NearOrder(const std::string& method, double similarity) {
  return method == "simhash" ? -similarity : similarity;
}

double SampleOrder(uint64_t jsonl_line) {
  return static_cast<double>(XXH3_64bits(&jsonl_line, sizeof(jsonl_line)));
}

// Reads the inputs in order until every wanted document is found. Returns
// the number of inputs that could not be opened.
size_t FindDocuments(const std::vector<ReportFileRow>& files,
                     const ReaderOptions& reader, const Wanted& wanted,
                     Found* found) {
  size_t missing = 0;
  size_t left = wanted.at.size() + wanted.ids.size();
  if (left == 0) return 0;
  ReaderOptions options = reader;
  options.keep_pass_through = false;
  Record record;
  Rejection rejection;
  for (const ReportFileRow& f : files) {
    if (left == 0) break;
    auto opened = f.path == "-" ? absl::StatusOr<std::unique_ptr<RecordReader>>(
                                      absl::NotFoundError("standard input"))
                                : RecordReader::Open(f.path, options);
    if (!opened.ok()) {
      ++missing;
      continue;
    }
    RecordReader& in = **opened;
    for (;;) {
      const auto result = in.Next(&record, &rejection);
      if (result == RecordReader::Result::kEnd) break;
      if (result == RecordReader::Result::kRejected) continue;
      const auto key = std::make_pair(f.path, record.line);
      if (wanted.at.count(key) && !found->at.count(key)) {
        found->at[key] = std::string(Utf8Excerpt(record.text, 0, kMaxTextBytes));
        --left;
      }
      if (!wanted.ids.empty()) {
        const std::string id(record.id);
        if (wanted.ids.count(id) && !found->ids.count(id)) {
          found->ids[id] = {f.path, record.line,
                            std::string(Utf8Excerpt(record.text, 0, kMaxTextBytes))};
          --left;
        }
      }
      if (left == 0) break;
    }
  }
  return missing;
}

// The parameters and counts of a dedup run's stats.json.
void ReadDedupCounts(element stats, DedupReport* report) {
  DedupReport& r = *report;
  element p = stats["parameters"];
  r.method = Str(p, "method");
  r.shingle = Str(p, "shingle");
  r.ngram = static_cast<int>(U64(p, "ngram"));
  r.num_perm = static_cast<int>(U64(p, "num_perm"));
  r.bands = static_cast<int>(U64(p, "bands"));
  r.rows = static_cast<int>(U64(p, "rows"));
  r.hamming = static_cast<int>(U64(p, "hamming"));
  r.threshold = F64(p, "threshold");
  r.verify = Str(p, "verify");
  r.keep = Str(p, "keep");
  r.dry_run = Bool(stats, "dry_run");
  r.read = U64(stats, "read");
  r.kept = U64(stats, "kept");
  r.removed = U64(stats, "removed");
  r.rejected = U64(stats, "rejected");
  r.truncated = U64(stats, "truncated");
  r.too_short = U64(stats, "removed_too_short");
  r.clusters = U64(stats, "clusters");
  r.text_bytes = U64(stats, "text_bytes");
  r.candidate_pairs = U64(stats, "candidate_pairs");
  r.verified_pairs = U64(stats, "verified_pairs");
  r.joined_pairs = U64(stats, "joined_pairs");
  r.files = Files(stats);
  element hist;
  if (stats["pair_similarity"].get(hist) == simdjson::SUCCESS) {
    r.pairs_accepted = U64Array(hist, "accepted");
    r.pairs_refused = U64Array(hist, "refused");
  }
}

// The cluster sizes of a dedup run's clusters.jsonl, and its largest
// clusters.
void ReadClusterSizes(const std::string& outdir, DedupReport* report) {
  DedupReport& r = *report;
  // clusters.jsonl lists each cluster's members together, clusters in
  // order: sizes counted one cluster at a time.
  std::map<uint64_t, uint64_t> sizes;
  ClusterRow current;
  current.cluster = -1;
  auto close = [&] {
    if (current.cluster < 0) return;
    ++sizes[current.size];
    auto bigger = [](const ClusterRow& a, const ClusterRow& b) {
      return a.size != b.size ? a.size > b.size : a.cluster < b.cluster;
    };
    auto& top = r.largest_clusters;
    if (top.size() < kReportMaxClusters || bigger(current, top.back())) {
      top.insert(std::upper_bound(top.begin(), top.end(), current, bigger),
                 current);
      if (top.size() > kReportMaxClusters) top.pop_back();
    }
  };
  ForEachJsonLine(
      (fs::path(outdir) / "clusters.jsonl").string(),
      [&](uint64_t, element e) {
        int64_t c = -1;
        if (e["cluster"].get_int64().get(c) != simdjson::SUCCESS) return true;
        if (c != current.cluster) {
          close();
          current = {c, 0, Str(e, "kept_id")};
        }
        ++current.size;
        return true;
      });
  close();
  r.cluster_sizes.assign(sizes.begin(), sizes.end());
}

std::string FillDedup(const std::string& outdir, element stats,
                      const ReaderOptions& reader, const ReportTexts* texts) {
  DedupReport r;
  r.outdir = outdir;
  ReadDedupCounts(stats, &r);
  ReadClusterSizes(outdir, &r);

  // removed.jsonl: the removals nearest the threshold and a sample of the
  // rest (the smallest hashes of their line numbers: spread over the run,
  // the same every time).
  ReportExamples chooser(r.method);
  ForEachJsonLine(
      (fs::path(outdir) / "removed.jsonl").string(),
      [&](uint64_t number, element e) {
        double sim = 0;
        if (e["similarity"].get_double().get(sim) != simdjson::SUCCESS) {
          int64_t d = 0;
          if (e["similarity"].get_int64().get(d) != simdjson::SUCCESS) {
            return true;  // too_short: nothing to compare with
          }
          sim = static_cast<double>(d);
        }
        if (!chooser.Wants(number, sim)) return true;
        ReportRemoval rm;
        rm.id = Str(e, "id");
        rm.file = Str(e, "file");
        rm.kept_id = Str(e, "kept_id");
        rm.line = U64(e, "line");
        rm.jsonl_line = number;
        rm.similarity = sim;
        if (e["cluster"].get_int64().get(rm.cluster) != simdjson::SUCCESS) {
          rm.cluster = -1;
        }
        chooser.Offer(rm);
        return true;
      });
  const std::vector<ReportRemoval>& nearest = chooser.nearest();
  const std::vector<ReportRemoval> rest = chooser.sample();

  // The texts: those the job kept, the others read again from the inputs.
  Found found;
  if (texts != nullptr) found = *texts;
  Wanted wanted;
  for (const auto* list : {&nearest, &rest}) {
    for (const ReportRemoval& rm : *list) {
      if (!found.at.count({rm.file, rm.line})) wanted.at.insert({rm.file, rm.line});
      if (!found.ids.count(rm.kept_id)) wanted.ids.insert(rm.kept_id);
    }
  }
  FindDocuments(r.files, reader, wanted, &found);
  auto example = [&](const ReportRemoval& rm) {
    DedupExample e;
    e.removed_id = rm.id;
    e.removed_file = rm.file;
    e.removed_line = rm.line;
    e.kept_id = rm.kept_id;
    e.similarity = rm.similarity;
    e.cluster = rm.cluster;
    e.removed_jsonl_line = rm.jsonl_line;
    if (auto it = found.at.find({rm.file, rm.line}); it != found.at.end()) {
      e.removed_text = it->second;
    }
    if (auto it = found.ids.find(rm.kept_id); it != found.ids.end()) {
      e.kept_file = std::get<0>(it->second);
      e.kept_line = std::get<1>(it->second);
      e.kept_text = std::get<2>(it->second);
    }
    return e;
  };
  for (const ReportRemoval& rm : nearest) r.nearest.push_back(example(rm));
  for (const ReportRemoval& rm : rest) r.sample.push_back(example(rm));
  return RenderDedupReport(r);
}

constexpr const char* kSignals[] = {
    "dup_line_fraction",          "dup_paragraph_fraction",
    "dup_line_char_fraction",     "dup_paragraph_char_fraction",
    "top_2gram_char_fraction",    "top_3gram_char_fraction",
    "top_4gram_char_fraction",    "dup_5gram_char_fraction",
    "dup_6gram_char_fraction",    "dup_7gram_char_fraction",
    "dup_8gram_char_fraction",    "dup_9gram_char_fraction",
    "dup_10gram_char_fraction"};

// The histograms of signals.jsonl (when the run wrote one), with the
// thresholds the run used (`parameters`: its stats.json's).
void ReadSignals(const std::string& outdir, element parameters,
                 CleanReport* report) {
  const std::string signals_path = (fs::path(outdir) / "signals.jsonl").string();
  if (!fs::exists(signals_path)) return;
  CleanReport& r = *report;
  element gopher;
  const bool have_thresholds =
      parameters["gopher"].get(gopher) == simdjson::SUCCESS;
  const GopherThresholds defaults;
  std::map<std::string, double> fallback = {
      {"dup_line_fraction", defaults.dup_line_fraction},
      {"dup_paragraph_fraction", defaults.dup_paragraph_fraction},
      {"dup_line_char_fraction", defaults.dup_line_char_fraction},
      {"dup_paragraph_char_fraction", defaults.dup_paragraph_char_fraction}};
  for (int n = 2; n <= 4; ++n) {
    fallback["top_" + std::to_string(n) + "gram_char_fraction"] =
        defaults.top_ngram_char_fraction[n - 2];
  }
  for (int n = 5; n <= 10; ++n) {
    fallback["dup_" + std::to_string(n) + "gram_char_fraction"] =
        defaults.dup_ngram_char_fraction[n - 5];
  }
  for (const char* name : kSignals) {
    SignalHistogram h;
    h.name = name;
    h.threshold = have_thresholds ? F64(gopher, name, fallback[name])
                                  : fallback[name];
    h.counts.assign(20, 0);
    r.signals.push_back(std::move(h));
  }
  ForEachJsonLine(signals_path, [&](uint64_t, element e) {
    for (SignalHistogram& h : r.signals) {
      double v = 0;
      if (e[h.name].get_double().get(v) != simdjson::SUCCESS) continue;
      const size_t bin = static_cast<size_t>(
          std::clamp(v, 0.0, 1.0) * 20 >= 20 ? 19 : std::clamp(v, 0.0, 1.0) * 20);
      ++h.counts[bin];
    }
    return true;
  });
}

// The counts of a clean run's stats.json.
void ReadCleanCounts(element stats, CleanReport* report) {
  CleanReport& r = *report;
  r.read = U64(stats, "read");
  r.kept = U64(stats, "kept");
  r.removed = U64(stats, "removed");
  r.rejected = U64(stats, "rejected");
  r.truncated = U64(stats, "truncated");
  r.edited = U64(stats, "edited");
  r.removed_empty = U64(stats, "removed_empty_after_clean");
  r.removed_gopher = U64(stats, "removed_gopher");
  r.text_bytes = U64(stats, "text_bytes");
  r.cut_bytes = U64(stats, "cut_bytes");
  r.not_rewritten = U64(stats, "not_rewritten");
  r.boilerplate_distinct = U64(stats, "boilerplate_lines");
}

std::string FillClean(const std::string& outdir, element stats,
                      const ReaderOptions& reader) {
  CleanReport r;
  r.outdir = outdir;
  ReadCleanCounts(stats, &r);
  element p = stats["parameters"];
  r.annotate = Bool(p, "annotate");
  r.signals_only = Bool(p, "signals_only");
  r.files = Files(stats);
  const char* reasons[] = {"repeated_block", "repeated_line", "boilerplate",
                           "syndicated"};
  for (const char* reason : reasons) {
    r.reasons.push_back(
        {reason, U64(stats, ("cuts_" + std::string(reason)).c_str()), 0});
  }
  simdjson::dom::array shares;
  if (stats["largest_share_cut"].get_array().get(shares) == simdjson::SUCCESS) {
    for (element s : shares) {
      r.largest_share.push_back({Str(s, "id"), Str(s, "file"), U64(s, "line"),
                                 U64(s, "text_bytes"), U64(s, "cut_bytes")});
    }
  }

  // edits.jsonl: bytes by reason, and the cuts of the first edited
  // documents of each reason (edits are grouped by document, in input
  // order).
  std::vector<CleanExample> examples;
  std::map<std::string, int> per_reason;
  std::string last_id;
  bool collecting = false;
  ForEachJsonLine(
      (fs::path(outdir) / "edits.jsonl").string(),
      [&](uint64_t, element e) {
        ReportCut cut;
        cut.begin = U64(e, "start");
        cut.end = U64(e, "end");
        cut.reason = Str(e, "reason");
        int64_t source = -1;
        if (e["source_start"].get_int64().get(source) == simdjson::SUCCESS) {
          cut.source_begin = source;
        }
        for (ReasonRow& row : r.reasons) {
          if (row.reason == cut.reason && cut.end > cut.begin) {
            row.bytes += cut.end - cut.begin;
          }
        }
        const std::string id = Str(e, "id");
        if (id != last_id) {
          last_id = id;
          collecting = examples.size() < kReportMaxExamples &&
                       per_reason[cut.reason] < 2;
          if (collecting) {
            ++per_reason[cut.reason];
            examples.push_back({id, "", 0, "", {}});
          }
        }
        if (collecting) examples.back().cuts.push_back(cut);
        return true;
      });
  // Boilerplate lines, most frequent first: the first sites to appear.
  ForEachJsonLine((fs::path(outdir) / "line_counts.jsonl").string(),
                  [&](uint64_t number, element e) {
                    r.boilerplate.push_back(
                        {Str(e, "site"), Str(e, "line"), U64(e, "docs")});
                    return number < 5000;
                  });
  ReadSignals(outdir, p, &r);
  Wanted wanted;
  for (const CleanExample& e : examples) wanted.ids.insert(e.id);
  Found found;
  FindDocuments(r.files, reader, wanted, &found);
  for (CleanExample& e : examples) {
    auto it = found.ids.find(e.id);
    if (it == found.ids.end()) continue;
    e.file = std::get<0>(it->second);
    e.line = std::get<1>(it->second);
    e.text = std::get<2>(it->second);
    // Only cuts that lie in the text found (an id read twice, a changed
    // input) are shown.
    std::erase_if(e.cuts, [&](const ReportCut& c) {
      return c.end > e.text.size() || c.begin > c.end;
    });
    r.examples.push_back(std::move(e));
  }
  return RenderCleanReport(r);
}

}  // namespace

void KeepReportText(const std::string& file, const Record& record,
                    ReportTexts* texts) {
  std::string text(Utf8Excerpt(record.text, 0, kMaxTextBytes));
  texts->ids.try_emplace(std::string(record.id), file, record.line, text);
  texts->at[{file, record.line}] = std::move(text);
}

bool ReportExamples::Wants(uint64_t jsonl_line, double similarity) const {
  if (method_ != "exact" &&
      (nearest_.size() < kReportMaxExamples / 2 ||
       NearOrder(method_, similarity) < nearest_.back().order)) {
    return true;
  }
  return sample_.size() < kReportMaxExamples ||
         SampleOrder(jsonl_line) < sample_.back().order;
}

void ReportExamples::Offer(const ReportRemoval& removal) {
  ReportRemoval r = removal;
  if (method_ != "exact") {
    r.order = NearOrder(method_, r.similarity);
    KeepSmallest(&nearest_, r, kReportMaxExamples / 2);
  }
  r.order = SampleOrder(r.jsonl_line);
  KeepSmallest(&sample_, r, kReportMaxExamples);
}

std::vector<ReportRemoval> ReportExamples::sample() const {
  std::set<uint64_t> shown;
  for (const ReportRemoval& r : nearest_) shown.insert(r.jsonl_line);
  std::vector<ReportRemoval> rest;
  for (const ReportRemoval& r : sample_) {
    if (!shown.count(r.jsonl_line) &&
        rest.size() + nearest_.size() < kReportMaxExamples) {
      rest.push_back(r);
    }
  }
  std::sort(rest.begin(), rest.end(),
            [](const ReportRemoval& a, const ReportRemoval& b) {
              return a.jsonl_line < b.jsonl_line;
            });
  return rest;
}

absl::Status WriteRunReport(const std::string& outdir,
                            std::string_view stats_json,
                            const ReaderOptions& reader,
                            const ReportTexts* texts) {
  simdjson::dom::parser parser;
  element stats;
  const simdjson::padded_string padded(stats_json);
  if (parser.parse(padded).get(stats) != simdjson::SUCCESS ||
      !stats.is_object()) {
    return absl::InvalidArgumentError(
        "not a neardup stats.json (it does not parse as a JSON object)");
  }
  std::string html;
  if (stats["candidate_pairs"].error() == simdjson::SUCCESS) {
    html = FillDedup(outdir, stats, reader, texts);
  } else if (stats["cuts_boilerplate"].error() == simdjson::SUCCESS) {
    html = FillClean(outdir, stats, reader);
  } else {
    return absl::InvalidArgumentError(
        "not the stats.json of a neardup dedup or clean run");
  }
  auto out = RecordWriter::Create((fs::path(outdir) / "report.html").string(),
                                  InputFormat::kText, Compression::kNone);
  if (!out.ok()) return out.status();
  if (auto s = (*out)->Write(html); !s.ok()) return s;
  return (*out)->Commit();
}

namespace {

// Returns `stats_json` with "report.html" added to its sorted "outputs"
// list, every other byte as it was; "" when it is listed already or the
// list cannot be found.
std::string ListReport(const std::string& stats_json) {
  const std::string key = "\"outputs\":[";
  const size_t begin = stats_json.find(key);
  if (begin == std::string::npos) return "";
  // The list's end: the first ']' outside a string.
  size_t end = begin + key.size();
  for (bool quoted = false; end < stats_json.size(); ++end) {
    const char c = stats_json[end];
    if (quoted && c == '\\') {
      ++end;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == ']') {
      break;
    }
  }
  if (end >= stats_json.size()) return "";
  simdjson::dom::parser parser;
  simdjson::dom::array list;
  const std::string text = stats_json.substr(begin + key.size() - 1,
                                             end - begin - key.size() + 2);
  if (parser.parse(text).get_array().get(list) != simdjson::SUCCESS) return "";
  std::vector<std::string> names;
  for (element e : list) {
    std::string_view name;
    if (e.get_string().get(name) != simdjson::SUCCESS) return "";
    if (name == "report.html") return "";
    names.emplace_back(name);
  }
  names.push_back("report.html");
  std::sort(names.begin(), names.end());
  std::string out = stats_json.substr(0, begin + key.size());
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ",";
    AppendJsonString(names[i], &out);
  }
  return out + stats_json.substr(end);
}

}  // namespace
}  // namespace internal

absl::Status WriteReport(const std::string& outdir) {
  const std::string path = (std::filesystem::path(outdir) / "stats.json").string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(path +
                               ": no stats.json (not the output folder of a "
                               "finished neardup run)");
  }
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  simdjson::dom::parser parser;
  simdjson::dom::element stats;
  ReaderOptions reader;
  if (parser.parse(text).get(stats) == simdjson::SUCCESS) {
    simdjson::dom::element p;
    if (stats["parameters"].get(p) == simdjson::SUCCESS) {
      std::string_view v;
      if (p["text_field"].get_string().get(v) == simdjson::SUCCESS) {
        reader.text_field = std::string(v);
      }
      if (p["id_field"].get_string().get(v) == simdjson::SUCCESS) {
        reader.id_field = std::string(v);
      }
    }
  }
  if (auto s = internal::WriteRunReport(outdir, text, reader); !s.ok()) {
    return absl::Status(s.code(), path + ": " + std::string(s.message()));
  }
  // A run made with --no-report: stats.json lists the page from now on, so
  // that a later run with overwrite removes it with the rest.
  const std::string listed = internal::ListReport(text);
  if (listed.empty()) return absl::OkStatus();
  auto out = RecordWriter::Create(path, InputFormat::kText, Compression::kNone);
  if (!out.ok()) return out.status();
  if (auto s = (*out)->Write(listed); !s.ok()) return s;
  return (*out)->Commit();
}

}  // namespace neardup
