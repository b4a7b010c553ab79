// neardup: near-duplicate detection for large text collections.
//
// The one header to include. Layers, bottom up:
//   text.h      UTF-8 validation and repair, normalization, segmentation
//   shingle.h   word and character n-gram hashes
//   minhash.h   MinHash signatures and the Jaccard estimate
//   simhash.h   SimHash fingerprints and Hamming distance
//   lsh.h       LSH banding, SimHash tables, candidate pairs
//   cluster.h   union-find clusters and the record kept of each
//   clean.h     repeated text, boilerplate and repetition signals
//   io.h        readers and writers of JSONL, WARC/WET and text files
//   pipeline.h  the dedup and clean jobs over many files, and batch calls
//   index.h     the persistent index of earlier runs' kept records
//   version.h   versions of the library and its stable formats, selftest
// Not included, and not part of the interface: internal/dedup_stages.h,
// the pieces of the dedup job that neardup.dask runs on its workers (no
// stability promise).
// See README.md for a ten-line program.

#ifndef NEARDUP_NEARDUP_H_
#define NEARDUP_NEARDUP_H_

#include "neardup/minhash.h"
#include "neardup/pipeline.h"
#include "neardup/shingle.h"
#include "neardup/simhash.h"
#include "neardup/text.h"
#include "neardup/clean.h"
#include "neardup/cluster.h"
#include "neardup/index.h"
#include "neardup/io.h"
#include "neardup/lsh.h"
#include "neardup/version.h"

#endif  // NEARDUP_NEARDUP_H_
