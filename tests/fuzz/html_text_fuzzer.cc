// Fuzz target: the HTML-to-text pass of WARC response records. Any bytes
// in; the text has no trailing line break, no run of two blank lines, and
// is valid UTF-8 whenever the page was (character references decode to
// valid UTF-8).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "io/html_text.h"
#include "neardup/text.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view html(reinterpret_cast<const char*>(data), size);
  std::string text;
  neardup::internal::HtmlToText(html, &text);
  FUZZ_CHECK(text.empty() || text.back() != '\n');
  FUZZ_CHECK(text.find("\n\n\n") == std::string::npos);
  if (neardup::IsValidUtf8(html)) FUZZ_CHECK(neardup::IsValidUtf8(text));
  std::string again = "stale";
  neardup::internal::HtmlToText(html, &again);
  FUZZ_CHECK(again == text);
  return 0;
}
