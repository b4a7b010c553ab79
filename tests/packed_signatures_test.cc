// Tests of PackedSignatures: every value read back is the value appended,
// for every width, across chunks, whole or a band at a time, held or
// spilled partway to a spill file, and the packed form of real signatures
// is smaller than 4 bytes a value.

#include "pipeline/packed_signatures.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <filesystem>

#include "gtest/gtest.h"
#include "neardup/minhash.h"
#include "neardup/shingle.h"
#include "tests/test_util.h"

namespace neardup::internal {
namespace {

using test::Rng;

// A signature whose largest value has exactly `width` bits (0: all zero).
std::vector<uint32_t> RandomRow(Rng& rng, size_t k, int width) {
  std::vector<uint32_t> row(k, 0);
  if (width == 0) return row;
  const uint64_t limit = uint64_t{1} << width;
  for (uint32_t& v : row) v = static_cast<uint32_t>(rng.Uniform(limit));
  row[rng.Uniform(k)] = static_cast<uint32_t>(limit - 1);  // the largest
  return row;
}

class PackedSignaturesTest : public ::testing::TestWithParam<bool> {};

// Spilled (GetParam()) after one chunk and a few documents: the full chunk
// moves to the spill file, the later ones are written there.
TEST_P(PackedSignaturesTest, ValuesReadBackAsAppendedAcrossWidthsAndChunks) {
  const bool spill = GetParam();
  test::ScratchDir scratch;
  for (const size_t k : {size_t{1}, size_t{3}, size_t{8}, size_t{112}}) {
    Rng rng(k);
    PackedSignatures store;
    store.Init(k);
    std::vector<std::vector<uint32_t>> rows;
    // More than two chunks, every width 0..32 many times.
    const size_t n = 2 * PackedSignatures::kChunkDocs + 77;
    for (size_t d = 0; d < n; ++d) {
      if (spill && d == PackedSignatures::kChunkDocs + 5) {
        ASSERT_OK(store.Spill(scratch.path()));
      }
      rows.push_back(RandomRow(rng, k, static_cast<int>(d % 33)));
      ASSERT_OK(store.Append(rows.back()));
      // Readable at once, in the chunk being filled.
      std::vector<uint32_t> got(k);
      store.Get(d, absl::MakeSpan(got));
      ASSERT_EQ(got, rows[d]) << "k " << k << " doc " << d;
    }
    ASSERT_EQ(store.size(), n);
    EXPECT_EQ(store.spilled_bytes() > 0, spill);
    // A band of every document at once, across the chunks.
    for (size_t first = 0; first < k; first += 2) {
      const size_t count = std::min<size_t>(2, k - first);
      std::vector<uint32_t> band(n * count);
      store.GetRange(0, n, first, count, band.data());
      for (size_t d = 0; d < n; ++d) {
        for (size_t i = 0; i < count; ++i) {
          ASSERT_EQ(band[d * count + i], rows[d][first + i]) << d;
        }
      }
      const size_t begin = rng.Uniform(n), end = begin + rng.Uniform(n - begin);
      std::vector<uint32_t> part((end - begin) * count);
      store.GetRange(begin, end, first, count, part.data());
      ASSERT_TRUE(
          std::equal(part.begin(), part.end(), band.begin() + begin * count));
    }
    std::vector<uint32_t> got(k);
    for (size_t d = 0; d < n; ++d) {
      store.Get(d, absl::MakeSpan(got));
      ASSERT_EQ(got, rows[d]) << "k " << k << " doc " << d;
      // Any part, as the index reads one band.
      const size_t first = rng.Uniform(k);
      const size_t count = 1 + rng.Uniform(k - first);
      std::vector<uint32_t> part(count);
      store.Get(d, first, count, part.data());
      ASSERT_EQ(part, std::vector<uint32_t>(rows[d].begin() + first,
                                            rows[d].begin() + first + count));
    }
  }
  // The spill file has no name: nothing is left in the folder.
  EXPECT_TRUE(std::filesystem::is_empty(scratch.path()));
}

// The main-text pass copies a store in input order into another, with
// some documents replaced, and gives back each chunk of the first once
// copied: the copy is exact, the first store's chunks before the copied
// document are gone from memory, and spilling after a release keeps the
// rest readable. AppendFrom (records copied as they are) stores what
// Append of the values read stores.
TEST_P(PackedSignaturesTest, CopiedInOrderWhileTheSourceGivesBackItsChunks) {
  const bool spill = GetParam();
  test::ScratchDir scratch;
  constexpr size_t kK = 112;
  constexpr size_t kChunk = PackedSignatures::kChunkDocs;
  const size_t n = 3 * kChunk + 200;
  Rng rng(7);
  PackedSignatures first, second, third;
  first.Init(kK);
  second.Init(kK);
  third.Init(kK);
  std::vector<std::vector<uint32_t>> rows;
  for (size_t d = 0; d < n; ++d) {
    rows.push_back(RandomRow(rng, kK, 20 + static_cast<int>(d % 13)));
    ASSERT_OK(first.Append(rows.back()));
  }
  const size_t held = first.held_chunk_bytes();
  ASSERT_GT(held, 3 * kChunk * kK * 20 / 8);
  std::vector<uint32_t> row(kK);
  for (size_t d = 0; d < n; ++d) {
    if (spill && d == kChunk + 9) {
      // Chunk 0 is given back already; the others move to the file.
      ASSERT_OK(first.Spill(scratch.path()));
      EXPECT_EQ(first.held_chunk_bytes(), 0u);
    }
    if (d % 5 == 0) {  // a document signed again
      rows[d] = RandomRow(rng, kK, 26);
      ASSERT_OK(second.Append(rows[d]));
      ASSERT_OK(third.Append(rows[d]));
    } else {
      first.Get(d, absl::MakeSpan(row));
      ASSERT_OK(second.Append(row));
      ASSERT_OK(third.AppendFrom(first, d));
    }
    first.ReleaseBefore(d + 1);
    if (!spill && d + 1 == 2 * kChunk) {
      // Two whole chunks copied: only the third stays.
      EXPECT_LT(first.held_chunk_bytes(), held / 3 + kChunk);
      EXPECT_GT(first.held_chunk_bytes(), held / 4);
    }
  }
  EXPECT_EQ(first.held_chunk_bytes(), 0u);
  ASSERT_EQ(second.size(), n);
  ASSERT_EQ(third.size(), n);
  EXPECT_EQ(third.held_chunk_bytes(), second.held_chunk_bytes());
  for (size_t d = 0; d < n; ++d) {
    second.Get(d, absl::MakeSpan(row));
    ASSERT_EQ(row, rows[d]) << d;
    third.Get(d, absl::MakeSpan(row));
    ASSERT_EQ(row, rows[d]) << d;
  }
}

INSTANTIATE_TEST_SUITE_P(HeldOrSpilled, PackedSignaturesTest,
                         ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Spilled" : "Held";
                         });

TEST(PackedSignaturesRealTest, RealSignaturesTakeFewerThanFourBytesAValue) {
  // Documents of 100 to 1,000 words: values about 2^32 / words.
  auto shingler = Shingler::Create(ShingleOptions{});
  ASSERT_TRUE(shingler.ok());
  auto hasher = MinHasher::Create({.num_perm = 112});
  ASSERT_TRUE(hasher.ok());
  Rng rng(5);
  PackedSignatures store;
  store.Init(112);
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> row(112), got(112);
  for (int d = 0; d < 200; ++d) {
    std::string text;
    const size_t words = 100 + rng.Uniform(900);
    for (size_t w = 0; w < words; ++w)
      text += test::Word(rng.Uniform(5000)) + " ";
    shingler->Hash(text, &hashes);
    ASSERT_TRUE(hasher->Sign(hashes, absl::MakeSpan(row)).ok());
    ASSERT_OK(store.Append(row));
    store.Get(static_cast<size_t>(d), absl::MakeSpan(got));
    ASSERT_EQ(got, row);
    uint32_t largest = 0;
    for (uint32_t v : row) largest = std::max(largest, v);
    // Under 2^30 for about 100 or more distinct shingles: 2 bits saved.
    EXPECT_LT(largest, uint32_t{1} << 30) << words << " words";
  }
}

}  // namespace
}  // namespace neardup::internal
