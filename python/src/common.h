// What every bindings file of neardup._core shares: errors as Python
// exceptions, C++ memory as NumPy arrays (or memoryviews), read-only views
// of Python buffers, texts viewed without a copy, batch threads, and the
// job runner. Private to python/src; the module's conventions (errors,
// offsets, arrays, threads) are written once, in module.cc.

#ifndef NEARDUP_PYTHON_SRC_COMMON_H_
#define NEARDUP_PYTHON_SRC_COMMON_H_

#include <pybind11/pybind11.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "neardup/internal/parallel.h"
#include "neardup/neardup.h"

namespace neardup::python {

namespace py = pybind11;

// The threads of a batch function when none is given: the calling thread.
constexpr int kBatchThreads = 1;
// The most threads a batch function accepts (0: one per core).
constexpr int kMaxThreads = 1024;

// ---------------------------------------------------------------------------
// Errors

// Raises the Python exception of `status` (see module.cc).
[[noreturn]] void Raise(const absl::Status& status);

template <typename T>
T Check(absl::StatusOr<T> value) {
  if (!value.ok()) Raise(value.status());
  return *std::move(value);
}

void Check(const absl::Status& status);

// ---------------------------------------------------------------------------
// Arrays

// Memory filled by C++, exported through the buffer protocol.
struct Buffer {
  std::shared_ptr<void> owner;
  void* data = nullptr;
  std::string format;
  py::ssize_t itemsize = 0;
  std::vector<py::ssize_t> shape;
};

// True when NumPy can be imported (asked once).
bool HaveNumpy();

// Returns `values` as a NumPy array (or a memoryview without NumPy) of
// `shape`, owning the vector. Requires the GIL.
template <typename T>
py::object ToArray(std::vector<T> values, std::vector<py::ssize_t> shape) {
  auto holder = std::make_shared<std::vector<T>>(std::move(values));
  Buffer buffer{holder, holder->data(), py::format_descriptor<T>::format(),
                static_cast<py::ssize_t>(sizeof(T)), std::move(shape)};
  py::object object = py::cast(std::move(buffer));
  if (HaveNumpy()) return py::module_::import("numpy").attr("asarray")(object);
  return py::memoryview(object);
}

template <typename T>
py::object ToArray(std::vector<T> values) {
  const auto n = static_cast<py::ssize_t>(values.size());
  return ToArray(std::move(values), {n});
}

// A read-only view of a C-contiguous buffer of unsigned integers (or
// doubles) of T's size, with its shape.
template <typename T>
struct View {
  py::buffer_info info;
  absl::Span<const T> values;
  std::vector<py::ssize_t> shape;
  std::vector<T> copy;  // the values of a buffer that is not C-contiguous
};

template <typename T>
View<T> ViewOf(const py::object& object, int min_ndim, int max_ndim,
               const char* what) {
  View<T> view;
  if (!PyObject_CheckBuffer(object.ptr())) {
    throw py::type_error(
        std::string(what) + ": expected an array (a NumPy array or another "
        "buffer of " + (std::is_floating_point_v<T> ? "float64" : "unsigned "
        "integers") + "), got " + std::string(py::str(py::type::of(object).attr("__name__"))) +
        (PyList_Check(object.ptr()) || PyTuple_Check(object.ptr())
             ? "; convert it with numpy.asarray(values, dtype=numpy." +
                   std::string(std::is_floating_point_v<T> ? "float64"
                               : sizeof(T) == 4        ? "uint32"
                                                       : "uint64") +
                   ")"
             : ""));
  }
  view.info = py::reinterpret_borrow<py::buffer>(object).request();
  const py::buffer_info& info = view.info;
  if (info.itemsize != static_cast<py::ssize_t>(sizeof(T))) {
    throw py::value_error(std::string(what) + ": expected items of " +
                          std::to_string(sizeof(T)) + " bytes, got " +
                          std::to_string(info.itemsize));
  }
  const char kind = info.format.empty() ? '?' : info.format.back();
  const bool floating = std::is_floating_point_v<T>;
  const std::string_view kinds = floating ? "d" : "BHILQN";
  if (kinds.find(kind) == std::string_view::npos) {
    throw py::value_error(std::string(what) + ": expected " +
                          (floating ? "float64" : "unsigned integer") +
                          " items, got format '" + info.format + "'");
  }
  if (info.ndim < min_ndim || info.ndim > max_ndim) {
    throw py::value_error(std::string(what) + ": expected " +
                          std::to_string(min_ndim) +
                          (min_ndim == max_ndim
                               ? ""
                               : " to " + std::to_string(max_ndim)) +
                          " dimensions, got " + std::to_string(info.ndim));
  }
  view.shape.assign(info.shape.begin(), info.shape.end());
  py::ssize_t expected = info.itemsize;
  bool contiguous = true;
  for (py::ssize_t d = info.ndim - 1; d >= 0; --d) {
    contiguous = contiguous && (info.shape[d] <= 1 || info.strides[d] == expected);
    expected *= info.shape[d];
  }
  if (contiguous) {
    view.values = absl::MakeConstSpan(static_cast<const T*>(info.ptr),
                                      static_cast<size_t>(info.size));
    return view;
  }
  // A slice or a transposed array: copied in C order (1 or 2 dimensions).
  const char* base = static_cast<const char*>(info.ptr);
  const py::ssize_t rows = info.ndim == 2 ? info.shape[0] : 1;
  const py::ssize_t cols = info.shape[info.ndim - 1];
  const py::ssize_t row_stride = info.ndim == 2 ? info.strides[0] : 0;
  const py::ssize_t col_stride = info.strides[info.ndim - 1];
  view.copy.reserve(static_cast<size_t>(info.size));
  for (py::ssize_t r = 0; r < rows; ++r) {
    for (py::ssize_t c = 0; c < cols; ++c) {
      T value;
      std::memcpy(&value, base + r * row_stride + c * col_stride, sizeof(T));
      view.copy.push_back(value);
    }
  }
  view.values = absl::MakeConstSpan(view.copy);
  return view;
}

// ---------------------------------------------------------------------------
// Texts

// The UTF-8 bytes of a str (encoded by CPython and cached in the object) or
// of a bytes object. Requires the GIL; valid while the object lives.
std::string_view TextOf(const py::handle& h);

// Raises TypeError when `object`, where a list of texts is expected, is one
// text: iterating over it would give its characters (or byte values).
void RefuseBareText(const py::handle& object, const char* what);

// Texts of a list of str or bytes, viewed without a copy: the objects are
// held so that the views stay valid while the GIL is released. A str that
// is not ASCII is kept as its code points (PEP 393: 1, 2 or 4 bytes each)
// and encoded to UTF-8 by Get on the worker threads, so that encoding does
// not run under the GIL. Lone surrogates become ill-formed UTF-8, which the
// core repairs to U+FFFD.
class Texts {
 public:
  explicit Texts(const py::iterable& texts) {
    RefuseBareText(texts, "texts");
    for (const py::handle h : texts) {
      objects_.push_back(py::reinterpret_borrow<py::object>(h));
      Item item;
      PyObject* o = h.ptr();
      if (PyUnicode_Check(o) && !PyUnicode_IS_ASCII(o)) {
        if (PyUnicode_READY(o) != 0) throw py::error_already_set();
        item.kind = PyUnicode_KIND(o);
        item.data = PyUnicode_DATA(o);
        item.length = static_cast<size_t>(PyUnicode_GET_LENGTH(o));
      } else {
        item.utf8 = TextOf(h);
      }
      items_.push_back(item);
    }
  }
  size_t size() const { return items_.size(); }
  // The UTF-8 of text i, in *scratch when it has to be encoded. Needs no
  // GIL.
  std::string_view Get(size_t i, std::string* scratch) const {
    const Item& item = items_[i];
    switch (item.kind) {
      case PyUnicode_1BYTE_KIND:
        return Encode(static_cast<const Py_UCS1*>(item.data), item.length,
                      2, scratch);
      case PyUnicode_2BYTE_KIND:
        return Encode(static_cast<const Py_UCS2*>(item.data), item.length,
                      3, scratch);
      case PyUnicode_4BYTE_KIND:
        return Encode(static_cast<const Py_UCS4*>(item.data), item.length,
                      4, scratch);
      default:
        return item.utf8;
    }
  }

 private:
  struct Item {
    std::string_view utf8;
    int kind = 0;  // 0: utf8 holds the text
    const void* data = nullptr;
    size_t length = 0;
  };
  template <typename Unit>
  static std::string_view Encode(const Unit* units, size_t n, size_t widest,
                                 std::string* out) {
    out->resize(n * widest);
    char* w = out->data();
    for (size_t k = 0; k < n; ++k) {
      const uint32_t cp = units[k];
      if (cp < 0x80) {
        *w++ = static_cast<char>(cp);
      } else if (cp < 0x800) {
        *w++ = static_cast<char>(0xC0 | (cp >> 6));
        *w++ = static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        *w++ = static_cast<char>(0xE0 | (cp >> 12));
        *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *w++ = static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        *w++ = static_cast<char>(0xF0 | (cp >> 18));
        *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *w++ = static_cast<char>(0x80 | (cp & 0x3F));
      }
    }
    return std::string_view(out->data(), static_cast<size_t>(w - out->data()));
  }

  std::vector<py::object> objects_;
  std::vector<Item> items_;
};

// ---------------------------------------------------------------------------
// Threads

// Raises ValueError unless 0 <= threads <= kMaxThreads. Requires the GIL.
void CheckThreads(int threads);

// The workers of a batch call over n items on `threads` threads (0: one
// per core): at least 1, at most n. The call gives each worker its own
// scratch and runs internal::ParallelFor on this many threads.
int BatchWorkers(int threads, size_t n);

// ---------------------------------------------------------------------------
// Small conversions

py::bytes Bytes(std::string_view s);

// Raises ValueError unless `ends`, the end offsets of items concatenated in
// `size` bytes (or values), never decrease and stay within `size`.
void CheckEnds(absl::Span<const uint64_t> ends, size_t size,
               const char* what);

// A writable NumPy array (or memoryview) of `n` doubles at `data`, inside
// the C++ object of `owner`, which it keeps alive: assigning an element
// changes the object. Requires the GIL.
py::object DoubleView(const py::object& owner, double* data, size_t n);

// Copies a sequence of exactly N numbers into *out; TypeError for
// something else, ValueError for another length. *out is unchanged on error.
template <size_t N>
void AssignDoubles(const py::object& values, const char* what,
                   std::array<double, N>* out) {
  RefuseBareText(values, what);
  if (!PySequence_Check(values.ptr())) {
    throw py::type_error(std::string(what) + ": expected a sequence of " +
                         std::to_string(N) + " numbers");
  }
  const py::sequence seq = py::reinterpret_borrow<py::sequence>(values);
  if (seq.size() != N) {
    throw py::value_error(std::string(what) + ": expected " +
                          std::to_string(N) + " numbers, got " +
                          std::to_string(seq.size()));
  }
  std::array<double, N> copy;
  for (size_t i = 0; i < N; ++i) {
    const py::object item = seq[i];
    copy[i] = PyFloat_AsDouble(item.ptr());
    if (copy[i] == -1.0 && PyErr_Occurred()) throw py::error_already_set();
  }
  *out = copy;
}

// The UTF-8 bytes of a str or bytes with [begin, end) checked against them:
// IndexError outside the text, ValueError when `text` is a str and an
// offset falls inside a character.
std::string_view CheckedByteSpan(const py::object& text, size_t begin,
                                 size_t end);

// The number of code points in the UTF-8 bytes before each of `offsets`:
// the str index of a byte offset. Errors as CheckedByteSpan.
std::vector<size_t> CharOffsets(const py::str& text,
                                const std::vector<size_t>& offsets);

// Pairs as an (m, 2) uint32 array.
py::object PairsToArray(std::vector<DocPair> pairs);

// ---------------------------------------------------------------------------
// Documentation

// `doc` followed by " Default: VALUE.", VALUE as Python prints it (a str
// in quotes, an enum by name). Pass the field of a default-constructed C++
// struct, so that the documented default is the one the code has.
template <typename T>
std::string WithDefault(const std::string& doc, const T& value) {
  const py::object v = py::cast(value);
  const std::string shown = py::isinstance<py::str>(v)
                                ? std::string(py::repr(v))
                                : std::string(py::str(v));
  return doc + " Default: " + shown + ".";
}

// ---------------------------------------------------------------------------
// Jobs

// Runs a job (RunDedup, RunClean) without the GIL. The job calls
// `progress` on this thread; a callback that returns False or raises, and a
// signal Python wants delivered (Ctrl-C: KeyboardInterrupt), stop the job
// through its cancel flag: nothing is written.
template <typename Options, typename Job>
auto RunJob(Job job, const std::vector<InputFile>& inputs,
            const std::string& output, Options options, py::object progress) {
  std::atomic<bool> cancel{false};
  options.cancel = &cancel;
  std::optional<py::error_already_set> raised;
  ProgressFn fn = [&](const ProgressEvent& e) {
    py::gil_scoped_acquire acquire;
    if (cancel.load()) return;
    if (PyErr_CheckSignals() != 0) {
      raised.emplace();
      cancel = true;
      return;
    }
    if (progress.is_none()) return;
    try {
      py::object go = progress(std::string(e.stage), e.records, e.bytes,
                               e.total_bytes, e.total_records);
      if (!go.is_none() && !py::bool_(go)) cancel = true;
    } catch (py::error_already_set& error) {
      raised.emplace(std::move(error));
      cancel = true;
    }
  };
  decltype(job(inputs, output, options, fn)) stats;
  {
    py::gil_scoped_release release;
    stats = job(inputs, output, options, fn);
  }
  if (raised.has_value()) throw std::move(*raised);
  return Check(std::move(stats));
}

// measure(set i of a, set i of b) for sets concatenated in a and b with

// ---------------------------------------------------------------------------
// The layers, in the order module.cc binds them (a type is bound before the
// functions that take it, so that their signatures name it).

void BindText(py::module_& m);      // text_bindings.cc
void BindSketch(py::module_& m);    // sketch_bindings.cc: shingle, MinHash, SimHash
void BindLsh(py::module_& m);       // lsh_bindings.cc
void BindCluster(py::module_& m);   // cluster_bindings.cc
void BindClean(py::module_& m);     // clean_bindings.cc
void BindIo(py::module_& m);        // io_bindings.cc
void BindPipeline(py::module_& m);  // pipeline_bindings.cc: the jobs
void BindStages(py::module_& m);    // stage_bindings.cc: neardup.dask's stages
void BindIndex(py::module_& m);     // index_bindings.cc

}  // namespace neardup::python

#endif  // NEARDUP_PYTHON_SRC_COMMON_H_
