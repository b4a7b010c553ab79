// What every cleaning rule's cuts share, whichever rule made them: the
// names of their reasons, and merging the cuts of two rules.

#include <algorithm>
#include <vector>

#include "neardup/clean.h"

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

}  // namespace neardup
