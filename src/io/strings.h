// Private to the io layer: string concatenation for messages. (Debian's
// Abseil is built with its own absl::string_view, which absl::StrCat takes
// but std::string_view does not convert to.)

#ifndef NEARDUP_IO_STRINGS_H_
#define NEARDUP_IO_STRINGS_H_

#include <string>
#include <string_view>
#include <type_traits>

namespace neardup::internal {

inline void AppendPiece(std::string* out, std::string_view s) {
  out->append(s);
}

template <typename T>
requires(std::is_integral_v<T> && !std::is_same_v<T, char> &&
         !std::is_same_v<T, bool>) void AppendPiece(std::string* out, T value) {
  out->append(std::to_string(value));
}

// Returns the largest n <= max (and <= text.size()) such that text[0, n)
// does not end inside a UTF-8 sequence: the cut backs off over at most
// three continuation bytes (ill-formed text is cut at max).
inline size_t Utf8CutPoint(std::string_view text, size_t max) {
  if (max >= text.size()) return text.size();
  size_t n = max;
  for (int back = 0; back < 3 && n > 0; ++back) {
    if ((static_cast<unsigned char>(text[n]) & 0xC0) != 0x80) return n;
    --n;
  }
  return (static_cast<unsigned char>(text[n]) & 0xC0) != 0x80 ? n : max;
}

// Returns the concatenation of strings and integers (in decimal).
template <typename... Pieces>
std::string Cat(const Pieces&... pieces) {
  std::string out;
  (AppendPiece(&out, pieces), ...);
  return out;
}

}  // namespace neardup::internal

#endif  // NEARDUP_IO_STRINGS_H_
