// Cross-document line counts and boilerplate cuts.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "neardup/clean.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
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

// Builds LineCounter::Prepared line by line, from the key and the word
// hashes of each line: one way for a text and for RepeatFinder's lines.
class PreparedBuilder {
 public:
  explicit PreparedBuilder(std::string_view site) {
    p_.site = LineCounter::SiteKey(site);
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
    for (size_t t = 0; t + 5 <= hashes.size(); ++t) {
      grams_.push_back(XXH3_64bits(hashes.data() + t, 5 * sizeof(uint64_t)));
    }
  }

  // Room for `lines` lines and `grams` 5-grams.
  void Reserve(size_t lines, size_t grams) {
    p_.lines.reserve(lines);
    p_.pairs.reserve(lines);
    grams_.reserve(grams);
  }

  // AddLine with the line's word 5-gram hashes already computed (words - 4
  // of them when NeedsHashes(words)).
  void AddLineGrams(uint64_t key, size_t words,
                    absl::Span<const uint64_t> grams) {
    AddKeys(key, words);
    if (NeedsHashes(words)) {
      grams_.insert(grams_.end(), grams.begin(), grams.end());
    }
  }

  LineCounter::Prepared Finish() {
    static const MinHasher* const hasher =
        new MinHasher(*MinHasher::Create({.num_perm = 16, .seed = 0x6E656172}));
    for (auto* keys : {&p_.lines, &p_.pairs, &p_.long_lines}) {
      std::sort(keys->begin(), keys->end());
      keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
    }
    if (grams_.size() >= 10) {
      const std::vector<uint32_t> sig = hasher->Sign(grams_);
      for (int b = 0; b < 4; ++b) {
        const uint64_t band[3] = {p_.site, static_cast<uint64_t>(b),
                                  BandKey(sig, b, 4)};
        p_.bands.push_back(XXH3_64bits(band, sizeof(band)));
      }
    }
    return std::move(p_);
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

  LineCounter::Prepared p_;
  std::vector<uint64_t> grams_;
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
  PreparedBuilder builder(site);
  if (keyed != nullptr) keyed->clear();
  Normalizer normalizer;
  std::string normalized;
  std::vector<TextSpan> words;
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
    words.clear();
    internal::ForEachWord(normalized.data(), normalized.size(),
                          [&](size_t b, size_t e) { words.push_back({b, e}); });
    tokens.clear();
    if (builder.NeedsHashes(words.size())) {
      for (const TextSpan& w : words) {
        tokens.push_back(XXH3_64bits(normalized.data() + w.begin, w.end - w.begin));
      }
    }
    builder.AddLine(key, words.size(), tokens);
  }
  return builder.Finish();
}

LineCounter::Prepared LineCounter::Prepare(const RepeatFinder& finder,
                                           std::string_view site) {
  PreparedBuilder builder(site);
  const std::vector<KeyedLine>& lines = finder.lines();
  for (size_t i = 0; i < lines.size(); ++i) {
    const absl::Span<const uint64_t> hashes = finder.word_hashes(i);
    builder.AddLine(lines[i].key, hashes.size(), hashes);
  }
  return builder.Finish();
}

LineCounter::Prepared LineCounter::Prepare(absl::Span<const LineGrams> lines,
                                           std::string_view site) {
  PreparedBuilder builder(site);
  size_t grams = 0;
  for (const LineGrams& line : lines) {
    if (builder.NeedsHashes(line.words)) grams += line.words - 4;
  }
  builder.Reserve(lines.size(), grams);
  for (const LineGrams& line : lines) {
    builder.AddLineGrams(line.key, line.words, line.grams);
  }
  return builder.Finish();
}

void LineCounter::Add(const Prepared& p) {
  const uint32_t doc = static_cast<uint32_t>(documents_++);
  doc_site_.push_back(p.site);
  long_count_.push_back(0);
  bool near_duplicate = false;
  for (uint64_t band : p.bands) {
    near_duplicate |= !seen_bands_.insert(band).second;
  }
  if (near_duplicate) {
    ++near_duplicates_;
    return;
  }
  overall_keys_.insert(overall_keys_.end(), p.lines.begin(), p.lines.end());
  for (uint64_t k : p.lines) site_lines_.push_back({SiteLineKey(p.site, k), doc, doc});
  for (uint64_t k : p.pairs) site_pairs_.push_back({SiteLineKey(p.site, k), doc, doc});
  for (uint64_t k : p.long_lines) {
    long_lines_.push_back({SiteLineKey(p.site, k), doc, doc});
  }
  long_count_.back() = static_cast<uint32_t>(p.long_lines.size());
}

void LineCounter::AddDocument(std::string_view text, std::string_view site) {
  Add(Prepare(text, site));
}

void LineCounter::Compact(std::vector<uint64_t>& keys, uint32_t min_docs,
                          std::vector<Entry>* out) {
  std::sort(keys.begin(), keys.end());
  out->clear();
  for (size_t i = 0; i < keys.size();) {
    size_t j = i + 1;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    if (j - i >= min_docs) {
      out->push_back({keys[i], static_cast<uint32_t>(j - i), 0, 0});
    }
    i = j;
  }
  std::vector<uint64_t>().swap(keys);
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
  std::unordered_map<uint64_t, uint32_t> site_docs;
  {
    // Documents counted per site (near-duplicates left out).
    std::vector<uint8_t> counted(documents_, 0);
    for (const Occurrence& o : site_lines_) counted[o.doc] = 1;
    for (uint32_t d = 0; d < documents_; ++d) {
      if (counted[d]) ++site_docs[doc_site_[d]];
    }
  }
  std::sort(long_lines_.begin(), long_lines_.end(),
            [](const Occurrence& a, const Occurrence& b) {
              return a.key < b.key || (a.key == b.key && a.doc < b.doc);
            });
  std::vector<uint64_t> pairs;
  for (size_t i = 0; i < long_lines_.size();) {
    size_t j = i + 1;
    while (j < long_lines_.size() && long_lines_[j].key == long_lines_[i].key) ++j;
    const size_t n = j - i;
    const uint32_t in_site = site_docs[doc_site_[long_lines_[i].doc]];
    if (n >= 2 && n <= kMaxLinkingDocs && n <= std::max<size_t>(2, in_site / 2)) {
      for (size_t a = i; a < j; ++a) {
        for (size_t b = a + 1; b < j; ++b) {
          pairs.push_back(uint64_t{long_lines_[a].doc} << 32 | long_lines_[b].doc);
        }
      }
    }
    i = j;
  }
  std::vector<Occurrence>().swap(long_lines_);
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
  Compact(overall_keys_, min_docs, &overall_);
  std::vector<uint32_t> family;
  LinkFamilies(&family);
  auto by_key_family = [](const Occurrence& a, const Occurrence& b) {
    return a.key < b.key || (a.key == b.key && a.family < b.family);
  };
  for (Occurrence& o : site_lines_) o.family = family[o.doc];
  for (Occurrence& o : site_pairs_) o.family = family[o.doc];
  std::sort(site_lines_.begin(), site_lines_.end(), by_key_family);
  std::sort(site_pairs_.begin(), site_pairs_.end(), by_key_family);
  site_.clear();
  for (size_t i = 0; i < site_lines_.size();) {
    size_t j = i + 1;
    uint32_t families = 1;
    uint32_t first = site_lines_[i].doc;
    while (j < site_lines_.size() && site_lines_[j].key == site_lines_[i].key) {
      families += site_lines_[j].family != site_lines_[j - 1].family;
      first = std::min(first, site_lines_[j].doc);
      ++j;
    }
    if (j - i >= min_docs) {
      site_.push_back({site_lines_[i].key, static_cast<uint32_t>(j - i), families, first});
    }
    i = j;
  }
  pairs_.clear();
  for (size_t i = 0; i < site_pairs_.size();) {
    size_t j = i + 1;
    uint32_t families = 1;
    while (j < site_pairs_.size() && site_pairs_[j].key == site_pairs_[i].key) {
      families += site_pairs_[j].family != site_pairs_[j - 1].family;
      ++j;
    }
    if (families >= 2) pairs_.push_back({site_pairs_[i].key, families, 0, 0});
    i = j;
  }
  std::vector<Occurrence>().swap(site_lines_);
  std::vector<Occurrence>().swap(site_pairs_);
  std::vector<uint32_t>().swap(long_count_);
  std::vector<uint64_t>().swap(doc_site_);
  std::unordered_set<uint64_t>().swap(seen_bands_);
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
