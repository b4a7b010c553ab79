// AppendJsonString: JSON string literals that are always valid JSON.

#include <cstdint>
#include <string>
#include <string_view>

#include "neardup/io.h"
#include "text/utf8_internal.h"

namespace neardup {
namespace {

// 0: copy as is; 1: escape; 2: a byte >= 0x80 (decode as UTF-8).
constexpr uint8_t kEscape = 1;
constexpr uint8_t kHigh = 2;

struct ByteClasses {
  uint8_t c[256] = {};
  constexpr ByteClasses() {
    for (int i = 0; i < 0x20; ++i) c[i] = kEscape;
    c[static_cast<unsigned char>('"')] = kEscape;
    c[static_cast<unsigned char>('\\')] = kEscape;
    for (int i = 0x80; i < 0x100; ++i) c[i] = kHigh;
  }
};
constexpr ByteClasses kClasses;

void AppendEscape(unsigned char c, std::string* out) {
  switch (c) {
    case '"':
      out->append("\\\"");
      return;
    case '\\':
      out->append("\\\\");
      return;
    case '\b':
      out->append("\\b");
      return;
    case '\f':
      out->append("\\f");
      return;
    case '\n':
      out->append("\\n");
      return;
    case '\r':
      out->append("\\r");
      return;
    case '\t':
      out->append("\\t");
      return;
    default: {
      static const char kHex[] = "0123456789abcdef";
      const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out->append(esc, 6);
      return;
    }
  }
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->reserve(out->size() + s.size() + 2);
  out->push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t run = 0;  // start of the bytes not yet appended
  size_t i = 0;
  while (i < n) {
    const uint8_t cls = kClasses.c[p[i]];
    if (cls == 0) {
      ++i;
      continue;
    }
    if (cls == kEscape) {
      out->append(s.data() + run, i - run);
      AppendEscape(p[i], out);
      run = ++i;
      continue;
    }
    int32_t cp;
    const int len = internal::DecodeUtf8(p + i, n - i, &cp);
    if (cp == internal::kInvalidCodepoint) {
      out->append(s.data() + run, i - run);
      out->append("\xEF\xBF\xBD");  // U+FFFD for each maximal subpart
      i += len;
      run = i;
    } else {
      i += len;
    }
  }
  out->append(s.data() + run, n - run);
  out->push_back('"');
}

}  // namespace neardup
