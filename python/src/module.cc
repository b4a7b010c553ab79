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
//
// One file per layer binds it (common.h lists them); this file makes the
// module and binds them in order.

#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "common.h"

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

  BindText(m);
  BindSketch(m);
  BindLsh(m);
  BindCluster(m);
  BindClean(m);
  BindIo(m);
  BindPipeline(m);
  BindStages(m);
  BindIndex(m);
}
