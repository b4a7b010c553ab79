// Text normalization: a table-driven path for ASCII and a utf8proc path for
// everything else, with the same result on ASCII text.
//
// Why the two paths agree: the text is cut into segments at ASCII whitespace.
// Whitespace is a starter that never composes with a neighbour, so NFKC,
// case folding and accent stripping of each segment alone equal those of the
// whole text. A segment that is all ASCII is mapped by table (NFKC of ASCII is
// the identity and case folding is lowercasing); any other segment goes to
// utf8proc. Long segments without ASCII whitespace (CJK, Thai) are cut
// further before letters of combining class 0 that can never be the second
// half of a canonical composition, so the scratch buffers stay small.

#include <algorithm>
#include <string>
#include <string_view>

#include "neardup/text.h"
#include "text/normalize_internal.h"
#include "text/utf8_internal.h"
#include "utf8proc.h"

namespace neardup {
namespace {

// Segments longer than this are cut at safe points (see above).
constexpr size_t kMaxSegmentBytes = 256;
// Longest run of non-starters kept together in a long segment.
constexpr int kMaxNonStarters = 30;

bool IsLetterCategory(int category) {
  return category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO;
}

// Hangul jamo in any block: conjoining (U+1100..11FF, A960..A97F,
// D7B0..D7FF), compatibility (3130..318F) and half-width (FFA0..FFDC), whose
// NFKC forms are conjoining jamo that compose with what precedes them.
bool IsHangulJamo(int32_t cp) {
  return (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F) ||
         (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xD7B0 && cp <= 0xD7FF) ||
         (cp >= 0xFFA0 && cp <= 0xFFDC);
}

// True if NFKC can never combine `cp` with what precedes it. Only letters
// of combining class 0 qualify, and only when the first code point of
// their compatibility decomposition is one too (U+FF9E HALFWIDTH KATAKANA
// VOICED SOUND MARK is a letter that decomposes to a combining mark), and
// none of them is a Hangul jamo (the only letters that are the second half
// of a canonical composition).
bool IsSafeCutBefore(int32_t cp) {
  if (cp < 0x80) return true;  // never the second half of a composition
  if (IsHangulJamo(cp)) return false;
  const utf8proc_property_t* prop = utf8proc_get_property(cp);
  if (!IsLetterCategory(prop->category) || prop->combining_class != 0) {
    return false;
  }
  utf8proc_int32_t decomposed[32];
  int boundclass = UTF8PROC_BOUNDCLASS_START;
  const utf8proc_ssize_t count = utf8proc_decompose_char(
      cp, decomposed, 32,
      static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE),
      &boundclass);
  if (count < 1 || count > 32) return false;
  const int32_t first = decomposed[0];
  if (first == cp) return true;
  if (first < 0x80) return true;
  if (IsHangulJamo(first)) return false;
  const utf8proc_property_t* first_prop = utf8proc_get_property(first);
  return IsLetterCategory(first_prop->category) &&
         first_prop->combining_class == 0;
}

}  // namespace

Normalizer::Normalizer(const NormalizeOptions& options)
    : options_(options),
      fast_separators_(options.collapse_whitespace &&
                       options.punctuation_to_space) {
  for (int c = 0; c < 128; ++c) {
    char mapped = static_cast<char>(c);
    uint8_t cls = kKeep;
    if (internal::IsAsciiSpace(static_cast<unsigned char>(c))) {
      cls = kWhitespace;
    } else if (c < 0x20 || c == 0x7F) {
      cls = kSpace;  // other control characters
    } else if (c >= 'A' && c <= 'Z') {
      if (options_.case_fold) mapped = static_cast<char>(c + ('a' - 'A'));
    } else if (c >= '0' && c <= '9') {
      if (options_.digits_to_zero) mapped = '0';
    } else if (!(c >= 'a' && c <= 'z')) {
      // Every other printable ASCII character is punctuation (P*) or a
      // currency, math or modifier symbol (Sc, Sm, Sk).
      if (options_.punctuation_to_space) cls = kSpace;
    }
    ascii_class_[c] = cls;
    ascii_map_[c] = mapped;
  }
}

void Normalizer::Reserve(size_t bytes) {
  if (out_->size() < out_len_ + bytes) {
    out_->resize(std::max(out_->size() * 2, out_len_ + bytes));
  }
}

void Normalizer::EmitSpace(char literal) {
  if (options_.collapse_whitespace) {
    pending_space_ = true;
  } else {
    (*out_)[out_len_++] = literal;
  }
}

// Requires room for 5 bytes (Reserve): a pending space and 4 of UTF-8.
void Normalizer::EmitCodepoint(int32_t cp) {
  char* out = out_->data();
  if (cp < 0x80) {
    const unsigned char c = static_cast<unsigned char>(cp);
    switch (ascii_class_[c]) {
      case kWhitespace:
        EmitSpace(static_cast<char>(c));
        return;
      case kSpace:
        EmitSpace(' ');
        return;
      default:
        if (pending_space_) {
          if (out_len_ > 0) out[out_len_++] = ' ';
          pending_space_ = false;
        }
        out[out_len_++] = ascii_map_[c];
        return;
    }
  }
  const int category = utf8proc_category(cp);
  if (internal::IsUnicodeSpace(cp)) {
    if (options_.collapse_whitespace) {
      pending_space_ = true;
    } else {
      out_len_ += internal::EncodeUtf8(cp, out + out_len_);
    }
    return;
  }
  if (category == UTF8PROC_CATEGORY_CC) {
    EmitSpace(' ');
    return;
  }
  if (options_.punctuation_to_space &&
      ((category >= UTF8PROC_CATEGORY_PC && category <= UTF8PROC_CATEGORY_PO) ||
       category == UTF8PROC_CATEGORY_SM || category == UTF8PROC_CATEGORY_SC ||
       category == UTF8PROC_CATEGORY_SK)) {
    EmitSpace(' ');
    return;
  }
  if (options_.digits_to_zero && category == UTF8PROC_CATEGORY_ND) cp = '0';
  if (pending_space_) {
    if (out_len_ > 0) out[out_len_++] = ' ';
    pending_space_ = false;
  }
  out_len_ += internal::EncodeUtf8(cp, out + out_len_);
}

void Normalizer::NormalizeSegment(std::string_view segment) {
  if (segment.empty()) return;
  // Decomposition (with canonical ordering) first; composition after the
  // marks are stripped. utf8proc rejects COMPOSE and DECOMPOSE together.
  int decompose_options = 0;
  int compose_options = 0;
  if (options_.nfkc) decompose_options |= UTF8PROC_COMPAT | UTF8PROC_IGNORE;
  if (options_.nfkc || options_.strip_accents) {
    decompose_options |= UTF8PROC_STABLE | UTF8PROC_DECOMPOSE;
    compose_options = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
  }
  if (options_.case_fold) decompose_options |= UTF8PROC_CASEFOLD;
  // The segment is valid UTF-8 here (NormalizeWellFormed checked it).
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(segment.data());
  if (codepoints_.size() < segment.size() + 8) {
    codepoints_.resize(segment.size() * 2 + 8);
  }
  utf8proc_ssize_t count;
  for (;;) {
    count = utf8proc_decompose_custom(
        bytes, static_cast<utf8proc_ssize_t>(segment.size()),
        codepoints_.data(), static_cast<utf8proc_ssize_t>(codepoints_.size()),
        static_cast<utf8proc_option_t>(decompose_options), nullptr, nullptr);
    if (count < 0) {
      // Cannot happen on repaired input; keep the bytes visible rather than
      // dropping them.
      Reserve(5 * segment.size());
      for (size_t k = 0; k < segment.size(); ++k) {
        EmitCodepoint(internal::kReplacementChar);
      }
      return;
    }
    if (static_cast<size_t>(count) <= codepoints_.size()) break;
    codepoints_.resize(static_cast<size_t>(count) + 8);
  }
  if (options_.strip_accents) {
    utf8proc_ssize_t kept = 0;
    for (utf8proc_ssize_t k = 0; k < count; ++k) {
      if (utf8proc_category(codepoints_[k]) != UTF8PROC_CATEGORY_MN) {
        codepoints_[kept++] = codepoints_[k];
      }
    }
    count = kept;
  }
  if (compose_options != 0) {
    // utf8proc_normalize_utf32 with COMPOSE only composes; it cannot fail.
    count = utf8proc_normalize_utf32(
        codepoints_.data(), count,
        static_cast<utf8proc_option_t>(compose_options));
  }
  Reserve(5 * static_cast<size_t>(count));
  for (utf8proc_ssize_t k = 0; k < count; ++k) EmitCodepoint(codepoints_[k]);
}

size_t Normalizer::AsciiRun(const unsigned char* p, size_t n, size_t i,
                            size_t* seg_in, size_t* seg_out,
                            bool* seg_pending) {
  char* o = out_->data();
  for (; i < n; ++i) {
    const unsigned char c = p[i];
    if (c >= 0x80) break;
    const uint8_t cls = ascii_class_[c];
    if (cls == kKeep) {
      if (pending_space_) {
        if (out_len_ > 0) o[out_len_++] = ' ';
        pending_space_ = false;
      }
      o[out_len_++] = ascii_map_[c];
    } else if (cls == kSpace) {
      EmitSpace(' ');
    } else {
      EmitSpace(static_cast<char>(c));
      *seg_in = i + 1;
      *seg_out = out_len_;
      *seg_pending = pending_space_;
    }
  }
  return i;
}

// The collapsing ASCII path (normalize_internal.h), on the kernel the CPU
// allows.
size_t Normalizer::AsciiRunCollapsing(const unsigned char* p, size_t n,
                                      size_t i, size_t* seg_in,
                                      size_t* seg_out, bool* seg_pending) {
  static const internal::CollapseAsciiFn collapse = [] {
    const internal::CollapseAsciiFn fast = internal::FastCollapseAscii();
    return fast != nullptr ? fast : internal::CollapseAscii;
  }();
  internal::CollapseState state;
  state.len = out_len_;
  state.pending = pending_space_;
  state.seg_in = *seg_in;
  state.seg_out = *seg_out;
  state.seg_pending = *seg_pending;
  internal::CollapseOptions options;
  options.fold = options_.case_fold;
  options.zero = options_.digits_to_zero;
  i = collapse(p, n, i, options, &state, out_->data());
  out_len_ = state.len;
  pending_space_ = state.pending;
  *seg_in = state.seg_in;
  *seg_out = state.seg_out;
  *seg_pending = state.seg_pending;
  return i;
}

size_t Normalizer::Normalize(std::string_view text, std::string* out) {
  if (NormalizeWellFormed(text, out)) return 0;
  const size_t invalid = RepairUtf8(text, &repaired_);
  NormalizeWellFormed(repaired_, out);  // a repaired text is well-formed
  return invalid;
}

// The ASCII paths take only ASCII bytes and whole typographic separators,
// so the text is well-formed UTF-8 iff what is left of each segment the
// full path takes (from its first non-ASCII byte on) is: only that is
// checked (most text is valid, and most of it ASCII). A segment cannot end
// inside a well-formed sequence (it ends before ASCII whitespace or a
// separator's lead byte), so checking it alone decides.
bool Normalizer::NormalizeWellFormed(std::string_view text, std::string* out) {
  out_ = out;
  out_len_ = 0;
  pending_space_ = false;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  // The ASCII path writes at most one byte per byte it reads.
  if (out->size() < n + 1) out->resize(n + 1);
  // Where the current segment (the text since the last ASCII whitespace)
  // started in the input and in the output, and the pending-space state then.
  size_t seg_in = 0;
  size_t seg_out = 0;
  bool seg_pending = false;
  size_t i = 0;
  while (i < n) {
    if (fast_separators_) {
      i = AsciiRunCollapsing(p, n, i, &seg_in, &seg_out, &seg_pending);
    } else {
      i = AsciiRun(p, n, i, &seg_in, &seg_out, &seg_pending);
    }
    if (i >= n) break;
    // A non-ASCII byte: redo the segment it belongs to on the full path.
    out_len_ = seg_out;
    pending_space_ = seg_pending;
    size_t end = i;
    while (end < n && !internal::IsAsciiSpace(p[end]) &&
           !(fast_separators_ && internal::TypographicSeparatorAt(p, n, end) > 0)) {
      ++end;
    }
    if (!IsValidUtf8(text.substr(i, end - i))) {
      out_ = nullptr;
      return false;  // repaired first, then normalized again
    }
    size_t piece = seg_in;
    while (piece < end) {
      size_t cut = end;
      if (end - piece > kMaxSegmentBytes) {
        // Find a safe cut point after kMaxSegmentBytes / 2.
        size_t k = piece + kMaxSegmentBytes / 2;
        while (k < end && (p[k] & 0xC0) == 0x80) ++k;
        int non_starters = 0;
        while (k < end) {
          int32_t cp;
          const int len = internal::DecodeUtf8(p + k, end - k, &cp);
          if (IsSafeCutBefore(cp)) break;
          // Stream-Safe Text Format (UAX #15, section 13): a run of more
          // than 30 non-starters is cut, so that canonical reordering (a
          // quadratic sort in utf8proc) stays bounded.
          non_starters =
              utf8proc_get_property(cp)->combining_class != 0 ? non_starters + 1
                                                              : 0;
          if (non_starters > kMaxNonStarters) break;
          k += len;
        }
        cut = k;
      }
      NormalizeSegment(text.substr(piece, cut - piece));
      piece = cut;
    }
    i = end;
    seg_in = end;
    seg_out = out_len_;
    seg_pending = pending_space_;
    // Room for the ASCII path again.
    Reserve(n - i + 1);
  }
  out->resize(out_len_);
  out_ = nullptr;
  return true;
}

namespace internal {

size_t CollapseAscii(const unsigned char* p, size_t n, size_t i,
                     CollapseOptions options, CollapseState* state,
                     char* out) {
  CollapseState s = *state;
  // Without data-dependent branches: a kept byte writes an optional space
  // and itself, anything else only makes the space pending.
  for (;;) {
    for (; i < n; ++i) {
      const unsigned char c = p[i];
      if (c >= 0x80) break;
      const unsigned char lower = c | 0x20;
      const bool alpha = lower >= 'a' && lower <= 'z';
      const bool digit = c >= '0' && c <= '9';
      const bool whitespace = IsAsciiSpace(c);
      const size_t keep = alpha || digit;
      out[s.len] = ' ';
      s.len += keep & s.pending & (s.len != 0);
      out[s.len] = static_cast<char>(
          alpha && options.fold ? lower : (digit && options.zero ? '0' : c));
      s.len += keep;
      s.pending = keep == 0;
      s.seg_in = whitespace ? i + 1 : s.seg_in;
      s.seg_out = whitespace ? s.len : s.seg_out;
      s.seg_pending = whitespace ? true : s.seg_pending;
    }
    if (i >= n) break;
    const int separator = TypographicSeparatorAt(p, n, i);
    if (separator == 0) break;
    s.pending = true;
    i += static_cast<size_t>(separator);
    s.seg_in = i;
    s.seg_out = s.len;
    s.seg_pending = true;
  }
  *state = s;
  return i;
}

std::vector<CollapseAsciiFn> VectorCollapseKernels() {
  std::vector<CollapseAsciiFn> kernels;
#if defined(NEARDUP_X86_KERNELS)
  if (__builtin_cpu_supports("ssse3") && __builtin_cpu_supports("popcnt")) {
    if (__builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vbmi2")) {
      kernels.push_back(CollapseAsciiAvx512);
    }
    kernels.push_back(CollapseAsciiSsse3);
  }
#endif
  return kernels;
}

CollapseAsciiFn FastCollapseAscii() {
  const std::vector<CollapseAsciiFn> kernels = VectorCollapseKernels();
  return kernels.empty() ? nullptr : kernels.front();
}

}  // namespace internal

std::string Normalize(std::string_view text, const NormalizeOptions& options) {
  Normalizer normalizer(options);
  std::string out;
  normalizer.Normalize(text, &out);
  return out;
}

}  // namespace neardup
