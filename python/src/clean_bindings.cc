// The clean layer (clean.h) in neardup._core: cuts, repeats inside a
// document, the options of boilerplate and syndication across documents,
// and the Gopher repetition signals. The clean job is in
// pipeline_bindings.cc.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "common.h"

namespace neardup::python {
namespace {

void BindCuts(py::module_& m) {
  const Cut d;
  py::enum_<CutReason>(m, "CutReason")
      .value("REPEATED_BLOCK", CutReason::kRepeatedBlock)
      .value("REPEATED_LINE", CutReason::kRepeatedLine)
      .value("BOILERPLATE", CutReason::kBoilerplate)
      .value("SYNDICATED", CutReason::kSyndicated);
  py::class_<Cut>(m, "Cut",
                  "A span [begin, end) cut from a document, in UTF-8 byte "
                  "offsets (also when the text is a str: see text(), "
                  "char_span() and char_offsets()).")
      .def(py::init([](size_t begin, size_t end, CutReason reason,
                       std::optional<size_t> source_begin,
                       double similarity) {
             return Cut{begin, end, reason,
                        source_begin.value_or(Cut::kNoSource), similarity};
           }),
           py::arg("begin"), py::arg("end"),
           py::arg("reason") = d.reason, py::arg("source_begin") = py::none(),
           py::arg("similarity") = d.similarity)
      .def(
          "text",
          [](const Cut& c, const py::object& text) -> py::object {
            const std::string_view span = CheckedByteSpan(text, c.begin, c.end);
            if (PyUnicode_Check(text.ptr())) {
              return py::str(span.data(), span.size());
            }
            return Bytes(span);
          },
          py::arg("text"),
          "Returns the cut part of text (the text the cut was found in; "
          "same type). IndexError when the cut lies outside it.")
      .def(
          "char_span",
          [](const Cut& c, const py::str& text) {
            const std::vector<size_t> at = CharOffsets(text, {c.begin, c.end});
            return py::make_tuple(at[0], at[1]);
          },
          py::arg("text"),
          "Returns (begin, end) as str indices into text, so that "
          "text[begin:end] == cut.text(text).")
      .def("__eq__", [](const Cut& a, const Cut& b) { return a == b; })
      .def_readonly("begin", &Cut::begin)
      .def_readonly("end", &Cut::end)
      .def_readonly("reason", &Cut::reason)
      .def_property_readonly("source_begin",
                             [](const Cut& c) -> py::object {
                               if (c.source_begin == Cut::kNoSource) {
                                 return py::none();
                               }
                               return py::int_(c.source_begin);
                             })
      .def_readonly("similarity", &Cut::similarity)
      .def("__repr__", [](const Cut& c) {
        return std::string("Cut(") + std::to_string(c.begin) + ", " +
               std::to_string(c.end) + ", " + CutReasonName(c.reason) + ")";
      });
}

void BindRepeats(py::module_& m) {
  const RepeatOptions d;
  py::class_<RepeatOptions>(m, "RepeatOptions")
      .def(py::init([](size_t min_single_line_bytes, double near_similarity,
                       bool repeats_inside_lines,
                       const NormalizeOptions& normalize,
                       double block_similarity) {
             return RepeatOptions{normalize, min_single_line_bytes,
                                  near_similarity, repeats_inside_lines,
                                  block_similarity};
           }),
           py::arg("min_single_line_bytes") = d.min_single_line_bytes,
           py::arg("near_similarity") = d.near_similarity,
           py::arg("repeats_inside_lines") = d.repeats_inside_lines,
           py::arg("normalize") = d.normalize,
           py::arg("block_similarity") = d.block_similarity)
      .def_readwrite("normalize", &RepeatOptions::normalize,
                     "NormalizeOptions lines are compared under. Default: NormalizeOptions().")
      .def_readwrite("min_single_line_bytes", &RepeatOptions::min_single_line_bytes,
                     WithDefault("a lone repeated line is cut only from this many "
                                 "normalized bytes.",
                                 d.min_single_line_bytes)
                         .c_str())
      .def_readwrite("near_similarity", &RepeatOptions::near_similarity,
                     WithDefault("word 3-gram Jaccard at which a line is a near "
                                 "repeat; 1.0 disables near repeats.",
                                 d.near_similarity)
                         .c_str())
      .def_readwrite("block_similarity", &RepeatOptions::block_similarity,
                     WithDefault("a run of lines aligned in order with an earlier "
                                 "run is one repeated block at this "
                                 "byte-weighted similarity.",
                                 d.block_similarity)
                         .c_str())
      .def_readwrite("repeats_inside_lines", &RepeatOptions::repeats_inside_lines,
                     WithDefault("also cut a line printed twice and a sentence "
                                 "repeated right after itself.",
                                 d.repeats_inside_lines)
                         .c_str());
  py::class_<RepeatFinder>(m, "RepeatFinder",
                           "Finds text repeated inside one document. Byte "
                           "offsets are into the UTF-8 encoding. Not "
                           "thread-safe.")
      .def(py::init([](const RepeatOptions& options) {
             return Check(RepeatFinder::Create(options));
           }),
           py::arg("options") = RepeatOptions{},
           "ValueError when options.near_similarity or "
           "options.block_similarity is outside [0, 1].")
      .def(
          "find",
          [](RepeatFinder& self, const py::object& text) {
            std::vector<Cut> cuts;
            self.Find(TextOf(text), &cuts);
            return cuts;
          },
          py::arg("text"),
          "Returns the cuts of text, sorted by begin. Their offsets are "
          "UTF-8 byte offsets, also for a str: use cut.text(text), "
          "cut.char_span(text) or char_offsets() for str indices.");
  m.def("char_offsets", &CharOffsets, py::arg("text"), py::arg("offsets"),
        "Converts UTF-8 byte offsets into text (a str) to str indices. "
        "IndexError past the end, ValueError inside a character.");
  m.def(
      "apply_cuts",
      [](const py::object& text, const std::vector<Cut>& cuts) {
        const std::string out = Check(ApplyCuts(TextOf(text), cuts));
        if (PyUnicode_Check(text.ptr())) return py::object(py::str(out));
        return py::object(Bytes(out));
      },
      py::arg("text"), py::arg("cuts"),
      "Returns text without the bytes the cuts cover (same type as text). "
      "Cuts may be in any order and overlap (their union is removed); "
      "ValueError for a cut that is inverted or ends past the text (UTF-8 "
      "byte offsets).");
}

void BindCrossDocument(py::module_& m) {
  const BoilerplateOptions b;
  const SyndicationOptions s;
  py::class_<BoilerplateOptions>(m, "BoilerplateOptions")
      .def(py::init<>())
      .def_readwrite("min_docs", &BoilerplateOptions::min_docs,
                     WithDefault("a line is boilerplate in at least this many "
                                 "documents of a site (of the collection "
                                 "without url), at least 2.",
                                 b.min_docs)
                         .c_str())
      .def_readwrite("max_line_bytes", &BoilerplateOptions::max_line_bytes,
                     WithDefault("longer normalized lines are content (bytes).",
                                 b.max_line_bytes)
                         .c_str());
  py::class_<SyndicationOptions>(m, "SyndicationOptions")
      .def(py::init<>())
      .def_readwrite("threshold", &SyndicationOptions::threshold,
                     WithDefault("a line is syndicated when this share of its "
                                 "word 5-grams occurred in earlier documents.",
                                 s.threshold)
                         .c_str())
      .def_readwrite("min_words", &SyndicationOptions::min_words,
                     WithDefault("shorter lines are never syndicated (words).",
                                 s.min_words)
                         .c_str())
      .def_readwrite("bloom_bytes", &SyndicationOptions::bloom_bytes,
                     WithDefault("size of the Bloom filter of seen 5-grams, in bytes.",
                                 s.bloom_bytes)
                         .c_str());
}

void BindSignalTypes(py::module_& m) {
  const GopherThresholds g;
  py::class_<RepetitionSignals>(m, "RepetitionSignals",
                                "The Gopher repetition signals (clean.h).")
      .def_readonly("dup_line_fraction", &RepetitionSignals::dup_line_fraction)
      .def_readonly("dup_paragraph_fraction",
                    &RepetitionSignals::dup_paragraph_fraction)
      .def_readonly("dup_line_char_fraction",
                    &RepetitionSignals::dup_line_char_fraction)
      .def_readonly("dup_paragraph_char_fraction",
                    &RepetitionSignals::dup_paragraph_char_fraction)
      // Tuples: the signals are results, and a tuple refuses assignment
      // instead of changing a copy in silence.
      .def_property_readonly("top_ngram_char_fraction",
                             [](const RepetitionSignals& s) {
                               return py::tuple(py::cast(std::vector<double>(
                                   s.top_ngram_char_fraction.begin(),
                                   s.top_ngram_char_fraction.end())));
                             })
      .def_property_readonly("dup_ngram_char_fraction",
                             [](const RepetitionSignals& s) {
                               return py::tuple(py::cast(std::vector<double>(
                                   s.dup_ngram_char_fraction.begin(),
                                   s.dup_ngram_char_fraction.end())));
                             })
      .def_readonly("lines", &RepetitionSignals::lines)
      .def_readonly("paragraphs", &RepetitionSignals::paragraphs)
      .def_readonly("words", &RepetitionSignals::words);
  py::class_<GopherThresholds>(m, "GopherThresholds")
      .def(py::init<>())
      .def_readwrite("dup_line_fraction", &GopherThresholds::dup_line_fraction,
                     WithDefault("duplicate lines / lines above which a document fails.",
                                 g.dup_line_fraction)
                         .c_str())
      .def_readwrite("dup_paragraph_fraction", &GopherThresholds::dup_paragraph_fraction,
                     WithDefault("duplicate paragraphs / paragraphs above which a document fails.",
                                 g.dup_paragraph_fraction)
                         .c_str())
      .def_readwrite("dup_line_char_fraction", &GopherThresholds::dup_line_char_fraction,
                     WithDefault("characters of duplicate lines / all, above which a document fails.",
                                 g.dup_line_char_fraction)
                         .c_str())
      .def_readwrite("dup_paragraph_char_fraction", &GopherThresholds::dup_paragraph_char_fraction,
                     WithDefault("characters of duplicate paragraphs / all, above which a document fails.",
                                 g.dup_paragraph_char_fraction)
                         .c_str())
      // Views into the thresholds: t.top_ngram_char_fraction[0] = 0.9
      // changes t, and so does assigning a whole sequence of 3 (or 6).
      .def_property(
          "top_ngram_char_fraction",
          [](const py::object& self) {
            auto& t = self.cast<GopherThresholds&>();
            return DoubleView(self, t.top_ngram_char_fraction.data(),
                              t.top_ngram_char_fraction.size());
          },
          [](GopherThresholds& t, const py::object& values) {
            AssignDoubles(values, "top_ngram_char_fraction",
                          &t.top_ngram_char_fraction);
          },
          WithDefault("Thresholds of the top 2-, 3- and 4-gram character "
                      "fractions: a writable array view; assign 3 numbers "
                      "to replace them all.",
                      std::vector<double>(g.top_ngram_char_fraction.begin(),
                                          g.top_ngram_char_fraction.end()))
              .c_str())
      .def_property(
          "dup_ngram_char_fraction",
          [](const py::object& self) {
            auto& t = self.cast<GopherThresholds&>();
            return DoubleView(self, t.dup_ngram_char_fraction.data(),
                              t.dup_ngram_char_fraction.size());
          },
          [](GopherThresholds& t, const py::object& values) {
            AssignDoubles(values, "dup_ngram_char_fraction",
                          &t.dup_ngram_char_fraction);
          },
          WithDefault("Thresholds of the duplicate 5- to 10-gram character "
                      "fractions: a writable array view; assign 6 numbers "
                      "to replace them all.",
                      std::vector<double>(g.dup_ngram_char_fraction.begin(),
                                          g.dup_ngram_char_fraction.end()))
              .c_str());
}

void BindSignals(py::module_& m) {
  m.def(
      "compute_repetition_signals",
      [](const py::object& text) {
        return ComputeRepetitionSignals(TextOf(text));
      },
      py::arg("text"));
  m.def(
      "compute_repetition_signals_batch",
      [](const py::iterable& texts, int threads) {
        CheckThreads(threads);
        const Texts input(texts);
        std::vector<RepetitionSignals> out(input.size());
        {
          py::gil_scoped_release release;
          const int workers = BatchWorkers(threads, out.size());
          std::vector<std::string> scratch(workers);
          internal::ParallelFor(workers, out.size(), [&](int w, size_t i) {
            out[i] = ComputeRepetitionSignals(input.Get(i, &scratch[w]));
          });
        }
        return out;
      },
      py::arg("texts"), py::arg("threads") = kBatchThreads,
      "Signals of every text; releases the GIL while it works.");
  m.def("exceeded_gopher_signal", &ExceededGopherSignal, py::arg("signals"),
        py::arg("thresholds") = GopherThresholds{},
        "Returns the name of the first signal above its threshold, or ''.");
}

}  // namespace

void BindClean(py::module_& m) {
  BindCuts(m);
  BindRepeats(m);
  BindCrossDocument(m);
  BindSignalTypes(m);
  BindSignals(m);
}

}  // namespace neardup::python
