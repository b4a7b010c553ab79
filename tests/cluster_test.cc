// Tests for the cluster layer: union-find whose representatives do not
// depend on the order of unions, and the keep policies.

#include "neardup/cluster.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

TEST(DisjointSetsTest, RepresentativeIsTheSmallestMember) {
  DisjointSets sets(6);
  EXPECT_TRUE(sets.Union(4, 5));
  EXPECT_TRUE(sets.Union(5, 2));
  EXPECT_FALSE(sets.Union(2, 4));
  EXPECT_EQ(sets.Find(5), 2u);
  EXPECT_EQ(sets.Find(4), 2u);
  EXPECT_EQ(sets.Find(0), 0u);
  EXPECT_EQ(sets.Find(3), 3u);
}

TEST(DisjointSetsTest, UnionOrderDoesNotMatter) {
  test::Rng rng(4);
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  for (int i = 0; i < 3000; ++i) {
    edges.push_back({static_cast<uint32_t>(rng.Uniform(5000)),
                     static_cast<uint32_t>(rng.Uniform(5000))});
  }
  DisjointSets forward(5000), backward(5000);
  for (const auto& [a, b] : edges) forward.Union(a, b);
  for (auto it = edges.rbegin(); it != edges.rend(); ++it) {
    backward.Union(it->second, it->first);
  }
  for (uint32_t i = 0; i < 5000; ++i) {
    ASSERT_EQ(forward.Find(i), backward.Find(i)) << i;
    EXPECT_LE(forward.Find(i), i);
  }
}

// The sets keep no sizes (a root is its set's smallest member): checked
// against components found by a graph search, on chains joined from the
// far end (each Union links a root under a smaller one, the deepest trees
// linking by index can build) and on random edges, with Union's answer
// (joined or not) checked at each step.
TEST(DisjointSetsTest, MatchesTheComponentsOfTheGraph) {
  test::Rng rng(9);
  const uint32_t n = 20000;
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  for (uint32_t i = n - 1; i > n / 2; --i) edges.push_back({i, i - 1});
  for (int i = 0; i < 8000; ++i) {
    edges.push_back({static_cast<uint32_t>(rng.Uniform(n / 2)),
                     static_cast<uint32_t>(rng.Uniform(n / 2))});
  }
  // The components, by a search over the edges added so far, after every
  // 1000th edge; and each Union's answer against a naive labeling.
  std::vector<uint32_t> label(n);
  for (uint32_t i = 0; i < n; ++i) label[i] = i;
  DisjointSets sets(n);
  for (size_t e = 0; e < edges.size(); ++e) {
    const auto [a, b] = edges[e];
    const bool apart = label[a] != label[b];
    ASSERT_EQ(sets.Union(a, b), apart) << e;
    if (apart) {  // relabel the larger label's members (naive, O(n))
      const uint32_t from = std::max(label[a], label[b]);
      const uint32_t to = std::min(label[a], label[b]);
      for (uint32_t& l : label) {
        if (l == from) l = to;
      }
    }
    if (e % 1000 == 999 || e + 1 == edges.size()) {
      for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(sets.Find(i), label[i]) << i;
    }
  }
  EXPECT_EQ(sets.Find(n - 1), n / 2);
}

// Regression: Union(3, 50) on 10 documents wrote past the arrays, and the
// Python binding of Union(3, 4000000000) crashed the interpreter.
TEST(DisjointSetsTest, CheckedCallsRefuseMembersOutOfRange) {
  DisjointSets sets(10);
  EXPECT_EQ(sets.CheckedUnion(3, 50).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(sets.CheckedUnion(4000000000u, 3).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(sets.CheckedUnion(3, uint64_t{1} << 40).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(sets.CheckedFind(10).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_NE(sets.CheckedUnion(3, 50).status().message().find("50"),
            std::string_view::npos);
  EXPECT_TRUE(*sets.CheckedUnion(3, 9));
  EXPECT_FALSE(*sets.CheckedUnion(9, 3));
  EXPECT_EQ(*sets.CheckedFind(9), 3u);
  // Nothing else changed.
  for (uint32_t i = 0; i < 10; ++i) {
    EXPECT_EQ(sets.Find(i), i == 9 ? 3u : i);
  }
  EXPECT_EQ(DisjointSets::Create(DisjointSets::kMaxSize + 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DisjointSets::Create(0)->size(), 0u);
#ifndef NDEBUG
  EXPECT_DEATH(sets.Union(3, 50), "");
#endif
}

TEST(KeepPolicyTest, Parse) {
  std::string field;
  EXPECT_EQ(*ParseKeepPolicy("first", &field), KeepPolicy::kFirst);
  EXPECT_EQ(*ParseKeepPolicy("longest", &field), KeepPolicy::kLongest);
  EXPECT_EQ(*ParseKeepPolicy("field:score", &field), KeepPolicy::kField);
  EXPECT_EQ(field, "score");
  for (const char* bad : {"", "last", "field:", "Longest"}) {
    EXPECT_FALSE(ParseKeepPolicy(bad, &field).ok()) << bad;
  }
  // The message is in the library's terms, not the command's flags.
  const auto bad = ParseKeepPolicy("biggest", &field);
  EXPECT_EQ(bad.status().message(),
            "keep policy must be first, longest or field:NAME, got \"biggest\"");
  EXPECT_FALSE(ParseKeepPolicy("first", nullptr).ok());
}

TEST(MakeClusteringTest, RefusesSpansOfAnotherLength) {
  DisjointSets sets(3);
  const std::vector<uint64_t> two_lengths = {5, 6};
  const std::vector<double> two_numbers = {1, 2};
  EXPECT_EQ(MakeClustering(sets, KeepPolicy::kLongest, two_lengths, {})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(MakeClustering(sets, KeepPolicy::kField, {}, two_numbers).ok());
  // The policy's own span may not be empty; the other one may.
  EXPECT_FALSE(MakeClustering(sets, KeepPolicy::kLongest, {}, {}).ok());
  EXPECT_FALSE(MakeClustering(sets, KeepPolicy::kField, {}, {}).ok());
  EXPECT_FALSE(MakeClustering(sets, KeepPolicy::kFirst, two_lengths, {}).ok());
  EXPECT_OK(MakeClustering(sets, KeepPolicy::kFirst, {}, {}));
}

// Documents 0..5: clusters {0, 2, 4}, {1, 5}, {3}.
DisjointSets Example() {
  DisjointSets sets(6);
  sets.Union(4, 2);
  sets.Union(0, 4);
  sets.Union(5, 1);
  return sets;
}

TEST(ClusteringTest, KeepFirst) {
  DisjointSets sets = Example();
  const Clustering c = *MakeClustering(sets, KeepPolicy::kFirst, {}, {});
  EXPECT_EQ(c.cluster, (std::vector<uint32_t>{0, 1, 0, 3, 0, 1}));
  EXPECT_EQ(c.kept, (std::vector<uint32_t>{0, 1, 0, 3, 0, 1}));
  EXPECT_EQ(c.clusters_of_two_or_more, 2u);
  EXPECT_EQ(c.removed, 3u);
}

TEST(ClusteringTest, KeepLongestTiesGoToTheFirst) {
  DisjointSets sets = Example();
  const std::vector<uint64_t> lengths = {10, 7, 30, 1, 30, 9};
  const Clustering c = *MakeClustering(sets, KeepPolicy::kLongest, lengths, {});
  EXPECT_EQ(c.kept, (std::vector<uint32_t>{2, 5, 2, 3, 2, 5}));
  EXPECT_EQ(c.removed, 3u);
}

TEST(ClusteringTest, KeepFieldMissingRanksLowest) {
  DisjointSets sets = Example();
  const std::vector<double> numbers = {NAN, NAN, -1.0, 5.0, NAN, NAN};
  const Clustering c = *MakeClustering(sets, KeepPolicy::kField, {}, numbers);
  // {0, 2, 4}: only 2 has a value. {1, 5}: neither: the first.
  EXPECT_EQ(c.kept, (std::vector<uint32_t>{2, 1, 2, 3, 2, 1}));
}

// A chain 0 ~ 1 ~ 2 with 0 !~ 2, and 3 ~ everything.
bool ChainDuplicate(size_t member, size_t kept) {
  const auto a = std::min(member, kept), b = std::max(member, kept);
  if (b == 3) return a == 1;
  return b - a == 1;
}

TEST(JudgeMembersTest, AChainDoesNotRemoveItsFarEnd) {
  std::vector<uint32_t> judged(3);
  ASSERT_OK(JudgeMembers(KeepPolicy::kFirst, {}, {}, ChainDuplicate,
                         absl::MakeSpan(judged)));
  // 1 joins 0; 2 is no duplicate of 0, the only kept member, so it stays.
  EXPECT_EQ(judged, (std::vector<uint32_t>{0, 0, 2}));
}

TEST(JudgeMembersTest, MembersComeBestFirstAndJoinTheFirstKeptTheyMatch) {
  // Longest first: 1 (30), then 0, 2, 3 (10 each, input order).
  const std::vector<uint64_t> lengths = {10, 30, 10, 10};
  std::vector<uint32_t> judged(4);
  ASSERT_OK(JudgeMembers(KeepPolicy::kLongest, lengths, {}, ChainDuplicate,
                         absl::MakeSpan(judged)));
  EXPECT_EQ(judged, (std::vector<uint32_t>{1, 1, 1, 1}));
  // Field: 2 (9) first, then 3 (5), then 0 and 1 (missing).
  const std::vector<double> numbers = {NAN, NAN, 9, 5};
  ASSERT_OK(JudgeMembers(KeepPolicy::kField, {}, numbers, ChainDuplicate,
                         absl::MakeSpan(judged)));
  // 3 !~ 2: kept. 0 !~ 2, !~ 3: kept. 1 ~ 2 (first kept it matches).
  EXPECT_EQ(judged, (std::vector<uint32_t>{0, 2, 2, 3}));
}

TEST(JudgeMembersTest, WithBandsOnlyCandidatesAreCompared) {
  auto everyone = [](size_t, size_t) { return true; };
  // Two bands. 0 and 1 share band 0's key; 2 shares none with 0 or 1.
  const std::vector<uint64_t> keys = {7, 1,  7, 2,  8, 3};
  std::vector<uint32_t> judged(3);
  ASSERT_OK(JudgeMembers(KeepPolicy::kFirst, {}, {}, everyone,
                         absl::MakeSpan(judged), keys, 2));
  EXPECT_EQ(judged, (std::vector<uint32_t>{0, 0, 2}));
  // A key is compared within its band only: 2's band-1 key 7 is not
  // 0's band-0 key 7.
  const std::vector<uint64_t> crossed = {7, 1,  5, 2,  9, 7};
  ASSERT_OK(JudgeMembers(KeepPolicy::kFirst, {}, {}, everyone,
                         absl::MakeSpan(judged), crossed, 2));
  EXPECT_EQ(judged, (std::vector<uint32_t>{0, 1, 2}));
  // Among candidates, still the first kept in keep order: 2 shares a key
  // with both kept members 0 and 1 and joins 0.
  const std::vector<uint64_t> both = {7, 1,  8, 2,  7, 2};
  ASSERT_OK(JudgeMembers(KeepPolicy::kFirst, {}, {},
                         [](size_t m, size_t) { return m == 2; },
                         absl::MakeSpan(judged), both, 2));
  EXPECT_EQ(judged, (std::vector<uint32_t>{0, 1, 0}));
  EXPECT_FALSE(JudgeMembers(KeepPolicy::kFirst, {}, {}, everyone,
                            absl::MakeSpan(judged), both, 3)
                   .ok());
}

TEST(JudgeMembersTest, RefusesSpansOfAnotherLength) {
  std::vector<uint32_t> judged(3);
  const std::vector<uint64_t> two = {1, 2};
  EXPECT_FALSE(JudgeMembers(KeepPolicy::kLongest, two, {}, ChainDuplicate,
                            absl::MakeSpan(judged))
                   .ok());
  EXPECT_FALSE(JudgeMembers(KeepPolicy::kField, {}, {}, ChainDuplicate,
                            absl::MakeSpan(judged))
                   .ok());
}

TEST(MakeJudgedClusteringTest, SplitsAChainIntoClustersAroundKeptRecords) {
  // Component {0, 1, 2, 4} chained 0 ~ 1 ~ 2 ~ 4; 3 alone.
  DisjointSets sets(5);
  sets.Union(0, 1);
  sets.Union(2, 1);
  sets.Union(4, 2);
  auto duplicate = [](uint32_t m, uint32_t k) {
    const uint32_t a = std::min(m, k), b = std::max(m, k);
    return (a == 0 && b == 1) || (a == 1 && b == 2) || (a == 2 && b == 4);
  };
  auto c = MakeJudgedClustering(sets, KeepPolicy::kFirst, {}, {}, duplicate);
  ASSERT_OK(c);
  // 0 kept, 1 joins 0, 2 is kept (!~ 0), 4 joins 2.
  EXPECT_EQ(c->kept, (std::vector<uint32_t>{0, 0, 2, 3, 2}));
  EXPECT_EQ(c->cluster, (std::vector<uint32_t>{0, 0, 2, 3, 2}));
  EXPECT_EQ(c->component, (std::vector<uint32_t>{0, 0, 0, 3, 0}));
  EXPECT_EQ(c->clusters_of_two_or_more, 2u);
  EXPECT_EQ(c->removed, 2u);
  // Every removed member is a duplicate of its kept member.
  for (uint32_t i = 0; i < 5; ++i) {
    if (c->kept[i] != i) EXPECT_TRUE(duplicate(i, c->kept[i])) << i;
  }
}

TEST(MakeJudgedClusteringTest, EveryoneAlikeIsMakeClustering) {
  for (KeepPolicy policy :
       {KeepPolicy::kFirst, KeepPolicy::kLongest, KeepPolicy::kField}) {
    DisjointSets a = Example(), b = Example();
    const std::vector<uint64_t> lengths = {10, 7, 30, 1, 30, 9};
    const std::vector<double> numbers = {NAN, NAN, -1.0, 5.0, NAN, NAN};
    const Clustering plain = *MakeClustering(a, policy, lengths, numbers);
    const Clustering judged = *MakeJudgedClustering(
        b, policy, lengths, numbers, [](uint32_t, uint32_t) { return true; });
    EXPECT_EQ(plain.kept, judged.kept);
    EXPECT_EQ(plain.removed, judged.removed);
    EXPECT_EQ(plain.clusters_of_two_or_more, judged.clusters_of_two_or_more);
  }
}

}  // namespace
}  // namespace neardup
