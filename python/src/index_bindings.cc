// neardup._core.Index: the near-duplicate index (C++ neardup::Index) as a
// Python object, in the spirit of datasketch's MinHashLSH but taking texts
// (signed inside, without the GIL in the batch forms) and returning
// verified matches. Errors: ValueError (bad options or arguments, a key
// inserted twice, as datasketch), FileNotFoundError, OSError (a bad or truncated
// file, another format version), TypeError (a text that is not str or
// bytes, a bare text where a list is expected).

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/index.h"

namespace py = pybind11;

namespace neardup::python {
namespace {

[[noreturn]] void RaiseIndexError(const absl::Status& status) {
  const std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:  // as datasketch: ValueError
      throw py::value_error(message);
    case absl::StatusCode::kNotFound:
      PyErr_SetString(PyExc_FileNotFoundError, message.c_str());
      throw py::error_already_set();
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
      PyErr_SetString(PyExc_OSError, message.c_str());
      throw py::error_already_set();
    default:
      throw std::runtime_error(message);
  }
}

template <typename T>
T CheckIndex(absl::StatusOr<T> value) {
  if (!value.ok()) RaiseIndexError(value.status());
  return *std::move(value);
}

void CheckIndex(const absl::Status& status) {
  if (!status.ok()) RaiseIndexError(status);
}

// The UTF-8 bytes of a str, or the bytes of a bytes object.
std::string BytesOf(const py::handle& h, const char* what) {
  if (PyUnicode_Check(h.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(h.ptr(), &size);
    if (data == nullptr) throw py::error_already_set();
    return std::string(data, static_cast<size_t>(size));
  }
  if (PyBytes_Check(h.ptr())) {
    char* data = nullptr;
    Py_ssize_t size = 0;
    PyBytes_AsStringAndSize(h.ptr(), &data, &size);
    return std::string(data, static_cast<size_t>(size));
  }
  throw py::type_error(std::string(what) + ": expected str or bytes, got " +
                       std::string(py::str(h.get_type().attr("__name__"))));
}

std::vector<std::string> ListOf(const py::object& items, const char* what) {
  if (PyUnicode_Check(items.ptr()) || PyBytes_Check(items.ptr())) {
    throw py::type_error(std::string(what) +
                         ": expected a list of str or bytes, got one text");
  }
  std::vector<std::string> out;
  for (const py::handle h : py::iter(items)) out.push_back(BytesOf(h, what));
  return out;
}

std::vector<std::string_view> Views(const std::vector<std::string>& v) {
  return std::vector<std::string_view>(v.begin(), v.end());
}

void CheckThreadCount(int threads) {
  if (threads < 0 || threads > 1024) {
    throw py::value_error("threads must be in [0, 1024] (0: one per core), got " +
                          std::to_string(threads));
  }
}

py::str Key(const std::string& key) {
  return py::reinterpret_steal<py::str>(
      PyUnicode_DecodeUTF8(key.data(), static_cast<Py_ssize_t>(key.size()),
                           "surrogateescape"));
}

py::list Matches(const std::vector<IndexMatch>& matches, bool origin) {
  py::list out;
  for (const IndexMatch& m : matches) {
    if (origin) {
      out.append(py::make_tuple(Key(m.key), m.similarity, Key(m.origin)));
    } else {
      out.append(py::make_tuple(Key(m.key), m.similarity));
    }
  }
  return out;
}

QueryOptions QueryOf(size_t limit, std::optional<double> min_similarity) {
  QueryOptions q;
  q.limit = limit;
  if (min_similarity) q.min_similarity = *min_similarity;
  return q;
}

// The Python object: the index and a lock, so that Python threads cannot
// race even though the calls release the GIL (queries share the lock,
// inserts and removals hold it alone).
struct PyIndex {
  explicit PyIndex(Index i) : index(std::move(i)) {}
  Index index;
  mutable std::shared_mutex mu;
};

}  // namespace

void BindIndexFolder(py::module_& m);

// Index(...): an empty index of the given options (see its docstring).
std::unique_ptr<PyIndex> MakeIndex(double threshold, int num_perm,
                                   const std::string& method, int bands,
                                   int rows, uint64_t seed,
                                   std::optional<int> shingle_size,
                                   const std::string& shingle_kind,
                                   int hamming, const std::string& verify) {
  IndexOptions o;
  o.threshold = threshold;
  o.num_perm = num_perm;
  o.method = CheckIndex(ParseDedupMethod(method));
  o.bands = bands;
  o.rows = rows;
  o.seed = seed;
  // As neardup.dedup and the command: 3-word shingles for SimHash.
  o.shingles.n = shingle_size ? *shingle_size
                              : DefaultShingleSize(o.method);
  if (shingle_kind != "word" && shingle_kind != "char") {
    throw py::value_error("shingle_kind must be 'word' or 'char'");
  }
  o.shingles.kind = shingle_kind == "char" ? ShingleKind::kChar
                                           : ShingleKind::kWord;
  o.hamming = hamming;
  if (verify != "signature" && verify != "exact") {
    throw py::value_error("verify must be 'signature' or 'exact'");
  }
  o.verify = verify == "exact" ? VerifyMode::kExact
                               : VerifyMode::kSignature;
  return std::make_unique<PyIndex>(CheckIndex(Index::Create(o)));
}

// The arguments of insert_batch and dedup_batch, checked and copied out of
// Python objects (while the GIL is held).
struct KeyedTexts {
  std::vector<std::string> keys;
  std::vector<std::string> texts;
  std::vector<std::string> origins;  // empty: none given
};

KeyedTexts KeyedTextsOf(int threads, const py::object& keys,
                        const py::object& texts, const py::object& origins) {
  CheckThreadCount(threads);
  KeyedTexts b;
  b.keys = ListOf(keys, "keys");
  b.texts = ListOf(texts, "texts");
  if (!origins.is_none()) b.origins = ListOf(origins, "origins");
  return b;
}

void BindIndexBatches(py::class_<PyIndex>& index) {
  index
      .def(
          "insert_batch",
          [](PyIndex& py_self, const py::object& keys, const py::object& texts,
             int threads, const py::object& origins) {
            const KeyedTexts b = KeyedTextsOf(threads, keys, texts, origins);
            absl::Status status;
            {
              py::gil_scoped_release release;
              std::unique_lock lock(py_self.mu);
              status = InsertBatch(py_self.index, Views(b.keys), Views(b.texts), threads,
                                   Views(b.origins));
            }
            CheckIndex(status);
          },
          py::arg("keys"), py::arg("texts"), py::arg("threads") = 0,
          py::arg("origins") = py::none(),
          "Inserts texts[i] under keys[i], signed on `threads` threads (0: "
          "one per core) without the GIL; all or nothing: ValueError when a "
          "key is indexed or repeated.")
      .def(
          "query_batch",
          [](const PyIndex& py_self, const py::object& texts, int threads,
             size_t limit, std::optional<double> min_similarity, bool origin) {
            CheckThreadCount(threads);
            const std::vector<std::string> t = ListOf(texts, "texts");
            absl::StatusOr<std::vector<std::vector<IndexMatch>>> found;
            {
              py::gil_scoped_release release;
              std::shared_lock lock(py_self.mu);
              found = QueryBatch(py_self.index, Views(t), threads,
                                 QueryOf(limit, min_similarity));
            }
            py::list out;
            for (const auto& f : CheckIndex(std::move(found))) {
              out.append(Matches(f, origin));
            }
            return out;
          },
          py::arg("texts"), py::arg("threads") = 0, py::arg("limit") = QueryOptions{}.limit,
          py::arg("min_similarity") = py::none(), py::arg("origin") = false,
          "query() for every text, on `threads` threads without the GIL.")
      .def(
          "dedup_batch",
          [](PyIndex& py_self, const py::object& keys, const py::object& texts,
             int threads, const py::object& origins) {
            const KeyedTexts b = KeyedTextsOf(threads, keys, texts, origins);
            absl::StatusOr<std::vector<std::optional<IndexMatch>>> found;
            {
              py::gil_scoped_release release;
              std::unique_lock lock(py_self.mu);
              found = DedupBatch(py_self.index, Views(b.keys), Views(b.texts), threads,
                                 Views(b.origins));
            }
            py::list out;
            for (const auto& f : CheckIndex(std::move(found))) {
              if (f) {
                out.append(Key(f->key));
              } else {
                out.append(py::none());
              }
            }
            return out;
          },
          py::arg("keys"), py::arg("texts"), py::arg("threads") = 0,
          py::arg("origins") = py::none(),
          "Deduplicates texts against the index and each other in order, as "
          "`neardup dedup --keep first` would: returns, per text, the key "
          "of the document it duplicates (the earliest inserted), or None "
          "for a new text, which is inserted under its key.");
}

void BindIndexFiles(py::class_<PyIndex>& index) {
  index
      .def(
          "save",
          [](const PyIndex& py_self, const std::string& path) {
            absl::Status status;
            {
              py::gil_scoped_release release;
              std::shared_lock lock(py_self.mu);
              status = py_self.index.Save(path);
            }
            CheckIndex(status);
          },
          py::arg("path"),
          "Writes the index to path (versioned, checksummed format; "
          "written under a temporary name and renamed).")
      .def_static(
          "open",
          [](const std::string& path) {
            std::optional<absl::StatusOr<Index>> opened;
            {
              py::gil_scoped_release release;
              opened.emplace(Index::Open(path));
            }
            return std::make_unique<PyIndex>(CheckIndex(std::move(*opened)));
          },
          py::arg("path"),
          "Reads an index that save() wrote. OSError naming the file and "
          "section for a bad checksum, a truncated file or another format "
          "version; FileNotFoundError.")
      .def_property_readonly(
          "threshold", [](const PyIndex& py_self) { return py_self.index.options().threshold; })
      .def_property_readonly(
          "num_perm", [](const PyIndex& py_self) { return py_self.index.options().num_perm; })
      .def_property_readonly(
          "bands", [](const PyIndex& py_self) { return py_self.index.options().bands; })
      .def_property_readonly(
          "rows", [](const PyIndex& py_self) { return py_self.index.options().rows; })
      .def_property_readonly("method",
                             [](const PyIndex& py_self) {
                               return std::string(
                                   DedupMethodName(py_self.index.options().method));
                             })
      .def_property_readonly("parameters", [](const PyIndex& py_self) {
        return IndexParametersText(py_self.index.options());
      }, "The index's parameters, one 'name=value' line each.");
}

void BindIndex(py::module_& m) {
  const IndexOptions d;
  BindIndexFolder(m);
  py::class_<PyIndex> index(
      m, "Index",
      "A near-duplicate index of documents (C++ neardup::Index): insert "
      "texts under keys, ask which indexed documents a text nearly "
      "duplicates. Decides as `neardup dedup` does: inserting a collection "
      "in order and keeping each text whose query returns nothing keeps "
      "exactly what `neardup dedup --keep first` keeps.\n\n"
      "Thread safety: every method may be called from several threads; "
      "they release the GIL while they work, queries run together and "
      "inserts and removals one at a time (a lock per index).\n\n"
      "Memory: about 930 bytes per document with a short key at the "
      "defaults (MinHash, 112 permutations); on disk 464 bytes plus the key.");
  index
      .def(py::init(&MakeIndex),
           py::arg("threshold") = d.threshold, py::arg("num_perm") = d.num_perm,
           py::kw_only(), py::arg("method") = DedupMethodName(d.method),
           py::arg("bands") = d.bands, py::arg("rows") = d.rows,
           py::arg("seed") = d.seed, py::arg("shingle_size") = py::none(),
           py::arg("shingle_kind") =
               d.shingles.kind == ShingleKind::kChar ? "char" : "word",
           py::arg("hamming") = d.hamming,
           py::arg("verify") =
               d.verify == VerifyMode::kExact ? "exact" : "signature",
           "Creates an empty index. threshold: Jaccard at or above which a "
           "text is a duplicate (minhash); num_perm: MinHash permutations; "
           "method: 'minhash', 'simhash' (Hamming distance <= hamming) or "
           "'exact' (equal normalized text); bands, rows: LSH bands (0, 0: "
           "chosen from the threshold, 14 x 8 at the defaults); seed; "
           "shingle_size (default: neardup.dedup's, 5, or 3 for simhash), "
           "shingle_kind ('word' or 'char'); verify: "
           "'signature' (Jaccard estimated from signatures) or 'exact' "
           "(shingle sets kept, exact Jaccard). ValueError for bad options.")
      .def(
          "insert",
          [](PyIndex& py_self, const std::string& key, const py::object& text,
             const std::string& origin) {
            const std::string t = BytesOf(text, "text");
            absl::Status status;
            {
              py::gil_scoped_release release;
              std::unique_lock lock(py_self.mu);
              status = py_self.index.Insert(key, t, origin);
            }
            CheckIndex(status);  // raises with the GIL held
          },
          py::arg("key"), py::arg("text"), py::arg("origin") = "",
          "Adds text (str or bytes) under key, with an optional origin "
          "string returned with its matches. ValueError when key is indexed.")
      .def(
          "query",
          [](const PyIndex& py_self, const py::object& text, size_t limit,
             std::optional<double> min_similarity, bool origin) {
            const std::string t = BytesOf(text, "text");
            absl::StatusOr<std::vector<IndexMatch>> found;
            {
              py::gil_scoped_release release;
              std::shared_lock lock(py_self.mu);
              found = py_self.index.Query(t, QueryOf(limit, min_similarity));
            }
            return Matches(CheckIndex(std::move(found)), origin);
          },
          py::arg("text"), py::arg("limit") = QueryOptions{}.limit,
          py::arg("min_similarity") = py::none(), py::arg("origin") = false,
          "Returns the indexed documents that nearly duplicate text, best "
          "first, as [(key, similarity), ...] ((key, similarity, origin) "
          "with origin=True): similarity is the Jaccard (estimated from the "
          "signatures, or exact with verify='exact'), the Hamming distance "
          "for simhash, 1.0 for exact. limit: at most that many (top-k); "
          "min_similarity: accept below the threshold (minhash; candidates "
          "still come from the threshold's bands, so recall falls below it).")
      .def(
          "remove",
          [](PyIndex& py_self, const std::string& key) {
            std::unique_lock lock(py_self.mu);
            return py_self.index.Remove(key);
          },
          py::arg("key"),
          "Removes the document under key; returns False when there is none.")
      .def("__len__",
           [](const PyIndex& py_self) {
             std::shared_lock lock(py_self.mu);
             return py_self.index.size();
           })
      .def(
          "__contains__",
          [](const PyIndex& py_self, const std::string& key) {
            std::shared_lock lock(py_self.mu);
            return py_self.index.Contains(key);
          },
          py::arg("key"));
  BindIndexBatches(index);
  BindIndexFiles(index);
}

void BindIndexFolder(py::module_& m) {
  py::class_<IndexFolder>(
      m, "IndexFolder",
      "An index folder that `neardup dedup --index DIR` grows, one "
      "generation per run, opened to read (C++ neardup::IndexFolder): ask "
      "which records of earlier runs a text nearly duplicates, without a "
      "job. The files are mapped (mmap), not loaded: opening costs the same for any size. Queries are thread-safe and release "
      "the GIL.")
      .def(py::init([](const std::string& path) {
             std::optional<absl::StatusOr<IndexFolder>> opened;
             {
               py::gil_scoped_release release;
               opened.emplace(IndexFolder::Open(path));
             }
             return CheckIndex(std::move(*opened));
           }),
           py::arg("path"),
           "Opens the folder to read. FileNotFoundError when it holds no "
           "index; OSError naming the file and section for a bad checksum.")
      .def(
          "query",
          [](const IndexFolder& self, const py::object& text, size_t limit) {
            const std::string t = BytesOf(text, "text");
            absl::StatusOr<std::vector<IndexFolderMatch>> found;
            {
              py::gil_scoped_release release;
              found = self.Query(t, QueryOf(limit, std::nullopt));
            }
            py::list out;
            for (const IndexFolderMatch& f : CheckIndex(std::move(found))) {
              out.append(py::make_tuple(Key(f.id), f.similarity, f.generation,
                                        Key(f.file), f.line));
            }
            return out;
          },
          py::arg("text"), py::arg("limit") = QueryOptions{}.limit,
          "Returns the indexed records that text nearly duplicates, best "
          "first, as [(id, similarity, generation, file, line), ...].")
      .def(
          "query_batch",
          [](const IndexFolder& self, const py::object& texts, int threads,
             size_t limit) {
            CheckThreadCount(threads);
            const std::vector<std::string> t = ListOf(texts, "texts");
            absl::StatusOr<std::vector<std::vector<IndexFolderMatch>>> found;
            {
              py::gil_scoped_release release;
              found = QueryBatch(self, Views(t), threads,
                                 QueryOf(limit, std::nullopt));
            }
            py::list out;
            for (const auto& matches : CheckIndex(std::move(found))) {
              py::list one;
              for (const IndexFolderMatch& f : matches) {
                one.append(py::make_tuple(Key(f.id), f.similarity, f.generation,
                                          Key(f.file), f.line));
              }
              out.append(one);
            }
            return out;
          },
          py::arg("texts"), py::arg("threads") = 0, py::arg("limit") = QueryOptions{}.limit,
          "query() for every text, on `threads` threads without the GIL.")
      .def("__len__", [](const IndexFolder& self) { return self.size(); })
      .def_property_readonly(
          "generations",
          [](const IndexFolder& self) {
            py::list out;
            for (const IndexGeneration& g : self.generations()) {
              py::dict d;
              d["number"] = g.number;
              d["file"] = g.file;
              d["records"] = g.documents;
              d["run"] = g.run;
              out.append(d);
            }
            return out;
          },
          "One dict per generation: number, file, records, run.")
      .def_property_readonly("parameters", [](const IndexFolder& self) {
        return IndexParametersText(self.options());
      });
}

}  // namespace neardup::python
