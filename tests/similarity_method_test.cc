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
#include "tests/test_util.h"

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

// A document signed for explain: its row, set and trace kept (the signer's
// scratch is reused by the next Sign).
struct Signed {
  std::vector<uint32_t> row;
  std::vector<uint64_t> set;
  DocSignature signature;
  SignTrace trace;
  std::string site;

  ExplainedDoc Doc() const {
    ExplainedDoc d;
    d.sketch.signature = row;
    d.sketch.key = signature.key;
    d.sketch.set = set;
    d.sketch.set_size = signature.set_size;
    d.sketch.site = LineCounter::SiteKey(site);
    d.normalized = trace.normalized;
    d.site = site;
    return d;
  }
};

Signed SignTraced(DocSigner& signer, const DedupOptions& o,
                  std::string_view text, std::string site = {}) {
  Signed s;
  s.site = std::move(site);
  if (SimilarityMethod::Of(o.method).signs_rows()) {
    s.row.resize(static_cast<size_t>(o.num_perm));
  }
  s.signature =
      signer.Sign(text, s.site, nullptr, absl::MakeSpan(s.row), &s.trace);
  s.set.assign(s.signature.set.begin(), s.signature.set.end());
  return s;
}

bool SaysDuplicate(const std::string& verdict) {
  return verdict.rfind("verdict: near-duplicate", 0) == 0 ||
         verdict.rfind("verdict: exact duplicate", 0) == 0;
}

// The verdict explain prints is dedup's decision: a pair that shares a
// table (a candidate; every pair within the distance for SimHash) and that
// the method accepts.
TEST(SimilarityMethodTest, ExplainVerdictIsTheDecision) {
  for (const DedupMethod method : kAll) {
    for (const VerifyMode verify : {VerifyMode::kSignature, VerifyMode::kExact}) {
      DedupOptions o = Resolved(method);
      const auto& m = SimilarityMethod::Of(method);
      if (verify == VerifyMode::kExact && !m.compares_sets()) continue;
      o.verify = verify;
      auto hasher = MinHasher::Create(MinHashOptionsOf(o));
      auto signer = DocSigner::Create(o, &*hasher);
      ASSERT_TRUE(signer.ok());
      const std::vector<std::string> docs = Corpus();
      std::vector<Signed> signed_docs;
      for (const std::string& d : docs) signed_docs.push_back(SignTraced(*signer, o, d));
      int duplicates = 0;
      for (size_t i = 0; i < docs.size(); ++i) {
        for (size_t j = i + 1; j < docs.size(); ++j) {
          const ExplainedDoc a = signed_docs[i].Doc(), b = signed_docs[j].Doc();
          bool shares = false;
          for (size_t t = 0; t < m.Tables(o); ++t) {
            shares |= m.TableKey(a.sketch, t, o) == m.TableKey(b.sketch, t, o);
          }
          const bool duplicate =
              shares && m.Accepts(o, m.Compare(a.sketch, b.sketch, o));
          const std::string verdict = m.ExplainVerdict(a, b, o);
          SCOPED_TRACE(std::string(m.name()) + " " + std::to_string(i) + "-" +
                       std::to_string(j) + ": " + verdict);
          EXPECT_EQ(verdict.rfind("verdict: ", 0), 0u);
          EXPECT_EQ(verdict.find('\n'), std::string::npos);
          EXPECT_EQ(SaysDuplicate(verdict), duplicate);
          duplicates += duplicate;
        }
      }
      // Documents 0 and 2 are equal; 1 is 0 with a word more (not an
      // exact duplicate).
      EXPECT_GE(duplicates, 1) << m.name();
    }
  }
}

// MinHash names the containment rule that decides: within one site on whole
// pages containment does not count; across sites an excerpt does.
TEST(SimilarityMethodTest, MinHashExplainsContainment) {
  DedupOptions o = Resolved(DedupMethod::kMinHash);
  ASSERT_GT(o.containment, 0);
  o.verify = VerifyMode::kExact;
  auto hasher = MinHasher::Create(MinHashOptionsOf(o));
  auto signer = DocSigner::Create(o, &*hasher);
  ASSERT_TRUE(signer.ok());
  std::string part, rest;
  for (int w = 0; w < 150; ++w) part += "w" + std::to_string(w * 31 % 1009) + " ";
  for (int w = 0; w < 150; ++w) rest += "r" + std::to_string(w * 17 % 1013) + " ";
  const Signed excerpt = SignTraced(*signer, o, part, "a.example");
  const Signed whole = SignTraced(*signer, o, part + rest, "a.example");
  const Signed elsewhere = SignTraced(*signer, o, part + rest, "b.example");
  const std::string same_site =
      MinHashMethod().ExplainVerdict(excerpt.Doc(), whole.Doc(), o);
  EXPECT_NE(same_site.find("not a near-duplicate"), std::string::npos) << same_site;
  EXPECT_NE(same_site.find("both are pages of a.example"), std::string::npos)
      << same_site;
  const std::string across =
      MinHashMethod().ExplainVerdict(excerpt.Doc(), elsewhere.Doc(), o);
  EXPECT_EQ(across.rfind("verdict: near-duplicate", 0), 0u) << across;
  EXPECT_NE(across.find("but containment 1.0000 >= "), std::string::npos)
      << across;
}

TEST(SimilarityMethodTest, ExplainSettingsNameTheMethodsOptions) {
  DedupOptions mh = Resolved(DedupMethod::kMinHash);
  mh.verify = VerifyMode::kExact;
  EXPECT_EQ(MinHashMethod().ExplainSettings(mh),
            ", " + std::to_string(mh.num_perm) + " permutations = " +
                std::to_string(mh.bands) + " bands x " +
                std::to_string(mh.rows) + " rows, threshold 0.80, --verify exact");
  DedupOptions sh = Resolved(DedupMethod::kSimHash);
  sh.hamming = 5;
  EXPECT_EQ(SimHashMethod().ExplainSettings(sh), ", --hamming 5");
  EXPECT_EQ(ExactMethod().ExplainSettings(Resolved(DedupMethod::kExact)), "");
}

// What a traced Sign reports is what it signed: the same signature as
// without a trace, the shingles DedupShingles gives for the text, and the
// method's normalized text.
TEST(SimilarityMethodTest, SignTraceIsWhatWasSigned) {
  for (const DedupMethod method : kAll) {
    const DedupOptions o = Resolved(method);
    const auto& m = SimilarityMethod::Of(method);
    auto hasher = MinHasher::Create(MinHashOptionsOf(o));
    auto signer = DocSigner::Create(o, &*hasher);
    ASSERT_TRUE(signer.ok());
    const std::string text = Corpus()[1] + " Caf\xC3\xA9 \xFF!";
    const Signed traced = SignTraced(*signer, o, text);
    std::vector<uint32_t> row(traced.row.size());
    const DocSignature plain = signer->Sign(text, {}, absl::MakeSpan(row));
    EXPECT_EQ(row, traced.row) << m.name();
    EXPECT_EQ(plain.key, traced.signature.key) << m.name();
    EXPECT_EQ(traced.trace.text, text);
    EXPECT_EQ(traced.trace.boilerplate_lines, 0u);
    auto shingler = Shingler::Create(o.shingles);
    std::vector<uint64_t> hashes;
    EXPECT_EQ(traced.trace.repaired, DedupShingles(*shingler, text, &hashes));
    EXPECT_EQ(traced.trace.hashes, hashes) << m.name();
    EXPECT_EQ(traced.trace.shingled, shingler->normalized());
    ASSERT_EQ(traced.trace.spans.size(), hashes.size());
    std::vector<uint64_t> again;
    shingler->HashNormalized(traced.trace.spans[3].In(traced.trace.shingled),
                             &again);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0], hashes[3]);
    if (method == DedupMethod::kExact) {
      std::string normalized;
      Normalizer(o.shingles.normalize).Normalize(text, &normalized);
      EXPECT_EQ(traced.trace.normalized, normalized);
    } else {
      EXPECT_EQ(traced.trace.normalized, shingler->normalized());
    }
  }
}

// A text without words is its one hash of its bytes; the trace gives it an
// empty span, for word and character shingles alike (explain prints it).
TEST(SimilarityMethodTest, SignTraceOfATextWithoutWords) {
  for (const ShingleKind kind : {ShingleKind::kWord, ShingleKind::kChar}) {
    DedupOptions o;
    o.shingles.kind = kind;
    o = *ResolveDedupOptions(o);
    auto hasher = MinHasher::Create(MinHashOptionsOf(o));
    auto signer = DocSigner::Create(o, &*hasher);
    ASSERT_TRUE(signer.ok());
    const Signed s = SignTraced(*signer, o, "!!! ???");
    ASSERT_EQ(s.trace.hashes.size(), 1u);
    ASSERT_EQ(s.trace.spans.size(), 1u);
    EXPECT_EQ(s.trace.spans[0].In(s.trace.shingled), "");
  }
}

// With main_text, the trace holds the text the method signed: without the
// site's boilerplate lines, and how many were left out.
TEST(SimilarityMethodTest, SignTraceHoldsTheMainText) {
  DedupOptions o;
  o.main_text = true;
  o = *ResolveDedupOptions(o);
  std::vector<std::string> pages;
  for (int p = 0; p < 8; ++p) {
    std::string article;  // words without digits (digits normalize to 0)
    for (int w = 0; w < 40; ++w) article += test::Word(p * 1000 + w) + " ";
    pages.push_back("Home News Sport\nSubscribe to our letter\n" + article +
                    "\nCopyright the example press\n");
  }
  LineCounter counts;
  for (const std::string& page : pages) counts.AddDocument(page, "s.example");
  counts.Finish(std::max<uint32_t>(2, o.main_text_boilerplate.min_docs));
  auto hasher = MinHasher::Create(MinHashOptionsOf(o));
  auto signer = DocSigner::Create(o, &*hasher, &counts);
  ASSERT_TRUE(signer.ok());
  const Signed s = SignTraced(*signer, o, pages[0], "s.example");
  std::vector<Cut> cuts;
  std::string scratch;
  const std::string_view main = MainText(pages[0], "s.example", counts,
                                         o.main_text_boilerplate, &cuts,
                                         &scratch);
  EXPECT_EQ(s.trace.text, main);
  EXPECT_GT(s.trace.boilerplate_lines, 0u);
  EXPECT_EQ(s.trace.boilerplate_lines, cuts.size());
  // A page of another site is compared whole.
  const Signed other = SignTraced(*signer, o, pages[0], "t.example");
  EXPECT_EQ(other.trace.text, pages[0]);
  EXPECT_EQ(other.trace.boilerplate_lines, 0u);
}

}  // namespace
}  // namespace neardup::internal
