// An index file read in place (index_view.h).

#include "index/index_view.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "index/index_state.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "neardup/simhash.h"
#include "pipeline/dedup_signer.h"
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace neardup::internal {
namespace {

constexpr char kMagic[8] = {'N', 'D', 'U', 'P', 'I', 'D', 'X', '1'};
constexpr size_t kHeaderBytes = 32;
constexpr size_t kEntryBytes = 32;

}  // namespace

TableKeys::TableKeys(const IndexOptions& o)
    : method_(&SimilarityMethod::Of(o.method)),
      options_(IndexDedupOptions(o)),
      tables_(method_->Tables(options_)) {}

uint64_t TableKeys::Key(absl::Span<const uint32_t> signature,
                        uint64_t fingerprint, size_t t) const {
  SketchRef doc;
  doc.signature = signature;
  doc.key = fingerprint;
  return method_->TableKey(doc, t, options_);
}

IndexFileView::IndexFileView(std::string_view bytes, std::string name,
                             const IndexOptions& options)
    : bytes_(bytes), name_(std::move(name)), options_(options), keys_(options) {}

absl::StatusOr<IndexFileView> IndexFileView::Open(std::string_view bytes,
                                                  const std::string& file) {
  if (bytes.size() < kHeaderBytes ||
      std::memcmp(bytes.data(), kMagic, 7) != 0) {
    return absl::DataLossError(file + ": not a neardup index (bad magic)");
  }
  const uint32_t version = GetU32(bytes.data() + 8);
  if (bytes[7] != kMagic[7] || version != kIndexFormatVersion) {
    return absl::FailedPreconditionError(
        file + ": index format version " + std::to_string(version) +
        ", this neardup reads version " + std::to_string(kIndexFormatVersion) +
        (version < kIndexFormatVersion
             ? " (written by an older neardup: build the index again)"
             : ""));
  }
  const uint32_t count = GetU32(bytes.data() + 12);
  const uint64_t docs = GetU64(bytes.data() + 16);
  if (count > 64 || bytes.size() - kHeaderBytes < count * kEntryBytes) {
    return absl::DataLossError(file + ": section table: truncated");
  }
  const std::string_view table = bytes.substr(kHeaderBytes, count * kEntryBytes);
  if (XXH3_64bits(table.data(), table.size()) != GetU64(bytes.data() + 24)) {
    return absl::DataLossError(file + ": section table: checksum mismatch");
  }
  std::vector<Entry> sections;
  for (uint32_t i = 0; i < count; ++i) {
    const char* e = table.data() + i * kEntryBytes;
    std::string tag(e, 4);
    for (char& c : tag) {
      if (c < 'A' || c > 'Z') c = '?';
    }
    const uint64_t offset = GetU64(e + 8), size = GetU64(e + 16);
    if (offset > bytes.size() || size > bytes.size() - offset) {
      return absl::DataLossError(file + ": section " + tag +
                                 ": runs past the end of the file (truncated)");
    }
    sections.push_back({tag, bytes.substr(offset, size), GetU64(e + 24)});
  }
  auto find = [&](std::string_view tag) -> const Entry* {
    for (const Entry& s : sections) {
      if (s.tag == tag) return &s;
    }
    return nullptr;
  };
  auto missing = [&](std::string_view tag) {
    return absl::DataLossError(file + ": section " + std::string(tag) +
                               " is missing");
  };
  const Entry* parm = find("PARM");
  if (parm == nullptr) return missing("PARM");
  if (XXH3_64bits(parm->bytes.data(), parm->bytes.size()) != parm->checksum) {
    return absl::DataLossError(file + ": section PARM: checksum mismatch");
  }
  auto options = ParseIndexParameters(parm->bytes, file + ": section PARM");
  if (!options.ok()) return options.status();
  auto resolved = ResolveDedupOptions(IndexDedupOptions(*options));
  if (!resolved.ok() || (options->shingles.seed != 0 &&
                         options->shingles.seed != options->seed)) {
    return absl::DataLossError(
        file + ": section PARM: " +
        (resolved.ok() ? std::string("bad shingle seed")
                       : std::string(resolved.status().message())));
  }
  if (resolved->bands != options->bands || resolved->rows != options->rows) {
    return absl::DataLossError(file + ": section PARM: bands and rows differ "
                               "from what the options resolve to");
  }
  IndexOptions o = *options;
  o.shingles.seed = o.seed;
  const SimilarityMethod& method = SimilarityMethod::Of(o.method);
  if (!method.compares_sets()) o.verify = VerifyMode::kSignature;
  IndexFileView view(bytes, file, o);
  view.docs_ = docs;
  view.sections_ = std::move(sections);
  const Entry* keys = view.find_entry("KEYS");
  const Entry* orig = view.find_entry("ORIG");
  if (keys == nullptr) return missing("KEYS");
  if (orig == nullptr) return missing("ORIG");
  if (docs > keys->bytes.size() / 8) {
    return absl::DataLossError(file + ": section KEYS: shorter than its offsets");
  }
  if (docs > orig->bytes.size() / 8) {
    return absl::DataLossError(file + ": section ORIG: shorter than its offsets");
  }
  const bool minhash = method.signs_rows();
  const char* sketch_tag = minhash ? "SIGS" : "FPRS";
  const Entry* sketch = view.find_entry(sketch_tag);
  if (sketch == nullptr) return missing(sketch_tag);
  const uint64_t per_doc = minhash ? 4 * static_cast<uint64_t>(o.num_perm) : 8;
  if (docs > sketch->bytes.size() / per_doc ||
      docs * per_doc != sketch->bytes.size()) {
    return absl::DataLossError(file + ": section " + sketch_tag +
                               ": size does not match the document count");
  }
  const Entry* bkey = view.find_entry("BKEY");
  if (bkey == nullptr) return missing("BKEY");
  const uint64_t tables = view.keys_.tables();
  if (docs > bkey->bytes.size() / 8 / tables ||
      docs * 8 * tables != bkey->bytes.size()) {
    return absl::DataLossError(
        file + ": section BKEY: size does not match the document count");
  }
  if (method.keeps_sets(IndexDedupOptions(o)) &&
      view.find_entry("SETS") == nullptr) {
    return missing("SETS");
  }
  view.keys_sec_ = keys->bytes;
  view.orig_sec_ = orig->bytes;
  view.sketch_sec_ = sketch->bytes;
  view.bkey_sec_ = bkey->bytes;
  return view;
}

const IndexFileView::Entry* IndexFileView::find_entry(
    std::string_view tag) const {
  for (const Entry& s : sections_) {
    if (s.tag == tag) return &s;
  }
  return nullptr;
}

absl::Status IndexFileView::VerifySections() const {
  for (const Entry& s : sections_) {
    if (XXH3_64bits(s.bytes.data(), s.bytes.size()) != s.checksum) {
      return absl::DataLossError(name_ + ": section " + s.tag +
                                 ": checksum mismatch");
    }
  }
  return absl::OkStatus();
}

std::string_view IndexFileView::Section(std::string_view tag) const {
  const Entry* e = find_entry(tag);
  return e == nullptr ? std::string_view() : e->bytes;
}

absl::StatusOr<std::string_view> IndexFileView::Item(std::string_view sec,
                                                     std::string_view tag,
                                                     uint64_t doc) const {
  const uint64_t begin = doc == 0 ? 0 : GetU64(sec.data() + 8 * (doc - 1));
  const uint64_t end = GetU64(sec.data() + 8 * doc);
  const uint64_t rest = sec.size() - 8 * docs_;
  if (begin > end || end > rest) {
    return absl::DataLossError(name_ + ": section " + std::string(tag) +
                               ": bad offsets at document " +
                               std::to_string(doc));
  }
  return sec.substr(8 * docs_ + begin, end - begin);
}

absl::StatusOr<std::string_view> IndexFileView::Key(uint64_t doc) const {
  return Item(keys_sec_, "KEYS", doc);
}

absl::StatusOr<std::string_view> IndexFileView::Origin(uint64_t doc) const {
  return Item(orig_sec_, "ORIG", doc);
}

void IndexFileView::Signature(uint64_t doc, uint32_t* out) const {
  const size_t k = static_cast<size_t>(options_.num_perm);
  const char* p = sketch_sec_.data() + doc * 4 * k;
  for (size_t j = 0; j < k; ++j) out[j] = GetU32(p + 4 * j);
}

uint64_t IndexFileView::Fingerprint(uint64_t doc) const {
  return GetU64(sketch_sec_.data() + 8 * doc);
}

absl::Status IndexFileView::Set(uint64_t doc, std::vector<uint64_t>* out) const {
  const std::string_view sec = Section("SETS");
  if (docs_ > sec.size() / 8) {
    return absl::DataLossError(name_ + ": section SETS: shorter than its offsets");
  }
  const uint64_t begin = doc == 0 ? 0 : GetU64(sec.data() + 8 * (doc - 1));
  const uint64_t end = GetU64(sec.data() + 8 * doc);
  const uint64_t rest = (sec.size() - 8 * docs_) / 8;
  if (begin > end || end > rest) {
    return absl::DataLossError(name_ + ": section SETS: bad offsets at document " +
                               std::to_string(doc));
  }
  out->resize(end - begin);
  const char* p = sec.data() + 8 * docs_ + 8 * begin;
  for (size_t j = 0; j < out->size(); ++j) (*out)[j] = GetU64(p + 8 * j);
  return absl::OkStatus();
}

std::string_view IndexFileView::Table(size_t t) const {
  return bkey_sec_.substr(t * 8 * docs_, 8 * docs_);
}

uint64_t IndexFileView::Search(size_t t, uint32_t fold, uint64_t from,
                               uint64_t to) const {
  // Folded keys are hashes, spread evenly: interpolation finds the entry
  // in about log log n probes (each a cache miss on a large table) where
  // bisection needs log n; bisection after a few rounds bounds the worst
  // case.
  const std::string_view table = Table(t);
  auto value = [&](uint64_t i) { return GetU32(table.data() + 8 * i); };
  uint64_t lo = from, hi = to;
  // fold is in (below, above]; entries in [lo, hi) lie between them.
  uint64_t below = lo > 0 ? std::min<uint64_t>(value(lo - 1), fold) : 0;
  uint64_t above = hi < docs_ ? value(hi) : uint64_t{1} << 32;
  if (above < fold) return hi;  // a caller's range below fold
  for (int round = 0; hi - lo > 8; ++round) {
    uint64_t at = lo + (hi - lo) / 2;
    if (round < 4 && above > below) {
      at = lo + (uint64_t{fold} - below) * (hi - lo) / (above - below);
      at = std::min(std::max(at, lo), hi - 1);
    }
    const uint32_t v = value(at);
    if (v < fold) {
      lo = at + 1;
      below = v;
    } else {
      hi = at;
      above = v;
    }
  }
  while (lo < hi && value(lo) < fold) ++lo;
  return lo;
}

absl::Status IndexFileView::Hits(size_t t, uint32_t fold, uint64_t* at,
                                 uint32_t query,
                                 std::vector<TableHit>* out) const {
  const std::string_view table = Table(t);
  auto value = [&](uint64_t i) { return GetU32(table.data() + 8 * i); };
  uint64_t i = *at;
  if (i < docs_ && value(i) < fold) {
    // Gallops a few steps from the last position (a dense batch reads the
    // table in order), then searches the rest.
    uint64_t step = 1;
    while (step <= 64 && i + step < docs_ && value(i + step) < fold) step *= 2;
    const uint64_t lo = i + step / 2 + 1;
    const uint64_t hi = step > 64 ? docs_ : std::min(i + step, docs_);
    i = Search(t, fold, lo, hi);
  }
  *at = i;
  for (; i < docs_ && value(i) == fold; ++i) {
    const uint64_t doc = GetU32(table.data() + 8 * i + 4);
    if (doc >= docs_) {
      return absl::DataLossError(name_ + ": section BKEY: document " +
                                 std::to_string(doc) + " out of range");
    }
    out->push_back({query, static_cast<uint32_t>(doc), static_cast<uint32_t>(t)});
  }
  return absl::OkStatus();
}

absl::Status IndexFileView::Verify(const DocSketch& query,
                                   absl::Span<const uint64_t> wanted,
                                   absl::Span<const TableHit> hits,
                                   const DedupOptions& rule, bool first_only,
                                   std::vector<ViewMatch>* out) const {
  const SimilarityMethod& method = SimilarityMethod::Of(options_.method);
  const bool minhash = method.signs_rows();
  const bool sets = method.keeps_sets(rule);
  std::vector<uint32_t> signature(minhash ? options_.num_perm : 0);
  std::vector<uint64_t> set;
  for (size_t i = 0; i < hits.size();) {
    const uint64_t doc = hits[i].doc;
    uint64_t fingerprint = 0;
    if (minhash) {
      Signature(doc, signature.data());
    } else {
      fingerprint = Fingerprint(doc);
    }
    // A folded key is 32 bits: the full key decides, as the Index's tables.
    bool shares = false;
    for (; i < hits.size() && hits[i].doc == doc; ++i) {
      shares = shares || keys_.Key(signature, fingerprint, hits[i].table) ==
                             wanted[hits[i].table];
    }
    if (!shares) continue;
    SketchRef mine;
    mine.signature = signature;
    mine.key = fingerprint;
    if (sets) {
      if (auto s = Set(doc, &set); !s.ok()) return s;
      mine.set = set;
    }
    SketchRef theirs;
    theirs.signature = query.signature;
    theirs.key = query.fingerprint;
    theirs.set = query.set;
    const Likeness like = method.Compare(theirs, mine, rule);
    if (!method.Accepts(rule, like)) continue;
    out->push_back({doc, like.similarity});
    if (first_only) break;
  }
  return absl::OkStatus();
}

std::vector<uint64_t> IndexFileView::WantedKeys(const DocSketch& query) const {
  std::vector<uint64_t> wanted(keys_.tables());
  for (size_t t = 0; t < wanted.size(); ++t) {
    wanted[t] = keys_.Key(query.signature, query.fingerprint, t);
  }
  return wanted;
}

absl::Status IndexFileView::Match(const DocSketch& query,
                                  const DedupOptions& rule, bool first_only,
                                  std::vector<ViewMatch>* out) const {
  const std::vector<uint64_t> wanted = WantedKeys(query);
  std::vector<TableHit> hits;
  for (size_t t = 0; t < wanted.size(); ++t) {
    uint64_t at = Search(t, FoldTableKey(wanted[t]), 0, docs_);
    if (auto s = Hits(t, FoldTableKey(wanted[t]), &at, 0, &hits); !s.ok()) {
      return s;
    }
  }
  std::sort(hits.begin(), hits.end());
  return Verify(query, wanted, hits, rule, first_only, out);
}

}  // namespace neardup::internal
