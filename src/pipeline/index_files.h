// Private: the files of the index (neardup/index.h: Save, Open) and of an
// index folder (generations, manifest, lock).

#ifndef NEARDUP_PIPELINE_INDEX_FILES_H_
#define NEARDUP_PIPELINE_INDEX_FILES_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace neardup::internal {

// Writes `bytes` to `path` under a temporary name (path.tmp.PID), fsyncs
// it, renames it into place and fsyncs the folder: a reader sees the old
// file or the new one, never a part. Errors name the path.
absl::Status WriteFileAtomically(const std::string& path,
                                 std::string_view bytes);

// Returns the bytes of `path`; the error names the path.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_INDEX_FILES_H_
