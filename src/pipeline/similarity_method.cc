// The table of similarity methods and what all methods share
// (similarity_method.h); the names of DedupMethod (pipeline.h).

#include "pipeline/similarity_method.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "pipeline/json_writer.h"

namespace neardup {
namespace internal {

const SimilarityMethod* SimilarityMethod::Find(DedupMethod method) {
  for (const SimilarityMethod* m : All()) {
    if (m->id() == method) return m;
  }
  return nullptr;
}

const SimilarityMethod& SimilarityMethod::Of(DedupMethod method) {
  const SimilarityMethod* m = Find(method);
  return m == nullptr ? MinHashMethod() : *m;
}

absl::Span<const SimilarityMethod* const> SimilarityMethod::All() {
  // In the order of DedupMethod; a new method adds its line here.
  static const SimilarityMethod* const kMethods[] = {
      &MinHashMethod(),
      &SimHashMethod(),
      &ExactMethod(),
  };
  return kMethods;
}

void SimilarityMethod::WriteSimilarity(double similarity, JsonWriter* j) const {
  if (reports_distance()) {
    j->Int(static_cast<int>(similarity));
  } else {
    j->Fixed(similarity, 4);
  }
}

double SimilarityMethod::Shown(double similarity) const {
  return reports_distance() ? std::floor(similarity)
                            : std::round(similarity * 1e4) / 1e4;
}

std::string SimilarityMethod::ExplainIndexMatch(double similarity,
                                                const DedupOptions& o) const {
  char buf[96];
  std::snprintf(buf, sizeof(buf), "similarity %g, threshold %g", similarity,
                o.threshold);
  return buf;
}

SketchColumns SketchColumns::Rows(absl::Span<const uint32_t> rows,
                                  size_t num_perm) {
  SketchColumns c;
  c.num_perm = num_perm;
  c.size = num_perm == 0 ? 0 : rows.size() / num_perm;
  c.chunk_docs = std::max<size_t>(c.size, 1);
  c.chunks.push_back(rows.data());
  return c;
}

SketchColumns SketchColumns::Keys(absl::Span<const uint64_t> keys) {
  SketchColumns c;
  c.size = keys.size();
  c.keys = keys;
  return c;
}

std::string MethodNamesText() {
  std::string names;
  const auto all = SimilarityMethod::All();
  for (size_t i = 0; i < all.size(); ++i) {
    if (i > 0) names += i + 1 == all.size() ? " or " : ", ";
    names += all[i]->name();
  }
  return names;
}

bool IsDuplicate(const DedupOptions& o, const Likeness& like) {
  return SimilarityMethod::Of(o.method).Accepts(o, like);
}

}  // namespace internal

const char* DedupMethodName(DedupMethod method) {
  const internal::SimilarityMethod* m = internal::SimilarityMethod::Find(method);
  return m == nullptr ? "unknown" : m->name();
}

absl::StatusOr<DedupMethod> ParseDedupMethod(std::string_view text) {
  for (const internal::SimilarityMethod* m : internal::SimilarityMethod::All()) {
    if (text == m->name()) return m->id();
  }
  return absl::InvalidArgumentError("method must be " +
                                    internal::MethodNamesText() + ", got \"" +
                                    std::string(text) + "\"");
}

int DefaultShingleSize(DedupMethod method) {
  const internal::SimilarityMethod* m = internal::SimilarityMethod::Find(method);
  return m == nullptr ? ShingleOptions{}.n : m->default_shingle_size();
}

}  // namespace neardup
