// Fuzz target: loading an index file (neardup/index.h, format version 1;
// what Index::Save and `neardup dedup --index` write). The first byte picks
// a mode:
//  even: the bytes as a file;
//  odd:  the same, with the section checksums and the table checksum first
//        recomputed, so that fuzzing reaches the parameters and sections
//        behind them.
// A file that loads must serialize to a file that loads to the same bytes,
// answer queries, and never fail with an error other than DataLoss or
// FailedPrecondition (another version).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "neardup/index.h"
#include "tests/fuzz/fuzz_util.h"
#include "xxhash.h"

namespace {

using neardup::fuzz::GetU64;
using neardup::fuzz::PutU64;

// Rewrites the checksums of a file laid out as Serialize lays it out, as
// far as the bytes go.
void FixChecksums(std::string* file) {
  if (file->size() < 32) return;
  uint64_t count = static_cast<uint8_t>((*file)[12]);
  if (count > 64 || file->size() < 32 + 32 * count) return;
  for (uint64_t i = 0; i < count; ++i) {
    const size_t e = 32 + 32 * i;
    const uint64_t offset = GetU64(*file, e + 8), size = GetU64(*file, e + 16);
    if (offset > file->size() || size > file->size() - offset) continue;
    PutU64(file, e + 24, XXH3_64bits(file->data() + offset, size));
  }
  PutU64(file, 24, XXH3_64bits(file->data() + 32, 32 * count));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  neardup::fuzz::FuzzInput input(data, size);
  const uint8_t mode = input.Byte();
  std::string file(input.rest());
  if (mode & 1) FixChecksums(&file);
  auto loaded = neardup::Index::Deserialize(file, "fuzz.ndx");
  if (!loaded.ok()) {
    const absl::StatusCode code = loaded.status().code();
    FUZZ_CHECK(code == absl::StatusCode::kDataLoss ||
               code == absl::StatusCode::kFailedPrecondition);
    FUZZ_CHECK(loaded.status().message().find("fuzz.ndx") !=
               std::string_view::npos);
    return 0;
  }
  const std::string image = loaded->Serialize();
  auto back = neardup::Index::Deserialize(image);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(back->Serialize() == image);
  FUZZ_CHECK(back->size() == loaded->size());
  auto matches = loaded->Query("the quick brown fox jumps over the lazy dog");
  FUZZ_CHECK(matches.ok());
  return 0;
}
