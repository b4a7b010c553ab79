// Fuzz target: loading an index file (neardup/index.h, format version 2;
// what Index::Save and `neardup dedup --index` write), whole
// (Index::Deserialize) and in place as an index folder reads it
// (IndexFileView: header checks only, then lookups and reads of every
// record, which must fail cleanly on damaged sections, never crash). The first byte picks
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

#include <vector>

#include "index/index_view.h"
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
  const std::string file =
      neardup::fuzz::FileOfInput(&input, FixChecksums).file;
  auto view = neardup::internal::IndexFileView::Open(file, "fuzz.ndx");
  if (view.ok()) {
    auto proto = neardup::Index::Create(view->options());
    if (!proto.ok()) return 0;  // options the view accepts but cannot sign
    const neardup::DocSketch sketch =
        proto->Sketch("the quick brown fox jumps over the lazy dog");
    std::vector<neardup::internal::ViewMatch> found;
    auto rule = neardup::ResolveDedupOptions(
        neardup::IndexDedupOptions(proto->options()));
    FUZZ_CHECK(rule.ok());
    const absl::Status matched = view->Match(sketch, *rule, false, &found);
    FUZZ_CHECK(matched.ok() || matched.code() == absl::StatusCode::kDataLoss);
    for (uint64_t d = 0; d < view->documents() && d < 4096; ++d) {
      auto key = view->Key(d);
      auto origin = view->Origin(d);
      FUZZ_CHECK(key.ok() || key.status().code() == absl::StatusCode::kDataLoss);
      FUZZ_CHECK(origin.ok() ||
                 origin.status().code() == absl::StatusCode::kDataLoss);
    }
    view->VerifySections().IgnoreError();
  } else {
    FUZZ_CHECK(view.status().code() == absl::StatusCode::kDataLoss ||
               view.status().code() == absl::StatusCode::kFailedPrecondition);
  }
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
