// Private to the io layer: the RecordReader implementations, one per input
// format, built over an already decompressed BufferedInput.
// RecordReader::Open picks one; tests build them over in-memory sources.

#ifndef NEARDUP_IO_READERS_H_
#define NEARDUP_IO_READERS_H_

#include <memory>
#include <string>

#include "io/buffered_input.h"
#include "neardup/io.h"

namespace neardup::internal {

// The padding every BufferedInput handed to the JSONL reader must have
// (simdjson's SIMDJSON_PADDING, which jsonl_reader.cc checks).
inline constexpr size_t kJsonPadding = 64;

// JSONL: one JSON object per line (see jsonl_reader.cc for the rules).
// `in` must have been built with padding >= kJsonPadding.
std::unique_ptr<RecordReader> NewJsonlReader(std::string path,
                                             Compression compression,
                                             std::unique_ptr<BufferedInput> in,
                                             const ReaderOptions& options);

// Plain text: the whole stream is one document whose id is the path.
std::unique_ptr<RecordReader> NewTextReader(std::string path,
                                            Compression compression,
                                            std::unique_ptr<BufferedInput> in,
                                            const ReaderOptions& options);

// WARC/WET: conversion and response records are documents, other records
// pass through (see warc_reader.cc for the rules).
std::unique_ptr<RecordReader> NewWarcReader(std::string path,
                                            Compression compression,
                                            std::unique_ptr<BufferedInput> in,
                                            const ReaderOptions& options);

}  // namespace neardup::internal

#endif  // NEARDUP_IO_READERS_H_
