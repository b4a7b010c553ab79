// Tests of the similarity methods as one unit (similarity_method.h): every
// DedupMethod has exactly one, its name parses back, and what the job, the
// index and the stages ask of it (signing, table keys, candidates, compare,
// accept, report) agrees with the core functions it stands for.

#include "pipeline/similarity_method.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/internal/dedup_stages.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "neardup/pipeline.h"
#include "neardup/simhash.h"
#include "pipeline/json_writer.h"

namespace neardup::internal {
namespace {

constexpr DedupMethod kAll[] = {DedupMethod::kMinHash, DedupMethod::kSimHash,
                                DedupMethod::kExact};

DedupOptions Resolved(DedupMethod method) {
  DedupOptions o;
  o.method = method;
  o.shingles.n = DefaultShingleSize(method);
  return *ResolveDedupOptions(o);
}

// Generated documents: a base text, light edits of it, and unrelated ones.
std::vector<std::string> Corpus() {
  std::vector<std::string> docs;
  std::string base;
  for (int w = 0; w < 120; ++w) base += "word" + std::to_string(w * 7 % 97) + " ";
  docs.push_back(base);
  docs.push_back(base + "tail");
  docs.push_back(base);
  for (int d = 0; d < 6; ++d) {
    std::string other;
    for (int w = 0; w < 80; ++w) {
      other += "t" + std::to_string(d * 1000 + w * 13 % 89) + " ";
    }
    docs.push_back(other);
  }
  return docs;
}

TEST(SimilarityMethodTest, EveryMethodOnceInEnumOrderWithItsName) {
  const auto all = SimilarityMethod::All();
  ASSERT_EQ(all.size(), std::size(kAll));
  std::set<std::string> names;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i]->id(), kAll[i]);
    EXPECT_EQ(SimilarityMethod::Find(kAll[i]), all[i]);
    EXPECT_STREQ(DedupMethodName(kAll[i]), all[i]->name());
    EXPECT_EQ(*ParseDedupMethod(all[i]->name()), kAll[i]);
    names.insert(all[i]->name());
  }
  EXPECT_EQ(names.size(), all.size());
  EXPECT_EQ(MethodNamesText(), "minhash, simhash or exact");
  EXPECT_EQ(ParseDedupMethod("MinHash").status().message(),
            "method must be minhash, simhash or exact, got \"MinHash\"");
}

TEST(SimilarityMethodTest, AValueThatIsNoMethodIsFoundNowhere) {
  const auto bad = static_cast<DedupMethod>(9);
  EXPECT_EQ(SimilarityMethod::Find(bad), nullptr);
  EXPECT_STREQ(DedupMethodName(bad), "unknown");
  // Formatters of hostile values do not crash.
  EXPECT_EQ(&SimilarityMethod::Of(bad), &MinHashMethod());
  EXPECT_FALSE(ResolveDedupOptions({.method = bad}).ok());
}

TEST(SimilarityMethodTest, DefaultsAndOptionsFollowTheMethod) {
  EXPECT_EQ(DefaultShingleSize(DedupMethod::kSimHash), 3);
  EXPECT_EQ(DefaultShingleSize(DedupMethod::kMinHash), ShingleOptions{}.n);
  EXPECT_EQ(Resolved(DedupMethod::kMinHash).containment, kDefaultContainment);
  EXPECT_EQ(Resolved(DedupMethod::kSimHash).containment, 0);
  EXPECT_EQ(Resolved(DedupMethod::kExact).containment, 0);
  // Only MinHash has a threshold, LSH bands and shingle sets.
  EXPECT_FALSE(ResolveDedupOptions({.method = DedupMethod::kMinHash,
                                    .threshold = 1.5})
                   .ok());
  EXPECT_TRUE(ResolveDedupOptions({.method = DedupMethod::kSimHash,
                                   .threshold = 1.5})
                  .ok());
  EXPECT_GT(Resolved(DedupMethod::kMinHash).bands, 0);
  EXPECT_EQ(Resolved(DedupMethod::kSimHash).bands, 0);
  EXPECT_FALSE(ResolveDedupOptions({.method = DedupMethod::kExact,
                                    .containment = 0.5})
                   .ok());
}

TEST(SimilarityMethodTest, TableKeysAreTheCoreKeys) {
  const DedupOptions mh = Resolved(DedupMethod::kMinHash);
  auto hasher = MinHasher::Create({.num_perm = mh.num_perm, .seed = mh.seed});
  ASSERT_TRUE(hasher.ok());
  auto signer = DocSigner::Create(mh, &*hasher);
  ASSERT_TRUE(signer.ok());
  std::vector<uint32_t> row(static_cast<size_t>(mh.num_perm));
  signer->Sign(Corpus()[0], {}, absl::MakeSpan(row));
  SketchRef doc;
  doc.signature = row;
  ASSERT_EQ(MinHashMethod().Tables(mh), static_cast<size_t>(mh.bands));
  for (int b = 0; b < mh.bands; ++b) {
    EXPECT_EQ(MinHashMethod().TableKey(doc, b, mh), BandKey(row, b, mh.rows));
  }
  const DedupOptions sh = Resolved(DedupMethod::kSimHash);
  const std::vector<uint64_t> masks = SimHashTableMasks(sh.hamming);
  doc.key = 0x0123456789abcdefull;
  ASSERT_EQ(SimHashMethod().Tables(sh), masks.size());
  for (size_t t = 0; t < masks.size(); ++t) {
    EXPECT_EQ(SimHashMethod().TableKey(doc, t, sh), doc.key & masks[t]);
  }
  const DedupOptions ex = Resolved(DedupMethod::kExact);
  ASSERT_EQ(ExactMethod().Tables(ex), 1u);
  EXPECT_EQ(ExactMethod().TableKey(doc, 0, ex), doc.key);

  // TableKeysOf, what neardup.dask keys its shuffle by, is the same.
  size_t tables = 0;
  auto keys = TableKeysOf(mh, row, {}, &tables);
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(tables, static_cast<size_t>(mh.bands));
  EXPECT_EQ((*keys)[3], BandKey(row, 3, mh.rows));
  const uint64_t prints[] = {doc.key, ~doc.key};
  keys = TableKeysOf(sh, {}, prints, &tables);
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 2 * masks.size());
  EXPECT_EQ((*keys)[masks.size() + 1], ~doc.key & masks[1]);
}

// Signs every document of Corpus() and returns the refs (rows or keys
// stored in *rows / *keys, sets in *sets).
std::vector<SketchRef> SignAll(const DedupOptions& o, std::vector<uint32_t>* rows,
                               std::vector<uint64_t>* keys,
                               std::vector<std::vector<uint64_t>>* sets) {
  const auto& m = SimilarityMethod::Of(o.method);
  auto hasher = MinHasher::Create({.num_perm = o.num_perm, .seed = o.seed});
  auto signer = DocSigner::Create(o, &*hasher);
  const std::vector<std::string> docs = Corpus();
  const size_t k = static_cast<size_t>(o.num_perm);
  rows->assign(m.signs_rows() ? docs.size() * k : 0, 0);
  keys->assign(docs.size(), 0);
  sets->assign(docs.size(), {});
  std::vector<uint32_t> sizes(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    const DocSignature sig = signer->Sign(
        docs[i], {},
        m.signs_rows() ? absl::MakeSpan(*rows).subspan(i * k, k)
                       : absl::Span<uint32_t>());
    (*keys)[i] = sig.key;
    (*sets)[i].assign(sig.set.begin(), sig.set.end());
    sizes[i] = sig.set_size;
  }
  std::vector<SketchRef> refs(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    if (m.signs_rows()) {
      refs[i].signature = absl::MakeConstSpan(*rows).subspan(i * k, k);
    } else {
      refs[i].key = (*keys)[i];
    }
    refs[i].set = (*sets)[i];
    refs[i].set_size = sizes[i];
  }
  return refs;
}

TEST(SimilarityMethodTest, CompareIsTheCoreMeasure) {
  std::vector<uint32_t> rows;
  std::vector<uint64_t> keys;
  std::vector<std::vector<uint64_t>> sets;
  DedupOptions mh = Resolved(DedupMethod::kMinHash);
  mh.verify = VerifyMode::kExact;
  auto refs = SignAll(mh, &rows, &keys, &sets);
  Likeness like = MinHashMethod().Compare(refs[0], refs[1], mh);
  EXPECT_DOUBLE_EQ(like.similarity, ExactJaccard(sets[0], sets[1]));
  EXPECT_DOUBLE_EQ(like.containment, ExactContainment(sets[0], sets[1]));
  EXPECT_TRUE(MinHashMethod().Accepts(mh, like));
  EXPECT_FALSE(MinHashMethod().Accepts(
      mh, MinHashMethod().Compare(refs[0], refs[4], mh)));

  const DedupOptions est = Resolved(DedupMethod::kMinHash);
  refs = SignAll(est, &rows, &keys, &sets);
  like = MinHashMethod().Compare(refs[0], refs[2], est);
  EXPECT_DOUBLE_EQ(like.similarity, 1.0);
  EXPECT_DOUBLE_EQ(like.similarity,
                   *EstimateJaccard(refs[0].signature, refs[2].signature));

  const DedupOptions sh = Resolved(DedupMethod::kSimHash);
  refs = SignAll(sh, &rows, &keys, &sets);
  like = SimHashMethod().Compare(refs[0], refs[4], sh);
  EXPECT_EQ(like.similarity, HammingDistance(keys[0], keys[4]));
  EXPECT_EQ(SimHashMethod().Accepts(sh, like), like.similarity <= sh.hamming);

  const DedupOptions ex = Resolved(DedupMethod::kExact);
  refs = SignAll(ex, &rows, &keys, &sets);
  EXPECT_EQ(ExactMethod().Compare(refs[0], refs[2], ex).similarity, 1.0);
  EXPECT_EQ(ExactMethod().Compare(refs[0], refs[1], ex).similarity, 0.0);
  EXPECT_TRUE(ExactMethod().Accepts(ex, {1.0}));
  EXPECT_FALSE(ExactMethod().Accepts(ex, {0.0}));
}

TEST(SimilarityMethodTest, CandidatesDoNotDependOnThreads) {
  for (const DedupMethod method : kAll) {
    SCOPED_TRACE(DedupMethodName(method));
    const DedupOptions o = Resolved(method);
    const auto& m = SimilarityMethod::Of(method);
    std::vector<uint32_t> rows;
    std::vector<uint64_t> keys;
    std::vector<std::vector<uint64_t>> sets;
    SignAll(o, &rows, &keys, &sets);
    const SketchColumns columns =
        m.signs_rows() ? SketchColumns::Rows(rows, static_cast<size_t>(o.num_perm))
                       : SketchColumns::Keys(keys);
    std::vector<std::vector<DocPair>> found;
    for (int threads : {1, 3}) {
      std::vector<DocPair> pairs;
      CandidateStats stats;
      size_t steps = 0;
      ASSERT_TRUE(m.Candidates(
                       columns, o, threads, &stats,
                       [&](absl::Span<const DocPair> group) {
                         pairs.insert(pairs.end(), group.begin(), group.end());
                         return absl::OkStatus();
                       },
                       [&](size_t done, size_t total) {
                         EXPECT_LE(done, total);
                         ++steps;
                       })
                      .ok());
      found.push_back(pairs);
    }
    EXPECT_EQ(found[0], found[1]);
    // Documents 0 and 2 are the same text: every method finds them.
    auto normalized = found[0];
    for (DocPair& p : normalized) {
      if (p.first > p.second) std::swap(p.first, p.second);
    }
    EXPECT_NE(std::find(normalized.begin(), normalized.end(), DocPair{0, 2}),
              normalized.end());
  }
}

TEST(SimilarityMethodTest, ReportsItsSimilarityAsRemovedJsonlDoes) {
  JsonWriter j;
  j.Key("s");
  SimHashMethod().WriteSimilarity(3, &j);
  j.Key("t");
  MinHashMethod().WriteSimilarity(0.81234, &j);
  EXPECT_EQ(j.Finish(), "{\"s\":3,\"t\":0.8123}");
  EXPECT_EQ(SimHashMethod().SelfSimilarity(), 0);
  EXPECT_EQ(ExactMethod().SelfSimilarity(), 1);
  EXPECT_STREQ(ExactMethod().removal_reason(), "exact_duplicate");
  EXPECT_STREQ(MinHashMethod().removal_reason(), "near_duplicate");
  const DedupOptions mh = Resolved(DedupMethod::kMinHash);
  EXPECT_EQ(MinHashMethod().SimilarityBins(mh), 50u);
  EXPECT_EQ(MinHashMethod().Bin(1.0, 50), 49u);
  EXPECT_EQ(SimHashMethod().SimilarityBins(Resolved(DedupMethod::kSimHash)), 4u);
  EXPECT_EQ(ExactMethod().SimilarityBins(Resolved(DedupMethod::kExact)), 0u);
}

// neardup.dask compares candidate pairs and removals through CompareRows:
// with exact verification the shingle sets alone are the rows (no
// signatures travel), and the verdict is the method's.
TEST(SimilarityMethodTest, CompareRowsComparesWhatTheMethodCompares) {
  DedupOptions exact_sets;
  exact_sets.verify = VerifyMode::kExact;
  const uint64_t sets_a[] = {1, 2, 3, 4, 5, 6};
  const uint64_t sets_b[] = {1, 2, 3, 4, 7, 8};
  const uint64_t ends[] = {4, 6};
  MemberEvidence a{.sets = sets_a, .set_end = ends};
  MemberEvidence b{.sets = sets_b, .set_end = ends};
  auto rows = CompareRows(exact_sets, a, b);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->similarity, (std::vector<double>{1.0, 0.0}));
  EXPECT_EQ(rows->duplicate, (std::vector<uint8_t>{1, 0}));
  EXPECT_EQ(rows->containment[0], 1.0);  // containment is on by default
  // Sets with values past their last end are refused.
  const uint64_t short_ends[] = {4};
  a.set_end = short_ends;
  EXPECT_FALSE(CompareRows(exact_sets, a, b).ok());

  const uint64_t keys_a[] = {0xff, 0x0f}, keys_b[] = {0xfe, 0xf0};
  DedupOptions sh;
  sh.method = DedupMethod::kSimHash;
  rows = CompareRows(sh, {.keys = keys_a}, {.keys = keys_b});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->similarity, (std::vector<double>{1, 8}));
  EXPECT_EQ(rows->duplicate, (std::vector<uint8_t>{1, 0}));
  EXPECT_TRUE(std::isnan(rows->containment[0]));
  // Two rows against none.
  EXPECT_FALSE(CompareRows(sh, {.keys = keys_a}, MemberEvidence{}).ok());
}

TEST(SimilarityMethodTest, TraitsAreTheMethods) {
  const std::vector<MethodTraits> traits = DedupMethodTraits();
  ASSERT_EQ(traits.size(), std::size(kAll));
  for (size_t i = 0; i < traits.size(); ++i) {
    const auto& m = SimilarityMethod::Of(kAll[i]);
    EXPECT_EQ(traits[i].method, kAll[i]);
    EXPECT_EQ(traits[i].name, m.name());
    EXPECT_EQ(traits[i].default_shingle_size, m.default_shingle_size());
    EXPECT_EQ(traits[i].signs_rows, m.signs_rows());
    EXPECT_EQ(traits[i].verifies_candidates, m.verifies_candidates());
    EXPECT_EQ(traits[i].chains_buckets, m.chains_buckets());
  }
}

}  // namespace
}  // namespace neardup::internal
