// UTF-8 validation and repair.

#include <cstring>
#include <string>
#include <string_view>

#include "neardup/text.h"
#include "simdjson.h"
#include "text/utf8_internal.h"

namespace neardup {
namespace {

// Texts at least this long are checked by simdjson first.
constexpr size_t kVectorValidationBytes = 64;

// Returns the length of the ASCII prefix of p[0 .. n), 8 bytes at a time.
size_t AsciiPrefix(const unsigned char* p, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    if (word & 0x8080808080808080ull) break;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

}  // namespace

size_t FindInvalidUtf8(std::string_view text) {
  // Almost every text is valid: simdjson's validator (vectors of 16 to 64
  // bytes, the widest the CPU has) says so at several bytes a cycle; the
  // loop below finds where an invalid one goes wrong. Below a few vectors
  // the loop alone is as quick.
  if (text.size() >= kVectorValidationBytes &&
      simdjson::validate_utf8(text.data(), text.size())) {
    return text.size();
  }
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    i += AsciiPrefix(p + i, n - i);
    if (i >= n) break;
    int32_t cp;
    const int len = internal::DecodeUtf8(p + i, n - i, &cp);
    if (cp == internal::kInvalidCodepoint) return i;
    i += len;
  }
  return n;
}

bool IsValidUtf8(std::string_view text) {
  return FindInvalidUtf8(text) == text.size();
}

size_t RepairUtf8(std::string_view text, std::string* out) {
  out->clear();
  size_t first_bad = FindInvalidUtf8(text);
  if (first_bad == text.size()) {
    out->assign(text);
    return 0;
  }
  out->reserve(text.size() + 16);
  out->append(text.substr(0, first_bad));
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t repaired = 0;
  size_t i = first_bad;
  while (i < n) {
    int32_t cp;
    const int len = internal::DecodeUtf8(p + i, n - i, &cp);
    if (cp == internal::kInvalidCodepoint) {
      out->append("\xEF\xBF\xBD");
      ++repaired;
    } else {
      out->append(text.data() + i, len);
    }
    i += len;
  }
  return repaired;
}

}  // namespace neardup
