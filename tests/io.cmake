# io layer tests (owned by the io work): one test per src/io/<name>.cc.
# The tests make their gzip and zstd inputs with zlib and libzstd directly.
set(NEARDUP_IO_TESTS
  buffered_input
  byte_source
  formats
  html_text
  json_string
  jsonl_reader
  record_reader
  record_writer
  replace_text
  text_reader
  warc_reader
)
foreach(_io_test IN LISTS NEARDUP_IO_TESTS)
  neardup_test(${_io_test})
  if(TARGET ${_io_test}_test)
    target_link_libraries(${_io_test}_test PRIVATE ZLIB::ZLIB simdjson::simdjson
      $<IF:$<TARGET_EXISTS:zstd::libzstd_shared>,zstd::libzstd_shared,zstd::libzstd_static>)
  endif()
endforeach()
