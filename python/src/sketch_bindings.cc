// The shingle and sketch layers (shingle.h, minhash.h, simhash.h) in
// neardup._core: ShingleOptions, Shingler, MinHashOptions, MinHasher, the
// Jaccard and containment estimators, simhash and hamming_distance.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "common.h"

namespace neardup::python {
namespace {

// measure(set i of a, set i of b) for sets concatenated in a and b with
// their end offsets; a float64 array. Releases the GIL.
py::object SetRows(const py::object& a, const py::object& a_end,
                   const py::object& b, const py::object& b_end,
                   const char* name,
                   double (*measure)(absl::Span<const uint64_t>,
                                     absl::Span<const uint64_t>)) {
  const View<uint64_t> va = ViewOf<uint64_t>(a, 1, 1, "a");
  const View<uint64_t> vae = ViewOf<uint64_t>(a_end, 1, 1, "a_end");
  const View<uint64_t> vb = ViewOf<uint64_t>(b, 1, 1, "b");
  const View<uint64_t> vbe = ViewOf<uint64_t>(b_end, 1, 1, "b_end");
  const size_t n = vae.values.size();
  if (vbe.values.size() != n) {
    throw py::value_error(std::string(name) +
                          ": a_end and b_end differ in length");
  }
  CheckEnds(vae.values, va.values.size(), "a_end");
  CheckEnds(vbe.values, vb.values.size(), "b_end");
  std::vector<double> out(n);
  {
    py::gil_scoped_release release;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t a0 = i ? vae.values[i - 1] : 0;
      const uint64_t b0 = i ? vbe.values[i - 1] : 0;
      out[i] = measure(va.values.subspan(a0, vae.values[i] - a0),
                       vb.values.subspan(b0, vbe.values[i] - b0));
    }
  }
  return ToArray(std::move(out));
}

py::object MinHashBatch(const MinHasher& hasher, const py::iterable& texts,
                        const ShingleOptions& shingles, int threads) {
  CheckThreads(threads);
  const Texts input(texts);
  const size_t n = input.size();
  const size_t k = static_cast<size_t>(hasher.num_perm());
  std::vector<uint32_t> out(n * k);
  absl::Status status;
  {
    py::gil_scoped_release release;
    status = SignTexts(
        n, [&input](size_t i, std::string* scratch) { return input.Get(i, scratch); },
        shingles, hasher, threads, absl::MakeSpan(out));
  }
  Check(status);
  return ToArray(std::move(out), {static_cast<py::ssize_t>(n),
                                  static_cast<py::ssize_t>(k)});
}

py::object SimHashBatch(const py::iterable& texts,
                        const ShingleOptions& shingles, int threads) {
  CheckThreads(threads);
  const Texts input(texts);
  const size_t n = input.size();
  std::vector<uint64_t> out(n);
  absl::Status status;
  {
    py::gil_scoped_release release;
    status = SimHashTexts(
        n, [&input](size_t i, std::string* scratch) { return input.Get(i, scratch); },
        shingles, threads, absl::MakeSpan(out));
  }
  Check(status);
  return ToArray(std::move(out));
}


// EstimateContainment of jaccard[i], size_a[i] and size_b[i].
py::object EstimateContainmentRowsPy(const py::object& jaccard,
                                     const py::object& size_a,
                                     const py::object& size_b) {
  const View<double> j = ViewOf<double>(jaccard, 1, 1, "jaccard");
  const View<uint32_t> a = ViewOf<uint32_t>(size_a, 1, 1, "size_a");
  const View<uint32_t> b = ViewOf<uint32_t>(size_b, 1, 1, "size_b");
  if (a.values.size() != j.values.size() || b.values.size() != j.values.size()) {
    throw py::value_error("jaccard, size_a and size_b differ in length");
  }
  std::vector<double> out(j.values.size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = EstimateContainment(j.values[i], a.values[i], b.values[i]);
  }
  return ToArray(std::move(out));
}

// Estimated Jaccard of row i of `a` and row i of `b`.
py::object EstimateJaccardRowsPy(const py::object& a, const py::object& b) {
  const View<uint32_t> va = ViewOf<uint32_t>(a, 2, 2, "a");
  const View<uint32_t> vb = ViewOf<uint32_t>(b, 2, 2, "b");
  if (va.shape != vb.shape) throw py::value_error("a and b differ in shape");
  const size_t n = static_cast<size_t>(va.shape[0]);
  const size_t k = static_cast<size_t>(va.shape[1]);
  if (k == 0 && n > 0) {
    throw py::value_error("estimate_jaccard_rows: signatures of 0 values");
  }
  std::vector<double> out(n);
  if (n > 0) {
    py::gil_scoped_release release;
    // Same shapes and k > 0: cannot fail.
    neardup::EstimateJaccardRows(va.values, vb.values, k, absl::MakeSpan(out))
        .IgnoreError();
  }
  return ToArray(std::move(out));
}


// simhash_batch's default shingles: those of `neardup dedup --method
// simhash` (word 3-grams).
ShingleOptions SimHashShingles() {
  ShingleOptions shingles;
  shingles.n = DefaultShingleSize(DedupMethod::kSimHash);
  return shingles;
}

void BindShingle(py::module_& m) {
  const ShingleOptions d;
  py::enum_<ShingleKind>(m, "ShingleKind")
      .value("WORD", ShingleKind::kWord)
      .value("CHAR", ShingleKind::kChar);
  py::class_<ShingleOptions>(m, "ShingleOptions",
                             "What a shingle is (C++ neardup::ShingleOptions).")
      .def(py::init([](ShingleKind kind, int n, uint64_t seed,
                       const NormalizeOptions& normalize) {
             return ShingleOptions{kind, n, seed, normalize};
           }),
           py::arg("kind") = d.kind, py::arg("n") = d.n,
           py::arg("seed") = d.seed, py::arg("normalize") = d.normalize)
      .def_readwrite("kind", &ShingleOptions::kind,
                     WithDefault("ShingleKind.WORD (n consecutive words) or CHAR (n "
                                 "code points).",
                                 d.kind)
                         .c_str())
      .def_readwrite("n", &ShingleOptions::n,
                     WithDefault("shingle size in words or code points, 1 to 64.",
                                 d.n)
                         .c_str())
      .def_readwrite("seed", &ShingleOptions::seed,
                     WithDefault("seed of every XXH3 call.", d.seed).c_str())
      .def_readwrite("normalize", &ShingleOptions::normalize,
                     "NormalizeOptions applied before shingling. Default: NormalizeOptions().");

  py::class_<Shingler>(m, "Shingler",
                       "Turns documents into 64-bit shingle hashes (stable "
                       "values, see shingle.h). Not thread-safe.")
      .def(py::init([](const ShingleOptions& options) {
             return Check(Shingler::Create(options));
           }),
           py::arg("options") = ShingleOptions{})
      .def(
          "hash",
          [](Shingler& self, const py::object& text) {
            std::vector<uint64_t> hashes;
            self.Hash(TextOf(text), &hashes);
            return ToArray(std::move(hashes));
          },
          py::arg("text"),
          "Returns the shingle hashes of text in document order (uint64 "
          "array; at least one).")
      .def_property_readonly("options", &Shingler::options);
}

void BindMinHash(py::module_& m) {
  const MinHashOptions d;
  py::class_<MinHashOptions>(m, "MinHashOptions")
      .def(py::init([](int num_perm, uint64_t seed) {
             return MinHashOptions{num_perm, seed};
           }),
           py::arg("num_perm") = d.num_perm, py::arg("seed") = d.seed)
      .def_readwrite("num_perm", &MinHashOptions::num_perm,
                     WithDefault("permutations (signature length), 1 to 8192.",
                                 d.num_perm)
                         .c_str())
      .def_readwrite("seed", &MinHashOptions::seed,
                     WithDefault("seed of the permutation family.", d.seed).c_str());
  py::class_<MinHasher>(m, "MinHasher",
                        "Computes MinHash signatures (uint32 values; stable, "
                        "see minhash.h). Immutable and thread-safe.")
      .def(py::init([](const MinHashOptions& options) {
             return Check(MinHasher::Create(options));
           }),
           py::arg("options") = MinHashOptions{})
      .def(py::init([](int num_perm, uint64_t seed) {
             return Check(MinHasher::Create({num_perm, seed}));
           }),
           py::arg("num_perm"), py::arg("seed") = d.seed)
      .def(
          "sign",
          [](const MinHasher& self, const py::object& shingles) {
            const View<uint64_t> v = ViewOf<uint64_t>(shingles, 1, 1,
                                                      "shingles");
            return ToArray(self.Sign(v.values));
          },
          py::arg("shingles"),
          "Returns the signature (num_perm uint32) of a set of shingle "
          "hashes.")
      .def("sign_texts", &MinHashBatch, py::arg("texts"),
           py::arg("shingles") = ShingleOptions{},
           py::arg("threads") = kBatchThreads,
           "Shingles and signs a list of texts (str or bytes): returns a "
           "(len(texts), num_perm) uint32 array. Releases the GIL.")
      .def_property_readonly("num_perm", &MinHasher::num_perm)
      .def_property_readonly("options", &MinHasher::options)
      .def_property_readonly("kernel", [](const MinHasher& self) {
        return MinHashKernelName(self.kernel());
      });
  m.def(
      "estimate_jaccard",
      [](const py::object& a, const py::object& b) {
        return Check(EstimateJaccard(ViewOf<uint32_t>(a, 1, 1, "a").values,
                                     ViewOf<uint32_t>(b, 1, 1, "b").values));
      },
      py::arg("a"), py::arg("b"),
      "Returns the fraction of positions where two signatures agree. "
      "ValueError when they differ in length or are empty.");
  m.def("estimate_containment_rows", &EstimateContainmentRowsPy,
        py::arg("jaccard"), py::arg("size_a"), py::arg("size_b"),
        "Returns EstimateContainment of each jaccard[i] (float64) with set "
        "sizes size_a[i] and size_b[i] (uint32): dedup's estimated "
        "containment (float64 array).");
  m.def("estimate_jaccard_rows", &EstimateJaccardRowsPy, py::arg("a"),
        py::arg("b"),
        "Returns estimate_jaccard of each row of a with the same row of b "
        "(float64 array). Releases the GIL.");
  m.def(
      "exact_jaccard_rows",
      [](const py::object& a, const py::object& a_end, const py::object& b,
         const py::object& b_end) {
        return SetRows(a, a_end, b, b_end, "exact_jaccard_rows", ExactJaccard);
      },
      py::arg("a"), py::arg("a_end"), py::arg("b"), py::arg("b_end"),
      "exact_jaccard of set i of a and set i of b, each a concatenation of "
      "sets with their end offsets (float64 array). Releases the GIL.");
  m.def(
      "exact_containment_rows",
      [](const py::object& a, const py::object& a_end, const py::object& b,
         const py::object& b_end) {
        return SetRows(a, a_end, b, b_end, "exact_containment_rows",
                       ExactContainment);
      },
      py::arg("a"), py::arg("a_end"), py::arg("b"), py::arg("b_end"),
      "exact_containment of set i of a and set i of b, each a concatenation of "
      "sets with their end offsets (float64 array). Releases the GIL.");
  m.def(
      "exact_jaccard",
      [](const py::object& a, const py::object& b) {
        return ExactJaccard(ViewOf<uint64_t>(a, 1, 1, "a").values,
                            ViewOf<uint64_t>(b, 1, 1, "b").values);
      },
      py::arg("a"), py::arg("b"),
      "Returns the Jaccard similarity of two sets of shingle hashes.");
  m.def(
      "exact_containment",
      [](const py::object& a, const py::object& b) {
        return ExactContainment(ViewOf<uint64_t>(a, 1, 1, "a").values,
                                ViewOf<uint64_t>(b, 1, 1, "b").values);
      },
      py::arg("a"), py::arg("b"),
      "Returns |A & B| / min(|A|, |B|) of two sets of shingle hashes.");
}

void BindSimHash(py::module_& m) {
  m.def(
      "simhash",
      [](const py::object& features) {
        return SimHash(ViewOf<uint64_t>(features, 1, 1, "features").values);
      },
      py::arg("features"),
      "Returns the 64-bit SimHash of shingle hashes (term-frequency "
      "weighted).");
  m.def("simhash_batch", &SimHashBatch, py::arg("texts"),
        py::arg("shingles") = SimHashShingles(),
        py::arg("threads") = kBatchThreads,
        "Returns the SimHash of each text (uint64 array). Releases the GIL.");
  m.def("hamming_distance", &HammingDistance, py::arg("a"), py::arg("b"));
}

}  // namespace

void BindSketch(py::module_& m) {
  BindShingle(m);
  BindMinHash(m);
  BindSimHash(m);
}

}  // namespace neardup::python
