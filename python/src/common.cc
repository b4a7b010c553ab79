// The shared helpers of neardup._core's bindings (common.h).

#include "common.h"

#include <algorithm>
#include <string>
#include <vector>

namespace neardup::python {

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

void Check(const absl::Status& status) {
  if (!status.ok()) Raise(status);
}


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

// Raises ValueError unless 0 <= threads <= kMaxThreads. Requires the GIL.
void CheckThreads(int threads) {
  if (threads < 0 || threads > kMaxThreads) {
    throw py::value_error("threads must be 0 (one per core) to " +
                          std::to_string(kMaxThreads) + ", got " +
                          std::to_string(threads));
  }
}

int BatchWorkers(int threads, size_t n) {
  return static_cast<int>(std::clamp<size_t>(
      static_cast<size_t>(internal::JobThreads(threads)), 1,
      std::max<size_t>(n, 1)));
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

py::object PairsToArray(std::vector<DocPair> pairs) {
  std::vector<uint32_t> flat(pairs.size() * 2);
  for (size_t i = 0; i < pairs.size(); ++i) {
    flat[2 * i] = pairs[i].first;
    flat[2 * i + 1] = pairs[i].second;
  }
  return ToArray(std::move(flat), {static_cast<py::ssize_t>(pairs.size()), 2});
}

}  // namespace neardup::python
