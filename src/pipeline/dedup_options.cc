// The core options a dedup job's options stand for (pipeline.h).

#include "neardup/pipeline.h"

namespace neardup {

MinHashOptions MinHashOptionsOf(const DedupOptions& options) {
  return {.num_perm = options.num_perm, .seed = options.seed};
}

LshParams LshParamsOf(const DedupOptions& options) {
  return {.bands = options.bands, .rows = options.rows};
}

ShingleOptions ShingleOptionsOf(const DedupOptions& options) {
  ShingleOptions shingles = options.shingles;
  shingles.seed = options.seed;
  return shingles;
}

ReaderOptions ReaderOptionsOf(const DedupOptions& options) {
  ReaderOptions reader = options.reader;
  if (options.keep == KeepPolicy::kField) reader.number_field = options.keep_field;
  return reader;
}

}  // namespace neardup
