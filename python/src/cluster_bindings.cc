// The cluster layer (cluster.h) in neardup._core: KeepPolicy,
// DisjointSets and keeps_over. The Dask job's judging of components is in
// stage_bindings.cc.

#include <pybind11/pybind11.h>

#include <string>

#include "common.h"
#include "neardup/internal/dedup_stages.h"

namespace neardup::python {

void BindCluster(py::module_& m) {
  py::enum_<KeepPolicy>(m, "KeepPolicy")
      .value("FIRST", KeepPolicy::kFirst)
      .value("LONGEST", KeepPolicy::kLongest)
      .value("FIELD", KeepPolicy::kField);
  py::class_<DisjointSets>(m, "DisjointSets",
                           "Union-find whose representative is the smallest "
                           "member.")
      .def(py::init([](size_t n) { return Check(DisjointSets::Create(n)); }),
           py::arg("n"),
           "Sets of the documents 0 .. n-1, each alone (ValueError for n > "
           "2**32).")
      .def(
          "find",
          [](DisjointSets& self, uint64_t x) {
            return Check(self.CheckedFind(x));
          },
          py::arg("x"),
          "Returns the smallest member of x's set (IndexError unless 0 <= x "
          "< len(self)).")
      .def(
          "union",
          [](DisjointSets& self, uint64_t a, uint64_t b) {
            return Check(self.CheckedUnion(a, b));
          },
          py::arg("a"), py::arg("b"),
          "Joins the sets of a and b; returns False if they were joined "
          "already (IndexError unless both are members).")
      .def("__len__", &DisjointSets::size)
      .def("__repr__", [](const DisjointSets& self) {
        return "DisjointSets(" + std::to_string(self.size()) + ")";
      });
  m.def("keeps_over", &internal::KeepsOver, py::arg("policy"), py::arg("length"),
        py::arg("number"), py::arg("best_length"), py::arg("best_number"));
}

}  // namespace neardup::python
