// The index layer's LSH (lsh.h) in neardup._core: LshParams, band keys,
// candidate pairs of MinHash bands and of SimHash permuted tables. The
// persistent index (index.h) is in index_bindings.cc.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <utility>
#include <vector>

#include "common.h"
#include "neardup/internal/dedup_stages.h"

namespace neardup::python {
namespace {

py::object BandKeys(const py::object& signatures, int bands, int rows) {
  const View<uint32_t> sig = ViewOf<uint32_t>(signatures, 2, 2, "signatures");
  const size_t n = static_cast<size_t>(sig.shape[0]);
  const size_t k = static_cast<size_t>(sig.shape[1]);
  if (bands < 1 || rows < 1 || static_cast<size_t>(bands) * rows > k) {
    throw py::value_error("band_keys: need bands, rows >= 1 and bands x rows "
                          "<= signature length " + std::to_string(k));
  }
  std::vector<uint64_t> out(n * static_cast<size_t>(bands));
  {
    py::gil_scoped_release release;
    for (size_t d = 0; d < n; ++d) {
      const auto row = sig.values.subspan(d * k, k);
      for (int b = 0; b < bands; ++b) {
        out[d * bands + b] = BandKey(row, b, rows);
      }
    }
  }
  return ToArray(std::move(out), {static_cast<py::ssize_t>(n), bands});
}

// EstimateContainment of jaccard[i], size_a[i] and size_b[i].
py::tuple CandidatesFromKeysPy(const py::object& keys,
                               const CandidateOptions& options) {
  const View<uint64_t> v = ViewOf<uint64_t>(keys, 1, 1, "keys");
  std::vector<DocPair> pairs;
  CandidateStats stats;
  absl::Status status;
  {
    py::gil_scoped_release release;
    std::vector<std::pair<uint64_t, uint32_t>> scratch;
    status = CandidatesFromKeys(v.values, options, &scratch, &pairs, &stats);
  }
  Check(status);
  return py::make_tuple(PairsToArray(std::move(pairs)), stats);
}

py::tuple CandidatesFromSortedKeysPy(const py::object& keys,
                                     const py::object& docs,
                                     const CandidateOptions& options) {
  const View<uint64_t> k = ViewOf<uint64_t>(keys, 1, 1, "keys");
  const View<uint32_t> d = ViewOf<uint32_t>(docs, 1, 1, "docs");
  if (k.values.size() != d.values.size()) {
    throw py::value_error("keys and docs differ in length");
  }
  std::vector<DocPair> pairs;
  CandidateStats stats;
  absl::Status status;
  {
    py::gil_scoped_release release;
    std::vector<std::pair<uint64_t, uint32_t>> sorted(k.values.size());
    for (size_t i = 0; i < sorted.size(); ++i) {
      sorted[i] = {k.values[i], d.values[i]};
    }
    status = internal::CandidatesFromSortedKeys(sorted, options, &pairs, &stats);
  }
  Check(status);
  return py::make_tuple(PairsToArray(std::move(pairs)), stats);
}

void BindBands(py::module_& m) {
  const LshParams d;
  const CandidateOptions c;
  py::class_<LshParams>(m, "LshParams")
      .def(py::init([](int bands, int rows) { return LshParams{bands, rows}; }),
           py::arg("bands") = d.bands, py::arg("rows") = d.rows)
      .def_readwrite("bands", &LshParams::bands,
                     "LSH bands.")
      .def_readwrite("rows", &LshParams::rows,
                     "rows (signature values) per band.")
      .def("__repr__", [](const LshParams& p) {
        return "LshParams(bands=" + std::to_string(p.bands) +
               ", rows=" + std::to_string(p.rows) + ")";
      });
  m.def("candidate_probability", &CandidateProbability, py::arg("s"),
        py::arg("params"));
  m.def(
      "optimal_lsh_params",
      [](double threshold, int num_perm, double fp_weight, double fn_weight) {
        return Check(
            OptimalLshParams(threshold, num_perm, fp_weight, fn_weight));
      },
      py::arg("threshold"), py::arg("num_perm"), 
      py::arg("fp_weight") = kLshFalsePositiveWeight,
      py::arg("fn_weight") = kLshFalseNegativeWeight,
      "Chooses (bands, rows) for a threshold, as `neardup dedup` does.");
  m.def(
      "band_key",
      [](const py::object& signature, int band, int rows) {
        const View<uint32_t> v = ViewOf<uint32_t>(signature, 1, 1, "signature");
        return Check(CheckedBandKey(v.values, band, rows));
      },
      py::arg("signature"), py::arg("band"), py::arg("rows"),
      "Returns the key of one band (ValueError for band < 0 or rows < 1, "
      "IndexError when the band runs past the signature).");
  m.def("band_keys", &BandKeys, py::arg("signatures"), py::arg("bands"),
        py::arg("rows"),
        "Returns the (n, bands) uint64 band keys of an (n, num_perm) "
        "signature array. Releases the GIL.");
  py::class_<CandidateOptions>(m, "CandidateOptions")
      .def(py::init([](size_t max_bucket_pairs_size) {
             return CandidateOptions{max_bucket_pairs_size};
           }),
           py::arg("max_bucket_pairs_size") = c.max_bucket_pairs_size)
      .def_readwrite("max_bucket_pairs_size", &CandidateOptions::max_bucket_pairs_size,
                     WithDefault("a bucket with more members emits a linear number "
                                 "of pairs.",
                                 c.max_bucket_pairs_size)
                         .c_str());
  py::class_<CandidateStats>(m, "CandidateStats")
      .def(py::init<>())
      .def_readwrite("buckets", &CandidateStats::buckets,
                     "keys shared by two or more documents.")
      .def_readwrite("pairs", &CandidateStats::pairs,
                     "pairs emitted (before deduplication).")
      .def_readwrite("oversized_buckets", &CandidateStats::oversized_buckets,
                     "buckets that took the linear path.")
      .def_readwrite("largest_bucket", &CandidateStats::largest_bucket,
                     "members of the largest bucket.");
  m.def("candidates_from_keys", &CandidatesFromKeysPy, py::arg("keys"),
        py::arg("options") = CandidateOptions{},
        "Candidate pairs of one band: returns ((m, 2) uint32 pairs, "
        "CandidateStats).");
  m.def("candidates_from_sorted_keys", &CandidatesFromSortedKeysPy,
        py::arg("keys"), py::arg("docs"),
        py::arg("options") = CandidateOptions{},
        "As candidates_from_keys for (key, doc) pairs already sorted, whole "
        "buckets only (a shard of a band).");
}

void BindSimHashTables(py::module_& m) {
  m.def(
      "simhash_near_pairs",
      [](const py::object& fingerprints, int max_distance,
         const CandidateOptions& options) {
        const View<uint64_t> v =
            ViewOf<uint64_t>(fingerprints, 1, 1, "fingerprints");
        CandidateStats stats;
        absl::StatusOr<std::vector<DocPair>> pairs;
        {
          py::gil_scoped_release release;
          pairs = SimHashNearPairs(v.values, max_distance, options, &stats);
        }
        return py::make_tuple(PairsToArray(Check(std::move(pairs))), stats);
      },
      py::arg("fingerprints"), py::arg("max_distance") = DedupOptions{}.hamming,
      py::arg("options") = CandidateOptions{});

  m.def(
      "simhash_table_masks",
      [](int max_distance) {
        if (max_distance < 0 || max_distance > 8) {
          throw py::value_error("max_distance must be 0 to 8, got " +
                                std::to_string(max_distance));
        }
        return SimHashTableMasks(max_distance);
      },
      py::arg("max_distance"),
      "The key masks of simhash_near_pairs' permuted tables, in order "
      "(ValueError outside 0 to 8).");
  m.def(
      "simhash_pairs_from_sorted_keys",
      [](const py::object& keys, const py::object& fingerprints,
         const py::object& docs, int max_distance,
         const CandidateOptions& options) {
        const View<uint64_t> k = ViewOf<uint64_t>(keys, 1, 1, "keys");
        const View<uint64_t> f =
            ViewOf<uint64_t>(fingerprints, 1, 1, "fingerprints");
        const View<uint32_t> d = ViewOf<uint32_t>(docs, 1, 1, "docs");
        if (k.values.size() != f.values.size() ||
            k.values.size() != d.values.size()) {
          throw py::value_error("keys, fingerprints and docs differ in length");
        }
        CandidateStats stats;
        std::vector<DocPair> pairs;
        absl::Status status;
        {
          py::gil_scoped_release release;
          status = internal::SimHashPairsFromSortedKeys(k.values, f.values, d.values,
                                              max_distance, options, &pairs,
                                              &stats);
        }
        Check(status);
        return py::make_tuple(PairsToArray(std::move(pairs)), stats);
      },
      py::arg("keys"), py::arg("fingerprints"), py::arg("docs"),
      py::arg("max_distance"), py::arg("options") = CandidateOptions{},
      "The verified pairs of one permuted table's buckets, sorted by (key, "
      "doc), whole buckets only (a shard of a table).");
  m.def(
      "hamming_distance_rows",
      [](const py::object& a, const py::object& b) {
        const View<uint64_t> va = ViewOf<uint64_t>(a, 1, 1, "a");
        const View<uint64_t> vb = ViewOf<uint64_t>(b, 1, 1, "b");
        if (va.values.size() != vb.values.size()) {
          throw py::value_error("a and b differ in length");
        }
        std::vector<double> out(va.values.size());
        for (size_t i = 0; i < out.size(); ++i) {
          out[i] = HammingDistance(va.values[i], vb.values[i]);
        }
        return ToArray(std::move(out));
      },
      py::arg("a"), py::arg("b"),
      "Hamming distance of a[i] and b[i] (float64 array).");
}

}  // namespace

void BindLsh(py::module_& m) {
  BindBands(m);
  BindSimHashTables(m);
}

}  // namespace neardup::python
