// Fuzz target: segmentation into lines, paragraphs, sentences and words.
// Every span lies inside the text, spans come in order without
// overlapping, and each kind keeps its own promise (a line holds no line
// break, a paragraph is not blank, a word is not empty).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "neardup/text.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

void CheckOrdered(const std::vector<neardup::TextSpan>& spans,
                  std::string_view text, bool allow_empty) {
  size_t last_end = 0;
  for (const neardup::TextSpan& s : spans) {
    FUZZ_CHECK(s.begin <= s.end);
    FUZZ_CHECK(s.end <= text.size());
    FUZZ_CHECK(s.begin >= last_end);
    FUZZ_CHECK(allow_empty || s.begin < s.end);
    last_end = s.end;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto lines = neardup::SplitLines(text);
  CheckOrdered(lines, text, /*allow_empty=*/true);
  for (const auto& line : lines) {
    FUZZ_CHECK(line.In(text).find('\n') == std::string_view::npos);
  }
  FUZZ_CHECK(text.empty() == lines.empty());

  const auto paragraphs = neardup::SplitParagraphs(text);
  CheckOrdered(paragraphs, text, /*allow_empty=*/false);
  for (const auto& p : paragraphs) {
    FUZZ_CHECK(!neardup::IsBlankLine(p.In(text)));
  }
  CheckOrdered(neardup::SplitSentences(text), text, /*allow_empty=*/false);
  CheckOrdered(neardup::SplitWords(text), text, /*allow_empty=*/false);
  return 0;
}
