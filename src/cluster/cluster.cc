// Union-find and the keep policies.

#include "neardup/cluster.h"

#include <cassert>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "neardup/internal/dedup_stages.h"

namespace neardup {

absl::StatusOr<DisjointSets> DisjointSets::Create(size_t n) {
  if (n > kMaxSize) {
    return absl::InvalidArgumentError(
        "DisjointSets: n = " + std::to_string(n) +
        " is more documents than 32-bit numbers can name (at most " +
        std::to_string(kMaxSize) + ")");
  }
  return DisjointSets(n);
}

DisjointSets::DisjointSets(size_t n)
    : parent_(n) {
  assert(n <= kMaxSize);
  std::iota(parent_.begin(), parent_.end(), 0u);
}

uint32_t DisjointSets::Find(uint32_t x) {
  assert(x < parent_.size());
  uint32_t root = x;
  while (parent_[root] != root) {
    parent_[root] = parent_[parent_[root]];  // path halving
    root = parent_[root];
  }
  return root;
}

bool DisjointSets::Union(uint32_t a, uint32_t b) {
  assert(a < parent_.size() && b < parent_.size());
  auto root = [this](uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  };
  uint32_t ra = root(a), rb = root(b);
  if (ra == rb) return false;
  // The smaller root stays root, so a set's root is its smallest member.
  if (rb < ra) std::swap(ra, rb);
  parent_[rb] = ra;
  return true;
}

absl::Status DisjointSets::CheckMember(uint64_t x,
                                       std::string_view name) const {
  if (x < parent_.size()) return absl::OkStatus();
  return absl::OutOfRangeError("DisjointSets: " + std::string(name) + " = " +
                               std::to_string(x) + " is not a member of [0, " +
                               std::to_string(parent_.size()) + ")");
}

absl::StatusOr<uint32_t> DisjointSets::CheckedFind(uint64_t x) {
  if (auto s = CheckMember(x, "x"); !s.ok()) return s;
  return Find(static_cast<uint32_t>(x));
}

absl::StatusOr<bool> DisjointSets::CheckedUnion(uint64_t a, uint64_t b) {
  if (auto s = CheckMember(a, "a"); !s.ok()) return s;
  if (auto s = CheckMember(b, "b"); !s.ok()) return s;
  return Union(static_cast<uint32_t>(a), static_cast<uint32_t>(b));
}

bool internal::KeepsOver(KeepPolicy policy, uint64_t length, double number,
               uint64_t best_length, double best_number) {
  switch (policy) {
    case KeepPolicy::kFirst:
      return false;
    case KeepPolicy::kLongest:
      return length > best_length;
    case KeepPolicy::kField:
      return !std::isnan(number) &&
             (std::isnan(best_number) || number > best_number);
  }
  return false;
}

absl::StatusOr<KeepPolicy> ParseKeepPolicy(std::string_view text,
                                           std::string* field) {
  if (field == nullptr) {
    return absl::InvalidArgumentError("ParseKeepPolicy: field is null");
  }
  if (text == "first") return KeepPolicy::kFirst;
  if (text == "longest") return KeepPolicy::kLongest;
  if (text.substr(0, 6) == "field:" && text.size() > 6) {
    *field = std::string(text.substr(6));
    return KeepPolicy::kField;
  }
  return absl::InvalidArgumentError(
      "keep policy must be first, longest or field:NAME, got \"" +
      std::string(text) + "\"");
}

absl::StatusOr<Clustering> MakeClustering(DisjointSets& sets,
                                          KeepPolicy policy,
                                          absl::Span<const uint64_t> lengths,
                                          absl::Span<const double> numbers) {
  const size_t n = sets.size();
  auto check = [n](size_t size, bool needed,
                   const char* name) -> absl::Status {
    if (size == n || (size == 0 && !needed)) return absl::OkStatus();
    return absl::InvalidArgumentError(
        std::string("MakeClustering: ") + name + " has " +
        std::to_string(size) + " values for " + std::to_string(n) +
        " documents" + (needed ? " (the keep policy uses it)" : ""));
  };
  if (auto s = check(lengths.size(), policy == KeepPolicy::kLongest,
                     "lengths");
      !s.ok()) {
    return s;
  }
  if (auto s = check(numbers.size(), policy == KeepPolicy::kField, "numbers");
      !s.ok()) {
    return s;
  }
  Clustering c;
  c.cluster.resize(n);
  c.kept.resize(n);
  std::vector<uint32_t> members(n, 0);
  // Documents are visited in order, so the first candidate seen for a
  // cluster is its first member and later ones replace it only when
  // strictly better: ties keep the earliest.
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t root = sets.Find(i);
    c.cluster[i] = root;
    ++members[root];
    if (root == i) {
      c.kept[root] = i;
      continue;
    }
    const uint32_t best = c.kept[root];
    const bool better =
        internal::KeepsOver(policy, lengths.empty() ? 0 : lengths[i],
                  numbers.empty() ? NAN : numbers[i],
                  lengths.empty() ? 0 : lengths[best],
                  numbers.empty() ? NAN : numbers[best]);
    if (better) c.kept[root] = i;
  }
  c.component = c.cluster;
  for (uint32_t i = 0; i < n; ++i) {
    c.kept[i] = c.kept[c.cluster[i]];
    if (c.kept[i] != i) ++c.removed;
    if (c.cluster[i] == i && members[i] >= 2) ++c.clusters_of_two_or_more;
  }
  return c;
}

absl::Status JudgeMembers(KeepPolicy policy,
                          absl::Span<const uint64_t> lengths,
                          absl::Span<const double> numbers,
                          absl::FunctionRef<bool(size_t, size_t)> duplicate,
                          absl::Span<uint32_t> judged,
                          absl::Span<const uint64_t> band_keys, size_t bands) {
  const size_t n = judged.size();
  if (bands > 0 && band_keys.size() != n * bands) {
    return absl::InvalidArgumentError(
        "JudgeMembers: " + std::to_string(band_keys.size()) +
        " band keys for " + std::to_string(n) + " members of " +
        std::to_string(bands) + " bands");
  }
  const bool need_lengths = policy == KeepPolicy::kLongest;
  const bool need_numbers = policy == KeepPolicy::kField;
  if ((lengths.size() != n && (need_lengths || !lengths.empty())) ||
      (numbers.size() != n && (need_numbers || !numbers.empty()))) {
    return absl::InvalidArgumentError(
        "JudgeMembers: " + std::to_string(judged.size()) + " members but " +
        std::to_string(lengths.size()) + " lengths and " +
        std::to_string(numbers.size()) + " numbers");
  }
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  if (policy != KeepPolicy::kFirst) {
    // KeepsOver is a strict weak order, and the sort is stable: ties stay
    // in input order.
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return internal::KeepsOver(policy, need_lengths ? lengths[a] : 0,
                       need_numbers ? numbers[a] : NAN,
                       need_lengths ? lengths[b] : 0,
                       need_numbers ? numbers[b] : NAN);
    });
  }
  std::vector<uint32_t> kept;
  if (bands == 0) {
    for (uint32_t m : order) {
      judged[m] = m;
      for (uint32_t k : kept) {
        if (duplicate(m, k)) {
          judged[m] = k;
          break;
        }
      }
      if (judged[m] == m) kept.push_back(m);
    }
    return absl::OkStatus();
  }
  // Per band: key -> the kept members with it, by their rank in `kept`.
  std::vector<std::unordered_map<uint64_t, std::vector<uint32_t>>> index(bands);
  std::vector<uint32_t> candidates;
  for (uint32_t m : order) {
    judged[m] = m;
    candidates.clear();
    for (size_t b = 0; b < bands; ++b) {
      const auto it = index[b].find(band_keys[m * bands + b]);
      if (it == index[b].end()) continue;
      candidates.insert(candidates.end(), it->second.begin(), it->second.end());
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()),
                     candidates.end());
    for (uint32_t rank : candidates) {
      if (duplicate(m, kept[rank])) {
        judged[m] = kept[rank];
        break;
      }
    }
    if (judged[m] != m) continue;
    const auto rank = static_cast<uint32_t>(kept.size());
    kept.push_back(m);
    for (size_t b = 0; b < bands; ++b) {
      index[b][band_keys[m * bands + b]].push_back(rank);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Clustering> MakeJudgedClustering(
    DisjointSets& sets, KeepPolicy policy, absl::Span<const uint64_t> lengths,
    absl::Span<const double> numbers,
    absl::FunctionRef<bool(uint32_t, uint32_t)> duplicate, size_t bands,
    const std::function<uint64_t(uint32_t, size_t)>& band_key) {
  if (bands > 0 && !band_key) {
    return absl::InvalidArgumentError(
        "MakeJudgedClustering: bands without band_key");
  }
  absl::StatusOr<Clustering> made =
      MakeClustering(sets, policy, lengths, numbers);
  if (!made.ok()) return made.status();
  Clustering& c = *made;
  const size_t n = sets.size();
  // Members of each component, in input order (a counting sort by root).
  std::vector<uint32_t> start(n + 1, 0);
  for (uint32_t i = 0; i < n; ++i) ++start[c.component[i] + 1];
  for (size_t i = 0; i < n; ++i) start[i + 1] += start[i];
  std::vector<uint32_t> members(n);
  {
    std::vector<uint32_t> next(start.begin(), start.end() - 1);
    for (uint32_t i = 0; i < n; ++i) members[next[c.component[i]]++] = i;
  }
  std::vector<uint64_t> member_lengths;
  std::vector<double> member_numbers;
  std::vector<uint32_t> judged;
  std::vector<uint64_t> keys;
  for (uint32_t root = 0; root < n; ++root) {
    const uint32_t begin = start[root], end = start[root + 1];
    if (end - begin < 2) continue;
    const auto group = absl::MakeConstSpan(members).subspan(begin, end - begin);
    member_lengths.clear();
    member_numbers.clear();
    for (uint32_t d : group) {
      if (!lengths.empty()) member_lengths.push_back(lengths[d]);
      if (!numbers.empty()) member_numbers.push_back(numbers[d]);
    }
    judged.assign(group.size(), 0);
    keys.clear();
    for (uint32_t d : group) {
      for (size_t b = 0; b < bands; ++b) keys.push_back(band_key(d, b));
    }
    if (auto s = JudgeMembers(
            policy, member_lengths, member_numbers,
            [&](size_t m, size_t k) { return duplicate(group[m], group[k]); },
            absl::MakeSpan(judged), keys, bands);
        !s.ok()) {
      return s;
    }
    for (size_t j = 0; j < group.size(); ++j) c.kept[group[j]] = group[judged[j]];
  }
  // A cluster is named by its smallest member: members come in input order.
  std::vector<uint32_t> first(n, UINT32_MAX);
  std::vector<uint32_t> size(n, 0);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t& f = first[c.kept[i]];
    if (f == UINT32_MAX) f = i;
    c.cluster[i] = f;
    ++size[f];
  }
  c.removed = 0;
  c.clusters_of_two_or_more = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (c.kept[i] != i) ++c.removed;
    if (c.cluster[i] == i && size[i] >= 2) ++c.clusters_of_two_or_more;
  }
  return c;
}

}  // namespace neardup
