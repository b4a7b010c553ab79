// The HTML report of a run, as strings (see report.h).

#include "report/report.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "neardup/text.h"

namespace neardup::internal {
namespace {

std::string Num(uint64_t v) { return std::to_string(v); }

std::string Fixed(double v, int digits) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

std::string Percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "0%";
  return Fixed(100.0 * static_cast<double>(part) / static_cast<double>(whole),
               1) + "%";
}

// Bytes in the unit that shows them best (kB under a megabyte).
std::string Megabytes(uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b < 1e6) return Fixed(b / 1e3, 1) + " kB";
  if (b < 1e9) return Fixed(b / 1e6, 1) + " MB";
  return Fixed(b / 1e9, 2) + " GB";
}

// A label from the data: cut, escaped, isolated for bidirectional text.
std::string Label(std::string_view text) {
  const std::string_view cut = Utf8Excerpt(text, 0, kReportMaxLabelBytes);
  std::string out = "<bdi>" + HtmlEscape(cut);
  if (cut.size() < text.size()) out += "&hellip;";
  return out + "</bdi>";
}

// The page around the body: one style sheet, no script.
std::string Page(std::string_view title, std::string_view body) {
  std::string html;
  html.reserve(body.size() + 4096);
  html +=
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      // Nothing may be fetched: no script, no style or image from elsewhere.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
      "'none'; style-src 'unsafe-inline'; img-src data:\">\n<title>";
  html += HtmlEscape(title);
  html +=
      "</title>\n<style>\n"
      "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
      "color:#111;background:#fff;margin:0 auto;max-width:1150px;padding:1em 1.5em}\n"
      "h1{font-size:1.6em;margin:.2em 0}h2{border-bottom:2px solid #444;"
      "margin-top:1.8em;padding-bottom:.15em}h3{margin:1.2em 0 .3em}\n"
      ".accounting{font-size:1.25em;font-weight:600;background:#eee;"
      "padding:.5em .8em;border-left:6px solid #222}\n"
      "table{border-collapse:collapse;margin:.4em 0;font-size:.92em}\n"
      "th,td{border:1px solid #999;padding:.2em .5em;text-align:left;"
      "vertical-align:top}td.n,th.n{text-align:right;"
      "font-variant-numeric:tabular-nums}\nth{background:#e4e4e4}\n"
      "figure{margin:1em 0;max-width:680px}figcaption{font-size:.9em;color:#333}\n"
      "svg.chart{width:100%;height:auto;display:block;border:1px solid #ccc}\n"
      "details{margin:.3em 0 1em}summary{cursor:pointer;color:#333}\n"
      ".pair{display:grid;grid-template-columns:1fr 1fr;gap:.8em}\n"
      ".doc{border:1px solid #888;padding:.4em .6em;min-width:0}\n"
      ".text{white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;"
      "font:13px/1.4 ui-monospace,'DejaVu Sans Mono',monospace;margin:.3em 0;"
      "max-height:22em;overflow:auto}\n"
      "mark{background:#ffe27a;color:#000;outline:1px solid #555;"
      "text-decoration:underline}\n"
      "del.cut{background:#d6d6d6;color:#000;text-decoration:line-through}\n"
      ".tag{font:11px sans-serif;background:#222;color:#fff;padding:0 .3em;"
      "margin:0 .2em}\n"
      "code,.cmd{font-family:ui-monospace,'DejaVu Sans Mono',monospace;"
      "font-size:.9em;background:#f2f2f2;padding:0 .25em;"
      "overflow-wrap:anywhere}\n.example{margin:1.2em 0 1.6em}\n"
      ".meta{font-size:.9em;color:#222}\n.note{color:#444;font-size:.9em}\n"
      "@media print{.text{max-height:none}details{display:block}}\n"
      "</style>\n</head>\n<body>\n";
  html += body;
  html += "\n</body>\n</html>\n";
  return html;
}

// ---- charts ---------------------------------------------------------------

constexpr int kWidth = 640, kHeight = 270;
constexpr int kLeft = 64, kRight = 16, kTop = 34, kBottom = 50;
constexpr int kPlotW = kWidth - kLeft - kRight;
constexpr int kPlotH = kHeight - kTop - kBottom;

// Greyscale-safe fills: solid dark, and light with diagonal hatching (the
// chart's own pattern: ids are unique in the page).
std::string Fill(const std::string& chart, size_t k) {
  return k == 0 ? std::string("#333") : "url(#" + chart + "-hatch)";
}

struct Series {
  std::string name;
  std::vector<double> values;
};

struct BarChartSpec {
  std::string id, title, x_label, y_label;
  std::vector<std::string> x_ticks;  // one per bin edge (bins + 1), or empty
  std::vector<Series> series;        // stacked, at most 2
  bool log_y = false;
  double marker = std::numeric_limits<double>::quiet_NaN();  // bin units
  std::string marker_label;
  std::string summary;  // the chart in one sentence, for screen readers
};

std::string SvgOpen(const std::string& id, const std::string& title,
                    const std::string& summary) {
  std::string s = "<svg class=\"chart\" id=\"" + id +
                  "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                  Num(kWidth) + " " + Num(kHeight) + "\" width=\"" +
                  Num(kWidth) + "\" height=\"" + Num(kHeight) +
                  "\" role=\"img\" aria-labelledby=\"" + id + "-t " + id +
                  "-d\"><title id=\"" + id + "-t\">" + HtmlEscape(title) +
                  "</title><desc id=\"" + id + "-d\">" + HtmlEscape(summary) +
                  "</desc>"
                  "<defs><pattern id=\"" + id + "-hatch\" width=\"6\" height=\"6\" "
                  "patternUnits=\"userSpaceOnUse\" "
                  "patternTransform=\"rotate(45)\"><rect width=\"6\" "
                  "height=\"6\" fill=\"#fff\"/><line x1=\"0\" y1=\"0\" "
                  "x2=\"0\" y2=\"6\" stroke=\"#000\" stroke-width=\"2.5\"/>"
                  "</pattern></defs>"
                  "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>";
  s += "<text x=\"" + Num(kWidth / 2) +
       "\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" "
       "font-weight=\"600\">" +
       HtmlEscape(title) + "</text>";
  return s;
}

std::string Axes(const std::string& x_label, const std::string& y_label) {
  std::string s;
  s += "<line x1=\"" + Num(kLeft) + "\" y1=\"" + Num(kTop + kPlotH) +
       "\" x2=\"" + Num(kLeft + kPlotW) + "\" y2=\"" + Num(kTop + kPlotH) +
       "\" stroke=\"#000\"/>";
  s += "<line x1=\"" + Num(kLeft) + "\" y1=\"" + Num(kTop) + "\" x2=\"" +
       Num(kLeft) + "\" y2=\"" + Num(kTop + kPlotH) + "\" stroke=\"#000\"/>";
  s += "<text x=\"" + Num(kLeft + kPlotW / 2) + "\" y=\"" +
       Num(kHeight - 8) + "\" text-anchor=\"middle\" font-size=\"13\">" +
       HtmlEscape(x_label) + "</text>";
  s += "<text transform=\"translate(16 " + Num(kTop + kPlotH / 2) +
       ") rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">" +
       HtmlEscape(y_label) + "</text>";
  return s;
}

// A tick label that fits left of the axis: 950, 12k, 4M, 1.5G, 0.25.
std::string Compact(double v) {
  const char* suffix[] = {"", "k", "M", "G", "T"};
  int k = 0;
  while (std::fabs(v) >= 1000 && k < 4) {
    v /= 1000;
    ++k;
  }
  std::string digits = v == std::floor(v) ? Fixed(v, 0) : Fixed(v, v < 1 ? 2 : 1);
  return digits + suffix[k];
}

std::string YTick(double y, const std::string& label) {
  const std::string ys = Fixed(y, 1);
  return "<line x1=\"" + Num(kLeft - 4) + "\" y1=\"" + ys + "\" x2=\"" +
         Num(kLeft + kPlotW) + "\" y2=\"" + ys +
         "\" stroke=\"#ccc\" stroke-width=\"0.6\"/><text x=\"" +
         Num(kLeft - 7) + "\" y=\"" + Fixed(y + 4, 1) +
         "\" text-anchor=\"end\" font-size=\"11\">" + label + "</text>";
}

std::string XTick(double x, const std::string& label) {
  const std::string xs = Fixed(x, 1);
  return "<line x1=\"" + xs + "\" y1=\"" + Num(kTop + kPlotH) + "\" x2=\"" +
         xs + "\" y2=\"" + Num(kTop + kPlotH + 4) +
         "\" stroke=\"#000\"/><text x=\"" + xs + "\" y=\"" +
         Num(kTop + kPlotH + 17) +
         "\" text-anchor=\"middle\" font-size=\"11\">" + HtmlEscape(label) +
         "</text>";
}

std::string Legend(const std::string& id, const std::vector<Series>& series) {
  if (series.size() < 2) return "";
  std::string s;
  const int x = kLeft + 12;
  for (size_t i = 0; i < series.size() && i < 2; ++i) {
    const int y = kTop + 4 + static_cast<int>(i) * 18;
    s += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) +
         "\" width=\"14\" height=\"12\" fill=\"" + Fill(id, i) +
         "\" stroke=\"#000\"/><text x=\"" + Num(x + 20) + "\" y=\"" +
         Num(y + 11) + "\" font-size=\"12\">" + HtmlEscape(series[i].name) +
         "</text>";
  }
  return s;
}

std::string BarChart(const BarChartSpec& c) {
  size_t bins = 0;
  for (const Series& s : c.series) bins = std::max(bins, s.values.size());
  std::vector<double> total(bins, 0);
  for (const Series& s : c.series) {
    for (size_t i = 0; i < s.values.size(); ++i) total[i] += s.values[i];
  }
  double max = 0;
  for (double t : total) max = std::max(max, t);
  // Linear: 0 to a round top. Log: 10^-0.3 (so that 1 shows) to a power of
  // ten.
  double top, bottom = 0;
  if (c.log_y) {
    top = std::max(1.0, std::ceil(std::log10(std::max(max, 1.0)) + 1e-9));
    bottom = -0.3;
  } else {
    top = max <= 0 ? 1 : max;
    const double step = std::pow(10, std::floor(std::log10(top)));
    top = std::ceil(top / step) * step;
  }
  auto y_of = [&](double v) {
    double u = c.log_y ? (v <= 0 ? bottom : std::log10(v)) : v;
    u = std::clamp((u - bottom) / (top - bottom), 0.0, 1.0);
    return kTop + kPlotH - u * kPlotH;
  };
  std::string s = SvgOpen(c.id, c.title, c.summary);
  if (c.log_y) {
    for (int p = 0; p <= static_cast<int>(top); ++p) {
      s += YTick(y_of(std::pow(10, p)), Compact(std::pow(10, p)));
    }
  } else {
    for (int k = 0; k <= 4; ++k) {
      const double v = top * k / 4;
      s += YTick(y_of(v), Compact(v));
    }
  }
  const double bw = bins == 0 ? 0 : static_cast<double>(kPlotW) / bins;
  for (size_t i = 0; i < bins; ++i) {
    double base = 0;
    for (size_t k = 0; k < c.series.size() && k < 2; ++k) {
      const double v = i < c.series[k].values.size() ? c.series[k].values[i] : 0;
      if (v <= 0) continue;
      const double y0 = y_of(base), y1 = y_of(base + v);
      base += v;
      if (y0 - y1 <= 0) continue;
      s += "<rect x=\"" + Fixed(kLeft + i * bw + 0.5, 1) + "\" y=\"" +
           Fixed(y1, 1) + "\" width=\"" + Fixed(std::max(bw - 1, 1.0), 1) +
           "\" height=\"" + Fixed(y0 - y1, 1) + "\" fill=\"" + Fill(c.id, k) +
           "\" stroke=\"#000\" stroke-width=\"0.6\"><title>" +
           HtmlEscape(c.series[k].name) + ": " +
           Num(static_cast<uint64_t>(v)) + "</title></rect>";
    }
  }
  // Tick labels: at most about 11 along the axis.
  if (!c.x_ticks.empty()) {
    const size_t edges = c.x_ticks.size();
    const size_t every = std::max<size_t>(1, (edges + 10) / 11);
    const bool centred = edges == bins;  // a label per bin, not per edge
    for (size_t i = 0; i < edges; i += every) {
      const double x = kLeft + (static_cast<double>(i) + (centred ? 0.5 : 0)) * bw;
      s += XTick(x, c.x_ticks[i]);
    }
  }
  if (!std::isnan(c.marker)) {
    const double x = kLeft + c.marker * bw;
    s += "<line x1=\"" + Fixed(x, 1) + "\" y1=\"" + Num(kTop - 4) +
         "\" x2=\"" + Fixed(x, 1) + "\" y2=\"" + Num(kTop + kPlotH) +
         "\" stroke=\"#000\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>"
         "<text x=\"" + Fixed(x + 4, 1) + "\" y=\"" + Num(kTop + 8) +
         "\" font-size=\"12\">" + HtmlEscape(c.marker_label) + "</text>";
  }
  s += Axes(c.x_label, c.y_label) + Legend(c.id, c.series) + "</svg>";
  return s;
}

// A table of the chart's numbers, folded under the chart.
std::string DataTable(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows) {
  std::string s = "<details><summary>The numbers of this chart</summary>"
                  "<table><thead><tr>";
  for (size_t i = 0; i < header.size(); ++i) {
    s += std::string(i ? "<th class=\"n\">" : "<th>") + HtmlEscape(header[i]) +
         "</th>";
  }
  s += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    s += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      s += std::string(i ? "<td class=\"n\">" : "<td>") + row[i] + "</td>";
    }
    s += "</tr>";
  }
  return s + "</tbody></table></details>";
}

std::string Figure(const std::string& svg, const std::string& caption,
                   const std::string& table) {
  return "<figure>" + svg + "<figcaption>" + caption + "</figcaption>" +
         table + "</figure>\n";
}

// ---- shared sections ------------------------------------------------------

std::string Accounting(uint64_t read, uint64_t kept, uint64_t removed,
                       uint64_t rejected) {
  return "<p class=\"accounting\" id=\"accounting\">read " + Num(read) +
         " = kept " + Num(kept) + " + removed " + Num(removed) +
         " + rejected " + Num(rejected) + "</p>\n";
}

std::string FilesTable(const std::vector<ReportFileRow>& files) {
  std::string s =
      "<h2 id=\"files\">Files</h2><table><thead><tr><th>input</th>"
      "<th>format</th><th class=\"n\">read</th><th class=\"n\">kept</th>"
      "<th class=\"n\">removed</th><th class=\"n\">rejected</th></tr>"
      "</thead><tbody>";
  for (size_t i = 0; i < files.size() && i < kReportMaxFiles; ++i) {
    const ReportFileRow& f = files[i];
    s += "<tr><td>" + Label(f.path) + "</td><td>" + HtmlEscape(f.format) +
         "</td><td class=\"n\">" + Num(f.read) + "</td><td class=\"n\">" +
         Num(f.kept) + "</td><td class=\"n\">" + Num(f.removed) +
         "</td><td class=\"n\">" + Num(f.rejected) + "</td></tr>";
  }
  s += "</tbody></table>";
  if (files.size() > kReportMaxFiles) {
    s += "<p class=\"note\">and " + Num(files.size() - kReportMaxFiles) +
         " more files (all of them are in stats.json).</p>";
  }
  return s + "\n";
}

std::string Header(const std::string& kind, const std::string& outdir) {
  return "<header><h1>neardup " + kind + " report</h1><p class=\"meta\">"
         "Output folder <code>" + Label(outdir) + "</code>. This page is "
         "self-contained (no network); every chart has its numbers in a "
         "table under it. Timings and memory are in stats.json (the page is "
         "the same for every run of the same input and options)."
         "</p></header>\n";
}

// ---- dedup ----------------------------------------------------------------

std::string ExampleHtml(const DedupExample& e, const DedupReport& r) {
  auto [kept_html, removed_html] = WordDiffHtml(e.kept_text, e.removed_text);
  const bool simhash = r.method == "simhash";
  std::string s = "<div class=\"example\"><p class=\"meta\"><b>" +
                  std::string(simhash ? "Hamming distance " : "similarity ") +
                  (simhash ? Num(static_cast<uint64_t>(e.similarity))
                           : Fixed(e.similarity, 4)) +
                  "</b>" +
                  // A removal below the threshold joined its cluster
                  // through other members: say so where it shows.
                  (r.method == "minhash" && e.similarity < r.threshold
                       ? " <span class=\"tag\">below the threshold " +
                             Fixed(r.threshold, 2) +
                             ": joined through other members</span>"
                       : std::string()) +
                  ", cluster " + std::to_string(e.cluster) +
                  ". Why: <code class=\"cmd\">neardup explain " +
                  Label(r.outdir + "/removed.jsonl:" +
                        Num(e.removed_jsonl_line)) +
                  "</code></p><div class=\"pair\"><div class=\"doc\"><b>kept</b> " +
                  Label(e.kept_id) + " &mdash; ";
  s += e.kept_file.empty()
           ? std::string("<i>not found in the inputs</i>")
           : Label(e.kept_file) + " line " + Num(e.kept_line);
  s += "<p class=\"text\" dir=\"auto\">" + kept_html +
       "</p></div><div class=\"doc\"><b>removed</b> " + Label(e.removed_id) +
       " &mdash; " + Label(e.removed_file) + " line " + Num(e.removed_line) +
       "<p class=\"text\" dir=\"auto\">" + removed_html + "</p></div></div></div>\n";
  return s;
}

// The S-curve of a MinHash run's LSH ("" for the other methods).
std::string SCurveChart(const DedupReport& r) {
  if (r.method != "minhash" || r.bands <= 0 || r.rows <= 0) return "";
  std::string svg = SvgOpen("scurve", "LSH: chance that a pair is compared",
                            "Probability that a pair becomes a candidate "
                            "against its Jaccard similarity, with " +
                                Num(r.bands) + " bands of " + Num(r.rows) +
                                " rows; threshold " + Fixed(r.threshold, 2));
  for (int k = 0; k <= 4; ++k) {
    svg += YTick(kTop + kPlotH - k * kPlotH / 4.0, Fixed(k / 4.0, 2));
  }
  for (int k = 0; k <= 10; ++k) {
    svg += XTick(kLeft + k * kPlotW / 10.0, Fixed(k / 10.0, 1));
  }
  std::string points;
  for (int k = 0; k <= 200; ++k) {
    const double j = k / 200.0;
    const double p = LshCandidateProbability(j, r.bands, r.rows);
    points += Fixed(kLeft + j * kPlotW, 1) + "," +
              Fixed(kTop + kPlotH - p * kPlotH, 1) + " ";
  }
  svg += "<polyline fill=\"none\" stroke=\"#000\" stroke-width=\"2.5\" "
         "points=\"" + points + "\"/>";
  const double x = kLeft + r.threshold * kPlotW;
  const double pt = LshCandidateProbability(r.threshold, r.bands, r.rows);
  svg += "<line x1=\"" + Fixed(x, 1) + "\" y1=\"" + Num(kTop) + "\" x2=\"" +
         Fixed(x, 1) + "\" y2=\"" + Num(kTop + kPlotH) +
         "\" stroke=\"#000\" stroke-dasharray=\"6 3\" stroke-width=\"1.5\"/>"
         "<circle cx=\"" + Fixed(x, 1) + "\" cy=\"" +
         Fixed(kTop + kPlotH - pt * kPlotH, 1) +
         "\" r=\"4\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"2\"/>"
         "<text x=\"" + Fixed(x - 6, 1) + "\" y=\"" + Num(kTop + kPlotH - 10) +
         "\" text-anchor=\"end\" font-size=\"12\">threshold " +
         Fixed(r.threshold, 2) + ": P = " + Fixed(pt, 3) + "</text>";
  svg += Axes("Jaccard similarity of a pair", "P(pair becomes a candidate)") +
         "</svg>";
  std::vector<std::vector<std::string>> rows;
  for (double j : {0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0}) {
    rows.push_back({Fixed(j, 2), Fixed(LshCandidateProbability(j, r.bands, r.rows), 3)});
  }
  rows.push_back({"threshold " + Fixed(r.threshold, 2), Fixed(pt, 3)});
  return Figure(svg,
                "The S-curve of " + Num(r.bands) + " bands &times; " +
                    Num(r.rows) + " rows (" + Num(r.num_perm) +
                    " permutations): pairs to the right of the dashed "
                    "threshold line are compared with this probability.",
                DataTable({"Jaccard", "P(candidate)"}, rows));
}

// The similarity (or distance) of the verified candidate pairs.
std::string PairsChart(const DedupReport& r) {
  const bool minhash = r.method == "minhash";
  std::string s;
  s += "<h2 id=\"pairs\">Verified candidate pairs</h2>\n";
  if (r.pairs_accepted.empty() && r.pairs_refused.empty()) {
    s += "<p class=\"note\">This run did not record the similarity of its "
         "candidate pairs" +
         std::string(r.method == "exact" ? " (exact: every candidate is an "
                                           "identical normalized text)"
                                         : "") +
         ".</p>\n";
  } else {
    BarChartSpec c;
    c.id = "pairs-hist";
    const size_t bins = std::max(r.pairs_accepted.size(), r.pairs_refused.size());
    std::vector<std::vector<std::string>> rows;
    if (minhash) {
      c.title = "Similarity of verified candidate pairs";
      c.x_label = "similarity (" + std::string(r.verify == "exact" ? "exact" : "estimated") +
                  " Jaccard)";
      for (size_t i = 0; i <= bins; ++i) {
        c.x_ticks.push_back(Fixed(static_cast<double>(i) / bins, 2));
      }
      c.marker = r.threshold * bins;
      c.marker_label = "threshold " + Fixed(r.threshold, 2);
    } else {
      c.title = "Hamming distance of near pairs";
      c.x_label = "Hamming distance (bits of 64)";
      for (size_t i = 0; i < bins; ++i) c.x_ticks.push_back(Num(i));
    }
    c.y_label = "pairs";
    c.series = {{"accepted (joined)", {}}, {"refused", {}}};
    uint64_t acc = 0, ref = 0;
    for (size_t i = 0; i < bins; ++i) {
      const uint64_t a = i < r.pairs_accepted.size() ? r.pairs_accepted[i] : 0;
      const uint64_t b = i < r.pairs_refused.size() ? r.pairs_refused[i] : 0;
      acc += a;
      ref += b;
      c.series[0].values.push_back(static_cast<double>(a));
      c.series[1].values.push_back(static_cast<double>(b));
      if (a + b == 0) continue;
      rows.push_back({minhash ? Fixed(static_cast<double>(i) / bins, 2) + "&ndash;" +
                                    Fixed(static_cast<double>(i + 1) / bins, 2)
                              : Num(i),
                      Num(a), Num(b)});
    }
    c.summary = Num(acc) + " pairs accepted and " + Num(ref) + " refused.";
    s += Figure(BarChart(c),
                Num(acc) + " pairs at or above the threshold were accepted "
                "(dark), " + Num(ref) + " below it refused (hatched). Pairs "
                "whose documents were already in one cluster are not compared "
                "again.",
                DataTable({minhash ? "similarity" : "distance", "accepted",
                           "refused"},
                          rows));
  }
  return s;
}

// The cluster sizes and the largest clusters.
std::string ClustersChart(const DedupReport& r) {
  std::string s;
  s += "<h2 id=\"clusters\">Clusters</h2>\n";
  if (r.cluster_sizes.empty()) {
    s += "<p>No clusters: no document was found to be a near-duplicate of "
         "another.</p>\n";
  } else {
    BarChartSpec c;
    c.id = "cluster-sizes";
    c.title = "Cluster sizes";
    c.x_label = "documents in the cluster";
    c.y_label = "clusters (log scale)";
    c.log_y = true;
    c.series = {{"clusters", {}}};
    std::vector<std::vector<std::string>> rows;
    uint64_t total = 0;
    for (const auto& [size, count] : r.cluster_sizes) {
      c.series[0].values.push_back(static_cast<double>(count));
      c.x_ticks.push_back(Num(size));
      rows.push_back({Num(size), Num(count)});
      total += count;
    }
    c.summary = Num(total) + " clusters of two or more documents.";
    s += Figure(BarChart(c),
                Num(total) + " clusters of two or more documents; one bar per "
                "size that occurs.",
                DataTable({"size", "clusters"}, rows));
    s += "<h3>Largest clusters</h3><table><thead><tr><th class=\"n\">cluster"
         "</th><th class=\"n\">documents</th><th>kept id</th></tr></thead><tbody>";
    for (size_t i = 0; i < r.largest_clusters.size() && i < kReportMaxClusters;
         ++i) {
      const ClusterRow& row = r.largest_clusters[i];
      s += "<tr><td class=\"n\">" + std::to_string(row.cluster) +
           "</td><td class=\"n\">" + Num(row.size) + "</td><td>" +
           Label(row.kept_id) + "</td></tr>";
    }
    s += "</tbody></table><p class=\"note\">All members are in "
         "clusters.jsonl.</p>\n";
  }
  return s;
}

std::string DedupCharts(const DedupReport& r) {
  return SCurveChart(r) + PairsChart(r) + ClustersChart(r);
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string repaired;
  if (!IsValidUtf8(text)) {
    RepairUtf8(text, &repaired);
    text = repaired;
  }
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\0': out += "&#xFFFD;"; break;  // not allowed in HTML text
      default: out += ch;
    }
  }
  return out;
}

std::string_view Utf8Excerpt(std::string_view text, size_t begin,
                             size_t max_bytes) {
  auto continuation = [&](size_t i) {
    return i < text.size() &&
           (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  begin = std::min(begin, text.size());
  // At most 3 continuation bytes follow a lead byte; ill-formed runs are
  // cut anyway and repaired by HtmlEscape.
  for (int k = 0; k < 3 && continuation(begin); ++k) ++begin;
  size_t end = std::min(text.size(), begin + max_bytes);
  for (int k = 0; k < 3 && end > begin && continuation(end); ++k) --end;
  return text.substr(begin, end - begin);
}

std::pair<std::string, std::string> WordDiffHtml(std::string_view a,
                                                 std::string_view b) {
  struct Token {
    std::string_view text;
    bool space;
  };
  auto tokenize = [](std::string_view t) {
    std::vector<Token> tokens;
    size_t i = 0;
    while (i < t.size()) {
      const bool space = t[i] == ' ' || t[i] == '\n' || t[i] == '\t' || t[i] == '\r';
      size_t j = i;
      while (j < t.size() &&
             (t[j] == ' ' || t[j] == '\n' || t[j] == '\t' || t[j] == '\r') == space) {
        ++j;
      }
      tokens.push_back({t.substr(i, j - i), space});
      i = j;
    }
    return tokens;
  };
  // Both excerpts start a little before the first byte that differs (at a
  // line or word start), so that a difference is in view.
  size_t same = 0;
  while (same < a.size() && same < b.size() && a[same] == b[same]) ++same;
  size_t from = same > 240 ? same - 240 : 0;
  if (from > 0) {
    const size_t space = a.find_first_of(" \n", from);
    from = space == std::string_view::npos || space >= same ? from : space + 1;
  }
  const std::string_view ea = Utf8Excerpt(a, from, kReportMaxExcerptBytes);
  const std::string_view eb = Utf8Excerpt(b, from, kReportMaxExcerptBytes);
  const std::vector<Token> ta = tokenize(ea), tb = tokenize(eb);
  std::vector<size_t> wa, wb;  // indices of the words
  for (size_t i = 0; i < ta.size(); ++i) if (!ta[i].space) wa.push_back(i);
  for (size_t i = 0; i < tb.size(); ++i) if (!tb[i].space) wb.push_back(i);
  // LCS table over words, (n+1) x (m+1).
  const size_t n = wa.size(), m = wb.size();
  std::vector<uint16_t> len((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint16_t& { return len[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      at(i, j) = ta[wa[i]].text == tb[wb[j]].text
                     ? static_cast<uint16_t>(at(i + 1, j + 1) + 1)
                     : std::max(at(i + 1, j), at(i, j + 1));
    }
  }
  std::vector<bool> same_a(ta.size(), true), same_b(tb.size(), true);
  for (size_t i : wa) same_a[i] = false;
  for (size_t j : wb) same_b[j] = false;
  for (size_t i = 0, j = 0; i < n && j < m;) {
    if (ta[wa[i]].text == tb[wb[j]].text) {
      same_a[wa[i++]] = true;
      same_b[wb[j++]] = true;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      ++i;
    } else {
      ++j;
    }
  }
  auto render = [](const std::vector<Token>& tokens,
                   const std::vector<bool>& same, bool cut) {
    std::string out;
    bool open = false;
    for (size_t i = 0; i < tokens.size(); ++i) {
      const bool mark = !same[i];
      if (mark && !open) {
        out += "<mark>";
        open = true;
      } else if (!mark && open && !tokens[i].space) {
        out += "</mark>";
        open = false;
      }
      // Spaces between two differing words stay inside one mark.
      if (open && tokens[i].space &&
          (i + 1 >= tokens.size() || same[i + 1])) {
        out += "</mark>";
        open = false;
      }
      out += HtmlEscape(tokens[i].text);
    }
    if (open) out += "</mark>";
    if (cut) out += " <span class=\"tag\">&hellip; cut</span>";
    return out;
  };
  const std::string skipped =
      from > 0 ? "<span class=\"tag\">" + Num(from) +
                     " identical bytes before</span> "
               : std::string();
  const auto end_of = [](std::string_view whole, std::string_view part) {
    return static_cast<size_t>(part.data() - whole.data()) + part.size();
  };
  return {skipped + render(ta, same_a, end_of(a, ea) < a.size()),
          skipped + render(tb, same_b, end_of(b, eb) < b.size())};
}

double LshCandidateProbability(double j, int bands, int rows) {
  return 1.0 - std::pow(1.0 - std::pow(j, rows), bands);
}

std::string RenderDedupReport(const DedupReport& r) {
  std::string b = Header("dedup", r.outdir);
  b += Accounting(r.read, r.kept, r.removed, r.rejected);
  b += "<p>" + Num(r.removed) + " documents (" + Percent(r.removed, r.read) +
       " of those read) removed as duplicates" +
       (r.too_short > 0 ? " (" + Num(r.too_short) + " of them too short to "
                                                     "compare)"
                        : std::string()) +
       "; " + Num(r.clusters) + " clusters of two or more; " +
       Megabytes(r.text_bytes) + " of text" +
       (r.truncated ? "; " + Num(r.truncated) + " documents read truncated"
                    : std::string()) +
       (r.dry_run ? ". <b>Dry run</b>: no records were written" : "") +
       ".</p>\n";
  b += "<h2 id=\"parameters\">Parameters</h2><table><tbody>";
  auto row = [&b](const std::string& k, const std::string& v) {
    b += "<tr><th>" + k + "</th><td>" + v + "</td></tr>";
  };
  row("method", HtmlEscape(r.method));
  if (r.method != "exact") {
    row("shingles", HtmlEscape(r.shingle) + " " + Num(r.ngram) + "-grams");
  }
  if (r.method == "minhash") {
    row("threshold (Jaccard)", Fixed(r.threshold, 2));
    row("permutations", Num(r.num_perm));
    row("LSH", Num(r.bands) + " bands &times; " + Num(r.rows) + " rows");
    row("verification", HtmlEscape(r.verify));
  } else if (r.method == "simhash") {
    row("Hamming distance at most", Num(r.hamming));
  }
  row("kept per cluster", HtmlEscape(r.keep));
  row("candidate pairs", Num(r.candidate_pairs) + " (" +
                             Num(r.verified_pairs) + " verified, " +
                             Num(r.joined_pairs) + " joined)");
  b += "</tbody></table>\n";
  b += DedupCharts(r);
  b += "<h2 id=\"examples\">Examples</h2>\n<p class=\"note\">Kept text on "
       "the left, removed on the right, words not shared marked "
       "(<mark>like this</mark>). Excerpts of at most " +
       Num(kReportMaxExcerptBytes) + " bytes, from a little before the first "
       "byte where the two texts differ.</p>\n";
  if (r.nearest.empty() && r.sample.empty()) {
    b += "<p>No document was removed as a near-duplicate: nothing to "
         "show.</p>\n";
  }
  if (!r.nearest.empty()) {
    b += "<h3>Removals nearest the threshold</h3>\n<p class=\"note\">The "
         "removals least similar to the record kept" +
         std::string(r.method == "simhash" ? " (largest distance)" : "") +
         ".</p>\n";
    for (size_t i = 0; i < r.nearest.size() && i < kReportMaxExamples; ++i) {
      b += ExampleHtml(r.nearest[i], r);
    }
  }
  if (!r.sample.empty()) {
    b += "<h3>A sample of the other removals</h3>\n";
    for (size_t i = 0; i < r.sample.size() && i < kReportMaxExamples; ++i) {
      b += ExampleHtml(r.sample[i], r);
    }
  }
  b += FilesTable(r.files);
  return Page("neardup dedup report", b);
}

namespace {

std::string CleanExampleHtml(const CleanExample& e) {
  // A window of the text that starts a little before the first cut.
  uint64_t from = e.cuts.empty() ? 0 : e.cuts.front().begin;
  from = from > 160 ? from - 160 : 0;
  const std::string_view window =
      Utf8Excerpt(e.text, static_cast<size_t>(std::min<uint64_t>(from, e.text.size())),
                  kReportMaxExcerptBytes);
  const uint64_t begin = static_cast<uint64_t>(window.data() - e.text.data());
  const uint64_t end = begin + window.size();
  std::string s = "<div class=\"example\"><p class=\"meta\"><b>" +
                  Label(e.id) + "</b> &mdash; " + Label(e.file) + " line " +
                  Num(e.line) + ", " + Num(e.text.size()) + " bytes of text, " +
                  Num(e.cuts.size()) + " cuts; showing bytes " + Num(begin) +
                  "&ndash;" + Num(end) + ".</p><div class=\"doc\">"
                  "<p class=\"text\" dir=\"auto\">";
  uint64_t at = begin;
  auto text_of = [&](uint64_t x, uint64_t y) {
    return HtmlEscape(Utf8Excerpt(e.text, x, y - x));
  };
  for (const ReportCut& c : e.cuts) {
    if (c.end <= at || c.begin >= end) continue;
    const uint64_t cb = std::max(c.begin, at), ce = std::min(c.end, end);
    if (cb > at) s += text_of(at, cb);
    std::string what = c.reason + ", bytes " + Num(c.begin) + "-" + Num(c.end);
    if (c.source_begin >= 0) {
      what += ", repeats bytes from " + std::to_string(c.source_begin);
    }
    s += "<span class=\"tag\">" + HtmlEscape(what) + "</span><del class=\"cut\" "
         "title=\"" + HtmlEscape(what) + "\">" + text_of(cb, ce) + "</del>";
    at = ce;
  }
  if (at < end) s += text_of(at, end);
  s += "</p></div><table><thead><tr><th>reason</th><th class=\"n\">bytes"
       "</th><th>span</th><th>source</th></tr></thead><tbody>";
  for (size_t i = 0; i < e.cuts.size() && i < 12; ++i) {
    const ReportCut& c = e.cuts[i];
    s += "<tr><td>" + HtmlEscape(c.reason) + "</td><td class=\"n\">" +
         Num(c.end - c.begin) + "</td><td>" + Num(c.begin) + "&ndash;" +
         Num(c.end) + "</td><td>" +
         (c.source_begin >= 0
              ? "same document, from byte " + std::to_string(c.source_begin)
              : std::string("&mdash;")) +
         "</td></tr>";
  }
  s += "</tbody></table></div>\n";
  return s;
}

}  // namespace

namespace {

// Cuts by reason: a chart and its table.
std::string CutReasonsSection(const CleanReport& r) {
  std::string b;
  b += "<h2 id=\"reasons\">Cuts by reason</h2>\n";
  BarChartSpec c;
  c.id = "cut-reasons";
  c.title = "Bytes cut by reason";
  c.x_label = "reason";
  c.y_label = "bytes cut";
  c.series = {{"bytes", {}}};
  std::vector<std::vector<std::string>> rows;
  uint64_t cuts = 0;
  for (const ReasonRow& row : r.reasons) {
    c.x_ticks.push_back(row.reason);
    c.series[0].values.push_back(static_cast<double>(row.bytes));
    rows.push_back({HtmlEscape(row.reason), Num(row.cuts), Num(row.bytes),
                    Percent(row.bytes, r.text_bytes)});
    cuts += row.cuts;
  }
  c.summary = Num(cuts) + " cuts, " + Num(r.cut_bytes) + " bytes.";
  // A table in the open too: it is the page's main number.
  std::string table = "<table><thead><tr><th>reason</th><th class=\"n\">"
                      "cuts (lines or blocks)</th><th class=\"n\">bytes</th>"
                      "<th class=\"n\">of all text</th></tr></thead><tbody>";
  for (const auto& cells : rows) {
    table += "<tr><td>" + cells[0] + "</td><td class=\"n\">" + cells[1] +
             "</td><td class=\"n\">" + cells[2] + "</td><td class=\"n\">" +
             cells[3] + "</td></tr>";
  }
  table += "</tbody></table>";
  b += Figure(BarChart(c), "Bytes of text cut for each reason.", table);
  return b;
}

// The most frequent boilerplate lines, by site.
std::string BoilerplateSection(const CleanReport& r) {
  std::string b;
  b += "<h2 id=\"boilerplate\">Most frequent boilerplate lines</h2>\n";
  if (r.boilerplate.empty()) {
    b += "<p>No line was cut as boilerplate.</p>\n";
  } else {
    std::vector<std::string> sites;
    for (const BoilerplateRow& row : r.boilerplate) {
      if (std::find(sites.begin(), sites.end(), row.site) == sites.end()) {
        sites.push_back(row.site);
      }
      if (sites.size() >= kReportMaxSites) break;
    }
    b += "<p class=\"note\">" + Num(r.boilerplate_distinct) +
         " distinct lines were cut as boilerplate (all in "
         "line_counts.jsonl). The " + Num(sites.size()) +
         " sites with the most frequent ones, up to " +
         Num(kReportMaxLinesPerSite) + " lines each:</p>";
    for (const std::string& site : sites) {
      b += "<h3>" + (site.empty() ? std::string("(no site: documents without "
                                                "URL)")
                                  : Label(site)) +
           "</h3><table><thead><tr><th class=\"n\">documents</th><th>line"
           "</th></tr></thead><tbody>";
      size_t shown = 0;
      for (const BoilerplateRow& row : r.boilerplate) {
        if (row.site != site || shown++ >= kReportMaxLinesPerSite) continue;
        b += "<tr><td class=\"n\">" + Num(row.docs) + "</td><td dir=\"auto\">" +
             Label(row.line) + "</td></tr>";
      }
      b += "</tbody></table>\n";
    }
  }
  return b;
}

// The histogram of each repetition signal ("" without signals.jsonl).
std::string SignalsSection(const CleanReport& r) {
  if (r.signals.empty()) return "";
  std::string b;
  b += "<h2 id=\"signals\">Repetition signals</h2>\n<p class=\"note\">The "
       "Gopher repetition signals of every document (signals.jsonl), with "
       "the filter's thresholds dashed.</p>\n";
  for (size_t k = 0; k < r.signals.size(); ++k) {
    const SignalHistogram& h = r.signals[k];
    BarChartSpec c;
    c.id = "signal-" + Num(k);
    c.title = h.name;
    c.x_label = "fraction of the document";
    c.y_label = "documents";
    c.series = {{"documents", {}}};
    std::vector<std::vector<std::string>> rows;
    const size_t bins = h.counts.size();
    uint64_t docs = 0, over = 0;
    for (size_t i = 0; i < bins; ++i) {
      c.series[0].values.push_back(static_cast<double>(h.counts[i]));
      docs += h.counts[i];
      if (!std::isnan(h.threshold) &&
          static_cast<double>(i) / bins >= h.threshold) {
        over += h.counts[i];
      }
      if (h.counts[i]) {
        rows.push_back({Fixed(static_cast<double>(i) / bins, 2) + "&ndash;" +
                            Fixed(static_cast<double>(i + 1) / bins, 2),
                        Num(h.counts[i])});
      }
    }
    for (size_t i = 0; i <= bins; ++i) {
      c.x_ticks.push_back(Fixed(static_cast<double>(i) / bins, 1));
    }
    if (!std::isnan(h.threshold)) {
      c.marker = h.threshold * bins;
      c.marker_label = "threshold " + Fixed(h.threshold, 2);
    }
    c.summary = Num(docs) + " documents" +
                (std::isnan(h.threshold)
                     ? std::string()
                     : ", threshold " + Fixed(h.threshold, 2));
    b += Figure(BarChart(c),
                HtmlEscape(h.name) + ": " + Num(docs) + " documents" +
                    (std::isnan(h.threshold)
                         ? std::string(".")
                         : "; about " + Num(over) +
                               " in bins at or above the threshold."),
                DataTable({"fraction", "documents"}, rows));
  }
  return b;
}

}  // namespace

std::string RenderCleanReport(const CleanReport& r) {
  std::string b = Header("clean", r.outdir);
  b += Accounting(r.read, r.kept, r.removed, r.rejected);
  b += "<p>" + Num(r.edited) + " documents edited; " + Megabytes(r.cut_bytes) +
       " of " + Megabytes(r.text_bytes) + " of text cut (" +
       Percent(r.cut_bytes, r.text_bytes) + "); removed: " +
       Num(r.removed_empty) + " empty after cleaning, " +
       Num(r.removed_gopher) + " by the Gopher filter" +
       (r.not_rewritten ? "; " + Num(r.not_rewritten) +
                              " HTML records with cuts written as read"
                        : std::string()) +
       (r.annotate ? ". <b>Annotate</b>: cuts listed, texts left as read" : "") +
       (r.signals_only ? ". <b>Signals only</b>: nothing changed" : "") +
       ".</p>\n";
  b += CutReasonsSection(r);
  b += BoilerplateSection(r);
  // Largest share cut.
  b += "<h2 id=\"share\">Documents with the largest share cut</h2>\n";
  if (r.largest_share.empty()) {
    b += "<p>No document had text cut.</p>\n";
  } else {
    b += "<table><thead><tr><th>id</th><th>file</th><th class=\"n\">line</th>"
         "<th class=\"n\">text bytes</th><th class=\"n\">bytes cut</th>"
         "<th class=\"n\">share cut</th></tr></thead><tbody>";
    for (size_t i = 0; i < r.largest_share.size() && i < kReportMaxShareRows;
         ++i) {
      const ShareRow& row = r.largest_share[i];
      b += "<tr><td>" + Label(row.id) + "</td><td>" + Label(row.file) +
           "</td><td class=\"n\">" + Num(row.line) + "</td><td class=\"n\">" +
           Num(row.text_bytes) + "</td><td class=\"n\">" + Num(row.cut_bytes) +
           "</td><td class=\"n\">" + Percent(row.cut_bytes, row.text_bytes) +
           "</td></tr>";
    }
    b += "</tbody></table>\n";
  }
  // Examples.
  b += "<h2 id=\"examples\">Examples</h2>\n";
  if (r.examples.empty()) {
    b += "<p>No cuts: nothing to show.</p>\n";
  } else {
    b += "<p class=\"note\">Cut text is struck through on grey, each cut "
         "preceded by a dark tag with its reason and byte span (the source "
         "span for repeats). Windows of at most " +
         Num(kReportMaxExcerptBytes) + " bytes.</p>\n";
    for (size_t i = 0; i < r.examples.size() && i < kReportMaxExamples; ++i) {
      b += CleanExampleHtml(r.examples[i]);
    }
  }
  b += SignalsSection(r);
  b += FilesTable(r.files);
  return Page("neardup clean report", b);
}

}  // namespace neardup::internal
