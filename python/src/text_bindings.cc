// The text layer (text.h) in neardup._core: NormalizeOptions, Normalizer,
// normalize, normalize_batch and is_valid_utf8.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "common.h"

namespace neardup::python {
namespace {

// normalize_batch: every text normalized, without the GIL.
py::list NormalizeBatch(const py::iterable& texts,
                        const NormalizeOptions& options, int threads) {
  CheckThreads(threads);
  const Texts input(texts);
  std::vector<std::string> out(input.size());
  {
    py::gil_scoped_release release;
    const int workers = BatchWorkers(threads, out.size());
    std::vector<Normalizer> normalizers(workers, Normalizer(options));
    std::vector<std::string> scratch(workers);
    internal::ParallelFor(workers, out.size(), [&](int w, size_t i) {
      normalizers[w].Normalize(input.Get(i, &scratch[w]), &out[i]);
    });
  }
  py::list result;
  for (const std::string& s : out) result.append(py::str(s));
  return result;
}

void BindNormalizeOptions(py::module_& m) {
  const NormalizeOptions d;
  py::class_<NormalizeOptions>(m, "NormalizeOptions",
                               "Which transformations Normalizer applies "
                               "(C++ neardup::NormalizeOptions).")
      .def(py::init([](bool nfkc, bool case_fold, bool strip_accents,
                       bool punctuation_to_space, bool digits_to_zero,
                       bool collapse_whitespace) {
             return NormalizeOptions{nfkc, case_fold, strip_accents,
                                     punctuation_to_space, digits_to_zero,
                                     collapse_whitespace};
           }),
           py::arg("nfkc") = d.nfkc, py::arg("case_fold") = d.case_fold,
           py::arg("strip_accents") = d.strip_accents,
           py::arg("punctuation_to_space") = d.punctuation_to_space,
           py::arg("digits_to_zero") = d.digits_to_zero,
           py::arg("collapse_whitespace") = d.collapse_whitespace)
      .def_readwrite("nfkc", &NormalizeOptions::nfkc,
                     WithDefault("Unicode NFKC (compatibility composition; "
                                 "drops default-ignorables).",
                                 d.nfkc)
                         .c_str())
      .def_readwrite("case_fold", &NormalizeOptions::case_fold,
                     WithDefault("Unicode case folding.", d.case_fold).c_str())
      .def_readwrite("strip_accents", &NormalizeOptions::strip_accents,
                     WithDefault("remove combining marks after "
                                 "decomposition (accents carry meaning in "
                                 "many languages).",
                                 d.strip_accents)
                         .c_str())
      .def_readwrite("punctuation_to_space",
                     &NormalizeOptions::punctuation_to_space,
                     WithDefault("punctuation and symbols (P*, Sc, Sm, Sk) "
                                 "become spaces.",
                                 d.punctuation_to_space)
                         .c_str())
      .def_readwrite("digits_to_zero", &NormalizeOptions::digits_to_zero,
                     WithDefault("every decimal digit becomes 0.",
                                 d.digits_to_zero)
                         .c_str())
      .def_readwrite("collapse_whitespace",
                     &NormalizeOptions::collapse_whitespace,
                     WithDefault("runs of whitespace become one space, "
                                 "trimmed.",
                                 d.collapse_whitespace)
                         .c_str());
}

}  // namespace

void BindText(py::module_& m) {
  BindNormalizeOptions(m);
  py::class_<Normalizer>(m, "Normalizer",
                         "Normalizes text (NFKC, case folding, punctuation, "
                         "digits, whitespace). Not thread-safe: one per "
                         "thread.")
      .def(py::init<const NormalizeOptions&>(),
           py::arg("options") = NormalizeOptions{})
      .def(
          "normalize",
          [](Normalizer& self, const py::object& text) {
            std::string out;
            self.Normalize(TextOf(text), &out);
            return py::str(out);
          },
          py::arg("text"),
          "Returns the normalized text (invalid UTF-8 in bytes is repaired "
          "to U+FFFD first).")
      .def_property_readonly("options", &Normalizer::options);

  m.def(
      "normalize",
      [](const py::object& text, const NormalizeOptions& options) {
        return py::str(Normalize(TextOf(text), options));
      },
      py::arg("text"), py::arg("options") = NormalizeOptions{},
      "Returns the normalized form of text (str or bytes).");
  m.def("normalize_batch", &NormalizeBatch, py::arg("texts"),
        py::arg("options") = NormalizeOptions{},
        py::arg("threads") = kBatchThreads,
        "Normalizes every text of a list; releases the GIL while it works.");
  m.def("is_valid_utf8",
        [](const py::bytes& b) { return IsValidUtf8(TextOf(b)); },
        py::arg("data"), "Returns True iff data is well-formed UTF-8.");
}

}  // namespace neardup::python
