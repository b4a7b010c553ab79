// DocSigner: the one way dedup signs a document (dedup_signer.h).

#include "pipeline/dedup_signer.h"

#include <cstdint>
#include <string_view>
#include <utility>

#include "pipeline/similarity_method.h"
#include "text/utf8_internal.h"

namespace neardup::internal {
namespace {

// The words (SplitWords) and the spaces of a normalized line. In ASCII
// text the words are the runs of letters and digits, counted in the scan
// that counts the spaces (16 bytes at a time); a line with other
// characters is split into words (CJK ideographs are words of their own).
void CountWordsAndSpaces(std::string_view line, size_t* words, size_t* spaces) {
  const auto* p = reinterpret_cast<const unsigned char*>(line.data());
  const size_t n = line.size();
  size_t runs = 0, blanks = 0, i = 0;
  unsigned high = 0;
  bool after_separator = true;
#if defined(__SSE2__) && defined(__x86_64__)
  // Per byte: 0xFF where a letter or digit is (bytes >= 0x80 are negative,
  // neither); a word starts where one follows a byte that is not.
  const __m128i zero = _mm_setzero_si128();
  const __m128i one = _mm_set1_epi8(1);
  __m128i previous = zero;  // the word bytes of the 16 before
  __m128i starts = zero, space_count = zero, high_bytes = zero;
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i word = AsciiAlnumMask(v);
    const __m128i before =
        _mm_or_si128(_mm_slli_si128(word, 1), _mm_srli_si128(previous, 15));
    starts = _mm_add_epi64(
        starts,
        _mm_sad_epu8(_mm_and_si128(_mm_andnot_si128(before, word), one), zero));
    space_count = _mm_add_epi64(
        space_count,
        _mm_sad_epu8(_mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), one),
                     zero));
    high_bytes = _mm_or_si128(high_bytes, v);
    previous = word;
  }
  if (i > 0) {
    auto sum = [](__m128i x) {
      return static_cast<size_t>(_mm_cvtsi128_si64(x)) +
             static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(x, x)));
    };
    runs = sum(starts);
    blanks = sum(space_count);
    high = static_cast<unsigned>(_mm_movemask_epi8(high_bytes));
    after_separator = (_mm_movemask_epi8(previous) & 0x8000) == 0;
  }
#endif
  for (; i < n; ++i) {
    const unsigned char u = p[i];
    high |= u & 0x80u;
    blanks += u == ' ';
    const bool separator = static_cast<unsigned>((u | 0x20) - 'a') >= 26 &&
                           static_cast<unsigned>(u - '0') >= 10;
    runs += after_separator && !separator;
    after_separator = separator;
  }
  *spaces = blanks;
  *words = high == 0 ? runs : CountWords(line);
}

}  // namespace

DocSigner::DocSigner(const DedupOptions& options, Shingler shingler,
                     const MinHasher* hasher, const LineCounter* counts)
    : method_(&SimilarityMethod::Of(options.method)),
      min_words_(options.min_words),
      boilerplate_(options.main_text_boilerplate),
      counts_(options.main_text ? counts : nullptr),
      scratch_{.hasher = hasher,
               .seed = options.seed,
               .counts_sizes = method_->counts_sizes(options),
               .keeps_sets = method_->keeps_sets(options),
               .shingler = std::move(shingler),
               .normalizer = Normalizer(options.shingles.normalize),
               .hashes = {},
               .normalized = {},
               .distinct = {},
               .prehashed = false} {
  const ShingleOptions& shingles = scratch_.shingler.options();
  shares_lines_ = options.method == DedupMethod::kMinHash &&
                  shingles.kind == ShingleKind::kWord && shingles.n == 5 &&
                  shingles.seed == 0 &&
                  shingles.normalize == NormalizeOptions{};
}

absl::StatusOr<DocSigner> DocSigner::Create(const DedupOptions& options,
                                            const MinHasher* hasher,
                                            const LineCounter* counts) {
  auto shingler = Shingler::Create(options.shingles);
  if (!shingler.ok()) return shingler.status();
  return DocSigner(options, *std::move(shingler), hasher, counts);
}

DocSignature DocSigner::Sign(std::string_view text, std::string_view site,
                             absl::Span<uint32_t> row) {
  return Sign(text, site, nullptr, row);
}

DocSignature DocSigner::Sign(std::string_view text, std::string_view site,
                             const std::vector<KeyedLine>* lines,
                             absl::Span<uint32_t> row, SignTrace* trace) {
  bool masked = false;
  if (counts_ != nullptr) {
    const std::string_view whole = text;
    text = MainText(text, site, *counts_, boilerplate_, lines, &cuts_,
                    &main_text_);
    masked = text.data() != whole.data();
  }
  DocSignature out = SignWhole(text, row, trace);
  out.masked = masked;
  return out;
}

DocSignature DocSigner::SignWhole(std::string_view text,
                                  absl::Span<uint32_t> row, SignTrace* trace) {
  DocSignature out;
  const std::string_view normalized = method_->Sign(text, scratch_, row, &out);
  if (min_words_ > 0) out.too_short = CountWords(normalized) < min_words_;
  if (trace != nullptr) Trace(text, normalized, trace);
  return out;
}

DocSignature DocSigner::SignCounting(std::string_view text,
                                     std::string_view site,
                                     LineCounter::Prepared* prepared,
                                     std::vector<KeyedLine>* lines,
                                     absl::Span<uint32_t> row) {
  lines->clear();
  if (site.empty()) {
    LineCounter::Prepare({}, site, prepared);  // nothing to count
    return SignWhole(text, row);
  }
  if (!shares_lines_) {
    *prepared = LineCounter::Prepare(text, site, lines);
    return SignWhole(text, row);
  }
  // The default normalization works within a line (a line terminator is
  // whitespace, which it collapses with the spaces around it into one), so
  // the normalized text is its normalized lines joined by one space, and
  // its words are theirs (SplitWords splits at spaces).
  SignScratch& s = scratch_;
  joined_.clear();
  line_grams_.clear();
  size_t repaired = 0;
  std::vector<TextSpan>& spans = spans_;
  SplitLines(text, &spans);
  for (size_t i = 0; i < spans.size(); ++i) {
    repaired += s.normalizer.Normalize(spans[i].In(text), &line_);
    if (line_.empty()) continue;
    const uint64_t key = LineCounter::LineKey(line_);
    const size_t end = i + 1 < spans.size() ? spans[i + 1].begin : text.size();
    size_t words = 0, spaces = 0;
    CountWordsAndSpaces(line_, &words, &spaces);
    lines->push_back({spans[i].begin, end, key, line_.size(), spaces + 1});
    line_grams_.push_back({key, words, {}});
    if (!joined_.empty()) joined_.push_back(' ');
    joined_.append(line_);
  }
  if (joined_.empty()) {
    // No word: signed from its raw bytes (DedupShingles), no line counted.
    LineCounter::Prepare(line_grams_, site, prepared);
    return SignWhole(text, row);
  }
  s.shingler.HashNormalized(joined_, &s.hashes);
  // The 5-grams of a line are the shingles that start at its first word
  // and end at its last.
  size_t first_word = 0;
  for (LineCounter::LineGrams& line : line_grams_) {
    if (line.words >= 5) {
      line.grams =
          absl::MakeConstSpan(s.hashes.data() + first_word, line.words - 4);
    }
    first_word += line.words;
  }
  LineCounter::Prepare(line_grams_, site, prepared);
  s.prehashed = true;
  DocSignature out;
  const std::string_view normalized = method_->Sign(joined_, s, row, &out);
  s.prehashed = false;
  out.repaired = repaired;
  if (min_words_ > 0) out.too_short = CountWords(normalized) < min_words_;
  return out;
}

void DocSigner::Trace(std::string_view text, std::string_view normalized,
                      SignTrace* trace) {
  trace->text = text;
  // MainText returns its scratch only when it left lines out.
  trace->boilerplate_lines =
      counts_ != nullptr && text.data() == main_text_.data() ? cuts_.size()
                                                             : 0;
  // Copied first: the shingling below may reuse the buffer it points into.
  trace->normalized = normalized;
  Shingler& shingler = scratch_.shingler;
  trace->repaired = DedupShingles(shingler, text, &trace->hashes);
  trace->shingled = shingler.normalized();
  shingler.SpansNormalized(trace->shingled, &trace->spans);
  // A text without words has its one hash (of its bytes) and no span of
  // its own: an empty one stands for it.
  trace->spans.resize(trace->hashes.size());
}

}  // namespace neardup::internal
