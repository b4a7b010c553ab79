// neardup text layer: UTF-8 validation and repair, normalization, and
// segmentation of a document into lines, paragraphs, sentences and words.
//
// Every function here accepts any bytes: invalid UTF-8, NUL bytes and
// arbitrarily long lines are handled in linear time, never by aborting or
// reading out of bounds. Nothing here does I/O, keeps global state or starts
// threads.
//
// Repair policy: each maximal ill-formed subsequence (Unicode 15, section 3.9,
// "U+FFFD substitution of maximal subparts", the policy of the WHATWG encoding
// standard) becomes one U+FFFD and is counted. Overlong forms, surrogates and
// code points above U+10FFFF are ill-formed.

#ifndef NEARDUP_TEXT_H_
#define NEARDUP_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace neardup {

// A half-open byte range [begin, end) into the text it was computed from.
struct TextSpan {
  size_t begin = 0;
  size_t end = 0;

  // Returns end - begin; 0 for an inverted span.
  size_t size() const { return end > begin ? end - begin : 0; }
  // Returns the bytes of the span in `text`. A span that is inverted or
  // reaches past the text is clipped to it (never an exception, never a
  // read out of bounds): [min(begin, n), min(max(begin, end), n)) for n =
  // text.size().
  std::string_view In(std::string_view text) const {
    const size_t b = begin < text.size() ? begin : text.size();
    const size_t e = end < text.size() ? end : text.size();
    return text.substr(b, e > b ? e - b : 0);
  }
  friend bool operator==(const TextSpan&, const TextSpan&) = default;
};

// ---------------------------------------------------------------------------
// UTF-8

// Returns true iff `text` is well-formed UTF-8. Cost: one pass, ASCII runs
// 8 bytes at a time.
bool IsValidUtf8(std::string_view text);

// Returns the byte offset of the first ill-formed sequence in `text`, or
// text.size() when it is well-formed.
size_t FindInvalidUtf8(std::string_view text);

// Writes `text` to *out (replacing its contents) with every maximal
// ill-formed subsequence replaced by U+FFFD. Returns the number of
// replacements; 0 means *out == text.
size_t RepairUtf8(std::string_view text, std::string* out);

// ---------------------------------------------------------------------------
// Normalization

// Which transformations Normalize applies, each switchable. The defaults are
// the ones neardup's dedup uses (close to datatrove's and FineWeb's text
// simplification, with accents kept). Changing any field changes every shingle
// hash computed from the normalized text.
struct NormalizeOptions {
  // Unicode NFKC (compatibility composition): full-width forms, ligatures,
  // superscripts and NBSP become their plain forms. Also removes
  // default-ignorable code points (soft hyphen, zero-width joiners, BOM).
  // Default: true.
  bool nfkc = true;
  // Unicode full case folding ("Straße" -> "strasse"). Default: true.
  bool case_fold = true;
  // Remove nonspacing marks (category Mn) after canonical decomposition
  // ("café" -> "cafe"). Spacing marks, which carry vowels in Indic scripts,
  // are kept. Default: false.
  bool strip_accents = false;
  // Punctuation (categories P*) and currency, math and modifier symbols
  // (Sc, Sm, Sk) become whitespace. Other symbols (So: emoji, ©) are kept.
  // Default: true.
  bool punctuation_to_space = true;
  // Every decimal digit (category Nd, any script) becomes ASCII '0', so that
  // changed dates and counts do not hide a duplicate. Default: true.
  bool digits_to_zero = true;
  // Runs of whitespace (Unicode White_Space, and control characters) become
  // one ASCII space; leading and trailing whitespace is dropped. When false,
  // whitespace characters are kept as they are, and each control character
  // and each punctuation character (with punctuation_to_space) becomes one
  // space. Default: true.
  bool collapse_whitespace = true;

  bool operator==(const NormalizeOptions&) const = default;
};

// Normalizes text according to NormalizeOptions. Text that is all ASCII takes
// a table-driven fast path that gives byte-for-byte the result of the full
// Unicode path (tests check this). Invalid UTF-8 is repaired first (see the
// repair policy above). In a run of more than 256 bytes without whitespace,
// a run of more than 30 combining marks is normalized in pieces of at most
// 30, as the Unicode Stream-Safe Text Format (UAX #15) prescribes, so that
// time stays linear on any input.
//
// A Normalizer keeps reusable scratch buffers, so it is not thread-safe: use
// one per thread. Cost: linear in the input; no allocation once the scratch
// buffers have grown to the longest word seen.
class Normalizer {
 public:
  explicit Normalizer(const NormalizeOptions& options = {});

  // Writes the normalized form of `text` to *out, replacing its contents.
  // Returns the number of ill-formed UTF-8 sequences that were replaced by
  // U+FFFD before normalizing.
  size_t Normalize(std::string_view text, std::string* out);

  const NormalizeOptions& options() const { return options_; }

 private:
  enum : uint8_t { kKeep = 0, kSpace = 1, kWhitespace = 2, kNonAscii = 3 };

  // Normalize on text that is well-formed; returns false, with *out
  // undefined, when it meets an ill-formed sequence.
  bool NormalizeWellFormed(std::string_view text, std::string* out);
  void NormalizeSegment(std::string_view segment);
  void EmitCodepoint(int32_t cp);
  void EmitSpace(char literal);
  // Makes room for `bytes` more bytes after out_len_.
  void Reserve(size_t bytes);
  // Map ASCII bytes from p[i] on, stopping at the first byte that needs the
  // full path; return where they stopped.
  size_t AsciiRun(const unsigned char* p, size_t n, size_t i, size_t* seg_in,
                  size_t* seg_out, bool* seg_pending);
  size_t AsciiRunCollapsing(const unsigned char* p, size_t n, size_t i,
                            size_t* seg_in, size_t* seg_out,
                            bool* seg_pending);

  NormalizeOptions options_;
  bool fast_separators_;  // collapse_whitespace && punctuation_to_space
  uint8_t ascii_class_[128];
  char ascii_map_[128];
  // Output state of the Normalize call in progress: the string written to,
  // sized ahead of out_len_ (the bytes written so far).
  std::string* out_ = nullptr;
  size_t out_len_ = 0;
  bool pending_space_ = false;
  std::vector<int32_t> codepoints_;
  std::string repaired_;
};

// Returns the normalized form of `text` (convenience for one-off calls;
// builds a Normalizer each time).
std::string Normalize(std::string_view text,
                      const NormalizeOptions& options = {});

// ---------------------------------------------------------------------------
// Segmentation. All spans are byte offsets into the text passed in.

// Splits text into lines. A line ends at "\n", "\r\n", a lone "\r", U+0085,
// U+2028 or U+2029; the terminator is not part of the span. Text that does
// not end with a terminator has a last line without one; empty text has no
// lines.
std::vector<TextSpan> SplitLines(std::string_view text);
// The same into *lines (cleared first; its memory is reused).
void SplitLines(std::string_view text, std::vector<TextSpan>* lines);

// Returns true iff the line contains nothing but Unicode whitespace.
bool IsBlankLine(std::string_view line);

// Splits text into paragraphs: maximal runs of non-blank lines, separated by
// one or more blank lines. Each span runs from the start of its first line to
// the end of its last line (inner line breaks included).
std::vector<TextSpan> SplitParagraphs(std::string_view text);

// Splits text into sentences: a sentence ends after '.', '!', '?', '…',
// '‼', '⁇', '⁈', '⁉' or the full-width and ideographic stops (。！？｡), and
// any further stops and closing quotes or brackets (ASCII '"' and '\''
// included) that follow, when the next character is Unicode whitespace
// (NBSP too) or the end of the text; full-width and ideographic stops end a
// sentence whatever follows. Line breaks
// inside a paragraph do not end a sentence; blank lines do. Leading and
// trailing whitespace is not part of a span. A rule-based splitter: "Dr."
// ends a sentence.
std::vector<TextSpan> SplitSentences(std::string_view text);

// Splits text into words: maximal runs of letters, marks and numbers
// (categories L*, M*, N*). Each character of a script written without spaces
// (Han, Hiragana, Katakana, Hangul, Thai, Lao, Khmer, Myanmar) and each
// other-symbol character (So: emoji) is a word of its own. Everything else
// separates words. Ill-formed UTF-8 separates words.
std::vector<TextSpan> SplitWords(std::string_view text);

// Returns true iff code point `cp` belongs to a script that neardup splits
// into one token per character (see SplitWords). Decided by Unicode block,
// so script-neutral characters inside those blocks (U+30FB '・', U+30FC 'ー')
// count too.
bool IsCharTokenScript(int32_t cp);

}  // namespace neardup

#endif  // NEARDUP_TEXT_H_
