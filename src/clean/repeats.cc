// Repeated blocks, lines and spans inside one document.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "neardup/clean.h"
#include "shingle/word_hashes.h"
#include "text/utf8_internal.h"
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace neardup {
namespace {

// Lines with fewer words are compared exactly only.
constexpr size_t kMinWordsForNear = 8;
// Shingle hashes of a line indexed to find its near-repeat candidate.
constexpr size_t kSketch = 8;
// Longest line checked for being its own half printed twice.
constexpr size_t kMaxHalfCheckBytes = size_t{64} << 10;
// Split points tried when mapping a normalized half back to the raw line.
constexpr int kMaxSplitTries = 64;
// Inside a run aligned with an earlier run: how many lines of the earlier
// run may be missing from the copy between two aligned lines (dropped
// lines, a caption missing), and how many lines of the copy may align with
// nothing (an inserted line, a line edited beyond recognition).
constexpr int kMaxDroppedLines = 2;
constexpr int kMaxGapLines = 1;
// Lines a run is extended backwards past its first candidate line.
constexpr int kMaxBackSteps = 3;

struct Unit {
  TextSpan line;          // the line, without its terminator
  size_t cut_end = 0;     // end of its terminator
  size_t after_blanks = 0;  // start of the next non-blank line (or the end)
  size_t previous_line_end = 0;  // end of the line before (its terminator)
  bool starts_paragraph = false;  // first line, or after a blank line
  uint64_t key = 0;       // XXH3 of the normalized line
  size_t normalized_bytes = 0;
  int source = -1;        // earlier unit it repeats
  double similarity = 1.0;
  // Best earlier unit by the sketch when below near_similarity but at least
  // block_similarity: a line of a run only if the run aligns.
  int candidate = -1;
  bool in_run = false;     // inside an aligned run (maybe aligned to nothing)
  bool doubled = false;   // normalized text is "X X"
  bool cut = false;
};

// The first unit that holds each of a document's 64-bit hashes: an
// insert-only open-addressing table, so that a line costs no allocation.
class FirstIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // Empties the index, sized for `expected` keys (no Grow until then),
  // keeping its allocation.
  void Reset(size_t expected) {
    size_t slots = 64;
    while (slots < 2 * (expected + 1)) slots <<= 1;
    keys_.assign(slots, 0);
    units_.assign(slots, kNone);
    used_ = 0;
  }

  // Returns the unit stored for `key`, storing `unit` when there is none.
  uint32_t Emplace(uint64_t key, uint32_t unit) {
    if (2 * (used_ + 1) > units_.size()) Grow();
    size_t at = Slot(key);
    while (units_[at] != kNone) {
      if (keys_[at] == key) return units_[at];
      at = (at + 1) & (units_.size() - 1);
    }
    keys_[at] = key;
    units_[at] = unit;
    ++used_;
    return unit;
  }
  // Returns the unit stored for `key`, or kNone.
  uint32_t Find(uint64_t key) const {
    if (used_ == 0) return kNone;
    for (size_t at = Slot(key); units_[at] != kNone;
         at = (at + 1) & (units_.size() - 1)) {
      if (keys_[at] == key) return units_[at];
    }
    return kNone;
  }

 private:
  size_t Slot(uint64_t key) const {
    return static_cast<size_t>((key ^ (key >> 29)) * 0x9E3779B97F4A7C15ull >> 20) &
           (units_.size() - 1);
  }
  void Grow() {
    std::vector<uint64_t> keys = std::move(keys_);
    std::vector<uint32_t> units = std::move(units_);
    keys_.assign(std::max<size_t>(64, 2 * units.size()), 0);
    units_.assign(keys_.size(), kNone);
    used_ = 0;
    for (size_t i = 0; i < units.size(); ++i) {
      if (units[i] != kNone) Emplace(keys[i], units[i]);
    }
  }

  std::vector<uint64_t> keys_;
  std::vector<uint32_t> units_;
  size_t used_ = 0;
};

// Under the default NormalizeOptions, returns false when `a` and `b`
// certainly normalize to different texts, true when they may normalize
// alike. Compares their ASCII words (letters and digits, lowercased, digits
// as 0) up to the first difference; any non-ASCII byte before it (which may
// fold, compose or vanish) answers true.
bool MayNormalizeAlike(std::string_view a, std::string_view b) {
  auto kept = [](unsigned char c) {
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
  };
  auto mapped = [](unsigned char c) {
    return c <= '9' ? '0' : static_cast<char>(c | 0x20);
  };
  const auto* p = reinterpret_cast<const unsigned char*>(a.data());
  const auto* q = reinterpret_cast<const unsigned char*>(b.data());
  const size_t na = a.size(), nb = b.size();
  size_t i = 0, j = 0;
  for (;;) {
    while (i < na && p[i] < 0x80 && !kept(p[i])) ++i;
    while (j < nb && q[j] < 0x80 && !kept(q[j])) ++j;
    if ((i < na && p[i] >= 0x80) || (j < nb && q[j] >= 0x80)) return true;
    if (i == na || j == nb) return i == na && j == nb;
    while (i < na && j < nb && kept(p[i]) && kept(q[j])) {
      if (mapped(p[i]) != mapped(q[j])) return false;
      ++i;
      ++j;
    }
    const bool a_more = i < na && kept(p[i]);
    const bool b_more = j < nb && kept(q[j]);
    if (a_more) return j < nb && q[j] >= 0x80;
    if (b_more) return i < na && p[i] >= 0x80;
  }
}

// The number of ' ' bytes in `s` (a normalized line's words are one more).
size_t CountSpaces(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0, spaces = 0;
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    // Their count, without a popcount instruction (not in the baseline
    // ISA: the builtin would be a call).
    uint32_t m = static_cast<uint32_t>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' '))));
    m -= (m >> 1) & 0x5555;
    m = (m & 0x3333) + ((m >> 2) & 0x3333);
    m = (m + (m >> 4)) & 0x0F0F;
    spaces += (m + (m >> 8)) & 0x1F;
  }
#endif
  for (; i < n; ++i) spaces += p[i] == ' ';
  return spaces;
}

double SortedJaccard(const uint64_t* a, size_t na, const uint64_t* b,
                     size_t nb) {
  size_t i = 0, j = 0, common = 0;
  while (i < na && j < nb) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  const size_t unions = na + nb - common;
  return unions == 0 ? 1.0 : static_cast<double>(common) / unions;
}


// Finds runs of units that align in order with an earlier run of the same
// document, as a copy of a slightly different version of the text does:
// consecutive lines whose sources follow each other, a source line or two
// missing from the copy (kMaxDroppedLines), a line of the copy aligned with
// nothing between two aligned ones (kMaxGapLines). A run starts at a unit
// with a source or a candidate and is kept when two or more of its units
// align and its similarity, the mean similarity of its units weighted by
// their normalized bytes (unaligned units and dropped source lines count 0),
// is at least block_similarity; its aligned units then take their source,
// and every unit of it is in_run with the run's similarity. Each unit is
// compared with a bounded number of others, so the cost is linear.
template <typename MatchFn>
void AlignRuns(MatchFn& match, double loose, double block_similarity,
               std::vector<Unit>* units_ptr) {
  std::vector<Unit>& units = *units_ptr;
  const size_t n = units.size();
  struct Member {
    size_t unit;
    int source;  // -1: aligned with nothing
    double similarity;
  };
  std::vector<Member> run;
  size_t previous_run_end = 0;  // units before it belong to an earlier run
  // The source after `last` that unit k aligns with, or -1; only sources
  // before `limit` (the run's first unit) count.
  auto next_source = [&](size_t k, int last, size_t limit, double* sim) {
    for (int c = last + 1; c <= last + 1 + kMaxDroppedLines; ++c) {
      if (c < 0) continue;
      if (static_cast<size_t>(c) >= limit) break;
      const double s = match(k, static_cast<size_t>(c));
      if (s >= loose) {
        *sim = s;
        return c;
      }
    }
    return -1;
  };
  for (size_t i = 0; i < n;) {
    const int start = units[i].source >= 0 ? units[i].source : units[i].candidate;
    if (start < 0) {
      ++i;
      continue;
    }
    run.clear();
    run.push_back({i, start, units[i].similarity});
    int last = start;
    size_t first = i;
    size_t k = i + 1;
    while (k < n) {
      double sim = 0;
      int c = next_source(k, last, first, &sim);
      if (c >= 0) {
        run.push_back({k, c, sim});
        last = c;
        ++k;
        continue;
      }
      if (units[k].source >= 0) {  // a repeat of another place: keep going
        run.push_back({k, units[k].source, units[k].similarity});
        last = units[k].source;
        ++k;
        continue;
      }
      // Lines of the copy aligned with nothing, then an aligned one.
      size_t gaps = 1;
      while (gaps <= kMaxGapLines && k + gaps < n) {
        c = next_source(k + gaps, last, first, &sim);
        if (c >= 0) break;
        ++gaps;
      }
      if (c < 0) break;
      for (size_t g = 0; g < gaps; ++g) run.push_back({k + g, -1, 0.0});
      run.push_back({k + gaps, c, sim});
      last = c;
      k += gaps + 1;
    }
    // Edited lines before the first one found: aligned backwards.
    for (int step = 0; step < kMaxBackSteps && first > previous_run_end &&
                       units[first - 1].source < 0;
         ++step) {
      double sim = 0;
      const int from = run.front().source;
      int c = -1;
      for (int d = 1; d <= 1 + kMaxDroppedLines && from - d >= 0; ++d) {
        const double s = match(first - 1, static_cast<size_t>(from - d));
        if (s >= loose) {
          c = from - d;
          sim = s;
          break;
        }
      }
      if (c < 0) break;
      --first;
      run.insert(run.begin(), {first, c, sim});
    }
    size_t aligned = 0;
    double weighted = 0, total = 0;
    int previous_source = -1;
    for (const Member& m : run) {
      const double bytes = static_cast<double>(units[m.unit].normalized_bytes);
      total += bytes;
      if (m.source < 0) continue;
      ++aligned;
      weighted += m.similarity * bytes;
      // Source lines skipped between two aligned lines were dropped.
      if (previous_source >= 0 && m.source > previous_source + 1 &&
          m.source <= previous_source + 1 + kMaxDroppedLines) {
        for (int d = previous_source + 1; d < m.source; ++d) {
          total += static_cast<double>(units[d].normalized_bytes);
        }
      }
      previous_source = m.source;
    }
    const double similarity = total > 0 ? weighted / total : 0;
    if (aligned >= 2 && similarity >= block_similarity) {
      for (const Member& m : run) {
        Unit& u = units[m.unit];
        u.in_run = true;
        if (m.source >= 0) {
          u.source = units[m.source].source >= 0 ? units[m.source].source
                                                 : m.source;
        }
        u.similarity = similarity;
      }
      previous_run_end = k;
      i = k;
    } else {
      i = run.size() >= 2 ? k : i + 1;
    }
  }
}

// The word sets of the units of one text, for near-repeated lines, flat:
// unit u owns shingles_[begin_[u] .. end_[u]), sorted and distinct once
// sorted_[u] (sorted when first compared). Lines of kMinWordsForNear words
// or more hold their word 3-gram hashes, shorter lines their word hashes
// (short_set_[u]); sets of different kinds are never compared.
class NearLines {
 public:
  // `loose`: the similarity a line inside an aligned run needs (when
  // `align`, runs are aligned: AlignRuns).
  NearLines(double near_similarity, double loose, bool align)
      : near_similarity_(near_similarity), loose_(loose), align_(align) {}

  // Empties the sets for a text of at most `units` units, keeping the
  // allocations.
  void Reset(size_t units) {
    shingles_.clear();
    begin_.clear();
    end_.clear();
    sorted_.clear();
    short_set_.clear();
    first_by_shingle_.Reset(kSketch * units);
  }

  // Adds unit `index` (units are added in order, each once), whose
  // normalized text has the word hashes `words`. With `search`, the
  // earlier unit that first held most of its smallest shingle hashes (a
  // bottom-k sketch: lines with Jaccard >= 0.8 share most of them) becomes
  // u->source when their exact Jaccard reaches near_similarity, else (when
  // aligning) u->candidate when it reaches `loose`. Without `search` (an
  // exact repeat, or near repeats off) its set stays empty and `words` is
  // not read.
  void Add(uint32_t index, absl::Span<const uint64_t> words, bool search,
           Unit* u) {
    begin_.push_back(shingles_.size());
    sorted_.push_back(1);
    short_set_.push_back(0);
    if (search) Search(index, words, u);
    if (end_.size() < begin_.size()) end_.push_back(shingles_.size());
  }

  // The Jaccard of the sets of units a and b when both are of one kind and
  // their sizes allow `loose` (so a comparison costs at most a few times
  // the smaller set, and each unit is compared a bounded number of times);
  // else 0.
  double Similarity(size_t a, size_t b) {
    if (short_set_[a] != short_set_[b]) return 0.0;
    const size_t na = end_[a] - begin_[a];
    const size_t nb = end_[b] - begin_[b];
    if (na == 0 || nb == 0) return 0.0;
    if (static_cast<double>(std::min(na, nb)) <
        loose_ * static_cast<double>(std::max(na, nb)) / 2) {
      return 0.0;
    }
    const auto [pa, sa] = SortedSet(a);
    const auto [pb, sb] = SortedSet(b);
    return SortedJaccard(pa, sa, pb, sb);
  }

 private:
  void Search(uint32_t index, absl::Span<const uint64_t> words, Unit* u);

  // The set of unit u, sorted and distinct (sorted when first asked).
  std::pair<const uint64_t*, size_t> SortedSet(size_t u) {
    uint64_t* b = shingles_.data() + begin_[u];
    uint64_t* e = shingles_.data() + end_[u];
    if (!sorted_[u]) {
      std::sort(b, e);
      e = std::unique(b, e);
      end_[u] = e - shingles_.data();
      sorted_[u] = 1;
    }
    return {b, static_cast<size_t>(e - b)};
  }

  double near_similarity_, loose_;
  bool align_;
  std::vector<uint64_t> shingles_;
  std::vector<size_t> begin_, end_;
  std::vector<uint8_t> sorted_, short_set_;
  FirstIndex first_by_shingle_;
  std::vector<std::pair<uint32_t, uint32_t>> votes_;
};

void NearLines::Search(uint32_t index, absl::Span<const uint64_t> tokens,
                       Unit* u) {
  if (tokens.size() < kMinWordsForNear) {
    // Compared only inside an aligned run, by their words.
    if (align_) {
      shingles_.insert(shingles_.end(), tokens.begin(), tokens.end());
      sorted_.back() = 0;
      short_set_.back() = 1;
    }
    return;
  }
  // The kSketch smallest distinct hashes, sorted: an insertion step in a
  // fixed array (no call per inserted hash).
  uint64_t sketch[kSketch];
  size_t sketch_size = 0;
  const size_t first = shingles_.size();
  shingles_.resize(first + tokens.size() - 2);
  internal::HashTokenRuns(tokens.data(), tokens.size(), 3, /*seed=*/0,
                          shingles_.data() + first);
  for (size_t t = first; t < shingles_.size(); ++t) {
    const uint64_t h = shingles_[t];
    if (sketch_size == kSketch && h >= sketch[kSketch - 1]) continue;
    size_t at = sketch_size;
    while (at > 0 && sketch[at - 1] > h) --at;
    if (at > 0 && sketch[at - 1] == h) continue;
    const size_t last = sketch_size < kSketch ? sketch_size++ : kSketch - 1;
    for (size_t k = last; k > at; --k) sketch[k] = sketch[k - 1];
    sketch[at] = h;
  }
  const absl::Span<const uint64_t> smallest(sketch, sketch_size);
  sorted_.back() = 0;
  votes_.clear();
  for (const uint64_t h : smallest) {
    const uint32_t found = first_by_shingle_.Find(h);
    if (found == FirstIndex::kNone) continue;
    auto vote = std::find_if(votes_.begin(), votes_.end(),
                             [&](const auto& v) { return v.first == found; });
    if (vote == votes_.end()) {
      if (votes_.size() < 16) votes_.push_back({found, 1});
    } else {
      ++vote->second;
    }
  }
  end_.push_back(shingles_.size());
  if (!votes_.empty()) {
    const auto best = std::max_element(
        votes_.begin(), votes_.end(), [](const auto& a, const auto& b) {
          return a.second < b.second ||
                 (a.second == b.second && a.first > b.first);
        });
    const auto [mine, my_size] = SortedSet(index);
    const auto [theirs, their_size] = SortedSet(best->first);
    const double sim = SortedJaccard(mine, my_size, theirs, their_size);
    if (sim >= near_similarity_) {
      u->source = static_cast<int>(best->first);
      u->similarity = sim;
    } else if (align_ && sim >= loose_) {
      u->candidate = static_cast<int>(best->first);
      u->similarity = sim;
    }
  }
  for (const uint64_t h : smallest) first_by_shingle_.Emplace(h, index);
}

// Cuts the runs of consecutive repeated units (a unit with a source, or
// aligned inside a run): a run of two or more units is a repeated block;
// a single line is cut when it follows its source or has at least
// `min_single_line_bytes` normalized bytes. Marks the units cut.
void CutRepeatedRuns(std::string_view text, size_t min_single_line_bytes,
                     std::vector<Unit>& units, std::vector<Cut>* cuts) {
  for (size_t i = 0; i < units.size();) {
    if (units[i].source < 0) {
      ++i;
      continue;
    }
    size_t j = i;
    double similarity = units[i].similarity;
    while (j + 1 < units.size() &&
           (units[j + 1].source >= 0 || units[j + 1].in_run)) {
      ++j;
      similarity = std::min(similarity, units[j].similarity);
    }
    const Unit& first = units[i];
    const bool block = j > i;
    const bool right_after_source =
        i > 0 && static_cast<size_t>(first.source) == i - 1;
    if (block || right_after_source ||
        first.normalized_bytes >= min_single_line_bytes) {
      // A run that starts a paragraph takes the blank lines after it too,
      // so the paragraphs around it stay separated once.
      const size_t end =
          first.starts_paragraph ? units[j].after_blanks : units[j].cut_end;
      // A run that ends the text when the text has no final line break
      // takes the break before it instead, so none is left dangling.
      const bool unterminated =
          end == text.size() && !text.empty() && text.back() != '\n' &&
          text.back() != '\r';
      const size_t begin = unterminated && first.line.begin > 0
                               ? first.previous_line_end
                               : first.line.begin;
      cuts->push_back({begin, end,
                       block ? CutReason::kRepeatedBlock
                             : CutReason::kRepeatedLine,
                       units[first.source].line.begin, similarity});
      for (size_t k = i; k <= j; ++k) units[k].cut = true;
    }
    i = j + 1;
  }
}

// Cuts the repeats inside the lines not cut already
// (RepeatOptions::repeats_inside_lines): the second half of a doubled line,
// and a sentence equal to the one right before it. `normalized` is scratch.
void CutRepeatsInsideLines(std::string_view text,
                           const std::vector<Unit>& units,
                           const RepeatOptions& options,
                           Normalizer& normalizer, std::string* normalized,
                           std::vector<Cut>* cuts) {
  std::string piece;
  std::vector<TextSpan> sentences;
  const bool default_normalize = options.normalize == NormalizeOptions{};
  for (const Unit& u : units) {
    if (u.cut) continue;
    const std::string_view line = u.line.In(text);
    if (u.doubled) {
      // The raw split point: a space near the middle whose prefix
      // normalizes to the first half.
      const std::string half_key = [&] {
        normalizer.Normalize(line, normalized);
        return normalized->substr(0, normalized->size() / 2);
      }();
      std::vector<size_t> spaces;
      for (size_t p = 0; p < line.size(); ++p) {
        if (internal::IsAsciiSpace(static_cast<unsigned char>(line[p]))) {
          spaces.push_back(p);
        }
      }
      std::sort(spaces.begin(), spaces.end(), [&](size_t a, size_t b) {
        const auto da = a > line.size() / 2 ? a - line.size() / 2 : line.size() / 2 - a;
        const auto db = b > line.size() / 2 ? b - line.size() / 2 : line.size() / 2 - b;
        return da < db || (da == db && a < b);
      });
      for (int t = 0; t < kMaxSplitTries && t < static_cast<int>(spaces.size()); ++t) {
        normalizer.Normalize(line.substr(0, spaces[t]), &piece);
        if (piece == half_key) {
          cuts->push_back({u.line.begin + spaces[t], u.line.end,
                           CutReason::kRepeatedLine, u.line.begin, 1.0});
          break;
        }
      }
      continue;
    }
    // A sentence equal to the one right before it. Only neighbours that
    // may normalize alike are normalized (most differ in their first
    // word).
    sentences.clear();
    internal::AppendLineSentences(line, &sentences);
    uint64_t previous = 0;
    size_t previous_at = 0;  // the sentence `previous` is the key of, + 1
    for (size_t s = 1; s < sentences.size(); ++s) {
      const std::string_view before = sentences[s - 1].In(line);
      const std::string_view here = sentences[s].In(line);
      if (default_normalize && !MayNormalizeAlike(before, here)) continue;
      if (previous_at != s) {
        normalizer.Normalize(before, &piece);
        previous = XXH3_64bits(piece.data(), piece.size());
      }
      normalizer.Normalize(here, &piece);
      const uint64_t key = XXH3_64bits(piece.data(), piece.size());
      if (key == previous && !piece.empty()) {
        cuts->push_back({u.line.begin + sentences[s - 1].end,
                         u.line.begin + sentences[s].end,
                         CutReason::kRepeatedLine,
                         u.line.begin + sentences[s - 1].begin, 1.0});
      }
      previous = key;
      previous_at = s + 1;
    }
  }
}

}  // namespace

// Find's per-document buffers, kept from text to text.
struct RepeatFinder::Scratch {
  Scratch(double near_similarity, double loose, bool align)
      : sets(near_similarity, loose, align) {}
  std::vector<Unit> units;
  FirstIndex first_by_key;
  NearLines sets;
};

void RepeatFinder::ScratchDeleter::operator()(Scratch* scratch) const {
  delete scratch;
}

RepeatFinder::RepeatFinder(const RepeatFinder& other)
    : options_(other.options_), normalizer_(other.options_.normalize) {
  lines_ = other.lines_;
  words_ = other.words_;
  word_spans_ = other.word_spans_;
}

RepeatFinder& RepeatFinder::operator=(const RepeatFinder& other) {
  if (this != &other) *this = RepeatFinder(other);
  return *this;
}

absl::StatusOr<RepeatFinder> RepeatFinder::Create(
    const RepeatOptions& options) {
  if (!(options.near_similarity >= 0 && options.near_similarity <= 1)) {
    return absl::InvalidArgumentError(
        "RepeatOptions.near_similarity must be 0 to 1, got " +
        std::to_string(options.near_similarity));
  }
  if (!(options.block_similarity >= 0 && options.block_similarity <= 1)) {
    return absl::InvalidArgumentError(
        "RepeatOptions.block_similarity must be 0 to 1, got " +
        std::to_string(options.block_similarity));
  }
  return RepeatFinder(options);
}

RepeatFinder::RepeatFinder(const RepeatOptions& options)
    : options_(options), normalizer_(options.normalize) {}

void RepeatFinder::Find(std::string_view text, std::vector<Cut>* cuts) {
  Find(text, /*keep_word_hashes=*/false, cuts);
}

void RepeatFinder::FindKeepingWordHashes(std::string_view text,
                                         std::vector<Cut>* cuts) {
  Find(text, /*keep_word_hashes=*/true, cuts);
}

absl::Span<const uint64_t> RepeatFinder::word_hashes(size_t line) const {
  const auto [begin, end] = word_spans_[line];
  return absl::MakeConstSpan(words_).subspan(begin, end - begin);
}

void RepeatFinder::Find(std::string_view text, bool keep_word_hashes,
                        std::vector<Cut>* cuts) {
  cuts->clear();
  lines_.clear();
  words_.clear();
  word_spans_.clear();
  const std::vector<TextSpan> lines = SplitLines(text);
  const bool near = options_.near_similarity < 1.0;
  // Lines inside an aligned run need only this similarity to their source.
  const double loose = std::min(options_.block_similarity,
                                options_.near_similarity);
  const bool align = near && options_.block_similarity < 1.0;
  if (!scratch_) {
    scratch_.reset(new Scratch(options_.near_similarity, loose, align));
  }
  std::vector<Unit>& units = scratch_->units;
  units.clear();
  FirstIndex& first_by_key = scratch_->first_by_key;
  first_by_key.Reset(lines.size());
  NearLines& sets = scratch_->sets;
  sets.Reset(lines.size());

  for (size_t li = 0; li < lines.size(); ++li) {
    const std::string_view line = lines[li].In(text);
    if (IsBlankLine(line)) continue;
    normalizer_.Normalize(line, &normalized_);
    if (normalized_.empty()) continue;
    Unit u;
    u.line = lines[li];
    u.cut_end = li + 1 < lines.size() ? lines[li + 1].begin : text.size();
    u.starts_paragraph = li == 0 || IsBlankLine(lines[li - 1].In(text));
    u.previous_line_end = li == 0 ? 0 : lines[li - 1].end;
    size_t next = li + 1;
    while (next < lines.size() && IsBlankLine(lines[next].In(text))) ++next;
    u.after_blanks = next < lines.size() ? lines[next].begin : text.size();
    u.key = LineCounter::LineKey(normalized_);
    u.normalized_bytes = normalized_.size();
    const size_t spaces = CountSpaces(normalized_);
    lines_.push_back(
        {u.line.begin, u.cut_end, u.key, u.normalized_bytes, spaces + 1});
    const size_t n = normalized_.size();
    if (options_.repeats_inside_lines && n >= 21 && n <= kMaxHalfCheckBytes &&
        n % 2 == 1 && normalized_[n / 2] == ' ' &&
        std::memcmp(normalized_.data(), normalized_.data() + n / 2 + 1,
                    n / 2) == 0) {
      u.doubled = true;
    }
    const uint32_t index = static_cast<uint32_t>(units.size());
    const uint32_t first = first_by_key.Emplace(u.key, index);
    if (first != index) u.source = static_cast<int>(first);
    const bool search = first == index && near;
    // A line's words are hashed once, when it first occurs (a repeat has
    // the words of its first occurrence); without keep_word_hashes only
    // the line being searched is kept.
    if (!keep_word_hashes) words_.clear();
    std::pair<size_t, size_t> span{words_.size(), words_.size()};
    if (first != index && keep_word_hashes) {
      span = word_spans_[first];
    } else if (search || keep_word_hashes) {
      internal::AppendWordHashes(normalized_, /*seed=*/0, &words_);
      span.second = words_.size();
    }
    if (keep_word_hashes) word_spans_.push_back(span);
    sets.Add(index,
             absl::MakeConstSpan(words_).subspan(span.first,
                                                 span.second - span.first),
             search, &u);
    units.push_back(u);
  }

  // Sources point at the first occurrence, which is never cut.
  for (Unit& u : units) {
    while (u.source >= 0 && units[u.source].source >= 0) {
      u.source = units[u.source].source;
    }
  }

  if (align) {
    // Similarity of units a and b: 1 for equal normalized text, else the
    // Jaccard of their word sets when both are of one kind and their sizes
    // allow `loose` (so a comparison costs at most a few times the smaller
    // set, and each unit is compared a bounded number of times).
    auto match = [&](size_t a, size_t b) {
      if (units[a].key == units[b].key) return 1.0;
      return sets.Similarity(a, b);
    };
    AlignRuns(match, loose, options_.block_similarity, &units);
  }

  CutRepeatedRuns(text, options_.min_single_line_bytes, units, cuts);
  if (options_.repeats_inside_lines) {
    CutRepeatsInsideLines(text, units, options_, normalizer_, &normalized_,
                          cuts);
  }
  std::sort(cuts->begin(), cuts->end(),
            [](const Cut& a, const Cut& b) { return a.begin < b.begin; });
}

}  // namespace neardup
