// The index file format (see neardup/index.h for the layout): bytes in and
// out, no files. Every read is bounds-checked: a loader meets untrusted
// bytes (fuzzed by tests/fuzz/index_format_fuzzer.cc).

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "index/index_state.h"
#include "index/index_view.h"
#include "neardup/lsh.h"
#include "neardup/index.h"
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace neardup {
namespace {

constexpr char kMagic[8] = {'N', 'D', 'U', 'P', 'I', 'D', 'X', '1'};
constexpr size_t kHeaderBytes = 32;
constexpr size_t kEntryBytes = 32;

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
using internal::GetU32;
using internal::GetU64;

struct Section {
  std::string tag;
  std::string bytes;
};

// "u64 end offset per document, then the bytes".
std::string StringsSection(const std::vector<std::string_view>& items) {
  std::string out;
  uint64_t end = 0;
  for (std::string_view s : items) PutU64(&out, end += s.size());
  for (std::string_view s : items) out.append(s);
  return out;
}

}  // namespace

std::string Index::Serialize() const {
  const State& s = *state_;
  std::vector<uint32_t> live;
  for (uint32_t d = 0; d < s.documents(); ++d) {
    if (s.key_of[d] != nullptr) live.push_back(d);
  }
  std::vector<Section> sections;
  sections.push_back({"PARM", IndexParametersText(s.options)});
  std::vector<std::string_view> keys, origins;
  for (uint32_t d : live) {
    keys.push_back(*s.key_of[d]);
    origins.push_back(s.Origin(d));
  }
  sections.push_back({"KEYS", StringsSection(keys)});
  sections.push_back({"ORIG", StringsSection(origins)});
  {
    // Per table, (folded key, doc) sorted: what a mapped file is searched by.
    std::string bkey;
    bkey.reserve(live.size() * s.tables * 8);
    std::vector<uint64_t> entries(live.size());
    for (size_t t = 0; t < s.tables; ++t) {
      for (uint32_t i = 0; i < live.size(); ++i) {
        const uint32_t d = live[i];
        internal::SketchRef doc;
        if (s.method->signs_rows()) {
          doc.signature = s.Signature(d);
        } else {
          doc.key = s.fingerprints[d];
        }
        const uint64_t key = s.method->TableKey(doc, t, s.dedup);
        entries[i] = uint64_t{internal::FoldTableKey(key)} << 32 | i;
      }
      std::sort(entries.begin(), entries.end());
      for (uint64_t e : entries) {
        PutU32(&bkey, static_cast<uint32_t>(e >> 32));
        PutU32(&bkey, static_cast<uint32_t>(e));
      }
    }
    sections.push_back({"BKEY", std::move(bkey)});
  }
  if (s.method->signs_rows()) {
    std::string sigs;
    sigs.reserve(live.size() * s.options.num_perm * 4);
    for (uint32_t d : live) {
      for (uint32_t v : s.Signature(d)) PutU32(&sigs, v);
    }
    sections.push_back({"SIGS", std::move(sigs)});
  } else {
    std::string prints;
    for (uint32_t d : live) PutU64(&prints, s.fingerprints[d]);
    sections.push_back({"FPRS", std::move(prints)});
  }
  if (s.keeps_sets()) {
    std::string sets;
    uint64_t end = 0;
    for (uint32_t d : live) PutU64(&sets, end += s.Set(d).size());
    for (uint32_t d : live) {
      for (uint64_t v : s.Set(d)) PutU64(&sets, v);
    }
    sections.push_back({"SETS", std::move(sets)});
  }

  std::string table;
  uint64_t offset = kHeaderBytes + kEntryBytes * sections.size();
  for (const Section& sec : sections) {
    table.append(sec.tag);
    PutU32(&table, 0);
    PutU64(&table, offset);
    PutU64(&table, sec.bytes.size());
    PutU64(&table, XXH3_64bits(sec.bytes.data(), sec.bytes.size()));
    offset += sec.bytes.size();
  }
  std::string out(kMagic, sizeof kMagic);
  PutU32(&out, kIndexFormatVersion);
  PutU32(&out, static_cast<uint32_t>(sections.size()));
  PutU64(&out, live.size());
  PutU64(&out, XXH3_64bits(table.data(), table.size()));
  out.append(table);
  for (const Section& sec : sections) out.append(sec.bytes);
  return out;
}

namespace internal {

absl::StatusOr<IndexOptions> ParseIndexParameters(std::string_view text,
                                                  const std::string& where) {
  IndexOptions o;
  auto bad = [&](std::string_view line) {
    return absl::DataLossError(where + ": bad parameter line \"" +
                               std::string(line.substr(0, 80)) + "\"");
  };
  int seen = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return bad(text);
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) return bad(line);
    const std::string name(line.substr(0, eq));
    const std::string value(line.substr(eq + 1));
    if (value.empty() || value.size() > 30) return bad(line);
    char* end = nullptr;
    auto integer = [&](int64_t lo, int64_t hi, int64_t* out) {
      errno = 0;
      const long long v = std::strtoll(value.c_str(), &end, 10);
      if (errno != 0 || *end != '\0' || v < lo || v > hi) return false;
      *out = v;
      return true;
    };
    auto flag = [&](bool* out) {
      if (value != "0" && value != "1") return false;
      *out = value == "1";
      return true;
    };
    int64_t v = 0;
    bool ok = true;
    NormalizeOptions& n = o.shingles.normalize;
    if (name == "bands") {
      ok = integer(0, 1 << 20, &v), o.bands = static_cast<int>(v);
    } else if (name == "rows") {
      ok = integer(0, 1 << 20, &v), o.rows = static_cast<int>(v);
    } else if (name == "hamming") {
      ok = integer(0, 64, &v), o.hamming = static_cast<int>(v);
    } else if (name == "num_perm") {
      ok = integer(0, 1 << 20, &v), o.num_perm = static_cast<int>(v);
    } else if (name == "shingle_n") {
      ok = integer(0, 1 << 20, &v), o.shingles.n = static_cast<int>(v);
    } else if (name == "seed") {
      errno = 0;
      o.seed = std::strtoull(value.c_str(), &end, 10);
      ok = errno == 0 && *end == '\0' && value[0] != '-';
    } else if (name == "threshold") {
      o.threshold = std::strtod(value.c_str(), &end);
      ok = *end == '\0';
    } else if (name == "method") {
      auto method = ParseDedupMethod(value);
      ok = method.ok();
      if (ok) o.method = *method;
    } else if (name == "verify") {
      ok = value == "signature" || value == "exact";
      o.verify = value == "exact" ? VerifyMode::kExact : VerifyMode::kSignature;
    } else if (name == "shingle_kind") {
      ok = value == "word" || value == "char";
      o.shingles.kind = value == "char" ? ShingleKind::kChar : ShingleKind::kWord;
    } else if (name == "normalize_case_fold") {
      ok = flag(&n.case_fold);
    } else if (name == "normalize_collapse_whitespace") {
      ok = flag(&n.collapse_whitespace);
    } else if (name == "normalize_digits_to_zero") {
      ok = flag(&n.digits_to_zero);
    } else if (name == "normalize_nfkc") {
      ok = flag(&n.nfkc);
    } else if (name == "normalize_punctuation_to_space") {
      ok = flag(&n.punctuation_to_space);
    } else if (name == "normalize_strip_accents") {
      ok = flag(&n.strip_accents);
    } else {
      return absl::DataLossError(where + ": unknown parameter \"" +
                                 name.substr(0, 40) + "\"");
    }
    if (!ok) return bad(line);
    ++seen;
  }
  if (seen != 16) {
    return absl::DataLossError(where + ": " + std::to_string(seen) +
                               " parameters, expected 16");
  }
  if (SimilarityMethod::Of(o.method).signs_rows() &&
      (o.bands < 1 || o.rows < 1)) {
    return absl::DataLossError(where + ": bands and rows must be positive");
  }
  return o;
}

}  // namespace internal

namespace {

// The offsets of a "u64 end per document, then the items" section: checks
// that they grow and end inside the section. `unit`: bytes per item unit.
absl::StatusOr<std::vector<uint64_t>> ReadEnds(std::string_view sec,
                                               uint64_t docs, uint64_t unit,
                                               const std::string& where) {
  if (docs > sec.size() / 8) {
    return absl::DataLossError(where + ": shorter than its offsets");
  }
  std::vector<uint64_t> ends(docs);
  uint64_t last = 0;
  for (uint64_t d = 0; d < docs; ++d) {
    ends[d] = GetU64(sec.data() + 8 * d);
    if (ends[d] < last) {
      return absl::DataLossError(where + ": offsets out of order at document " +
                                 std::to_string(d));
    }
    last = ends[d];
  }
  const uint64_t rest = sec.size() - 8 * docs;
  if (last > rest / unit || last * unit != rest) {
    return absl::DataLossError(where + ": offsets do not match its size");
  }
  return ends;
}

}  // namespace

absl::StatusOr<Index> Index::Deserialize(std::string_view bytes,
                                         std::string_view name) {
  const std::string file(name);
  auto view = internal::IndexFileView::Open(bytes, file);
  if (!view.ok()) return view.status();
  if (auto st = view->VerifySections(); !st.ok()) return st;
  const uint64_t docs = view->documents();
  std::vector<std::pair<std::string, std::string_view>> sections;
  for (const char* tag : {"PARM", "KEYS", "ORIG", "SIGS", "FPRS", "SETS"}) {
    const std::string_view sec = view->Section(tag);
    if (sec.data() != nullptr) sections.push_back({tag, sec});
  }
  auto find = [&](std::string_view tag) -> const std::string_view* {
    for (const auto& [t, sec] : sections) {
      if (t == tag) return &sec;
    }
    return nullptr;
  };
  auto missing = [&](std::string_view tag) {
    return absl::DataLossError(file + ": section " + std::string(tag) +
                               " is missing");
  };
  const std::string_view* parm = find("PARM");
  if (parm == nullptr) return missing("PARM");
  auto options = internal::ParseIndexParameters(*parm, file + ": section PARM");
  if (!options.ok()) return options.status();
  const IndexOptions wanted = *options;
  auto index = Create(wanted);
  if (!index.ok()) {
    return absl::DataLossError(file + ": section PARM: " +
                               std::string(index.status().message()));
  }
  State& s = *index->state_;
  if (s.options.bands != wanted.bands || s.options.rows != wanted.rows) {
    return absl::DataLossError(file + ": section PARM: bands and rows differ "
                               "from what the options resolve to");
  }
  const std::string_view* keys_sec = find("KEYS");
  const std::string_view* orig_sec = find("ORIG");
  if (keys_sec == nullptr) return missing("KEYS");
  if (orig_sec == nullptr) return missing("ORIG");
  auto key_end = ReadEnds(*keys_sec, docs, 1, file + ": section KEYS");
  if (!key_end.ok()) return key_end.status();
  auto orig_end = ReadEnds(*orig_sec, docs, 1, file + ": section ORIG");
  if (!orig_end.ok()) return orig_end.status();
  const bool minhash = s.method->signs_rows();
  const size_t k = static_cast<size_t>(s.options.num_perm);
  const std::string_view* sketch_sec = find(minhash ? "SIGS" : "FPRS");
  if (sketch_sec == nullptr) return missing(minhash ? "SIGS" : "FPRS");
  const uint64_t per_doc = minhash ? 4 * k : 8;
  if (docs > sketch_sec->size() / per_doc ||
      docs * per_doc != sketch_sec->size()) {
    return absl::DataLossError(file + ": section " +
                               std::string(minhash ? "SIGS" : "FPRS") +
                               ": size does not match the document count");
  }
  std::vector<uint64_t> set_end;
  const std::string_view* sets_sec = nullptr;
  if (s.keeps_sets()) {
    sets_sec = find("SETS");
    if (sets_sec == nullptr) return missing("SETS");
    auto ends = ReadEnds(*sets_sec, docs, 8, file + ": section SETS");
    if (!ends.ok()) return ends.status();
    set_end = *std::move(ends);
  }
  index->Reserve(docs);  // docs fits the sections' sizes, checked above
  const char* key_bytes = keys_sec->data() + 8 * docs;
  const char* orig_bytes = orig_sec->data() + 8 * docs;
  DocSketch sketch;
  for (uint64_t d = 0; d < docs; ++d) {
    const uint64_t kb = d == 0 ? 0 : (*key_end)[d - 1];
    const std::string_view key(key_bytes + kb, (*key_end)[d] - kb);
    const uint64_t ob = d == 0 ? 0 : (*orig_end)[d - 1];
    const std::string_view origin(orig_bytes + ob, (*orig_end)[d] - ob);
    const char* p = sketch_sec->data() + d * per_doc;
    if (minhash) {
      sketch.signature.resize(k);
      for (size_t j = 0; j < k; ++j) sketch.signature[j] = GetU32(p + 4 * j);
    } else {
      sketch.fingerprint = GetU64(p);
    }
    if (s.keeps_sets()) {
      const uint64_t sb = d == 0 ? 0 : set_end[d - 1];
      const char* q = sets_sec->data() + 8 * docs + 8 * sb;
      sketch.set.resize(set_end[d] - sb);
      for (size_t j = 0; j < sketch.set.size(); ++j) {
        sketch.set[j] = GetU64(q + 8 * j);
      }
    }
    if (auto st = index->Insert(key, sketch, origin); !st.ok()) {
      return absl::DataLossError(file + ": document " + std::to_string(d) +
                                 ": " + std::string(st.message()));
    }
  }
  return index;
}

}  // namespace neardup
