// The io layer (io.h) in neardup._core: ReaderOptions, probe_input and
// write_output (a file written under a temporary name, then renamed).

#include <pybind11/pybind11.h>

#include <string>
#include <string_view>

#include "common.h"

namespace neardup::python {
namespace {

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

}  // namespace

void BindIo(py::module_& m) {
  const ReaderOptions d;
  py::enum_<Oversize>(m, "Oversize")
      .value("REJECT", Oversize::kReject)
      .value("TRUNCATE", Oversize::kTruncate);
  py::class_<ReaderOptions>(m, "ReaderOptions")
      .def(py::init<>())
      .def_readwrite("text_field", &ReaderOptions::text_field,
                     WithDefault("JSONL field holding the text (a string).",
                                 d.text_field)
                         .c_str())
      .def_readwrite("id_field", &ReaderOptions::id_field,
                     WithDefault("JSONL field holding the id; absent: FILE:LINE.",
                                 d.id_field)
                         .c_str())
      .def_readwrite("url_field", &ReaderOptions::url_field,
                     WithDefault("JSONL field holding the URL (sites for boilerplate).",
                                 d.url_field)
                         .c_str())
      .def_readwrite("number_field", &ReaderOptions::number_field,
                     WithDefault("numeric JSONL field read for keep policies; '' for none.",
                                 d.number_field)
                         .c_str())
      .def_readwrite("max_document_bytes", &ReaderOptions::max_document_bytes,
                     WithDefault("larger texts are rejected or truncated (oversize), in bytes.",
                                 d.max_document_bytes)
                         .c_str())
      .def_readwrite("oversize", &ReaderOptions::oversize,
                     WithDefault("Oversize.REJECT or TRUNCATE.",
                                 d.oversize)
                         .c_str());
  m.def("write_output", &WriteOutput, py::arg("path"), py::arg("chunks"),
        "Writes chunks (bytes) to path under a temporary name, then renames.");
  m.def("probe_input", &ProbeInput, py::arg("path"),
        py::arg("reader") = ReaderOptions{},
        "Returns (format, compression) of an input file.");
}

}  // namespace neardup::python
