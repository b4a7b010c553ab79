// The dedup job's stages (pipeline.h) in neardup._core, for neardup.dask:
// resolved options, line counts (main_text), partitions signed one at a time, components judged,
// kept members chosen, the lines of removed.jsonl and clusters.jsonl
// formatted, and a file's kept documents written. Each call does one
// partition's work in C++ and releases the GIL where it is long.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common.h"
#include "neardup/internal/dedup_stages.h"

namespace neardup::python {
namespace {

// A PackedStrings of a bytes object and its end offsets (views: both must
// outlive it).
internal::PackedStrings Packed(const py::bytes& bytes, const View<uint64_t>& end) {
  return {TextOf(bytes), end.values};
}

// choose_kept: ChooseKept of arrays.
py::object ChooseKeptPy(const py::object& cluster, const py::object& doc,
                        const py::object& lengths, const py::object& numbers,
                        KeepPolicy policy) {
  const View<uint64_t> c = ViewOf<uint64_t>(cluster, 1, 1, "cluster");
  const View<uint64_t> d = ViewOf<uint64_t>(doc, 1, 1, "doc");
  const View<uint64_t> len = ViewOf<uint64_t>(lengths, 1, 1, "lengths");
  const View<double> num = ViewOf<double>(numbers, 1, 1, "numbers");
  return ToArray(
      Check(internal::ChooseKept(c.values, d.values, len.values, num.values, policy)));
}

// counts_by_containment_rows: CountsByContainment of each row, 1 when pair
// i counts as a duplicate by containment.
py::object CountsByContainmentRowsPy(const DedupOptions& options,
                                     const py::object& containment,
                                     const py::object& size_a,
                                     const py::object& size_b,
                                     const py::object& site_a,
                                     const py::object& site_b) {
  const View<double> c = ViewOf<double>(containment, 1, 1, "containment");
  const View<uint64_t> a = ViewOf<uint64_t>(size_a, 1, 1, "size_a");
  const View<uint64_t> b = ViewOf<uint64_t>(size_b, 1, 1, "size_b");
  const View<uint64_t> sa = ViewOf<uint64_t>(site_a, 1, 1, "site_a");
  const View<uint64_t> sb = ViewOf<uint64_t>(site_b, 1, 1, "site_b");
  const size_t n = c.values.size();
  if (a.values.size() != n || b.values.size() != n || sa.values.size() != n ||
      sb.values.size() != n) {
    throw py::value_error(
        "containment, size_a, size_b, site_a and site_b differ in length");
  }
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i] = internal::CountsByContainment(options, c.values[i], a.values[i],
                                 b.values[i], sa.values[i], sb.values[i]);
  }
  return ToArray(std::move(out));
}

// The evidence of members (MemberEvidence), viewed from Python buffers
// (None: absent); holds the views, so it outlives the spans it fills.
struct EvidenceViews {
  internal::MemberEvidence evidence;
  View<uint32_t> sig, size;
  View<uint64_t> key, set, end, sites;

  EvidenceViews(const py::object& signatures, const py::object& keys,
                const py::object& sets, const py::object& set_end,
                const py::object& set_size, const py::object& site) {
    if (!site.is_none()) {
      sites = ViewOf<uint64_t>(site.cast<py::buffer>(), 1, 1, "site");
      evidence.site = sites.values;
    }
    if (!set_size.is_none()) {
      size = ViewOf<uint32_t>(set_size.cast<py::buffer>(), 1, 1, "set_size");
      evidence.set_size = size.values;
    }
    if (!signatures.is_none()) {
      sig = ViewOf<uint32_t>(signatures.cast<py::buffer>(), 1, 2, "signatures");
      evidence.signatures = sig.values;
    }
    if (!keys.is_none()) {
      key = ViewOf<uint64_t>(keys.cast<py::buffer>(), 1, 1, "keys");
      evidence.keys = key.values;
    }
    if (!sets.is_none()) {
      set = ViewOf<uint64_t>(sets.cast<py::buffer>(), 1, 1, "sets");
      evidence.sets = set.values;
    }
    if (!set_end.is_none()) {
      end = ViewOf<uint64_t>(set_end.cast<py::buffer>(), 1, 1, "set_end");
      evidence.set_end = end.values;
    }
  }
  // From a dict with some of the keyword names of judge_components.
  static EvidenceViews Of(const py::dict& d) {
    auto get = [&d](const char* name) {
      return d.contains(name) ? py::reinterpret_borrow<py::object>(d[name])
                              : py::object(py::none());
    };
    return EvidenceViews(get("signatures"), get("keys"), get("sets"),
                         get("set_end"), get("set_size"), get("site"));
  }
};

// JudgeComponents: entries sorted by (component, doc), with the evidence
// of the options' method (None for the others); returns the kept doc each
// entry is judged against.
py::object JudgeComponentsPy(const py::object& component,
                             const py::object& doc, const py::object& lengths,
                             const py::object& numbers,
                             const DedupOptions& options,
                             const py::object& signatures,
                             const py::object& keys, const py::object& sets,
                             const py::object& set_end,
                             const py::object& set_size,
                             const py::object& site) {
  const View<uint64_t> c = ViewOf<uint64_t>(component, 1, 1, "component");
  const View<uint64_t> d = ViewOf<uint64_t>(doc, 1, 1, "doc");
  const View<uint64_t> len = ViewOf<uint64_t>(lengths, 1, 1, "lengths");
  const View<double> num = ViewOf<double>(numbers, 1, 1, "numbers");
  const EvidenceViews views(signatures, keys, sets, set_end, set_size, site);
  absl::StatusOr<std::vector<uint64_t>> kept;
  {
    py::gil_scoped_release release;
    kept = internal::JudgeComponents(c.values, d.values, len.values, num.values, options,
                           views.evidence);
  }
  return ToArray(Check(std::move(kept)));
}

// compare_rows: CompareRows of two dicts of evidence, as three arrays.
py::tuple CompareRowsPy(const DedupOptions& options, const py::dict& a,
                        const py::dict& b) {
  const EvidenceViews va = EvidenceViews::Of(a);
  const EvidenceViews vb = EvidenceViews::Of(b);
  absl::StatusOr<internal::RowLikeness> like;
  {
    py::gil_scoped_release release;
    like = internal::CompareRows(options, va.evidence, vb.evidence);
  }
  internal::RowLikeness rows = Check(std::move(like));
  return py::make_tuple(ToArray(std::move(rows.similarity)),
                        ToArray(std::move(rows.containment)),
                        ToArray(std::move(rows.duplicate)));
}

// prepare_dedup_lines: PrepareDedupLines of one partition, as bytes.
py::bytes PrepareLinesPy(const internal::DedupPartition& partition,
                         const DedupOptions& options) {
  absl::StatusOr<std::string> prepared;
  {
    py::gil_scoped_release release;
    prepared = internal::PrepareDedupLines(partition, options);
  }
  return Bytes(Check(std::move(prepared)));
}

// count_dedup_lines: CountDedupLines of the prepared partitions (bytes).
py::bytes CountLinesPy(const py::list& prepared, const DedupOptions& options) {
  std::vector<std::string_view> parts;
  for (const py::handle& part : prepared) {
    if (!PyBytes_Check(part.ptr())) {
      throw py::type_error("count_dedup_lines: prepared must be a list of "
                           "bytes (prepare_dedup_lines)");
    }
    parts.push_back(TextOf(part));
  }
  absl::StatusOr<std::string> counts;
  {
    py::gil_scoped_release release;
    counts = internal::CountDedupLines(parts, options);
  }
  return Bytes(Check(std::move(counts)));
}

py::dict SignPartitionPy(const internal::DedupPartition& partition,
                         const DedupOptions& options,
                         const py::bytes& line_counts) {
  const std::string_view counts = TextOf(line_counts);
  internal::SignedPartition s;
  {
    py::gil_scoped_release release;
    auto signed_partition =
        internal::SignDedupPartition(partition, options, counts);
    if (!signed_partition.ok()) {
      py::gil_scoped_acquire acquire;
      Raise(signed_partition.status());
    }
    s = *std::move(signed_partition);
  }
  const auto n = static_cast<py::ssize_t>(s.documents());
  py::dict d;
  d["format"] = s.format;
  d["compression"] = s.compression;
  d["read"] = s.read;
  d["rejected"] = s.rejected;
  d["passed_through"] = s.passed_through;
  d["truncated"] = s.truncated;
  d["text_bytes"] = s.text_bytes;
  d["repaired_utf8"] = s.repaired_utf8;
  d["line"] = ToArray(std::move(s.line));
  d["length"] = ToArray(std::move(s.length));
  d["number"] = ToArray(std::move(s.number));
  d["ids"] = Bytes(s.ids);
  d["id_end"] = ToArray(std::move(s.id_end));
  const py::ssize_t k =
      n == 0 ? options.num_perm
             : static_cast<py::ssize_t>(s.signatures.size()) / std::max<py::ssize_t>(n, 1);
  d["signatures"] = ToArray(std::move(s.signatures),
                            {s.signatures.empty() ? 0 : n, k});
  d["keys"] = ToArray(std::move(s.keys));
  d["sets"] = ToArray(std::move(s.sets));
  d["set_end"] = ToArray(std::move(s.set_end));
  d["set_size"] = ToArray(std::move(s.set_size));
  d["site"] = ToArray(std::move(s.site));
  d["rejected_jsonl"] = Bytes(s.rejected_jsonl);
  return d;
}

// removed_lines: RemovedLines of a partition's packed ids and arrays
// (containment None: not written).
py::bytes RemovedLinesPy(const py::bytes& ids, const py::object& id_end,
                         const py::object& rows, const py::str& file,
                         const py::object& lines, DedupMethod method,
                         const py::object& clusters,
                         const py::bytes& kept_ids,
                         const py::object& kept_id_end,
                         const py::object& similarity,
                         const py::object& containment) {
  const View<uint64_t> ends = ViewOf<uint64_t>(id_end, 1, 1, "id_end");
  const View<uint64_t> r = ViewOf<uint64_t>(rows, 1, 1, "rows");
  const View<uint64_t> ln = ViewOf<uint64_t>(lines, 1, 1, "lines");
  const View<uint64_t> cl = ViewOf<uint64_t>(clusters, 1, 1, "clusters");
  const View<uint64_t> kend =
      ViewOf<uint64_t>(kept_id_end, 1, 1, "kept_id_end");
  const View<double> sim = ViewOf<double>(similarity, 1, 1, "similarity");
  View<double> cont;
  if (!containment.is_none()) {
    cont = ViewOf<double>(containment.cast<py::buffer>(), 1, 1, "containment");
    if (cont.values.size() != r.values.size()) {
      throw py::value_error("removed_lines: arrays differ in length");
    }
  }
  return Bytes(Check(internal::RemovedLines(Packed(ids, ends), r.values,
                                  std::string(file), ln.values, method,
                                  cl.values, Packed(kept_ids, kend),
                                  sim.values, cont.values)));
}

// cluster_lines: ClusterLines of packed ids and arrays.
py::bytes ClusterLinesPy(const py::bytes& ids, const py::object& id_end,
                         const py::object& rows, const py::object& clusters,
                         const py::bytes& kept_ids,
                         const py::object& kept_id_end) {
  const View<uint64_t> ends = ViewOf<uint64_t>(id_end, 1, 1, "id_end");
  const View<uint64_t> r = ViewOf<uint64_t>(rows, 1, 1, "rows");
  const View<uint64_t> cl = ViewOf<uint64_t>(clusters, 1, 1, "clusters");
  const View<uint64_t> kend =
      ViewOf<uint64_t>(kept_id_end, 1, 1, "kept_id_end");
  return Bytes(Check(internal::ClusterLines(Packed(ids, ends), r.values, cl.values,
                                  Packed(kept_ids, kend))));
}

uint64_t WriteKeptDocumentsPy(const std::string& path,
                              const std::string& display,
                              const std::string& output_path,
                              const ReaderOptions& reader,
                              const py::buffer& keep) {
  py::buffer_info info = keep.request();
  if (info.itemsize != 1 || info.ndim != 1) {
    throw py::value_error("keep: expected a 1-D array of bytes");
  }
  if (info.size > 1 && info.strides[0] != 1) {
    throw py::value_error("keep: must be C-contiguous");
  }
  const auto flags = absl::MakeConstSpan(
      static_cast<const uint8_t*>(info.ptr),
      static_cast<size_t>(info.size));
  absl::StatusOr<uint64_t> written;
  {
    py::gil_scoped_release release;
    written = internal::WriteKeptDocuments(path, display, output_path, reader,
                                 flags);
  }
  return Check(std::move(written));
}

void BindPartitions(py::module_& m) {
  const internal::DedupPartition d;
  m.def(
      "resolve_dedup_options",
      [](const DedupOptions& options) {
        return Check(ResolveDedupOptions(options));
      },
      py::arg("options"));
  m.def(
      "prepare_dedup_output",
      [](const std::vector<InputFile>& inputs, const std::string& output,
         bool overwrite, const ReaderOptions& reader) {
        Check(internal::OpenDedupOutput(inputs, output, overwrite, reader));
      },
      py::arg("inputs"), py::arg("output"), py::arg("overwrite"),
      py::arg("reader"));
  py::class_<internal::DedupPartition>(m, "DedupPartition")
      .def(py::init([](std::string path, std::string display, uint64_t begin,
                       uint64_t end) {
             return internal::DedupPartition{std::move(path), std::move(display), begin,
                                   end};
           }),
           py::arg("path"), py::arg("display"), py::arg("begin") = d.begin,
           py::arg("end") = d.end)
      .def_readwrite("path", &internal::DedupPartition::path)
      .def_readwrite("display", &internal::DedupPartition::display)
      .def_readwrite("begin", &internal::DedupPartition::begin)
      .def_readwrite("end", &internal::DedupPartition::end)
      .def_readwrite("file", &internal::DedupPartition::file);
  m.attr("WHOLE_FILE") = internal::DedupPartition::kWholeFile;
  m.def(
      "plan_dedup_partitions",
      [](const std::vector<InputFile>& inputs, const ReaderOptions& reader,
         int64_t partition_bytes) {
        return Check(
            internal::PlanDedupPartitions(inputs, reader, partition_bytes));
      },
      py::arg("inputs"), py::arg("reader"), py::arg("partition_bytes"),
      "The partitions of the inputs, in input order (PlanDedupPartitions): "
      "an uncompressed JSONL file cut into byte ranges of at most "
      "partition_bytes, every other file whole.");
  m.def("sign_dedup_partition", &SignPartitionPy, py::arg("partition"),
        py::arg("options"), py::arg("line_counts") = py::bytes(),
        "Reads and signs one partition (SignDedupPartition): returns a dict "
        "of counts, per-document arrays, ids and rejected.jsonl lines. With "
        "main_text, line_counts is count_dedup_lines's result. Releases the "
        "GIL.");
  m.def("prepare_dedup_lines", &PrepareLinesPy, py::arg("partition"),
        py::arg("options"),
        "main_text: the line counting of one partition's documents, "
        "prepared (PrepareDedupLines; bytes for count_dedup_lines only). "
        "Releases the GIL.");
  m.def("count_dedup_lines", &CountLinesPy, py::arg("prepared"),
        py::arg("options"),
        "main_text: the run's line counts (CountDedupLines; bytes, "
        "LineCounter serialized): the prepared partitions (list of bytes, "
        "input order) counted as neardup dedup counts them, or the "
        "options' line_counts_file. Releases the GIL.");
  m.def("write_kept_documents", &WriteKeptDocumentsPy, py::arg("path"),
        py::arg("display"), py::arg("output_path"), py::arg("reader"),
        py::arg("keep"),
        "Writes one file's kept documents (WriteKeptDocuments); returns how "
        "many. Releases the GIL.");
}

// TableKeysOf: (n, tables) uint64 keys of a partition's signatures (an
// (n, num_perm) array) or keys, by the options' method.
py::object TableKeysPy(const DedupOptions& options, const py::object& signatures,
                       const py::object& keys) {
  View<uint32_t> sig;
  View<uint64_t> key;
  if (!signatures.is_none()) {
    sig = ViewOf<uint32_t>(signatures.cast<py::buffer>(), 1, 2, "signatures");
  }
  if (!keys.is_none()) key = ViewOf<uint64_t>(keys.cast<py::buffer>(), 1, 1, "keys");
  absl::StatusOr<std::vector<uint64_t>> out;
  size_t tables = 0;
  {
    py::gil_scoped_release release;
    out = internal::TableKeysOf(options, sig.values, key.values, &tables);
  }
  std::vector<uint64_t> values = Check(std::move(out));
  const size_t n = tables == 0 ? 0 : values.size() / tables;
  return ToArray(std::move(values), {static_cast<py::ssize_t>(n),
                                     static_cast<py::ssize_t>(tables)});
}

void BindMethods(py::module_& m) {
  py::class_<internal::MethodTraits>(m, "MethodTraits")
      .def_readonly("method", &internal::MethodTraits::method)
      .def_readonly("name", &internal::MethodTraits::name)
      .def_readonly("description", &internal::MethodTraits::description)
      .def_readonly("default_shingle_size",
                    &internal::MethodTraits::default_shingle_size)
      .def_readonly("signs_rows", &internal::MethodTraits::signs_rows,
                    "a MinHash row of num_perm values per document, else "
                    "one 64-bit key.")
      .def_readonly("compares_sets", &internal::MethodTraits::compares_sets,
                    "containment and verify='exact' apply.")
      .def_readonly("verifies_candidates",
                    &internal::MethodTraits::verifies_candidates,
                    "candidates are compared before they are joined.")
      .def_readonly("compares_while_finding",
                    &internal::MethodTraits::compares_while_finding,
                    "the candidate rule compares each pair it counts "
                    "(fingerprints travel with the table keys).")
      .def_readonly("chains_buckets", &internal::MethodTraits::chains_buckets,
                    "a bucket of equal keys is joined as a chain.")
      .def_readonly("reports_distance",
                    &internal::MethodTraits::reports_distance,
                    "the similarity is a distance (smaller is nearer).");
  m.def("compare_rows", &CompareRowsPy, py::arg("options"), py::arg("a"),
        py::arg("b"),
        "CompareRows: how alike row i of a is to row i of b, each a dict of "
        "judge_components' evidence (signatures, keys, sets and set_end, "
        "set_size, site), by the options' method: (similarity float64, "
        "containment float64 (NaN when off), duplicate uint8). Releases the "
        "GIL.");
  m.def("dedup_method_traits", &internal::DedupMethodTraits,
        "Every similarity method (MethodTraits), in the order of "
        "DedupMethod: what neardup.dask and the command-line parsers know "
        "of them.");
  m.def("table_keys", &TableKeysPy, py::arg("options"),
        py::arg("signatures") = py::none(), py::arg("keys") = py::none(),
        "The (n, tables) uint64 lookup-table keys of a partition's documents "
        "under the options' method (C++ TableKeysOf): signatures (n, "
        "num_perm) for minhash, keys for the others. Releases the GIL.");
}

void BindDecisions(py::module_& m) {
  BindMethods(m);
  m.def("judge_components", &JudgeComponentsPy, py::arg("component"),
        py::arg("doc"), py::arg("lengths"), py::arg("numbers"),
        py::arg("options"), py::arg("signatures") = py::none(),
        py::arg("keys") = py::none(), py::arg("sets") = py::none(),
        py::arg("set_end") = py::none(), py::arg("set_size") = py::none(),
        py::arg("site") = py::none(),
        "JudgeComponents: for entries sorted by (component, doc), the kept "
        "doc each is judged against (uint64 array), by dedup's rule "
        "(no chains). Evidence by method: signatures (minhash), sets and "
        "set_end (minhash, verify exact), set_size (minhash, verify "
        "signature with containment), site (minhash with containment), "
        "keys (simhash, exact). Releases "
        "the GIL.");
  m.def("counts_by_containment_rows", &CountsByContainmentRowsPy,
        py::arg("options"), py::arg("containment"), py::arg("size_a"),
        py::arg("size_b"), py::arg("site_a"), py::arg("site_b"),
        "CountsByContainment of each row (uint8 array, 1: the pair counts as "
        "a duplicate by containment): containment float64, sizes and sites "
        "uint64, options from resolve_dedup_options.");
  m.def("choose_kept", &ChooseKeptPy, py::arg("cluster"), py::arg("doc"),
        py::arg("lengths"), py::arg("numbers"), py::arg("policy"),
        "For entries sorted by (cluster, doc): the doc each cluster keeps "
        "under policy (uint64 array, one per entry; C++ ChooseKept).");

  m.def("removed_lines", &RemovedLinesPy, py::arg("ids"), py::arg("id_end"),
        py::arg("rows"), py::arg("file"), py::arg("lines"), py::arg("method"),
        py::arg("clusters"), py::arg("kept_ids"), py::arg("kept_id_end"),
        py::arg("similarity"), py::arg("containment") = py::none(),
        "removed.jsonl lines of some documents of a partition (C++ "
        "RemovedLines), one bytes object.");
  m.def(
      "cluster_member_json",
      [](const py::object& id, int64_t cluster, const py::object& kept_id) {
        return Bytes(internal::ClusterMemberJson(TextOf(id), cluster, TextOf(kept_id)));
      },
      py::arg("id"), py::arg("cluster"), py::arg("kept_id"));
  m.def("cluster_lines", &ClusterLinesPy, py::arg("ids"), py::arg("id_end"),
        py::arg("rows"), py::arg("clusters"), py::arg("kept_ids"),
        py::arg("kept_id_end"),
        "clusters.jsonl lines of some cluster members (C++ ClusterLines), "
        "one bytes object.");
}

}  // namespace

void BindStages(py::module_& m) {
  BindPartitions(m);
  BindDecisions(m);
}

}  // namespace neardup::python
