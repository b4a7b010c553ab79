// Private: the normalizer's ASCII path under the default separator options
// (collapse_whitespace and punctuation_to_space), in a portable loop and an
// SSSE3 kernel, with the state that passes between it and the full path.

#ifndef NEARDUP_TEXT_NORMALIZE_INTERNAL_H_
#define NEARDUP_TEXT_NORMALIZE_INTERNAL_H_

#include <bit>
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
static inline int TypographicSeparatorAt(const unsigned char* p, size_t n,
                                         size_t i) {
  if (p[i] == 0xC2) return (i + 1 < n && p[i + 1] == 0xA0) ? 2 : 0;
  if (p[i] != 0xE2 || i + 2 >= n || p[i + 1] != 0x80) return 0;
  const unsigned char c = p[i + 2];
  return ((c >= 0x93 && c <= 0x94) || (c >= 0x98 && c <= 0x9D) || c == 0xA6)
             ? 3
             : 0;
}

// The vector kernels' common steps, `static`: each kernel's file is
// compiled for its own instruction set (SSSE3, AVX-512), and a copy with
// external linkage could be the one the linker keeps for every caller.
// They write the space due before a kept
// byte ahead, at the first separator after a letter or digit;
// `after_separator` says the last byte consumed was a separator (or the
// space was pending on entry), its space, if due, written already.

// Starts a kernel from `s`: writes ahead the space pending on entry.
static inline bool StartVectorCollapse(CollapseState* s, char* out) {
  if (s->pending && s->len != 0) out[s->len++] = ' ';
  return s->pending;
}

// At p[i], a non-ASCII byte where a kernel stopped: steps over the
// typographic separator there (a space, a new segment) and returns true,
// or returns false when it is none (the full path takes over).
static inline bool StepOverSeparator(const unsigned char* p, size_t n,
                                     size_t* i, bool* after_separator,
                                     CollapseState* s, char* out) {
  const int separator = TypographicSeparatorAt(p, n, *i);
  if (separator == 0) return false;
  if (!*after_separator && s->len != 0) out[s->len++] = ' ';
  *after_separator = true;
  *i += static_cast<size_t>(separator);
  s->seg_in = *i;
  s->seg_out = s->len;
  s->seg_pending = true;
  return true;
}

// One step of a kernel over kBits bytes starting at input offset i, the
// first `take` of them consumed: `keep` and `whitespace` have bit k set for
// byte k a letter or digit, or ASCII whitespace. Returns the bytes to write
// (a kept byte, or a separator right after one: its space written ahead),
// and moves the segment start past the last whitespace byte taken.
template <typename Mask, size_t kBits>
static Mask StepMask(Mask keep, Mask whitespace, size_t take, size_t i,
                     bool* after_separator, CollapseState* s) {
  const Mask all = static_cast<Mask>(~Mask{0} >> (8 * sizeof(Mask) - kBits));
  const Mask in =
      take >= kBits ? all : static_cast<Mask>((Mask{1} << take) - 1);
  keep &= in;
  whitespace &= in;
  const Mask follows_kept = static_cast<Mask>(
      (keep << 1) | ((*after_separator || s->len == 0) ? 0u : 1u));
  const Mask emit = keep | (~keep & in & follows_kept);
  if (whitespace != 0) {
    // The segment starts after the last whitespace byte; its output counts
    // a space written ahead until the end (EndVectorCollapse). 2 << 63 is
    // 0 in 64 bits: every bit.
    const int last = static_cast<int>(8 * sizeof(Mask)) - 1 -
                     std::countl_zero(whitespace);
    s->seg_in = i + static_cast<size_t>(last) + 1;
    const Mask through_last = static_cast<Mask>((Mask{2} << last) - 1);
    s->seg_out =
        s->len + static_cast<size_t>(std::popcount(
                     static_cast<Mask>(emit & through_last)));
    s->seg_pending = true;
  }
  if (take != 0) *after_separator = ((keep >> (take - 1)) & 1) == 0;
  return emit;
}

// Ends a kernel: the segment's output ends before a space written ahead
// (kept bytes are never ' '; on entry s->seg_out was taken where the
// output ended in a kept byte, so this leaves it as it was), and a space
// written ahead of a kept byte that never came is taken back.
static inline void EndVectorCollapse(bool after_separator,
                                     CollapseState* s, const char* out) {
  if (s->seg_out != 0 && out[s->seg_out - 1] == ' ') --s->seg_out;
  s->pending = after_separator;
  if (after_separator && s->len != 0 && out[s->len - 1] == ' ') --s->len;
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
