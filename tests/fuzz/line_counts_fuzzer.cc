// Fuzz target: loading a line-count file (NDLC v1, what `neardup clean`
// writes as line_counts.bin and reads back with --line-counts). The first
// byte picks a mode:
//  even: the bytes as a file; a file that loads must serialize back to the
//        same bytes (nothing accepted that the writer would not write);
//  odd:  the same, with every checksum first recomputed, so that fuzzing
//        reaches the sections behind them;
//  and in both, a counter built from the input's lines must survive a
//  round trip with every count intact.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "neardup/clean.h"
#include "neardup/text.h"
#include "tests/fuzz/fuzz_util.h"
#include "xxhash.h"

namespace {

using neardup::fuzz::GetU64;
using neardup::fuzz::PutU64;

// Rewrites the checksums of a file laid out as Serialize lays it out, as
// far as the bytes go.
void FixChecksums(std::string* file) {
  if (file->size() < 28) return;
  PutU64(file, 20, XXH3_64bits(file->data(), 20));
  size_t at = 28;
  for (int section = 0; section < 2; ++section) {
    if (file->size() < at + 8) return;
    const uint64_t n = GetU64(*file, at);
    if (n > (file->size() - at) / 16) return;
    const size_t body = 8 + 16 * static_cast<size_t>(n);
    if (file->size() < at + body + 8) return;
    PutU64(file, at + body, XXH3_64bits(file->data() + at, body));
    at += body + 8;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  neardup::fuzz::FuzzInput input(data, size);
  const auto [mode, file] = neardup::fuzz::FileOfInput(&input, FixChecksums);
  auto loaded = neardup::LineCounter::Deserialize(file);
  if (loaded.ok()) {
    FUZZ_CHECK(loaded->Serialize() == file);
  } else {
    FUZZ_CHECK(loaded.status().code() == absl::StatusCode::kDataLoss);
    FUZZ_CHECK(loaded.status().message().find("line-count file") !=
               std::string_view::npos);
  }

  // Documents are the input's NUL-separated pieces, all of one site.
  neardup::LineCounter counter;
  std::string_view rest = input.rest();
  while (!rest.empty()) {
    const size_t end = std::min(rest.find('\0'), rest.size());
    counter.AddDocument(rest.substr(0, end), mode & 2 ? "example.com" : "");
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  counter.Finish(1 + (mode >> 2) % 3);
  const std::string image = counter.Serialize();
  auto back = neardup::LineCounter::Deserialize(image);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(back->Serialize() == image);
  FUZZ_CHECK(back->documents() == counter.documents());
  FUZZ_CHECK(back->distinct_lines() == counter.distinct_lines());
  for (const auto& line : neardup::SplitLines(input.rest())) {
    const uint64_t key =
        neardup::LineCounter::LineKey(neardup::Normalize(line.In(input.rest())));
    FUZZ_CHECK(back->Count(key) == counter.Count(key));
  }
  // A corrupted byte is caught by a checksum (or the magic).
  if (!image.empty()) {
    std::string damaged = image;
    damaged[(mode * 7919u) % damaged.size()] ^= 0x20;
    FUZZ_CHECK(!neardup::LineCounter::Deserialize(damaged).ok());
  }
  return 0;
}
