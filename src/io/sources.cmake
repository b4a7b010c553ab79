# The io layer's sources (readers, writers, decompression), added to the
# neardup library by the top-level CMakeLists.txt.
set(NEARDUP_IO_SOURCES
  src/io/buffered_input.cc
  src/io/byte_source.cc
  src/io/formats.cc
  src/io/html_text.cc
  src/io/json_string.cc
  src/io/jsonl_reader.cc
  src/io/record_reader.cc
  src/io/record_writer.cc
  src/io/replace_text.cc
  src/io/text_reader.cc
  src/io/url.cc
  src/io/warc_reader.cc
)
