// Cross-document line counts and boilerplate cuts.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
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
constexpr uint32_t kFormatVersion = 1;
constexpr uint64_t kLineSeed = 0x6C696E65;  // "line"

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

LineCounter::Prepared LineCounter::Prepare(std::string_view text,
                                           std::string_view site) {
  static const MinHasher* const hasher =
      new MinHasher(*MinHasher::Create({.num_perm = 16, .seed = 0x6E656172}));
  Prepared p;
  p.site = SiteKey(site);
  Normalizer normalizer;
  std::string normalized;
  std::vector<uint64_t> tokens, grams;
  for (const TextSpan& line : SplitLines(text)) {
    normalizer.Normalize(line.In(text), &normalized);
    if (normalized.empty()) continue;
    p.lines.push_back(LineKey(normalized));
    if (p.site == 0) continue;
    tokens.clear();
    internal::ForEachWord(normalized.data(), normalized.size(),
                          [&](size_t b, size_t e) {
      tokens.push_back(XXH3_64bits(normalized.data() + b, e - b));
    });
    if (tokens.size() < 10) continue;  // short lines: maybe navigation
    for (size_t t = 0; t + 5 <= tokens.size(); ++t) {
      grams.push_back(XXH3_64bits(tokens.data() + t, 5 * sizeof(uint64_t)));
    }
  }
  std::sort(p.lines.begin(), p.lines.end());
  p.lines.erase(std::unique(p.lines.begin(), p.lines.end()), p.lines.end());
  if (grams.size() >= 10) {
    const std::vector<uint32_t> sig = hasher->Sign(grams);
    for (int b = 0; b < 4; ++b) {
      const uint64_t band[3] = {p.site, static_cast<uint64_t>(b),
                                BandKey(sig, b, 4)};
      p.bands.push_back(XXH3_64bits(band, sizeof(band)));
    }
  }
  return p;
}

void LineCounter::Add(const Prepared& p) {
  ++documents_;
  bool near_duplicate = false;
  for (uint64_t band : p.bands) {
    near_duplicate |= !seen_bands_.insert(band).second;
  }
  if (near_duplicate) {
    ++near_duplicates_;
    return;
  }
  overall_keys_.insert(overall_keys_.end(), p.lines.begin(), p.lines.end());
  if (p.site != 0) {
    for (uint64_t k : p.lines) site_keys_.push_back(SiteLineKey(p.site, k));
  }
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
    if (j - i >= min_docs) out->push_back({keys[i], static_cast<uint32_t>(j - i)});
    i = j;
  }
  std::vector<uint64_t>().swap(keys);
}

void LineCounter::Finish(uint32_t min_docs) {
  Compact(overall_keys_, std::max(min_docs, 1u), &overall_);
  Compact(site_keys_, std::max(min_docs, 1u), &site_);
  std::unordered_set<uint64_t>().swap(seen_bands_);
}

uint32_t LineCounter::Count(uint64_t line_key) const {
  const auto it = std::lower_bound(
      overall_.begin(), overall_.end(), line_key,
      [](const Entry& e, uint64_t k) { return e.key < k; });
  return it != overall_.end() && it->key == line_key ? it->count : 0;
}

uint32_t LineCounter::SiteCount(uint64_t site_key, uint64_t line_key) const {
  if (site_key == 0) return 0;
  const uint64_t key = SiteLineKey(site_key, line_key);
  const auto it = std::lower_bound(
      site_.begin(), site_.end(), key,
      [](const Entry& e, uint64_t k) { return e.key < k; });
  return it != site_.end() && it->key == key ? it->count : 0;
}

std::string LineCounter::Serialize() const {
  std::string out(kMagic, 4);
  PutU64(&out, kFormatVersion);
  PutU64(&out, documents_);
  PutU64(&out, XXH3_64bits(out.data(), out.size()));  // header checksum
  for (const std::vector<Entry>* section : {&overall_, &site_}) {
    std::string body;
    PutU64(&body, section->size());
    for (const Entry& e : *section) {
      PutU64(&body, e.key);
      PutU64(&body, e.count);
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
                               std::to_string(kFormatVersion));
  }
  if (header_checksum != XXH3_64bits(header.data(), header.size())) {
    return absl::DataLossError(
        "line-count file: checksum mismatch in the header (corrupted file)");
  }
  LineCounter counter;
  counter.documents_ = documents;
  const char* names[2] = {"overall", "per-site"};
  std::vector<Entry>* sections[2] = {&counter.overall_, &counter.site_};
  for (int s = 0; s < 2; ++s) {
    const std::string_view start = bytes;
    uint64_t n;
    if (!GetU64(&bytes, &n) || n > bytes.size() / 16) {
      return absl::DataLossError(std::string("line-count file truncated in the ") +
                                 names[s] + " section");
    }
    sections[s]->resize(n);
    bool counts_fit = true;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t key = 0, count = 0;
      GetU64(&bytes, &key);
      GetU64(&bytes, &count);
      counts_fit &= count <= UINT32_MAX;
      (*sections[s])[i] = {key, static_cast<uint32_t>(count)};
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

std::string UrlHost(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  const size_t at = rest.rfind('@');
  if (at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() != '[') rest = rest.substr(0, rest.find(':'));
  std::string host(rest);
  for (char& c : host) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return host;
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
                     normalized.size()});
  }
  FindBoilerplate(keyed, site, counts, options, cuts);
}

void FindBoilerplate(absl::Span<const KeyedLine> lines, std::string_view site,
                     const LineCounter& counts,
                     const BoilerplateOptions& options,
                     std::vector<Cut>* cuts) {
  const uint64_t site_key = LineCounter::SiteKey(site);
  for (const KeyedLine& line : lines) {
    if (line.normalized_bytes > options.max_line_bytes) continue;
    const uint32_t docs = site_key != 0 ? counts.SiteCount(site_key, line.key)
                                        : counts.Count(line.key);
    if (docs >= options.min_docs) {
      cuts->push_back({line.begin, line.cut_end, CutReason::kBoilerplate,
                       Cut::kNoSource, 1.0});
    }
  }
}

std::vector<Cut> MergeCuts(std::vector<Cut> a, std::vector<Cut> b) {
  a.insert(a.end(), b.begin(), b.end());
  std::stable_sort(a.begin(), a.end(), [](const Cut& x, const Cut& y) {
    return x.begin < y.begin || (x.begin == y.begin && x.end > y.end);
  });
  std::vector<Cut> out;
  for (Cut c : a) {
    if (!out.empty() && c.begin < out.back().end) {
      if (c.end <= out.back().end) continue;  // inside the previous cut
      c.begin = out.back().end;               // trim the overlap
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace neardup
