// neardup._core: the C++ library as Python objects (pybind11). Names and
// options follow the C++ API (Normalizer, Shingler, MinHasher, ...), in
// Python spelling (snake_case functions and fields). Errors become
// ValueError (InvalidArgument), IndexError (OutOfRange: a member, band or
// offset outside its range), TypeError (an argument of the wrong type, such
// as a bare str where a list of texts is expected), FileNotFoundError
// (NotFound), OSError (other I/O) or RuntimeError. No argument crashes the
// interpreter: the bindings call the checked variants of the C++ kernels
// that are unchecked for speed (DisjointSets::CheckedUnion,
// CheckedBandKey), and python/tests/test_hostile.py calls every binding
// with hostile arguments.
//
// Offsets: the C++ core works on UTF-8 bytes, so Cut.begin and Cut.end are
// byte offsets into the UTF-8 encoding of the text, also when the text was
// a str. Cut.text(t) returns the cut text, Cut.char_span(t) its str
// indices, and char_offsets(t, offsets) converts any byte offsets.
//
// Arrays: functions that return numbers in bulk (shingle hashes, signatures,
// band keys, pairs) return NumPy arrays when NumPy can be imported, and
// memoryviews (same shape and item format) otherwise; both share the
// memory the C++ code filled, without a copy. Arguments that take arrays
// accept any C-contiguous buffer of the right item size (NumPy arrays,
// memoryviews, array.array).
//
// Batch functions (a list of str or bytes in, one array out) release the
// GIL while they hash and may use several threads: `threads` 1 (the
// default) works on the calling thread, 0 means one per core, and more than
// kMaxThreads or a negative count is a ValueError. A bare str or bytes where
// a list of texts is expected is a TypeError (it would be signed one
// character at a time).

#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "neardup/internal/dedup_stages.h"
#include "neardup/neardup.h"

namespace py = pybind11;

namespace neardup::python {
namespace {

// ---------------------------------------------------------------------------
// Errors and buffers

[[noreturn]] void Raise(const absl::Status& status) {
  const std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      throw py::value_error(message);
    case absl::StatusCode::kOutOfRange:
      throw py::index_error(message);
    case absl::StatusCode::kNotFound:
      PyErr_SetString(PyExc_FileNotFoundError, message.c_str());
      throw py::error_already_set();
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kFailedPrecondition:
      PyErr_SetString(PyExc_OSError, message.c_str());
      throw py::error_already_set();
    default:
      throw std::runtime_error(message);
  }
}

template <typename T>
T Check(absl::StatusOr<T> value) {
  if (!value.ok()) Raise(value.status());
  return *std::move(value);
}

void Check(const absl::Status& status) {
  if (!status.ok()) Raise(status);
}

// Memory filled by C++, exported through the buffer protocol.
struct Buffer {
  std::shared_ptr<void> owner;
  void* data = nullptr;
  std::string format;
  py::ssize_t itemsize = 0;
  std::vector<py::ssize_t> shape;
};

bool HaveNumpy() {
  static const bool have = [] {
    try {
      py::module_::import("numpy");
      return true;
    } catch (const py::error_already_set&) {
      return false;
    }
  }();
  return have;
}

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

// The UTF-8 bytes of a str (encoded by CPython and cached in the object) or
// of a bytes object. Requires the GIL; valid while the object lives.
std::string_view TextOf(const py::handle& h) {
  if (PyUnicode_Check(h.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(h.ptr(), &size);
    if (data == nullptr) throw py::error_already_set();
    return {data, static_cast<size_t>(size)};
  }
  if (PyBytes_Check(h.ptr())) {
    char* data = nullptr;
    Py_ssize_t size = 0;
    PyBytes_AsStringAndSize(h.ptr(), &data, &size);
    return {data, static_cast<size_t>(size)};
  }
  throw py::type_error("expected str or bytes, got " +
                       std::string(py::str(h.get_type().attr("__name__"))));
}

// Raises TypeError when `object`, where a list of texts is expected, is one
// text: iterating over it would give its characters (or byte values).
void RefuseBareText(const py::handle& object, const char* what) {
  PyObject* o = object.ptr();
  if (PyUnicode_Check(o) || PyBytes_Check(o) || PyByteArray_Check(o) ||
      PyMemoryView_Check(o)) {
    throw py::type_error(std::string(what) +
                         ": expected a list of str or bytes, got one " +
                         std::string(py::str(object.get_type().attr(
                             "__name__"))) +
                         " (wrap it in a list: [text])");
  }
}

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

// Runs work(i) for i in [0, n) on `threads` threads (0: one per core), each
// taking a contiguous slice; work(w, begin, end) gets its thread number.
constexpr int kMaxThreads = 1024;

// Raises ValueError unless 0 <= threads <= kMaxThreads. Requires the GIL.
void CheckThreads(int threads) {
  if (threads < 0 || threads > kMaxThreads) {
    throw py::value_error("threads must be 0 (one per core) to " +
                          std::to_string(kMaxThreads) + ", got " +
                          std::to_string(threads));
  }
}

template <typename Work>
void Parallel(size_t n, int threads, const Work& work) {
  size_t t = threads <= 0 ? std::max(1u, std::thread::hardware_concurrency())
                          : static_cast<size_t>(threads);
  t = std::max<size_t>(1, std::min(t, n));
  std::vector<std::thread> pool;
  for (size_t w = 1; w < t; ++w) {
    pool.emplace_back(work, w, n * w / t, n * (w + 1) / t);
  }
  work(0, 0, n / t);
  for (auto& thread : pool) thread.join();
}

py::bytes Bytes(std::string_view s) { return py::bytes(s.data(), s.size()); }

// Raises ValueError unless `ends`, the end offsets of items concatenated in
// `size` bytes (or values), never decrease and stay within `size`.
void CheckEnds(absl::Span<const uint64_t> ends, size_t size,
               const char* what) {
  uint64_t last = 0;
  for (size_t i = 0; i < ends.size(); ++i) {
    if (ends[i] < last || ends[i] > size) {
      throw py::value_error(
          std::string(what) + "[" + std::to_string(i) + "] = " +
          std::to_string(ends[i]) + ": end offsets must not decrease and "
          "must be at most " + std::to_string(size));
    }
    last = ends[i];
  }
}

// A writable NumPy array (or memoryview) of `n` doubles at `data`, inside
// the C++ object of `owner`, which it keeps alive: assigning an element
// changes the object. Requires the GIL.
py::object DoubleView(const py::object& owner, double* data, size_t n) {
  std::shared_ptr<void> keep(new py::object(owner), [](void* p) {
    delete static_cast<py::object*>(p);  // by Python's GC: the GIL is held
  });
  Buffer buffer{std::move(keep), data, py::format_descriptor<double>::format(),
                static_cast<py::ssize_t>(sizeof(double)),
                {static_cast<py::ssize_t>(n)}};
  py::object object = py::cast(std::move(buffer));
  if (HaveNumpy()) return py::module_::import("numpy").attr("asarray")(object);
  return py::memoryview(object);
}

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
                                 size_t end) {
  const std::string_view utf8 = TextOf(text);
  if (begin > end || end > utf8.size()) {
    throw py::index_error("byte span [" + std::to_string(begin) + ", " +
                          std::to_string(end) + ") is outside a text of " +
                          std::to_string(utf8.size()) + " UTF-8 bytes");
  }
  if (PyUnicode_Check(text.ptr())) {
    for (const size_t at : {begin, end}) {
      if (at < utf8.size() &&
          (static_cast<unsigned char>(utf8[at]) & 0xC0) == 0x80) {
        throw py::value_error("byte offset " + std::to_string(at) +
                              " is inside a character");
      }
    }
  }
  return utf8.substr(begin, end - begin);
}

// The number of code points in the UTF-8 bytes before each of `offsets`:
// the str index of a byte offset. Errors as CheckedByteSpan.
std::vector<size_t> CharOffsets(const py::str& text,
                                const std::vector<size_t>& offsets) {
  const std::string_view utf8 = TextOf(text);
  std::vector<size_t> order(offsets.size());
  for (size_t i = 0; i < order.size(); ++i) {
    CheckedByteSpan(text, offsets[i], offsets[i]);
    order[i] = i;
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return offsets[a] < offsets[b];
  });
  std::vector<size_t> out(offsets.size());
  size_t byte = 0, chars = 0;
  for (const size_t i : order) {
    for (; byte < offsets[i]; ++byte) {
      chars += (static_cast<unsigned char>(utf8[byte]) & 0xC0) != 0x80;
    }
    out[i] = chars;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Batch kernels

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

py::object PairsToArray(std::vector<DocPair> pairs) {
  std::vector<uint32_t> flat(pairs.size() * 2);
  for (size_t i = 0; i < pairs.size(); ++i) {
    flat[2 * i] = pairs[i].first;
    flat[2 * i + 1] = pairs[i].second;
  }
  return ToArray(std::move(flat), {static_cast<py::ssize_t>(pairs.size()), 2});
}

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

// The kept member of each cluster: `cluster` and `doc` sorted by (cluster,
// doc); returns, per entry, the kept doc of its cluster.
py::object ChooseKept(const py::object& cluster, const py::object& doc,
                      const py::object& lengths, const py::object& numbers,
                      KeepPolicy policy) {
  const View<uint64_t> c = ViewOf<uint64_t>(cluster, 1, 1, "cluster");
  const View<uint64_t> d = ViewOf<uint64_t>(doc, 1, 1, "doc");
  const View<uint64_t> len = ViewOf<uint64_t>(lengths, 1, 1, "lengths");
  const View<double> num = ViewOf<double>(numbers, 1, 1, "numbers");
  const size_t n = c.values.size();
  if (d.values.size() != n || len.values.size() != n ||
      num.values.size() != n) {
    throw py::value_error("choose_kept: arrays differ in length");
  }
  std::vector<uint64_t> kept(n);
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && c.values[j] == c.values[i]) ++j;
    size_t best = i;
    for (size_t x = i + 1; x < j; ++x) {
      if (d.values[x] <= d.values[x - 1]) {
        throw py::value_error("choose_kept: not sorted by (cluster, doc)");
      }
      if (internal::KeepsOver(policy, len.values[x], num.values[x], len.values[best],
                    num.values[best])) {
        best = x;
      }
    }
    for (size_t x = i; x < j; ++x) kept[x] = d.values[best];
    i = j;
  }
  return ToArray(std::move(kept));
}

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
  internal::MemberEvidence evidence;
  View<uint32_t> sig;
  View<uint64_t> key, set, end;
  View<uint32_t> size;
  View<uint64_t> sites;
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
  absl::StatusOr<std::vector<uint64_t>> kept;
  {
    py::gil_scoped_release release;
    kept = internal::JudgeComponents(c.values, d.values, len.values, num.values, options,
                           evidence);
  }
  return ToArray(Check(std::move(kept)));
}

py::dict SignPartitionPy(const internal::DedupPartition& partition,
                         const DedupOptions& options) {
  internal::SignedPartition s;
  {
    py::gil_scoped_release release;
    auto signed_partition = internal::SignDedupPartition(partition, options);
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

// The lines of removed.jsonl or clusters.jsonl for documents of one
// partition, each ending in "\n", as one bytes object.
py::bytes RemovedLines(const py::bytes& ids, const py::object& id_end,
                       const py::object& rows, const py::str& file,
                       const py::object& lines, DedupMethod method,
                       const py::object& clusters, const py::bytes& kept_ids,
                       const py::object& kept_id_end,
                       const py::object& similarity,
                       const py::object& containment) {
  const std::string_view all_ids = TextOf(ids);
  const std::string_view all_kept = TextOf(kept_ids);
  const View<uint64_t> ends = ViewOf<uint64_t>(id_end, 1, 1, "id_end");
  const View<uint64_t> r = ViewOf<uint64_t>(rows, 1, 1, "rows");
  const View<uint64_t> ln = ViewOf<uint64_t>(lines, 1, 1, "lines");
  const View<uint64_t> cl = ViewOf<uint64_t>(clusters, 1, 1, "clusters");
  const View<uint64_t> kend =
      ViewOf<uint64_t>(kept_id_end, 1, 1, "kept_id_end");
  const View<double> sim = ViewOf<double>(similarity, 1, 1, "similarity");
  const size_t n = r.values.size();
  View<double> cont;
  if (!containment.is_none()) {
    cont = ViewOf<double>(containment.cast<py::buffer>(), 1, 1, "containment");
  }
  if (ln.values.size() != n || cl.values.size() != n ||
      kend.values.size() != n || sim.values.size() != n ||
      (!containment.is_none() && cont.values.size() != n)) {
    throw py::value_error("removed_lines: arrays differ in length");
  }
  CheckEnds(ends.values, all_ids.size(), "id_end");
  CheckEnds(kend.values, all_kept.size(), "kept_id_end");
  const std::string file_name = file;
  std::string out;
  auto id_of = [](std::string_view all, absl::Span<const uint64_t> end,
                  size_t i) {
    const uint64_t begin = i == 0 ? 0 : end[i - 1];
    return all.substr(begin, end[i] - begin);
  };
  for (size_t i = 0; i < n; ++i) {
    const size_t row = r.values[i];
    if (row >= ends.values.size()) {
      throw py::index_error("removed_lines: row " + std::to_string(row) +
                            " out of range (" +
                            std::to_string(ends.values.size()) + " ids)");
    }
    out += internal::RemovedJson(id_of(all_ids, ends.values, row), file_name,
                       ln.values[i], method,
                       static_cast<int64_t>(cl.values[i]),
                       id_of(all_kept, kend.values, i), sim.values[i],
                       containment.is_none() ? NAN : cont.values[i]);
    out += '\n';
  }
  return Bytes(out);
}

void WriteOutput(const std::string& path, const py::iterable& chunks) {
  RefuseBareText(chunks, "chunks");
  auto writer =
      Check(RecordWriter::Create(path, InputFormat::kJsonl, Compression::kNone));
  for (const py::handle chunk : chunks) {
    const std::string_view bytes = TextOf(chunk);
    Check(writer->Write(bytes));
  }
  Check(writer->Commit());
}

py::tuple ProbeInput(const std::string& path, const ReaderOptions& reader) {
  auto opened = Check(RecordReader::Open(path, reader));
  return py::make_tuple(InputFormatName(opened->format()),
                        CompressionName(opened->compression()));
}

py::bytes ClusterLines(const py::bytes& ids, const py::object& id_end,
                       const py::object& rows, const py::object& clusters,
                       const py::bytes& kept_ids,
                       const py::object& kept_id_end) {
  const std::string_view all_ids = TextOf(ids);
  const std::string_view all_kept = TextOf(kept_ids);
  const View<uint64_t> ends = ViewOf<uint64_t>(id_end, 1, 1, "id_end");
  const View<uint64_t> r = ViewOf<uint64_t>(rows, 1, 1, "rows");
  const View<uint64_t> cl = ViewOf<uint64_t>(clusters, 1, 1, "clusters");
  const View<uint64_t> kend =
      ViewOf<uint64_t>(kept_id_end, 1, 1, "kept_id_end");
  const size_t n = r.values.size();
  if (cl.values.size() != n || kend.values.size() != n) {
    throw py::value_error("cluster_lines: arrays differ in length");
  }
  CheckEnds(ends.values, all_ids.size(), "id_end");
  CheckEnds(kend.values, all_kept.size(), "kept_id_end");
  auto id_of = [](std::string_view all, absl::Span<const uint64_t> end,
                  size_t i) {
    const uint64_t begin = i == 0 ? 0 : end[i - 1];
    return all.substr(begin, end[i] - begin);
  };
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    const size_t row = r.values[i];
    if (row >= ends.values.size()) {
      throw py::index_error("cluster_lines: row " + std::to_string(row) +
                            " out of range (" +
                            std::to_string(ends.values.size()) + " ids)");
    }
    out += internal::ClusterMemberJson(id_of(all_ids, ends.values, row),
                             static_cast<int64_t>(cl.values[i]),
                             id_of(all_kept, kend.values, i));
    out += '\n';
  }
  return Bytes(out);
}

}  // namespace

// neardup.Index (index_bindings.cc).
void BindIndex(py::module_& m);

}  // namespace neardup::python

using namespace neardup;          // NOLINT: the module mirrors the C++ names
using namespace neardup::python;  // NOLINT

PYBIND11_MODULE(_core, m) {
  m.doc() =
      "neardup's C++ core: normalization, shingles, MinHash, SimHash, LSH, "
      "clustering, repeated blocks, Gopher signals, and the dedup job.";
  m.attr("__version__") = std::string(Version());
  m.attr("SKETCH_FORMAT_VERSION") = kSketchFormatVersion;

  py::class_<Buffer>(m, "_Buffer", py::buffer_protocol(),
                     "Memory filled by the C++ core (see the module notes).")
      .def_buffer([](Buffer& b) {
        std::vector<py::ssize_t> strides(b.shape.size());
        py::ssize_t stride = b.itemsize;
        for (size_t d = b.shape.size(); d-- > 0;) {
          strides[d] = stride;
          stride *= b.shape[d];
        }
        return py::buffer_info(b.data, b.itemsize, b.format,
                               static_cast<py::ssize_t>(b.shape.size()),
                               b.shape, strides, /*readonly=*/false);
      });

  // ---- text
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
           py::arg("nfkc") = true, py::arg("case_fold") = true,
           py::arg("strip_accents") = false,
           py::arg("punctuation_to_space") = true,
           py::arg("digits_to_zero") = true,
           py::arg("collapse_whitespace") = true)
      .def_readwrite("nfkc", &NormalizeOptions::nfkc,
                     "Unicode NFKC (compatibility composition; drops default-ignorables). Default: True.")
      .def_readwrite("case_fold", &NormalizeOptions::case_fold,
                     "Unicode case folding. Default: True.")
      .def_readwrite("strip_accents", &NormalizeOptions::strip_accents,
                     "remove combining marks after decomposition. Default: False (accents carry meaning in many languages).")
      .def_readwrite("punctuation_to_space", &NormalizeOptions::punctuation_to_space,
                     "punctuation and symbols (P*, Sc, Sm, Sk) become spaces. Default: True.")
      .def_readwrite("digits_to_zero", &NormalizeOptions::digits_to_zero,
                     "every decimal digit becomes 0. Default: True.")
      .def_readwrite("collapse_whitespace", &NormalizeOptions::collapse_whitespace,
                     "runs of whitespace become one space, trimmed. Default: True.");

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
  m.def(
      "normalize_batch",
      [](const py::iterable& texts, const NormalizeOptions& options,
         int threads) {
        CheckThreads(threads);
        const Texts input(texts);
        std::vector<std::string> out(input.size());
        {
          py::gil_scoped_release release;
          Parallel(out.size(), threads, [&](size_t, size_t begin, size_t end) {
            Normalizer normalizer(options);
            std::string scratch;
            for (size_t i = begin; i < end; ++i) {
              normalizer.Normalize(input.Get(i, &scratch), &out[i]);
            }
          });
        }
        py::list result;
        for (const std::string& s : out) result.append(py::str(s));
        return result;
      },
      py::arg("texts"), py::arg("options") = NormalizeOptions{},
      py::arg("threads") = 1,
      "Normalizes every text of a list; releases the GIL while it works.");
  m.def("is_valid_utf8",
        [](const py::bytes& b) { return IsValidUtf8(TextOf(b)); },
        py::arg("data"), "Returns True iff data is well-formed UTF-8.");

  // ---- shingle
  py::enum_<ShingleKind>(m, "ShingleKind")
      .value("WORD", ShingleKind::kWord)
      .value("CHAR", ShingleKind::kChar);
  py::class_<ShingleOptions>(m, "ShingleOptions",
                             "What a shingle is (C++ neardup::ShingleOptions)."
                             " Default: word 5-grams, seed 0.")
      .def(py::init([](ShingleKind kind, int n, uint64_t seed,
                       const NormalizeOptions& normalize) {
             return ShingleOptions{kind, n, seed, normalize};
           }),
           py::arg("kind") = ShingleKind::kWord, py::arg("n") = 5,
           py::arg("seed") = 0, py::arg("normalize") = NormalizeOptions{})
      .def_readwrite("kind", &ShingleOptions::kind,
                     "ShingleKind.WORD (n consecutive words) or CHAR (n code points). Default: WORD.")
      .def_readwrite("n", &ShingleOptions::n,
                     "shingle size in words or code points, 1 to 64. Default: 5.")
      .def_readwrite("seed", &ShingleOptions::seed,
                     "seed of every XXH3 call. Default: 0.")
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

  // ---- MinHash
  py::class_<MinHashOptions>(m, "MinHashOptions")
      .def(py::init([](int num_perm, uint64_t seed) {
             return MinHashOptions{num_perm, seed};
           }),
           py::arg("num_perm") = 112, py::arg("seed") = 0)
      .def_readwrite("num_perm", &MinHashOptions::num_perm,
                     "permutations (signature length), 1 to 8192. Default: 112.")
      .def_readwrite("seed", &MinHashOptions::seed,
                     "seed of the permutation family. Default: 0.");
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
           py::arg("num_perm"), py::arg("seed") = 0)
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
           py::arg("shingles") = ShingleOptions{}, py::arg("threads") = 1,
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

  // ---- SimHash
  m.def(
      "simhash",
      [](const py::object& features) {
        return SimHash(ViewOf<uint64_t>(features, 1, 1, "features").values);
      },
      py::arg("features"),
      "Returns the 64-bit SimHash of shingle hashes (term-frequency "
      "weighted).");
  m.def("simhash_batch", &SimHashBatch, py::arg("texts"),
        py::arg("shingles") =
            [] {
              ShingleOptions o;
              o.n = 3;
              return o;
            }(),
        py::arg("threads") = 1,
        "Returns the SimHash of each text (uint64 array). Releases the GIL.");
  m.def("hamming_distance", &HammingDistance, py::arg("a"), py::arg("b"));

  // ---- LSH
  py::class_<LshParams>(m, "LshParams")
      .def(py::init([](int bands, int rows) { return LshParams{bands, rows}; }),
           py::arg("bands") = 14, py::arg("rows") = 8)
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
      py::arg("threshold"), py::arg("num_perm"), py::arg("fp_weight") = 0.05,
      py::arg("fn_weight") = 0.95,
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
           py::arg("max_bucket_pairs_size") = 64)
      .def_readwrite("max_bucket_pairs_size", &CandidateOptions::max_bucket_pairs_size,
                     "a bucket with more members emits a linear number of pairs. Default: 64.");
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
      py::arg("fingerprints"), py::arg("max_distance") = 3,
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

  // ---- cluster
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
  m.def("choose_kept", &ChooseKept, py::arg("cluster"), py::arg("doc"),
        py::arg("lengths"), py::arg("numbers"), py::arg("policy"),
        "For entries sorted by (cluster, doc): the doc each cluster keeps "
        "under policy (uint64 array, one per entry).");

  // ---- clean
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
           py::arg("reason") = CutReason::kRepeatedLine,
           py::arg("source_begin") = py::none(), py::arg("similarity") = 1.0)
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
  py::class_<RepeatOptions>(m, "RepeatOptions")
      .def(py::init([](size_t min_single_line_bytes, double near_similarity,
                       bool repeats_inside_lines,
                       const NormalizeOptions& normalize,
                       double block_similarity) {
             return RepeatOptions{normalize, min_single_line_bytes,
                                  near_similarity, repeats_inside_lines,
                                  block_similarity};
           }),
           py::arg("min_single_line_bytes") = 30,
           py::arg("near_similarity") = 0.8,
           py::arg("repeats_inside_lines") = true,
           py::arg("normalize") = NormalizeOptions{},
           py::arg("block_similarity") = 0.5)
      .def_readwrite("normalize", &RepeatOptions::normalize,
                     "NormalizeOptions lines are compared under. Default: NormalizeOptions().")
      .def_readwrite("min_single_line_bytes", &RepeatOptions::min_single_line_bytes,
                     "a lone repeated line is cut only from this many normalized bytes. Default: 30.")
      .def_readwrite("near_similarity", &RepeatOptions::near_similarity,
                     "word 3-gram Jaccard at which a line is a near repeat; 1.0 disables near repeats. Default: 0.8.")
      .def_readwrite("block_similarity", &RepeatOptions::block_similarity,
                     "a run of lines aligned in order with an earlier run is one "
                     "repeated block at this byte-weighted similarity. Default: 0.5.")
      .def_readwrite("repeats_inside_lines", &RepeatOptions::repeats_inside_lines,
                     "also cut a line printed twice and a sentence repeated right after itself. Default: True.");
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
                     "duplicate lines / lines above which a document fails. Default: 0.3.")
      .def_readwrite("dup_paragraph_fraction", &GopherThresholds::dup_paragraph_fraction,
                     "duplicate paragraphs / paragraphs above which a document fails. Default: 0.3.")
      .def_readwrite("dup_line_char_fraction", &GopherThresholds::dup_line_char_fraction,
                     "characters of duplicate lines / all, above which a document fails. Default: 0.2.")
      .def_readwrite("dup_paragraph_char_fraction", &GopherThresholds::dup_paragraph_char_fraction,
                     "characters of duplicate paragraphs / all, above which a document fails. Default: 0.2.")
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
          "Thresholds of the top 2-, 3- and 4-gram character fractions "
          "(0.20, 0.18, 0.16): a writable array view; assign 3 numbers to "
          "replace them all.")
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
          "Thresholds of the duplicate 5- to 10-gram character fractions "
          "(0.15 down to 0.10): a writable array view; assign 6 numbers to "
          "replace them all.");
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
          Parallel(out.size(), threads, [&](size_t, size_t begin, size_t end) {
            std::string scratch;
            for (size_t i = begin; i < end; ++i) {
              out[i] = ComputeRepetitionSignals(input.Get(i, &scratch));
            }
          });
        }
        return out;
      },
      py::arg("texts"), py::arg("threads") = 1,
      "Signals of every text; releases the GIL while it works.");
  m.def("exceeded_gopher_signal", &ExceededGopherSignal, py::arg("signals"),
        py::arg("thresholds") = GopherThresholds{},
        "Returns the name of the first signal above its threshold, or ''.");

  // ---- pipeline
  py::enum_<DedupMethod>(m, "DedupMethod")
      .value("MINHASH", DedupMethod::kMinHash)
      .value("SIMHASH", DedupMethod::kSimHash)
      .value("EXACT", DedupMethod::kExact);
  py::enum_<VerifyMode>(m, "VerifyMode")
      .value("SIGNATURE", VerifyMode::kSignature)
      .value("EXACT", VerifyMode::kExact);
  py::enum_<Oversize>(m, "Oversize")
      .value("REJECT", Oversize::kReject)
      .value("TRUNCATE", Oversize::kTruncate);
  py::enum_<OutputFormat>(m, "OutputFormat")
      .value("AS_INPUT", OutputFormat::kAsInput)
      .value("TEXT_JSONL", OutputFormat::kTextJsonl);
  py::class_<ReaderOptions>(m, "ReaderOptions")
      .def(py::init<>())
      .def_readwrite("text_field", &ReaderOptions::text_field,
                     "JSONL field holding the text (a string). Default: 'text'.")
      .def_readwrite("id_field", &ReaderOptions::id_field,
                     "JSONL field holding the id; absent: FILE:LINE. Default: 'id'.")
      .def_readwrite("url_field", &ReaderOptions::url_field,
                     "JSONL field holding the URL (sites for boilerplate). Default: 'url'.")
      .def_readwrite("number_field", &ReaderOptions::number_field,
                     "numeric JSONL field read for keep policies; '' for none. Default: ''.")
      .def_readwrite("max_document_bytes", &ReaderOptions::max_document_bytes,
                     "larger texts are rejected or truncated (oversize). Default: 256 MiB.")
      .def_readwrite("oversize", &ReaderOptions::oversize,
                     "Oversize.REJECT or TRUNCATE. Default: REJECT.");
  py::class_<DedupOptions>(m, "DedupOptions",
                           "Options of the dedup job (C++ "
                           "neardup::DedupOptions; the CLI's flags).")
      .def(py::init<>())
      .def_readwrite("method", &DedupOptions::method,
                     "DedupMethod.MINHASH, SIMHASH or EXACT. Default: MINHASH.")
      .def_readwrite("min_words", &DedupOptions::min_words,
                     "documents with fewer words are removed as too_short "
                     "(0: none; not supported by neardup.dask)")
      .def_readwrite("threshold", &DedupOptions::threshold,
                     "Jaccard similarity of duplicates (minhash), strictly between 0 and 1. Default: 0.8.")
      .def_readwrite("shingles", &DedupOptions::shingles,
                     "ShingleOptions (its seed must be 0 or equal to seed). Default: word 5-grams.")
      .def_readwrite("num_perm", &DedupOptions::num_perm,
                     "MinHash permutations. Default: 112.")
      .def_readwrite("seed", &DedupOptions::seed,
                     "hash seed of shingles and permutations. Default: 0.")
      .def_readwrite("bands", &DedupOptions::bands,
                     "LSH bands; 0: chosen from threshold. Default: 0.")
      .def_readwrite("rows", &DedupOptions::rows,
                     "LSH rows per band; 0: chosen from threshold. Default: 0.")
      .def_readwrite("hamming", &DedupOptions::hamming,
                     "SimHash: largest Hamming distance of duplicates, 0 to 8. Default: 3.")
      .def_readwrite("verify", &DedupOptions::verify,
                     "VerifyMode.SIGNATURE (estimated Jaccard) or EXACT (Jaccard of shingle sets). Default: SIGNATURE.")
      .def_readwrite("containment", &DedupOptions::containment,
                     "also duplicates: |A & B| / min(|A|, |B|) of the shingle "
                     "sets at least this (0: off; estimated from signatures "
                     "and set sizes, exact with verify EXACT; within one "
                     "site only with main_text). Default: 0.")
      .def_readwrite("main_text", &DedupOptions::main_text,
                     "compare documents without their site's boilerplate "
                     "lines (not supported by neardup.dask)")
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
                     "KeepPolicy.FIRST, LONGEST or FIELD (largest value of keep_field). Default: FIRST.")
      .def_readwrite("keep_field", &DedupOptions::keep_field,
                     "numeric JSONL field of KeepPolicy.FIELD. Default: ''.")
      .def_readwrite("reader", &DedupOptions::reader,
                     "ReaderOptions of the inputs. Default: ReaderOptions().")
      .def_readwrite("threads", &DedupOptions::threads,
                     "threads, at least 0; 0: one per core. Default: 0.")
      .def_readwrite("dry_run", &DedupOptions::dry_run,
                     "write the decisions only, no record files. Default: False.")
      .def_readwrite("overwrite", &DedupOptions::overwrite,
                     "accept a folder that is not empty; the files an earlier run listed in its stats.json are replaced. Default: False.")
      .def_readwrite("max_memory_bytes", &DedupOptions::max_memory_bytes,
                     "memory ceiling in bytes (0: none)")
      .def_readwrite("output_format", &DedupOptions::output_format,
                     "AS_INPUT, or TEXT_JSONL for WARC/WET and text inputs "
                     "(not supported by neardup.dask)")
      .def_readwrite("report", &DedupOptions::report,
                     "write report.html (the run's page) and record the "
                     "similarity of verified pairs for it. Default: False.")
      .def_readwrite("candidates", &DedupOptions::candidates,
                     "CandidateOptions of the LSH index. Default: CandidateOptions().");
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
      .def_readwrite("threads", &DedupStats::threads);
  m.def(
      "find_duplicates",
      [](const py::iterable& texts, const DedupOptions& options,
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
      },
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
  py::class_<BoilerplateOptions>(m, "BoilerplateOptions")
      .def(py::init<>())
      .def_readwrite("min_docs", &BoilerplateOptions::min_docs,
                     "a line is boilerplate in at least this many documents of "
                     "a site (of the collection without url), at least 2. "
                     "Default: 3.")
      .def_readwrite("max_line_bytes", &BoilerplateOptions::max_line_bytes,
                     "longer normalized lines are content. Default: 200.");
  py::class_<SyndicationOptions>(m, "SyndicationOptions")
      .def(py::init<>())
      .def_readwrite("threshold", &SyndicationOptions::threshold,
                     "a line is syndicated when this share of its word "
                     "5-grams occurred in earlier documents. Default: 0.8.")
      .def_readwrite("min_words", &SyndicationOptions::min_words,
                     "shorter lines are never syndicated. Default: 20.")
      .def_readwrite("bloom_bytes", &SyndicationOptions::bloom_bytes,
                     "size of the Bloom filter of seen 5-grams. Default: "
                     "256 MiB.");
  py::class_<CleanOptions>(m, "CleanOptions",
                           "Options of the clean job (C++ "
                           "neardup::CleanOptions; the CLI's flags).")
      .def(py::init<>())
      .def_readwrite("repeats", &CleanOptions::repeats,
                     "cut repeated blocks and lines inside documents. "
                     "Default: True.")
      .def_readwrite("repeat_options", &CleanOptions::repeat_options,
                     "RepeatOptions. Default: RepeatOptions().")
      .def_readwrite("boilerplate", &CleanOptions::boilerplate,
                     "cut lines frequent across a site's pages. Default: True.")
      .def_readwrite("boilerplate_options", &CleanOptions::boilerplate_options,
                     "BoilerplateOptions. Default: BoilerplateOptions().")
      .def_readwrite("syndicated", &CleanOptions::syndicated,
                     "cut paragraphs mostly seen in earlier documents. "
                     "Default: False.")
      .def_readwrite("syndication", &CleanOptions::syndication,
                     "SyndicationOptions. Default: SyndicationOptions().")
      .def_readwrite("line_counts_file", &CleanOptions::line_counts_file,
                     "line_counts.bin of an earlier run to use instead of "
                     "counting. Default: ''.")
      .def_readwrite("gopher_filter", &CleanOptions::gopher_filter,
                     "remove documents over the Gopher thresholds. "
                     "Default: False.")
      .def_readwrite("gopher", &CleanOptions::gopher,
                     "GopherThresholds. Default: GopherThresholds().")
      .def_readwrite("signals_only", &CleanOptions::signals_only,
                     "write signals.jsonl and change nothing. Default: False.")
      .def_readwrite("annotate", &CleanOptions::annotate,
                     "list the cuts without making them. Default: False.")
      .def_readwrite("reader", &CleanOptions::reader,
                     "ReaderOptions of the inputs. Default: ReaderOptions().")
      .def_readwrite("threads", &CleanOptions::threads,
                     "threads, at least 0; 0: one per core. Default: 0.")
      .def_readwrite("output_format", &CleanOptions::output_format,
                     "AS_INPUT, or TEXT_JSONL for WARC/WET and text inputs. "
                     "Default: AS_INPUT.")
      .def_readwrite("overwrite", &CleanOptions::overwrite,
                     "accept a folder that is not empty; the files an earlier "
                     "run listed in its stats.json are replaced. Default: "
                     "False.")
      .def_readwrite("report", &CleanOptions::report,
                     "write report.html (the run's page). Default: False.");
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
  m.def(
      "parse_dedup_method",
      [](const std::string& text) { return Check(ParseDedupMethod(text)); },
      py::arg("text"),
      "Parses 'minhash', 'simhash' or 'exact' (dedup_method_name's "
      "spelling); ValueError for anything else.");

  // The stages of the dedup job (neardup.dask).
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
           py::arg("path"), py::arg("display"), py::arg("begin") = 0,
           py::arg("end") = internal::DedupPartition::kWholeFile)
      .def_readwrite("path", &internal::DedupPartition::path)
      .def_readwrite("display", &internal::DedupPartition::display)
      .def_readwrite("begin", &internal::DedupPartition::begin)
      .def_readwrite("end", &internal::DedupPartition::end);
  m.attr("WHOLE_FILE") = internal::DedupPartition::kWholeFile;
  m.def("sign_dedup_partition", &SignPartitionPy, py::arg("partition"),
        py::arg("options"),
        "Reads and signs one partition (SignDedupPartition): returns a dict "
        "of counts, per-document arrays, ids and rejected.jsonl lines. "
        "Releases the GIL.");
  m.def(
      "write_kept_documents",
      [](const std::string& path, const std::string& display,
         const std::string& output_path, const ReaderOptions& reader,
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
      },
      py::arg("path"), py::arg("display"), py::arg("output_path"),
      py::arg("reader"), py::arg("keep"),
      "Writes one file's kept documents (WriteKeptDocuments); returns how "
      "many. Releases the GIL.");
  m.def("removed_lines", &RemovedLines, py::arg("ids"), py::arg("id_end"),
        py::arg("rows"), py::arg("file"), py::arg("lines"), py::arg("method"),
        py::arg("clusters"), py::arg("kept_ids"), py::arg("kept_id_end"),
        py::arg("similarity"), py::arg("containment") = py::none(),
        "removed.jsonl lines (RemovedJson) of some documents of a "
        "partition.");
  m.def(
      "cluster_member_json",
      [](const py::object& id, int64_t cluster, const py::object& kept_id) {
        return Bytes(internal::ClusterMemberJson(TextOf(id), cluster, TextOf(kept_id)));
      },
      py::arg("id"), py::arg("cluster"), py::arg("kept_id"));
  m.def("cluster_lines", &ClusterLines, py::arg("ids"), py::arg("id_end"),
        py::arg("rows"), py::arg("clusters"), py::arg("kept_ids"),
        py::arg("kept_id_end"),
        "clusters.jsonl lines (ClusterMemberJson) of some documents of a "
        "partition.");
  m.def("write_output", &WriteOutput, py::arg("path"), py::arg("chunks"),
        "Writes chunks (bytes) to path under a temporary name, then renames.");
  m.def("probe_input", &ProbeInput, py::arg("path"),
        py::arg("reader") = ReaderOptions{},
        "Returns (format, compression) of an input file.");
  BindIndex(m);
}
