// Tests for the core options a DedupOptions stands for (MinHashOptionsOf,
// LshParamsOf, ShingleOptionsOf, ReaderOptionsOf) and for the defaults the
// option structs share: each is written once, so they cannot drift apart.

#include "gtest/gtest.h"
#include "neardup/index.h"
#include "neardup/pipeline.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

TEST(DedupOptions, DerivesTheCoreOptions) {
  DedupOptions o;
  o.num_perm = 64;
  o.seed = 9;
  o.bands = 8;
  o.rows = 8;
  o.shingles.n = 3;
  o.keep = KeepPolicy::kField;
  o.keep_field = "score";
  o.reader.text_field = "body";
  const MinHashOptions minhash = MinHashOptionsOf(o);
  EXPECT_EQ(minhash.num_perm, 64);
  EXPECT_EQ(minhash.seed, 9u);
  const LshParams lsh = LshParamsOf(o);
  EXPECT_EQ(lsh.bands, 8);
  EXPECT_EQ(lsh.rows, 8);
  const ShingleOptions shingles = ShingleOptionsOf(o);
  EXPECT_EQ(shingles.n, 3);
  EXPECT_EQ(shingles.seed, 9u);  // `seed` seeds the shingles too
  const ReaderOptions reader = ReaderOptionsOf(o);
  EXPECT_EQ(reader.number_field, "score");
  EXPECT_EQ(reader.text_field, "body");
  o.keep = KeepPolicy::kFirst;  // the keep field is read only for kField
  EXPECT_EQ(ReaderOptionsOf(o).number_field, "");
}

TEST(DedupOptions, ResolvedOptionsAreTheDerivedOnes) {
  DedupOptions o;
  o.seed = 5;
  o.keep = KeepPolicy::kField;
  o.keep_field = "n";
  auto resolved = ResolveDedupOptions(o);
  ASSERT_OK(resolved.status());
  EXPECT_EQ(resolved->shingles.seed, 5u);
  EXPECT_EQ(resolved->reader.number_field, "n");
  // Bands and rows chosen (they were 0 and 0).
  const LshParams lsh = LshParamsOf(*resolved);
  EXPECT_GT(lsh.bands, 0);
  EXPECT_GT(lsh.rows, 0);
  EXPECT_LE(lsh.bands * lsh.rows, resolved->num_perm);
}

TEST(DedupOptions, SharesItsDefaultsWithTheCoreAndTheIndex) {
  const DedupOptions d;
  const MinHashOptions minhash = MinHashOptionsOf(d);
  EXPECT_EQ(minhash.num_perm, MinHashOptions{}.num_perm);
  EXPECT_EQ(minhash.seed, MinHashOptions{}.seed);
  EXPECT_EQ(d.shingles.n, ShingleOptions{}.n);
  const IndexOptions i;
  EXPECT_EQ(i.method, d.method);
  EXPECT_EQ(i.threshold, d.threshold);
  EXPECT_EQ(i.num_perm, d.num_perm);
  EXPECT_EQ(i.seed, d.seed);
  EXPECT_EQ(i.bands, d.bands);
  EXPECT_EQ(i.rows, d.rows);
  EXPECT_EQ(i.hamming, d.hamming);
  EXPECT_EQ(i.verify, d.verify);
  EXPECT_EQ(i.shingles.n, d.shingles.n);
  EXPECT_EQ(i.shingles.kind, d.shingles.kind);
}

TEST(DedupOptions, IndexOptionsRoundTrip) {
  DedupOptions d;
  d.method = DedupMethod::kSimHash;
  d.threshold = 0.6;
  d.num_perm = 32;
  d.seed = 3;
  d.bands = 4;
  d.rows = 8;
  d.hamming = 5;
  d.verify = VerifyMode::kExact;
  d.shingles.n = 2;
  d.containment = 0;
  auto index = IndexOptionsOf(d);
  ASSERT_OK(index.status());
  const DedupOptions back = IndexDedupOptions(*index);
  EXPECT_EQ(back.method, d.method);
  EXPECT_EQ(back.threshold, d.threshold);
  EXPECT_EQ(back.num_perm, d.num_perm);
  EXPECT_EQ(back.seed, d.seed);
  EXPECT_EQ(back.bands, d.bands);
  EXPECT_EQ(back.rows, d.rows);
  EXPECT_EQ(back.hamming, d.hamming);
  EXPECT_EQ(back.verify, d.verify);
  EXPECT_EQ(back.shingles.n, d.shingles.n);
  EXPECT_EQ(back.containment, 0);  // an index compares by Jaccard alone
}

}  // namespace
}  // namespace neardup
