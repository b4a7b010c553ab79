// Private: the normalizer's ASCII path under the default separator options
// (collapse_whitespace and punctuation_to_space), in a portable loop and an
// SSSE3 kernel, with the state that passes between it and the full path.

#ifndef NEARDUP_TEXT_NORMALIZE_INTERNAL_H_
#define NEARDUP_TEXT_NORMALIZE_INTERNAL_H_

#include <cstddef>
#include <vector>

namespace neardup::internal {

// Under these options an ASCII letter or digit is kept (letters lowered
// when `fold`, digits written as '0' when `zero`); every other ASCII byte
// is a separator: it only makes a space pending, written before the next
// kept byte unless the output is still empty.
struct CollapseOptions {
  bool fold = true;
  bool zero = true;
};

// Where the collapsing path stands. `seg_*`: where the current segment (the
// text since the last ASCII whitespace or typographic separator) started in
// the input and in the output, and the pending space then; the full path
// redoes that segment when it meets a non-ASCII character.
struct CollapseState {
  size_t len = 0;  // bytes written to the output
  bool pending = false;
  size_t seg_in = 0;
  size_t seg_out = 0;
  bool seg_pending = false;
};

// Returns the length of the common typographic separator at p[i] (’ ‘ “ ”
// – — … and NBSP), or 0. Under the default options each of them becomes a
// space, and none takes part in a canonical composition, so like ASCII
// whitespace they end a segment: words with curly apostrophes stay on the
// fast path.
inline int TypographicSeparatorAt(const unsigned char* p, size_t n,
                                  size_t i) {
  if (p[i] == 0xC2) return (i + 1 < n && p[i + 1] == 0xA0) ? 2 : 0;
  if (p[i] != 0xE2 || i + 2 >= n || p[i + 1] != 0x80) return 0;
  const unsigned char c = p[i + 2];
  return ((c >= 0x93 && c <= 0x94) || (c >= 0x98 && c <= 0x9D) || c == 0xA6)
             ? 3
             : 0;
}

// Maps p[i..n) to `out` from state->len on, stepping over typographic
// separators, and returns where it stopped: n, or a non-ASCII byte that
// needs the full path. `out` must have room for n - i + 1 more bytes.
using CollapseAsciiFn = size_t (*)(const unsigned char* p, size_t n, size_t i,
                                   CollapseOptions options,
                                   CollapseState* state, char* out);

// A byte at a time.
size_t CollapseAscii(const unsigned char* p, size_t n, size_t i,
                     CollapseOptions options, CollapseState* state, char* out);

// 16 bytes at a time; needs SSSE3 and POPCNT, and exists only in x86-64
// builds (NEARDUP_X86_KERNELS).
size_t CollapseAsciiSsse3(const unsigned char* p, size_t n, size_t i,
                          CollapseOptions options, CollapseState* state,
                          char* out);

// 64 bytes at a time, then CollapseAsciiSsse3 for the last bytes (fewer
// than 64); needs AVX-512 BW and VBMI2 besides what CollapseAsciiSsse3
// needs, and exists only in x86-64 builds.
size_t CollapseAsciiAvx512(const unsigned char* p, size_t n, size_t i,
                           CollapseOptions options, CollapseState* state,
                           char* out);

// The vector kernels the build and the CPU have, widest first (none: empty).
std::vector<CollapseAsciiFn> VectorCollapseKernels();

// The first of VectorCollapseKernels(), else nullptr.
CollapseAsciiFn FastCollapseAscii();

}  // namespace neardup::internal

#endif  // NEARDUP_TEXT_NORMALIZE_INTERNAL_H_
