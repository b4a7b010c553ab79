// neardup: near-duplicate detection for large text collections.
//
// The one header to include. Layers, bottom up: text (UTF-8, normalization,
// segmentation), shingle (n-gram hashes), minhash and simhash (signatures and
// estimators). See README.md for a ten-line program.

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
