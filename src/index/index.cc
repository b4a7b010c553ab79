// The near-duplicate index: documents in insertion order, lookup tables of
// band keys (MinHash) or masked fingerprints (SimHash) or exact keys, and
// verification by the dedup job's rule (pipeline/dedup_signer.h).

#include "neardup/index.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
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
#include "neardup/text.h"
#include "pipeline/dedup_signer.h"

namespace neardup {
namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;

const char* VerifyName(VerifyMode v) {
  return v == VerifyMode::kExact ? "exact" : "signature";
}

// Copies the fields IndexOptions shares with DedupOptions (the rule that
// decides a duplicate), in either direction: the one place that lists them.
template <typename From, typename To>
void CopyRule(const From& from, To* to) {
  to->method = from.method;
  to->threshold = from.threshold;
  to->shingles = from.shingles;
  to->num_perm = from.num_perm;
  to->seed = from.seed;
  to->bands = from.bands;
  to->rows = from.rows;
  to->hamming = from.hamming;
  to->verify = from.verify;
}

}  // namespace

DedupOptions IndexDedupOptions(const IndexOptions& o) {
  DedupOptions d;
  CopyRule(o, &d);
  d.containment = 0;  // an index compares by Jaccard alone
  return d;
}

absl::StatusOr<IndexOptions> IndexOptionsOf(const DedupOptions& d) {
  if (d.main_text) {
    return absl::InvalidArgumentError(
        "an index compares whole texts: --main-text is not supported with it");
  }
  if (d.min_words > 0) {
    return absl::InvalidArgumentError(
        "--min-words is not supported with an index");
  }
  if (d.containment > 0) {
    return absl::InvalidArgumentError(
        "--containment is not supported with an index");
  }
  if (d.keep != KeepPolicy::kFirst) {
    return absl::InvalidArgumentError(
        "an index keeps the first record seen: --keep must be first");
  }
  IndexOptions o;
  CopyRule(d, &o);
  return o;
}

std::string IndexParametersText(const IndexOptions& o) {
  const NormalizeOptions& n = o.shingles.normalize;
  // The shortest decimal that reads back as the same double.
  char threshold[40];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(threshold, sizeof threshold, "%.*g", digits, o.threshold);
    if (std::strtod(threshold, nullptr) == o.threshold) break;
  }
  std::string out;
  auto line = [&](std::string_view name, const std::string& value) {
    out.append(name).append("=").append(value).append("\n");
  };
  // Sorted by name.
  line("bands", std::to_string(o.bands));
  line("hamming", std::to_string(o.hamming));
  line("method", DedupMethodName(o.method));
  line("normalize_case_fold", n.case_fold ? "1" : "0");
  line("normalize_collapse_whitespace", n.collapse_whitespace ? "1" : "0");
  line("normalize_digits_to_zero", n.digits_to_zero ? "1" : "0");
  line("normalize_nfkc", n.nfkc ? "1" : "0");
  line("normalize_punctuation_to_space", n.punctuation_to_space ? "1" : "0");
  line("normalize_strip_accents", n.strip_accents ? "1" : "0");
  line("num_perm", std::to_string(o.num_perm));
  line("rows", std::to_string(o.rows));
  line("seed", std::to_string(o.seed));
  line("shingle_kind", o.shingles.kind == ShingleKind::kChar ? "char" : "word");
  line("shingle_n", std::to_string(o.shingles.n));
  line("threshold", threshold);
  line("verify", VerifyName(o.verify));
  return out;
}

void Index::State::Append(std::string_view key, const DocSketch& s,
                          std::string_view origin) {
  const auto doc = static_cast<uint32_t>(documents());
  if (method->signs_rows()) {
    signatures.insert(signatures.end(), s.signature.begin(), s.signature.end());
  } else {
    fingerprints.push_back(s.fingerprint);
  }
  if (keeps_sets()) {
    set_values.insert(set_values.end(), s.set.begin(), s.set.end());
    set_end.push_back(set_values.size());
  }
  origins.append(origin);
  origin_end.push_back(origins.size());
  next.resize(next.size() + tables, kNone);
  for (size_t t = 0; t < tables; ++t) {
    auto [it, inserted] = head[t].try_emplace(TableKey(s, t), doc);
    if (!inserted) {
      next[doc * tables + t] = it->second;
      it->second = doc;
    }
  }
  auto [it, inserted] = doc_of.try_emplace(std::string(key), doc);
  key_of.push_back(&it->first);
}

Index::Index(std::unique_ptr<State> state) : state_(std::move(state)) {}
Index::Index(Index&&) noexcept = default;
Index& Index::operator=(Index&&) noexcept = default;
Index::~Index() = default;

absl::StatusOr<Index> Index::Create(const IndexOptions& options) {
  if (options.shingles.seed != 0 && options.shingles.seed != options.seed) {
    return absl::InvalidArgumentError(
        "shingles.seed must be 0 (the index's seed seeds the shingles)");
  }
  auto resolved = ResolveDedupOptions(IndexDedupOptions(options));
  if (!resolved.ok()) return resolved.status();
  IndexOptions o = options;
  o.bands = resolved->bands;
  o.rows = resolved->rows;
  o.shingles.seed = resolved->seed;
  const internal::SimilarityMethod& method =
      internal::SimilarityMethod::Of(o.method);
  if (!method.compares_sets()) o.verify = VerifyMode::kSignature;
  auto hasher = MinHasher::Create(
      {.num_perm = method.signs_rows() ? o.num_perm : 1, .seed = o.seed});
  if (!hasher.ok()) return hasher.status();
  auto shingler = Shingler::Create(o.shingles);
  if (!shingler.ok()) return shingler.status();
  auto state = std::make_unique<State>(o, *resolved, *std::move(hasher),
                                       *std::move(shingler));
  state->head.resize(state->tables);
  return Index(std::move(state));
}

DocSketch Index::Sketch(std::string_view text) const {
  const State& s = *state_;
  DocSketch out;
  internal::DocSigner signer(s.dedup, s.shingler, &s.hasher);
  if (s.method->signs_rows()) {
    out.signature.resize(static_cast<size_t>(s.options.num_perm));
  }
  const internal::DocSignature sig =
      signer.Sign(text, {}, absl::MakeSpan(out.signature));
  if (!s.method->signs_rows()) out.fingerprint = sig.key;
  if (signer.keeps_sets()) out.set.assign(sig.set.begin(), sig.set.end());
  return out;
}

absl::Status Index::Insert(std::string_view key, std::string_view text,
                           std::string_view origin) {
  if (Contains(key)) {
    return absl::AlreadyExistsError("key already indexed: " + std::string(key));
  }
  state_->Append(key, Sketch(text), origin);
  return absl::OkStatus();
}

absl::Status Index::Insert(std::string_view key, const DocSketch& sketch,
                           std::string_view origin) {
  State& s = *state_;
  if (s.method->signs_rows() &&
      sketch.signature.size() != static_cast<size_t>(s.options.num_perm)) {
    return absl::InvalidArgumentError(
        "signature has " + std::to_string(sketch.signature.size()) +
        " values, the index " + std::to_string(s.options.num_perm));
  }
  if (s.keeps_sets() && sketch.set.empty()) {
    return absl::InvalidArgumentError(
        "exact verification needs the document's shingle set (Sketch)");
  }
  if (s.keeps_sets() && !std::is_sorted(sketch.set.begin(), sketch.set.end())) {
    return absl::InvalidArgumentError("shingle set is not sorted");
  }
  if (Contains(key)) {
    return absl::AlreadyExistsError("key already indexed: " + std::string(key));
  }
  s.Append(key, sketch, origin);
  return absl::OkStatus();
}

absl::Status Index::InsertSignature(std::string_view key,
                                    absl::Span<const uint32_t> signature,
                                    std::string_view origin) {
  if (!state_->method->signs_rows() || state_->keeps_sets()) {
    return absl::InvalidArgumentError(
        "InsertSignature needs a kMinHash index with VerifyMode::kSignature");
  }
  DocSketch sketch;
  sketch.signature.assign(signature.begin(), signature.end());
  return Insert(key, sketch, origin);
}

absl::StatusOr<std::vector<IndexMatch>> Index::Query(
    std::string_view text, const QueryOptions& query) const {
  return Query(Sketch(text), query);
}

absl::StatusOr<std::vector<IndexMatch>> Index::Query(
    const DocSketch& sketch, const QueryOptions& query) const {
  const State& s = *state_;
  DedupOptions rule = s.dedup;
  if (!std::isnan(query.min_similarity)) {
    if (!(query.min_similarity >= 0 && query.min_similarity <= 1)) {
      return absl::InvalidArgumentError("min_similarity must be in [0, 1]");
    }
    rule.threshold = query.min_similarity;
  }
  if (s.method->signs_rows() && sketch.signature.size() !=
                     static_cast<size_t>(s.options.num_perm)) {
    return absl::InvalidArgumentError("signature of the wrong length");
  }
  if (s.keeps_sets() && sketch.set.empty()) {
    return absl::InvalidArgumentError(
        "exact verification needs the query's shingle set (Sketch)");
  }
  std::vector<uint32_t> candidates;
  for (size_t t = 0; t < s.tables; ++t) {
    auto it = s.head[t].find(s.TableKey(sketch, t));
    if (it == s.head[t].end()) continue;
    for (uint32_t d = it->second; d != kNone; d = s.next[d * s.tables + t]) {
      if (s.key_of[d] != nullptr) candidates.push_back(d);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()),
                   candidates.end());
  std::vector<IndexMatch> out;
  for (const uint32_t d : candidates) {
    internal::SketchRef doc;
    if (s.method->signs_rows()) {
      doc.signature = s.Signature(d);
    } else {
      doc.key = s.fingerprints[d];
    }
    if (s.keeps_sets()) doc.set = s.Set(d);
    const internal::Likeness like = s.method->Compare(State::Ref(sketch), doc, rule);
    if (!s.method->Accepts(rule, like)) continue;
    out.push_back({*s.key_of[d], like.similarity, d, std::string(s.Origin(d))});
  }
  const bool lower_is_better = s.method->reports_distance();
  std::stable_sort(out.begin(), out.end(),
                   [&](const IndexMatch& a, const IndexMatch& b) {
                     return lower_is_better ? a.similarity < b.similarity
                                            : a.similarity > b.similarity;
                   });
  if (query.limit > 0 && out.size() > query.limit) out.resize(query.limit);
  return out;
}

absl::Status Index::InsertAll(const Index& other) {
  const State& o = *other.state_;
  State& s = *state_;
  if (IndexParametersText(o.options) != IndexParametersText(s.options)) {
    return absl::InvalidArgumentError(
        "the indexes have other parameters:\n" +
        IndexParametersText(o.options) + "versus\n" +
        IndexParametersText(s.options));
  }
  for (size_t d = 0; d < o.documents(); ++d) {
    if (o.key_of[d] != nullptr && Contains(*o.key_of[d])) {
      return absl::AlreadyExistsError("key already indexed: " + *o.key_of[d]);
    }
  }
  DocSketch sketch;
  for (size_t d = 0; d < o.documents(); ++d) {
    if (o.key_of[d] == nullptr) continue;
    if (s.method->signs_rows()) {
      const auto sig = o.Signature(d);
      sketch.signature.assign(sig.begin(), sig.end());
    } else {
      sketch.fingerprint = o.fingerprints[d];
    }
    if (s.keeps_sets()) {
      const auto set = o.Set(d);
      sketch.set.assign(set.begin(), set.end());
    }
    s.Append(*o.key_of[d], sketch, o.Origin(d));
  }
  return absl::OkStatus();
}

void Index::Reserve(size_t documents) {
  State& s = *state_;
  if (s.method->signs_rows()) {
    s.signatures.reserve(documents * static_cast<size_t>(s.options.num_perm));
  } else {
    s.fingerprints.reserve(documents);
  }
  s.origin_end.reserve(documents);
  s.key_of.reserve(documents);
  s.next.reserve(documents * s.tables);
  for (auto& table : s.head) table.reserve(documents);
  s.doc_of.reserve(documents);
}

bool Index::Contains(std::string_view key) const {
  return state_->doc_of.find(absl::string_view(key.data(), key.size())) != state_->doc_of.end();
}

bool Index::Remove(std::string_view key) {
  auto it = state_->doc_of.find(absl::string_view(key.data(), key.size()));
  if (it == state_->doc_of.end()) return false;
  state_->key_of[it->second] = nullptr;
  state_->doc_of.erase(it);
  return true;
}

size_t Index::size() const { return state_->doc_of.size(); }

const IndexOptions& Index::options() const { return state_->options; }

}  // namespace neardup
