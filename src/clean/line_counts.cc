// Cross-document line counts and boilerplate cuts.

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "neardup/clean.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "shingle/word_hashes.h"
#include "text/utf8_internal.h"
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace neardup {
namespace {

constexpr char kMagic[4] = {'N', 'D', 'L', 'C'};
constexpr uint32_t kFormatVersion = 2;
constexpr uint64_t kLineSeed = 0x6C696E65;  // "line"
constexpr uint64_t kPairSeed = 0x70616972;  // "pair"
// Lines of this many words or more are long: content-like, and what links
// versions of one article.
constexpr size_t kLongLineWords = 10;
// Lines of this many words or more link versions of one article: a
// paragraph, rarely a footer sentence.
constexpr size_t kLinkLineWords = 20;
// Versions of one article share at least this many such lines...
constexpr size_t kMinSharedLongLines = 3;
// ...each in at most this many documents (a rarer line, not a footer).
constexpr size_t kMaxLinkingDocs = 16;
// A recurring line shorter than this needs a recurring neighbour on one
// side only (navigation items at the edge of their block).
constexpr size_t kShortLineWords = 6;

uint64_t SiteLineKey(uint64_t site, uint64_t line) {
  const uint64_t pair[2] = {site, line};
  return XXH3_64bits(pair, sizeof(pair));
}

void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

bool GetU64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = 0;
  for (int i = 0; i < 8; ++i) {
    *v |= static_cast<uint64_t>(static_cast<unsigned char>((*in)[i])) << (8 * i);
  }
  in->remove_prefix(8);
  return true;
}

}  // namespace

uint64_t LineCounter::LineKey(std::string_view normalized_line) {
  return XXH3_64bits_withSeed(normalized_line.data(), normalized_line.size(),
                              kLineSeed);
}

uint64_t LineCounter::SiteKey(std::string_view site) {
  return site.empty() ? 0 : XXH3_64bits(site.data(), site.size());
}

uint64_t LineCounter::PairKey(uint64_t first, uint64_t second) {
  const uint64_t pair[3] = {first, second, kPairSeed};
  return XXH3_64bits(pair, sizeof(pair));
}

namespace {

// The near-duplicate rule's MinHash: 16 permutations, 4 bands of 4.
const MinHasher& BandHasher() {
  static const MinHasher* const hasher =
      new MinHasher(*MinHasher::Create({.num_perm = 16, .seed = 0x6E656172}));
  return *hasher;
}
constexpr int kBandPermutations = 16;

// Builds LineCounter::Prepared line by line, from the key and the word
// hashes of each line: one way for a text and for RepeatFinder's lines.
// It builds into a Prepared whose vectors' memory is reused, and signs the
// long lines' 5-grams as they come: the signature of their union is the
// smallest value of each permutation over the lines' signatures, so no
// 5-gram is gathered.
class PreparedBuilder {
 public:
  PreparedBuilder(std::string_view site, LineCounter::Prepared* out)
      : p_(*out) {
    p_.lines.clear();
    p_.pairs.clear();
    p_.long_lines.clear();
    p_.bands.clear();
    p_.site = LineCounter::SiteKey(site);
    signature_.fill(std::numeric_limits<uint32_t>::max());
  }

  // Whether AddLine needs the word hashes of a line of `words` words: only
  // long lines of a site have their 5-grams hashed.
  bool NeedsHashes(size_t words) const {
    return words >= kLongLineWords && p_.site != 0;
  }

  // Adds the next line whose normalized text is not empty: its key, its
  // number of words (SplitWords) and, when NeedsHashes(words), the
  // XXH3_64bits of each word.
  void AddLine(uint64_t key, size_t words, absl::Span<const uint64_t> hashes) {
    AddKeys(key, words);
    if (!NeedsHashes(words)) return;  // short lines: maybe navigation
    if (hashes.size() < 5) return;
    grams_.resize(hashes.size() - 4);
    internal::HashTokenRuns(hashes.data(), hashes.size(), 5, /*seed=*/0,
                            grams_.data());
    AddGrams(grams_);
  }

  // Room for `lines` lines.
  void Reserve(size_t lines) {
    p_.lines.reserve(lines);
    p_.pairs.reserve(lines);
  }

  // AddLine with the line's word 5-gram hashes already computed (words - 4
  // of them when NeedsHashes(words)).
  void AddLineGrams(uint64_t key, size_t words,
                    absl::Span<const uint64_t> grams) {
    AddKeys(key, words);
    if (NeedsHashes(words)) AddGrams(grams);
  }

  void Finish() {
    for (auto* keys : {&p_.lines, &p_.pairs, &p_.long_lines}) {
      std::sort(keys->begin(), keys->end());
      keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
    }
    if (grams_signed_ >= 10) {
      for (int b = 0; b < 4; ++b) {
        const uint64_t band[3] = {p_.site, static_cast<uint64_t>(b),
                                  BandKey(signature_, b, 4)};
        p_.bands.push_back(XXH3_64bits(band, sizeof(band)));
      }
    }
  }

 private:
  // The line's key, its pair with the line before, and whether it is long.
  void AddKeys(uint64_t key, size_t words) {
    p_.lines.push_back(key);
    if (has_previous_) p_.pairs.push_back(LineCounter::PairKey(previous_, key));
    previous_ = key;
    has_previous_ = true;
    if (words >= kLinkLineWords) p_.long_lines.push_back(key);
  }

  // Signs one line's 5-grams into the document's signature.
  void AddGrams(absl::Span<const uint64_t> grams) {
    if (grams.empty()) return;
    std::array<uint32_t, kBandPermutations> line;
    (void)BandHasher().Sign(grams, absl::MakeSpan(line));
    for (int i = 0; i < kBandPermutations; ++i) {
      signature_[i] = std::min(signature_[i], line[i]);
    }
    grams_signed_ += grams.size();
  }

  LineCounter::Prepared& p_;
  std::array<uint32_t, kBandPermutations> signature_;
  size_t grams_signed_ = 0;
  std::vector<uint64_t> grams_;  // AddLine's 5-grams of one line
  uint64_t previous_ = 0;
  bool has_previous_ = false;
};

}  // namespace

LineCounter::Prepared LineCounter::Prepare(std::string_view text,
                                           std::string_view site) {
  return Prepare(text, site, nullptr);
}

LineCounter::Prepared LineCounter::Prepare(std::string_view text,
                                           std::string_view site,
                                           std::vector<KeyedLine>* keyed) {
  Prepared prepared;
  PreparedBuilder builder(site, &prepared);
  if (keyed != nullptr) keyed->clear();
  Normalizer normalizer;
  std::string normalized;
  std::vector<uint64_t> tokens;
  const std::vector<TextSpan> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    normalizer.Normalize(lines[i].In(text), &normalized);
    if (normalized.empty()) continue;
    const uint64_t key = LineKey(normalized);
    if (keyed != nullptr) {
      const size_t end = i + 1 < lines.size() ? lines[i + 1].begin : text.size();
      keyed->push_back(
          {lines[i].begin, end, key, normalized.size(),
           static_cast<size_t>(
               std::count(normalized.begin(), normalized.end(), ' ')) +
               1});
    }
    size_t words = 0;
    internal::ForEachWord(normalized.data(), normalized.size(),
                          [&](size_t, size_t) { ++words; });
    tokens.clear();
    if (builder.NeedsHashes(words)) {
      internal::AppendWordHashes(normalized, /*seed=*/0, &tokens);
    }
    builder.AddLine(key, words, tokens);
  }
  builder.Finish();
  return prepared;
}

LineCounter::Prepared LineCounter::Prepare(const RepeatFinder& finder,
                                           std::string_view site) {
  Prepared prepared;
  PreparedBuilder builder(site, &prepared);
  const std::vector<KeyedLine>& lines = finder.lines();
  for (size_t i = 0; i < lines.size(); ++i) {
    const absl::Span<const uint64_t> hashes = finder.word_hashes(i);
    builder.AddLine(lines[i].key, hashes.size(), hashes);
  }
  builder.Finish();
  return prepared;
}

LineCounter::Prepared LineCounter::Prepare(absl::Span<const LineGrams> lines,
                                           std::string_view site) {
  Prepared prepared;
  Prepare(lines, site, &prepared);
  return prepared;
}

void LineCounter::Prepare(absl::Span<const LineGrams> lines,
                          std::string_view site, Prepared* out) {
  PreparedBuilder builder(site, out);
  builder.Reserve(lines.size());
  for (const LineGrams& line : lines) {
    builder.AddLineGrams(line.key, line.words, line.grams);
  }
  builder.Finish();
}

namespace {

constexpr int kBandTableBits = 12;
constexpr int kBandRestBits = 64 - kBandTableBits;
constexpr size_t kBandSlotBytes = (kBandRestBits + 7) / 8;
constexpr uint64_t kBandRestMask = (uint64_t{1} << kBandRestBits) - 1;
constexpr size_t kBandSlotPadding = sizeof(uint64_t) - kBandSlotBytes;

// A slot's 52 bits: 8 bytes read (the slots are padded by 1) and masked.
uint64_t LoadRest(const uint8_t* slot) {
  uint64_t word;
  std::memcpy(&word, slot, sizeof(word));
  if constexpr (std::endian::native == std::endian::big) {
    word = __builtin_bswap64(word);
  }
  return word & kBandRestMask;
}

void StoreRest(uint64_t rest, uint8_t* slot) {
  for (size_t i = 0; i < kBandSlotBytes; ++i, rest >>= 8) {
    slot[i] = static_cast<uint8_t>(rest);
  }
}

// The first slot to probe, of 2^log (the keys are XXH3 values, but their
// low bits may also have chosen another table: mixed first).
size_t HomeSlot(uint64_t rest, int log) {
  return static_cast<size_t>((rest * 0x9E3779B97F4A7C15ull) >> (64 - log));
}

}  // namespace

void LineCounter::BandSet::Grow(Table& table) {
  const int log = table.slots ? table.log + 1 : 3;
  const size_t slots = size_t{1} << log;
  std::unique_ptr<uint8_t[]> grown(
      new uint8_t[slots * kBandSlotBytes + kBandSlotPadding]());
  if (table.slots) {
    const size_t old_slots = size_t{1} << table.log;
    for (size_t i = 0; i < old_slots; ++i) {
      const uint64_t rest = LoadRest(&table.slots[i * kBandSlotBytes]);
      if (rest == 0) continue;
      size_t at = HomeSlot(rest, log);
      while (LoadRest(&grown[at * kBandSlotBytes]) != 0) {
        at = (at + 1) & (slots - 1);
      }
      StoreRest(rest, &grown[at * kBandSlotBytes]);
    }
  }
  table.slots = std::move(grown);
  table.log = static_cast<uint8_t>(log);
}

bool LineCounter::BandSet::Insert(uint64_t key) {
  if (tables_.empty()) tables_.resize(size_t{1} << kBandTableBits);
  Table& table = tables_[key >> kBandRestBits];
  const uint64_t rest = key & kBandRestMask;
  if (rest == 0) return !std::exchange(table.zero, true);
  // At most three quarters full: a few probes on average.
  const size_t slots = table.slots ? size_t{1} << table.log : 0;
  if (4 * (size_t{table.size} + 1) > 3 * slots) Grow(table);
  const size_t mask = (size_t{1} << table.log) - 1;
  for (size_t at = HomeSlot(rest, table.log);; at = (at + 1) & mask) {
    uint8_t* slot = &table.slots[at * kBandSlotBytes];
    const uint64_t held = LoadRest(slot);
    if (held == rest) return false;
    if (held == 0) {
      StoreRest(rest, slot);
      ++table.size;
      return true;
    }
  }
}

void LineCounter::BandSet::Prefetch(uint64_t key) const {
  if (tables_.empty()) return;
  const Table& table = tables_[key >> kBandRestBits];
  if (table.slots) {
    __builtin_prefetch(
        &table.slots[HomeSlot(key & kBandRestMask, table.log) * kBandSlotBytes]);
  }
}

uint64_t LineCounter::BandSet::bytes() const {
  uint64_t bytes = tables_.capacity() * sizeof(Table);
  for (const Table& table : tables_) {
    if (table.slots) {
      bytes += (uint64_t{1} << table.log) * kBandSlotBytes + kBandSlotPadding;
    }
  }
  return bytes;
}

void LineCounter::Add(const Prepared& p) {
  const uint32_t doc = static_cast<uint32_t>(documents_++);
  doc_site_.push_back(p.site);
  long_count_.push_back(0);
  counted_.push_back(0);
  bool near_duplicate = false;
  // The bands' slots are far apart in a large set: fetched together.
  for (uint64_t band : p.bands) seen_bands_.Prefetch(band);
  for (uint64_t band : p.bands) {
    near_duplicate |= !seen_bands_.Insert(band);
  }
  if (near_duplicate) {
    ++near_duplicates_;
    return;
  }
  if (store_ != nullptr) {
    // Spilled before a table would grow past the budget: the tables keep
    // their capacity from run to run, and hold at most the budget.
    uint64_t grown = held_bytes();
    auto grow = [&grown](const auto& table, size_t more) {
      const size_t need = table.size() + more;
      if (need > table.capacity()) {
        grown += (std::max(need, 2 * table.capacity()) - table.capacity()) *
                 sizeof(table[0]);
      }
    };
    if (count_overall_) grow(overall_keys_, p.lines.size());
    grow(site_lines_, p.lines.size());
    grow(site_pairs_, p.pairs.size());
    grow(long_lines_, p.long_lines.size());
    if (grown > budget_bytes_) Spill();
  }
  if (count_overall_) {
    overall_keys_.insert(overall_keys_.end(), p.lines.begin(), p.lines.end());
  }
  for (uint64_t k : p.lines) site_lines_.push_back({SiteLineKey(p.site, k), doc, doc});
  for (uint64_t k : p.pairs) site_pairs_.push_back({SiteLineKey(p.site, k), doc, doc});
  for (uint64_t k : p.long_lines) {
    long_lines_.push_back({SiteLineKey(p.site, k), doc, doc});
  }
  long_count_.back() = static_cast<uint32_t>(p.long_lines.size());
  counted_.back() = !p.lines.empty();
}

void LineCounter::AddDocument(std::string_view text, std::string_view site) {
  Add(Prepare(text, site));
}

void LineCounter::SpillTo(LineRunStore* store, uint64_t budget_bytes) {
  store_ = store;
  budget_bytes_ = budget_bytes;
}

uint64_t LineCounter::held_bytes() const {
  return 8 * overall_keys_.capacity() +
         sizeof(Occurrence) * (site_lines_.capacity() + site_pairs_.capacity() +
                               long_lines_.capacity());
}

namespace {

// Runs are written and read back in chunks of this many bytes, each with
// its checksum: the read buffer of a run while Finish merges.
constexpr size_t kRunChunkBytes = size_t{64} << 10;

// The order of the raw entries in a run and in the merge: by key (the
// overall table), or by key then document (occurrences: the documents of
// one line come in input order).
bool RunLess(uint64_t a, uint64_t b) { return a < b; }
template <typename O>
bool RunLess(const O& a, const O& b) {
  return a.key < b.key || (a.key == b.key && a.doc < b.doc);
}
uint64_t RunKey(uint64_t k) { return k; }
template <typename O>
uint64_t RunKey(const O& o) {
  return o.key;
}

// One sorted source of the merge: the entries held in memory, or a run
// read back chunk by chunk from the store, its checksums and order
// checked.
template <typename T>
class RunCursor {
 public:
  explicit RunCursor(absl::Span<const T> held)
      : data_(held.data()), size_(held.size()) {}
  RunCursor(LineRunStore* store, uint64_t offset, uint64_t entries,
            const std::vector<uint64_t>* sums)
      : store_(store), offset_(offset), left_(entries), sums_(sums) {}

  // Loads the first chunk; false with *status set on a failure.
  bool Start(absl::Status* status) { return Refill(status); }
  bool valid() const { return pos_ < size_; }
  const T& get() const { return data_[pos_]; }
  // Moves to the next entry; false with *status set on a failure.
  bool Next(absl::Status* status) {
    ++pos_;
    if (pos_ < size_) {
      if (store_ != nullptr && RunLess(data_[pos_], data_[pos_ - 1])) {
        *status = OutOfOrder();
        return false;
      }
      return true;
    }
    return Refill(status);
  }

 private:
  static absl::Status OutOfOrder() {
    return absl::DataLossError(
        "line-count spill: a run's entries are out of order (corrupted spill "
        "file)");
  }

  bool Refill(absl::Status* status) {
    if (store_ == nullptr || left_ == 0) return true;
    constexpr uint64_t kChunkEntries = kRunChunkBytes / sizeof(T);
    const size_t n = static_cast<size_t>(std::min(left_, kChunkEntries));
    buffer_.resize(n);
    char* out = reinterpret_cast<char*>(buffer_.data());
    if (auto s = store_->ReadAt(offset_, n * sizeof(T), out); !s.ok()) {
      *status = s;
      return false;
    }
    if (chunk_ >= sums_->size() ||
        XXH3_64bits(out, n * sizeof(T)) != (*sums_)[chunk_]) {
      *status = absl::DataLossError(
          "line-count spill: checksum mismatch in a run (corrupted spill "
          "file)");
      return false;
    }
    if (pos_ > 0 && RunLess(buffer_[0], last_)) {
      *status = OutOfOrder();
      return false;
    }
    last_ = buffer_[n - 1];
    ++chunk_;
    offset_ += n * sizeof(T);
    left_ -= n;
    data_ = buffer_.data();
    size_ = n;
    pos_ = 0;
    return true;
  }

  const T* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  LineRunStore* store_ = nullptr;
  uint64_t offset_ = 0;
  uint64_t left_ = 0;
  const std::vector<uint64_t>* sums_ = nullptr;
  size_t chunk_ = 0;
  std::vector<T> buffer_;
  T last_{};
};

}  // namespace

template <typename T>
void LineCounter::WriteRun(Table table, std::vector<T>& held) {
  if (held.empty()) return;
  std::sort(held.begin(), held.end(),
            [](const T& a, const T& b) { return RunLess(a, b); });
  Run run;
  run.offset = spilled_bytes_;
  run.entries = held.size();
  constexpr size_t kChunkEntries = kRunChunkBytes / sizeof(T);
  for (size_t i = 0; i < held.size(); i += kChunkEntries) {
    const size_t n = std::min(kChunkEntries, held.size() - i);
    const std::string_view bytes(reinterpret_cast<const char*>(&held[i]),
                                 n * sizeof(T));
    run.sums.push_back(XXH3_64bits(bytes.data(), bytes.size()));
    if (status_.ok()) status_ = store_->Append(bytes);
    spilled_bytes_ += bytes.size();
  }
  runs_[table].push_back(std::move(run));
  held.clear();
}

void LineCounter::Spill(bool release) {
  if (store_ == nullptr) return;
  WriteRun(kOverall, overall_keys_);
  WriteRun(kSiteLines, site_lines_);
  WriteRun(kSitePairs, site_pairs_);
  WriteRun(kLongLines, long_lines_);
  if (release) {
    std::vector<uint64_t>().swap(overall_keys_);
    std::vector<Occurrence>().swap(site_lines_);
    std::vector<Occurrence>().swap(site_pairs_);
    std::vector<Occurrence>().swap(long_lines_);
  }
}

// Calls fn(group) for each group of entries of one key of table `table`,
// in key order (entries of a group in RunLess order): the runs in the
// store merged with `held`, which is sorted here and released after.
template <typename T, typename Fn>
void LineCounter::ForEachGroup(Table table, std::vector<T>& held, Fn fn) {
  if (!status_.ok()) {  // the runs were not all written
    std::vector<T>().swap(held);
    return;
  }
  std::sort(held.begin(), held.end(),
            [](const T& a, const T& b) { return RunLess(a, b); });
  std::vector<RunCursor<T>> cursors;
  cursors.emplace_back(absl::MakeConstSpan(held));
  for (const Run& run : runs_[table]) {
    cursors.emplace_back(store_, run.offset, run.entries, &run.sums);
  }
  std::vector<T> group;
  if (cursors.size() == 1) {
    // Nothing spilled: the groups are runs of the sorted entries.
    for (size_t i = 0; i < held.size();) {
      size_t j = i + 1;
      while (j < held.size() && RunKey(held[j]) == RunKey(held[i])) ++j;
      fn(absl::MakeConstSpan(held).subspan(i, j - i));
      i = j;
    }
    std::vector<T>().swap(held);
    return;
  }
  // A min-heap of cursors, by their entry then their index.
  std::vector<size_t> heap;
  auto later = [&cursors](size_t a, size_t b) {
    const T& x = cursors[a].get();
    const T& y = cursors[b].get();
    return RunLess(y, x) || (!RunLess(x, y) && a > b);
  };
  for (size_t c = 0; c < cursors.size(); ++c) {
    if (!cursors[c].Start(&status_)) return;
    if (cursors[c].valid()) heap.push_back(c);
  }
  std::make_heap(heap.begin(), heap.end(), later);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const size_t c = heap.back();
    const T& entry = cursors[c].get();
    if (!group.empty() && RunKey(entry) != RunKey(group[0])) {
      fn(absl::MakeConstSpan(group));
      group.clear();
    }
    group.push_back(entry);
    if (!cursors[c].Next(&status_)) return;
    if (cursors[c].valid()) {
      std::push_heap(heap.begin(), heap.end(), later);
    } else {
      heap.pop_back();
    }
  }
  if (!group.empty()) fn(absl::MakeConstSpan(group));
  std::vector<T>().swap(held);
}

// Union-find over document ordinals: documents of one site that share
// enough rare long lines are one family (see the header).
void LineCounter::LinkFamilies(std::vector<uint32_t>* family) {
  std::vector<uint32_t>& parent = *family;
  parent.resize(documents_);
  for (uint32_t d = 0; d < parent.size(); ++d) parent[d] = d;
  auto find = [&parent](uint32_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  // Documents counted per site (near-duplicates left out).
  std::unordered_map<uint64_t, uint32_t> site_docs;
  for (uint32_t d = 0; d < documents_; ++d) {
    if (counted_[d]) ++site_docs[doc_site_[d]];
  }
  std::vector<uint64_t> pairs;
  ForEachGroup(
      kLongLines, long_lines_, [&](absl::Span<const Occurrence> group) {
        const size_t n = group.size();
        if (n < 2 || n > kMaxLinkingDocs) return;
        for (const Occurrence& o : group) {
          if (o.doc >= documents_) return;  // corrupt: status_ says
        }
        const uint32_t in_site = site_docs[doc_site_[group[0].doc]];
        if (n > std::max<size_t>(2, in_site / 2)) return;
        for (size_t a = 0; a < n; ++a) {
          for (size_t b = a + 1; b < n; ++b) {
            pairs.push_back(uint64_t{group[a].doc} << 32 | group[b].doc);
          }
        }
      });
  std::sort(pairs.begin(), pairs.end());
  for (size_t i = 0; i < pairs.size();) {
    size_t j = i + 1;
    while (j < pairs.size() && pairs[j] == pairs[i]) ++j;
    const uint32_t a = static_cast<uint32_t>(pairs[i] >> 32);
    const uint32_t b = static_cast<uint32_t>(pairs[i]);
    const size_t shared = j - i;
    if (shared >= kMinSharedLongLines &&
        2 * shared >= std::min(long_count_[a], long_count_[b])) {
      const uint32_t ra = find(a), rb = find(b);
      // The earlier document is the family's representative.
      if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
    }
    i = j;
  }
  for (uint32_t d = 0; d < parent.size(); ++d) {
    parent[d] = find(d);
    linked_documents_ += parent[d] != d;
  }
}

void LineCounter::Finish(uint32_t min_docs) {
  min_docs = std::max(min_docs, 1u);
  // What only Add needs goes first, and each raw table as soon as its
  // counts are made (ForEachGroup), so that the counts are built beside as
  // little as possible: a dedup job with main text peaks here.
  seen_bands_ = BandSet();
  overall_.clear();
  ForEachGroup(kOverall, overall_keys_, [&](absl::Span<const uint64_t> group) {
    if (group.size() >= min_docs) {
      overall_.push_back({group[0], static_cast<uint32_t>(group.size()), 0, 0});
    }
  });
  std::vector<uint32_t> family;
  LinkFamilies(&family);
  std::vector<uint32_t>().swap(long_count_);
  std::vector<uint64_t>().swap(doc_site_);
  std::vector<uint8_t>().swap(counted_);
  // The distinct families of a group's documents.
  std::vector<uint32_t> families_of;
  bool in_range = true;
  auto families = [&](absl::Span<const Occurrence> group) {
    families_of.clear();
    for (const Occurrence& o : group) {
      if (o.doc >= documents_) {
        in_range = false;
        return uint32_t{0};
      }
      families_of.push_back(family[o.doc]);
    }
    std::sort(families_of.begin(), families_of.end());
    return static_cast<uint32_t>(
        std::unique(families_of.begin(), families_of.end()) -
        families_of.begin());
  };
  site_.clear();
  ForEachGroup(
      kSiteLines, site_lines_, [&](absl::Span<const Occurrence> group) {
        const uint32_t f = families(group);
        // Sorted by document: the first is the group's first.
        if (group.size() >= min_docs && f > 0) {
          site_.push_back({group[0].key, static_cast<uint32_t>(group.size()), f,
                           group[0].doc});
        }
      });
  pairs_.clear();
  ForEachGroup(kSitePairs, site_pairs_,
               [&](absl::Span<const Occurrence> group) {
                 const uint32_t f = families(group);
                 if (f >= 2) pairs_.push_back({group[0].key, f, 0, 0});
               });
  if (status_.ok() && !in_range) {
    status_ = absl::DataLossError(
        "line-count spill: a document ordinal out of range (corrupted spill "
        "file)");
  }
  if (!status_.ok()) {
    overall_.clear();
    site_.clear();
    pairs_.clear();
  }
  for (auto& runs : runs_) std::vector<Run>().swap(runs);
  std::vector<uint64_t>().swap(overall_keys_);
  std::vector<Occurrence>().swap(site_lines_);
  std::vector<Occurrence>().swap(site_pairs_);
  std::vector<Occurrence>().swap(long_lines_);
  std::vector<uint32_t>().swap(long_count_);
  std::vector<uint64_t>().swap(doc_site_);
  std::vector<uint8_t>().swap(counted_);
  seen_bands_ = BandSet();
}

const LineCounter::Entry* LineCounter::Find(const std::vector<Entry>& entries,
                                            uint64_t key) {
  const auto it = std::lower_bound(
      entries.begin(), entries.end(), key,
      [](const Entry& e, uint64_t k) { return e.key < k; });
  return it != entries.end() && it->key == key ? &*it : nullptr;
}

uint32_t LineCounter::Count(uint64_t line_key) const {
  const Entry* e = Find(overall_, line_key);
  return e ? e->count : 0;
}

uint32_t LineCounter::SiteCount(uint64_t site_key, uint64_t line_key) const {
  const Entry* e = Find(site_, SiteLineKey(site_key, line_key));
  return e ? e->count : 0;
}

LineCounter::LineEvidence LineCounter::SiteEvidence(uint64_t site_key,
                                                    uint64_t line_key) const {
  const Entry* e = Find(site_, SiteLineKey(site_key, line_key));
  if (e == nullptr) return {};
  return {e->count, e->families, e->first};
}

uint32_t LineCounter::SitePairFamilies(uint64_t site_key, uint64_t first,
                                       uint64_t second) const {
  const Entry* e = Find(pairs_, SiteLineKey(site_key, PairKey(first, second)));
  return e ? e->count : 0;
}

std::string LineCounter::Serialize() const {
  std::string out(kMagic, 4);
  PutU64(&out, kFormatVersion);
  PutU64(&out, documents_);
  PutU64(&out, XXH3_64bits(out.data(), out.size()));  // header checksum
  for (int s = 0; s < 3; ++s) {
    const std::vector<Entry>& section = s == 0 ? overall_ : s == 1 ? site_ : pairs_;
    std::string body;
    PutU64(&body, section.size());
    for (const Entry& e : section) {
      PutU64(&body, e.key);
      PutU64(&body, e.count);
      if (s == 1) {
        PutU64(&body, e.families);
        PutU64(&body, e.first);
      }
    }
    out += body;
    PutU64(&out, XXH3_64bits(body.data(), body.size()));
  }
  return out;
}

absl::StatusOr<LineCounter> LineCounter::Deserialize(std::string_view bytes) {
  if (bytes.size() < 4 || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    return absl::DataLossError("not a neardup line-count file (bad magic)");
  }
  const std::string_view header = bytes.substr(0, 20);
  bytes.remove_prefix(4);
  uint64_t version = 0, documents = 0, header_checksum = 0;
  if (!GetU64(&bytes, &version) || !GetU64(&bytes, &documents) ||
      !GetU64(&bytes, &header_checksum)) {
    return absl::DataLossError("line-count file truncated in its header");
  }
  if (version != kFormatVersion &&
      header_checksum == XXH3_64bits(header.data(), header.size())) {
    return absl::DataLossError("line-count file has format version " +
                               std::to_string(version) + ", this neardup reads " +
                               std::to_string(kFormatVersion) +
                               " (count the lines again)");
  }
  if (header_checksum != XXH3_64bits(header.data(), header.size())) {
    return absl::DataLossError(
        "line-count file: checksum mismatch in the header (corrupted file)");
  }
  LineCounter counter;
  counter.documents_ = documents;
  const char* names[3] = {"overall", "per-site", "pairs"};
  std::vector<Entry>* sections[3] = {&counter.overall_, &counter.site_,
                                     &counter.pairs_};
  for (int s = 0; s < 3; ++s) {
    const size_t fields = s == 1 ? 4 : 2;
    const std::string_view start = bytes;
    uint64_t n;
    if (!GetU64(&bytes, &n) || n > bytes.size() / (8 * fields)) {
      return absl::DataLossError(std::string("line-count file truncated in the ") +
                                 names[s] + " section");
    }
    sections[s]->resize(n);
    bool counts_fit = true;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t key = 0, count = 0, families = 0, first = 0;
      GetU64(&bytes, &key);
      GetU64(&bytes, &count);
      if (s == 1) {
        GetU64(&bytes, &families);
        GetU64(&bytes, &first);
      }
      counts_fit &= count <= UINT32_MAX && families <= count;
      (*sections[s])[i] = {key, static_cast<uint32_t>(count),
                           static_cast<uint32_t>(families), first};
    }
    const size_t body_size = start.size() - bytes.size();
    uint64_t checksum;
    if (!GetU64(&bytes, &checksum)) {
      return absl::DataLossError(std::string("line-count file truncated after the ") +
                                 names[s] + " section");
    }
    if (checksum != XXH3_64bits(start.data(), body_size)) {
      return absl::DataLossError(std::string("line-count file: checksum mismatch in the ") +
                                 names[s] + " section (corrupted file)");
    }
    for (uint64_t i = 1; i < n; ++i) {
      if ((*sections[s])[i - 1].key >= (*sections[s])[i].key) {
        return absl::DataLossError("line-count file: keys out of order");
      }
    }
    // Counts are 32-bit in memory; the file holds 8 bytes for each.
    if (!counts_fit) {
      return absl::DataLossError(std::string("line-count file: a count out of "
                                             "range in the ") +
                                 names[s] + " section");
    }
  }
  if (!bytes.empty()) {
    return absl::DataLossError("line-count file has trailing bytes");
  }
  return counter;
}

void FindBoilerplate(std::string_view text, std::string_view site,
                     const LineCounter& counts,
                     const BoilerplateOptions& options,
                     std::vector<Cut>* cuts) {
  Normalizer normalizer;
  std::string normalized;
  std::vector<KeyedLine> keyed;
  const std::vector<TextSpan> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    normalizer.Normalize(lines[i].In(text), &normalized);
    if (normalized.empty()) continue;
    const size_t end = i + 1 < lines.size() ? lines[i + 1].begin : text.size();
    keyed.push_back({lines[i].begin, end, LineCounter::LineKey(normalized),
                     normalized.size(),
                     static_cast<size_t>(std::count(normalized.begin(),
                                                    normalized.end(), ' ')) +
                         1});
  }
  FindBoilerplate(keyed, site, counts, options, cuts);
}

void FindBoilerplate(absl::Span<const KeyedLine> lines, std::string_view site,
                     const LineCounter& counts,
                     const BoilerplateOptions& options,
                     std::vector<Cut>* cuts) {
  FindBoilerplate(lines, LineCounter::SiteKey(site), counts, options, cuts);
}

void FindBoilerplate(absl::Span<const KeyedLine> lines, uint64_t site_key,
                     const LineCounter& counts,
                     const BoilerplateOptions& options,
                     std::vector<Cut>* cuts) {
  const bool no_site = site_key == 0;
  const uint32_t min_docs = std::max<uint32_t>(options.min_docs, 2);
  // Without a site every document of the collection is of one "site":
  // much stronger evidence (see the header).
  const uint32_t strong_families = no_site ? 2 * min_docs : min_docs;
  const uint32_t weak_docs = std::max<uint32_t>(min_docs - 1, 2);
  const uint32_t pair_families =
      no_site ? min_docs : std::max<uint32_t>(min_docs - 1, 2);
  const size_t n = lines.size();
  std::vector<uint8_t> furniture(n, 0);
  std::vector<LineCounter::LineEvidence> evidence(n);
  for (size_t i = 0; i < n; ++i) {
    const KeyedLine& line = lines[i];
    if (line.normalized_bytes > options.max_line_bytes) continue;
    evidence[i] = counts.SiteEvidence(site_key, line.key);
    const LineCounter::LineEvidence& e = evidence[i];
    const bool strong = e.families >= strong_families;
    const bool weak = !no_site && e.docs >= weak_docs &&
                      line.words < kLongLineWords;
    if (!strong && !weak) continue;
    const uint32_t before =
        i > 0 ? counts.SitePairFamilies(site_key, lines[i - 1].key, line.key) : 0;
    const uint32_t after =
        i + 1 < n ? counts.SitePairFamilies(site_key, line.key, lines[i + 1].key)
                  : 0;
    const bool one_side =
        no_site || (strong && line.words < kShortLineWords);
    // A line at the edge of its block has one recurring neighbour: enough
    // when that pair is itself frequent.
    furniture[i] = one_side ? std::max(before, after) >= pair_families
                            : std::min(before, after) >= pair_families ||
                                  (strong && std::max(before, after) >=
                                                 2 * min_docs);
    // One word alone ("Advertisement", "Share") on many pages of the site.
    if (line.words <= 1 && e.families >= 3 * min_docs) furniture[i] = 1;
    // The last line of the document is in place by itself (a one-line
    // footer: "Share this"), when it is short. Not the first: a text often
    // starts with its headline, which versions of an article share.
    if (strong && i + 1 == n &&
        line.words < kLongLineWords) {
      furniture[i] = 1;
    }
  }
  if (no_site) {
    // Only the header and footer runs: furniture lines from the first line
    // on, and up to the last.
    size_t head = 0;
    while (head < n && furniture[head]) ++head;
    size_t tail = n;
    while (tail > head && furniture[tail - 1]) --tail;
    for (size_t i = head; i < tail; ++i) furniture[i] = 0;
  }
  for (size_t i = 0; i < n; ++i) {
    if (!furniture[i]) continue;
    Cut c{lines[i].begin, lines[i].cut_end, CutReason::kBoilerplate,
          Cut::kNoSource, 1.0};
    c.docs = evidence[i].docs;
    c.families = evidence[i].families;
    c.first_doc = evidence[i].first_doc;
    cuts->push_back(c);
  }
}

}  // namespace neardup
