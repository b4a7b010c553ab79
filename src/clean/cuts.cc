// What every cleaning rule's cuts share, whichever rule made them: the
// names of their reasons, merging the cuts of two rules, checking them and
// applying them to the text.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "neardup/clean.h"
#include "neardup/text.h"

namespace neardup {

const char* CutReasonName(CutReason reason) {
  switch (reason) {
    case CutReason::kRepeatedBlock:
      return "repeated_block";
    case CutReason::kRepeatedLine:
      return "repeated_line";
    case CutReason::kBoilerplate:
      return "boilerplate";
    case CutReason::kSyndicated:
      return "syndicated";
  }
  return "unknown";
}

std::vector<Cut> MergeCuts(std::vector<Cut> a, std::vector<Cut> b) {
  a.insert(a.end(), b.begin(), b.end());
  std::stable_sort(a.begin(), a.end(), [](const Cut& x, const Cut& y) {
    return x.begin < y.begin || (x.begin == y.begin && x.end > y.end);
  });
  std::vector<Cut> out;
  for (Cut c : a) {
    if (!out.empty() && c.begin < out.back().end) {
      if (c.end <= out.back().end) continue;  // inside the previous cut
      c.begin = out.back().end;               // trim the overlap
    }
    out.push_back(c);
  }
  return out;
}

absl::Status ValidateCuts(size_t text_size, absl::Span<const Cut> cuts) {
  for (size_t i = 0; i < cuts.size(); ++i) {
    const Cut& c = cuts[i];
    if (c.begin > c.end || c.end > text_size) {
      return absl::InvalidArgumentError(
          "cut " + std::to_string(i) + " [" + std::to_string(c.begin) + ", " +
          std::to_string(c.end) + ") is " +
          (c.begin > c.end ? "inverted"
                           : "past the end of a text of " +
                                 std::to_string(text_size) + " bytes"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ApplyCuts(std::string_view text,
                                      absl::Span<const Cut> cuts) {
  if (auto s = ValidateCuts(text.size(), cuts); !s.ok()) return s;
  std::vector<TextSpan> spans;
  spans.reserve(cuts.size());
  for (const Cut& c : cuts) spans.push_back({c.begin, c.end});
  const bool disjoint_in_order =
      std::adjacent_find(spans.begin(), spans.end(),
                         [](const TextSpan& a, const TextSpan& b) {
                           return b.begin < a.end;
                         }) == spans.end();
  if (!disjoint_in_order) {
    std::sort(spans.begin(), spans.end(),
              [](const TextSpan& a, const TextSpan& b) {
                return a.begin < b.begin;
              });
  }
  std::string out;
  out.reserve(text.size());
  size_t at = 0;  // bytes before `at` are copied or cut
  for (const TextSpan& c : spans) {
    if (c.begin > at) out.append(text.substr(at, c.begin - at));
    at = std::max(at, c.end);
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace neardup
