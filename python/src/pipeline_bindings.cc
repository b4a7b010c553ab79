// The pipeline layer's jobs (pipeline.h) in neardup._core: the options,
// counts and runs of the dedup and clean jobs, find_duplicates, stats.json
// and report.html. The dedup job's stages (neardup.dask) are in
// stage_bindings.cc.

#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <utility>
#include <vector>

#include "common.h"

namespace neardup::python {
namespace {

// find_duplicates: FindDuplicates of texts held by Python, without the GIL.
py::dict FindDuplicatesPy(const py::iterable& texts,
                          const DedupOptions& options,
                          const py::object& numbers) {
  const Texts input(texts);
  std::vector<double> values;
  if (!numbers.is_none()) {
    const View<double> v = ViewOf<double>(numbers, 1, 1, "numbers");
    values.assign(v.values.begin(), v.values.end());
  }
  absl::StatusOr<Duplicates> found;
  {
    py::gil_scoped_release release;
    found = FindDuplicates(
        input.size(),
        [&input](size_t i, std::string* scratch) {
          return input.Get(i, scratch);
        },
        options, values);
  }
  Duplicates d = Check(std::move(found));
  const auto n = static_cast<py::ssize_t>(d.kept.size());
  std::vector<uint32_t> flat;
  flat.reserve(d.pairs.size() * 2);
  for (const DocPair& p : d.pairs) {
    flat.push_back(p.first);
    flat.push_back(p.second);
  }
  py::dict out;
  out["kept"] = ToArray(std::move(d.kept), {n});
  out["cluster"] = ToArray(std::move(d.cluster), {n});
  out["similarity"] = ToArray(std::move(d.similarity));
  if (!d.containment.empty()) {
    out["containment"] = ToArray(std::move(d.containment));
  }
  const auto m = static_cast<py::ssize_t>(d.pairs.size());
  out["pairs"] = ToArray(std::move(flat), {m, 2});
  out["pair_similarity"] = ToArray(std::move(d.pair_similarity));
  out["removed"] = d.removed;
  return out;
}

void BindDedupEnums(py::module_& m) {
  py::enum_<DedupMethod>(m, "DedupMethod")
      .value("MINHASH", DedupMethod::kMinHash)
      .value("SIMHASH", DedupMethod::kSimHash)
      .value("EXACT", DedupMethod::kExact);
  py::enum_<VerifyMode>(m, "VerifyMode")
      .value("SIGNATURE", VerifyMode::kSignature)
      .value("EXACT", VerifyMode::kExact);
  py::enum_<OutputFormat>(m, "OutputFormat")
      .value("AS_INPUT", OutputFormat::kAsInput)
      .value("TEXT_JSONL", OutputFormat::kTextJsonl);
}

void BindDedupOptions(py::module_& m) {
  const DedupOptions d;
  py::class_<DedupOptions>(m, "DedupOptions",
                           "Options of the dedup job (C++ "
                           "neardup::DedupOptions; the CLI's flags).")
      .def(py::init<>())
      .def_readwrite("method", &DedupOptions::method,
                     WithDefault("DedupMethod.MINHASH, SIMHASH or EXACT.",
                                 d.method)
                         .c_str())
      .def_readwrite("min_words", &DedupOptions::min_words,
                     "documents with fewer words are removed as too_short "
                     "(0: none; not supported by neardup.dask)")
      .def_readwrite("threshold", &DedupOptions::threshold,
                     WithDefault("Jaccard similarity of duplicates (minhash), "
                                 "strictly between 0 and 1.",
                                 d.threshold)
                         .c_str())
      .def_readwrite("shingles", &DedupOptions::shingles,
                     "ShingleOptions (its seed must be 0 or equal to "
                     "seed). Default: ShingleOptions().")
      .def_readwrite("num_perm", &DedupOptions::num_perm,
                     WithDefault("MinHash permutations.",
                                 d.num_perm)
                         .c_str())
      .def_readwrite("seed", &DedupOptions::seed,
                     WithDefault("hash seed of shingles and permutations.",
                                 d.seed)
                         .c_str())
      .def_readwrite("bands", &DedupOptions::bands,
                     WithDefault("LSH bands; 0: chosen from threshold.",
                                 d.bands)
                         .c_str())
      .def_readwrite("rows", &DedupOptions::rows,
                     WithDefault("LSH rows per band; 0: chosen from threshold.",
                                 d.rows)
                         .c_str())
      .def_readwrite("hamming", &DedupOptions::hamming,
                     WithDefault("SimHash: largest Hamming distance of duplicates, "
                                 "0 to 8.",
                                 d.hamming)
                         .c_str())
      .def_readwrite("verify", &DedupOptions::verify,
                     WithDefault("VerifyMode.SIGNATURE (estimated Jaccard) or "
                                 "EXACT (Jaccard of shingle sets).",
                                 d.verify)
                         .c_str())
      .def_readwrite("containment", &DedupOptions::containment,
                     WithDefault("also duplicates: |A & B| / min(|A|, |B|) of the "
                                 "shingle sets at least this (0: off; negative: "
                                 "the default, 0.7 with minhash and 0 otherwise, "
                                 "as resolve_dedup_options makes it; estimated "
                                 "from signatures and set sizes, exact with verify "
                                 "EXACT; within one site only with main_text).",
                                 d.containment)
                         .c_str())
      .def_readwrite("containment_asymmetry",
                     &DedupOptions::containment_asymmetry,
                     WithDefault("containment counts only for an excerpt or "
                                 "an extension: of the shingles the two do not "
                                 "share, the longer holds at least this many "
                                 "times as many as the shorter (at least 1; 1: "
                                 "any).",
                                 d.containment_asymmetry)
                         .c_str())
      .def_readwrite("main_text", &DedupOptions::main_text,
                     "compare documents without their site's boilerplate "
                     "lines")
      .def_readwrite("line_counts_file", &DedupOptions::line_counts_file,
                     "with main_text: a clean run's line_counts.bin instead "
                     "of counting")
      .def_property(
          "main_text_min_docs",
          [](const DedupOptions& o) { return o.main_text_boilerplate.min_docs; },
          [](DedupOptions& o, uint32_t v) { o.main_text_boilerplate.min_docs = v; },
          "with main_text: a line in this many documents of a site is "
          "boilerplate (at least 2)")
      .def_readwrite("keep", &DedupOptions::keep,
                     WithDefault("KeepPolicy.FIRST, LONGEST or FIELD (largest "
                                 "value of keep_field).",
                                 d.keep)
                         .c_str())
      .def_readwrite("keep_field", &DedupOptions::keep_field,
                     WithDefault("numeric JSONL field of KeepPolicy.FIELD.",
                                 d.keep_field)
                         .c_str())
      .def_readwrite("reader", &DedupOptions::reader,
                     "ReaderOptions of the inputs. Default: ReaderOptions().")
      .def_readwrite("threads", &DedupOptions::threads,
                     WithDefault("threads, at least 0; 0: one per core.",
                                 d.threads)
                         .c_str())
      .def_readwrite("dry_run", &DedupOptions::dry_run,
                     WithDefault("write the decisions only, no record files.",
                                 d.dry_run)
                         .c_str())
      .def_readwrite("overwrite", &DedupOptions::overwrite,
                     WithDefault("accept a folder that is not empty; the files an "
                                 "earlier run listed in its stats.json are "
                                 "replaced.",
                                 d.overwrite)
                         .c_str())
      .def_readwrite("max_memory_bytes", &DedupOptions::max_memory_bytes,
                     "memory ceiling in bytes (0: none); the job spills "
                     "signatures and ids to disk before passing it, and "
                     "stops only when the rest would pass it too")
      .def_readwrite("output_format", &DedupOptions::output_format,
                     "AS_INPUT, or TEXT_JSONL for WARC/WET and text inputs "
                     "(not supported by neardup.dask)")
      .def_readwrite("report", &DedupOptions::report,
                     WithDefault("write report.html (the run's page) and record "
                                 "the similarity of verified pairs for it.",
                                 d.report)
                         .c_str())
      .def_readwrite("candidates", &DedupOptions::candidates,
                     "CandidateOptions of the LSH index. Default: CandidateOptions().");
}

void BindInputs(py::module_& m) {
  m.def(
      "parse_keep_policy",
      [](const std::string& text) {
        std::string field;
        const KeepPolicy policy = Check(ParseKeepPolicy(text, &field));
        return py::make_tuple(policy, field);
      },
      py::arg("text"),
      "Parses 'first', 'longest' or 'field:NAME': returns (policy, NAME).");
  py::class_<InputFile>(m, "InputFile")
      .def(py::init([](std::string path, std::string output_name) {
             return InputFile{std::move(path), std::move(output_name)};
           }),
           py::arg("path"), py::arg("output_name"))
      .def_readwrite("path", &InputFile::path)
      .def_readwrite("output_name", &InputFile::output_name)
      .def("__repr__", [](const InputFile& f) {
        return "InputFile(" + f.path + " -> " + f.output_name + ")";
      });
  m.def(
      "plan_inputs",
      [](const std::vector<std::string>& args) {
        return Check(PlanInputs(args));
      },
      py::arg("paths"),
      "Expands files and folders into InputFiles as `neardup dedup` does.");
  py::class_<FileCounts>(m, "FileCounts")
      .def(py::init<>())
      .def_readwrite("path", &FileCounts::path)
      .def_readwrite("output", &FileCounts::output)
      .def_readwrite("format", &FileCounts::format)
      .def_readwrite("compression", &FileCounts::compression)
      .def_readwrite("read", &FileCounts::read)
      .def_readwrite("kept", &FileCounts::kept)
      .def_readwrite("removed", &FileCounts::removed)
      .def_readwrite("rejected", &FileCounts::rejected)
      .def_readwrite("passed_through", &FileCounts::passed_through)
      .def_readwrite("truncated", &FileCounts::truncated);
}

void BindDedupJob(py::module_& m) {
  py::class_<DedupStats>(m, "DedupStats", "What a dedup job counted.")
      .def(py::init<>())
      .def_readwrite("read", &DedupStats::read)
      .def_readwrite("kept", &DedupStats::kept)
      .def_readwrite("removed", &DedupStats::removed)
      .def_readwrite("rejected", &DedupStats::rejected)
      .def_readwrite("passed_through", &DedupStats::passed_through)
      .def_readwrite("truncated", &DedupStats::truncated)
      .def_readwrite("text_bytes", &DedupStats::text_bytes)
      .def_readwrite("repaired_utf8", &DedupStats::repaired_utf8)
      .def_readwrite("clusters", &DedupStats::clusters)
      .def_readwrite("candidate_pairs", &DedupStats::candidate_pairs)
      .def_readwrite("outputs", &DedupStats::outputs,
                     "the files the run wrote, relative to the output folder, "
                     "sorted (stats.json aside)")
      .def_readwrite("verified_pairs", &DedupStats::verified_pairs)
      .def_readwrite("joined_pairs", &DedupStats::joined_pairs)
      .def_readwrite("lsh", &DedupStats::lsh)
      .def_readwrite("candidates", &DedupStats::candidates)
      .def_readwrite("files", &DedupStats::files)
      .def_readwrite("stage_seconds", &DedupStats::stage_seconds)
      .def_readwrite("peak_rss_bytes", &DedupStats::peak_rss_bytes)
      .def_readwrite("spilled_bytes", &DedupStats::spilled_bytes,
                     "signatures and ids spilled to disk under "
                     "max_memory_bytes (0: none)")
      .def_readwrite("threads", &DedupStats::threads);
  m.def("find_duplicates", &FindDuplicatesPy,
      py::arg("texts"), py::arg("options") = DedupOptions{},
      py::arg("numbers") = py::none(),
      "Finds the near-duplicates among texts (str or bytes) in memory, as "
      "run_dedup decides for the same texts (C++ FindDuplicates): returns "
      "{kept, cluster, similarity, pairs, pair_similarity, removed}, and "
      "containment with options.containment on; "
      "kept[i] is the document i is a duplicate of (i when kept). numbers: "
      "one float per text for KeepPolicy.FIELD. Releases the GIL.");
  m.def(
      "run_dedup",
      [](const std::vector<InputFile>& inputs, const std::string& output,
         DedupOptions options, py::object progress) {
        return RunJob(RunDedup, inputs, output, std::move(options),
                      std::move(progress));
      },
      py::arg("inputs"), py::arg("output"),
      py::arg("options") = DedupOptions{}, py::arg("progress") = py::none(),
      "Runs `neardup dedup` in this process (see pipeline.h); releases the "
      "GIL. `progress(stage, records, bytes, total_bytes, total_records)`, "
      "when given, is called at most every 250 ms per stage and at each "
      "stage's end (totals 0 when unknown); returning False stops the job "
      "(RuntimeError: interrupted), as Ctrl-C does (KeyboardInterrupt), "
      "and an exception it raises stops it too and is raised here; a "
      "stopped job writes nothing.");
  m.def(
      "run_dedup_with_index",
      [](const std::vector<InputFile>& inputs, const std::string& output,
         DedupOptions options, const std::string& index, bool readonly,
         py::object progress) {
        auto job = [&index, readonly](const std::vector<InputFile>& in,
                                      const std::string& out,
                                      const DedupOptions& o,
                                      const ProgressFn& p) {
          return RunDedupWithIndex(in, out, o, index, readonly, p);
        };
        return RunJob(job, inputs, output, std::move(options),
                      std::move(progress));
      },
      py::arg("inputs"), py::arg("output"), py::arg("options"),
      py::arg("index"), py::arg("readonly") = false,
      py::arg("progress") = py::none(),
      "run_dedup against the index folder `index` (`neardup dedup --index`, "
      "C++ RunDedupWithIndex): records that duplicate an indexed record are "
      "removed, and the kept ones are added as a new generation unless "
      "readonly.");
}

void BindCleanJob(py::module_& m) {
  const CleanOptions d;
  py::class_<CleanOptions>(m, "CleanOptions",
                           "Options of the clean job (C++ "
                           "neardup::CleanOptions; the CLI's flags).")
      .def(py::init<>())
      .def_readwrite("repeats", &CleanOptions::repeats,
                     WithDefault("cut repeated blocks and lines inside documents.",
                                 d.repeats)
                         .c_str())
      .def_readwrite("repeat_options", &CleanOptions::repeat_options,
                     "RepeatOptions. Default: RepeatOptions().")
      .def_readwrite("boilerplate", &CleanOptions::boilerplate,
                     WithDefault("cut lines frequent across a site's pages.",
                                 d.boilerplate)
                         .c_str())
      .def_readwrite("boilerplate_options", &CleanOptions::boilerplate_options,
                     "BoilerplateOptions. Default: BoilerplateOptions().")
      .def_readwrite("syndicated", &CleanOptions::syndicated,
                     WithDefault("cut paragraphs mostly seen in earlier documents.",
                                 d.syndicated)
                         .c_str())
      .def_readwrite("syndication", &CleanOptions::syndication,
                     "SyndicationOptions. Default: SyndicationOptions().")
      .def_readwrite("line_counts_file", &CleanOptions::line_counts_file,
                     WithDefault("line_counts.bin of an earlier run to use instead "
                                 "of counting.",
                                 d.line_counts_file)
                         .c_str())
      .def_readwrite("gopher_filter", &CleanOptions::gopher_filter,
                     WithDefault("remove documents over the Gopher thresholds.",
                                 d.gopher_filter)
                         .c_str())
      .def_readwrite("gopher", &CleanOptions::gopher,
                     "GopherThresholds. Default: GopherThresholds().")
      .def_readwrite("signals_only", &CleanOptions::signals_only,
                     WithDefault("write signals.jsonl and change nothing.",
                                 d.signals_only)
                         .c_str())
      .def_readwrite("annotate", &CleanOptions::annotate,
                     WithDefault("list the cuts without making them.",
                                 d.annotate)
                         .c_str())
      .def_readwrite("reader", &CleanOptions::reader,
                     "ReaderOptions of the inputs. Default: ReaderOptions().")
      .def_readwrite("threads", &CleanOptions::threads,
                     WithDefault("threads, at least 0; 0: one per core.",
                                 d.threads)
                         .c_str())
      .def_readwrite("output_format", &CleanOptions::output_format,
                     WithDefault("AS_INPUT, or TEXT_JSONL for WARC/WET and text "
                                 "inputs.",
                                 d.output_format)
                         .c_str())
      .def_readwrite("overwrite", &CleanOptions::overwrite,
                     WithDefault("accept a folder that is not empty; the files an "
                                 "earlier run listed in its stats.json are "
                                 "replaced.",
                                 d.overwrite)
                         .c_str())
      .def_readwrite("report", &CleanOptions::report,
                     WithDefault("write report.html (the run's page).",
                                 d.report)
                         .c_str());
  py::class_<CleanStats>(m, "CleanStats", "What a clean job counted.")
      .def_readonly("read", &CleanStats::read)
      .def_readonly("kept", &CleanStats::kept)
      .def_readonly("removed", &CleanStats::removed)
      .def_readonly("rejected", &CleanStats::rejected)
      .def_readonly("edited", &CleanStats::edited)
      .def_readonly("cut_bytes", &CleanStats::cut_bytes)
      .def_readonly("text_bytes", &CleanStats::text_bytes)
      .def_readonly("not_rewritten", &CleanStats::not_rewritten)
      .def_readonly("outputs", &CleanStats::outputs);
  m.def(
      "run_clean",
      [](const std::vector<InputFile>& inputs, const std::string& output,
         CleanOptions options, py::object progress) {
        return RunJob(RunClean, inputs, output, std::move(options),
                      std::move(progress));
      },
      py::arg("inputs"), py::arg("output"),
      py::arg("options") = CleanOptions{}, py::arg("progress") = py::none(),
      "Runs `neardup clean` in this process (see pipeline.h), with progress "
      "and stopping as run_dedup; releases the GIL.");
}

void BindRunFiles(py::module_& m) {
  m.def("stats_to_json", &StatsToJson, py::arg("stats"), py::arg("options"),
        "Returns stats as the JSON of stats.json.");
  m.def(
      "write_report",
      [](const std::string& outdir) {
        py::gil_scoped_release release;
        const absl::Status status = WriteReport(outdir);
        py::gil_scoped_acquire acquire;
        Check(status);
      },
      py::arg("outdir"),
      "Writes OUTDIR/report.html again for a finished dedup or clean run "
      "(`neardup report OUTDIR`; see pipeline.h); releases the GIL.");
  m.def("dedup_method_name", &DedupMethodName, py::arg("method"));
  m.def("default_shingle_size", &DefaultShingleSize, py::arg("method"),
        "The shingle size `neardup dedup` uses for a method without --ngram "
        "(C++ DefaultShingleSize).");
  m.def(
      "parse_dedup_method",
      [](const std::string& text) { return Check(ParseDedupMethod(text)); },
      py::arg("text"),
      "Parses 'minhash', 'simhash' or 'exact' (dedup_method_name's "
      "spelling); ValueError for anything else.");

}

}  // namespace

void BindPipeline(py::module_& m) {
  BindDedupEnums(m);
  BindDedupOptions(m);
  BindInputs(m);
  BindDedupJob(m);
  BindCleanJob(m);
  BindRunFiles(m);
}

}  // namespace neardup::python
