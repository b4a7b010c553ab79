// The stages of the dedup job that a distributed run calls one partition at
// a time: prepare and count the lines of the inputs (main_text), sign a
// part of a file, write a file's kept documents, judge
// components, choose kept members and format the removed.jsonl and
// clusters.jsonl lines of a partition.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "neardup/clean.h"
#include "neardup/lsh.h"
#include "neardup/internal/dedup_stages.h"
#include "neardup/minhash.h"
#include "neardup/pipeline.h"
#include "neardup/simhash.h"
#include "neardup/text.h"
#include "pipeline/job.h"
#include "pipeline/dedup_signer.h"
#include "pipeline/similarity_method.h"

namespace neardup::internal {

absl::Status OpenDedupOutput(const std::vector<InputFile>& inputs,
                                const std::string& outdir, bool overwrite,
                                const ReaderOptions& reader) {
  for (const InputFile& input : inputs) {
    if (input.path == "-") {
      return absl::InvalidArgumentError(
          "standard input (-) cannot be read by a distributed job: write it "
          "to a file the workers can read");
    }
  }
  // The distributed job writes its outputs from many tasks, with no final
  // commit: an earlier run's outputs go now.
  JobFiles files;
  if (auto s = files.Open(inputs, outdir, overwrite, reader); !s.ok()) {
    return s;
  }
  return files.RemoveEarlierRun();
}

absl::StatusOr<std::vector<DedupPartition>> PlanDedupPartitions(
    const std::vector<InputFile>& inputs, const ReaderOptions& reader,
    int64_t partition_bytes) {
  std::vector<DedupPartition> parts;
  for (size_t f = 0; f < inputs.size(); ++f) {
    const std::string& path = inputs[f].path;
    auto opened = RecordReader::Open(path, reader);
    if (!opened.ok()) return opened.status();
    std::error_code error;
    const uint64_t size = std::filesystem::file_size(path, error);
    if (error) {
      return absl::NotFoundError(path + ": cannot read its size: " +
                                 error.message());
    }
    uint64_t pieces = 1;
    if ((*opened)->reads_byte_ranges() && partition_bytes > 0) {
      const auto bytes = static_cast<uint64_t>(partition_bytes);
      pieces = std::max<uint64_t>(1, size / bytes + (size % bytes != 0));
    }
    for (uint64_t i = 0; i < pieces; ++i) {
      auto at = [&](uint64_t k) {
        return static_cast<uint64_t>(static_cast<unsigned __int128>(size) * k /
                                     pieces);
      };
      parts.push_back({path, path, at(i),
                       i + 1 < pieces ? at(i + 1) : DedupPartition::kWholeFile,
                       f});
    }
  }
  return parts;
}

namespace {

// The partition as the first pass reads it (ReadFirstPassInput): one file,
// number 0 of its counts.
static_assert(DedupPartition::kWholeFile == FirstPassInput::kWholeFile);
FirstPassInput PassInput(const DedupPartition& partition) {
  return {0, partition.path, partition.display, partition.begin,
          partition.end};
}

// PrepareDedupLines's packing: a magic number and the document count, then
// per document its site and its four key lists, each a count and the keys,
// all as 8-byte words. A run's tasks pass it between them; nothing stores it.
constexpr uint64_t kPreparedMagic = 0x3150444C444E;  // "NDLDP1"
// Every field of LineCounter::Prepared is packed: a new field must be too.
static_assert(sizeof(LineCounter::Prepared) ==
                  4 * sizeof(std::vector<uint64_t>) + sizeof(uint64_t),
              "PackPrepared and UnpackPrepared miss a field of Prepared");

void PutWord(std::string* out, uint64_t v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

void PackPrepared(const LineCounter::Prepared& p, std::string* out) {
  PutWord(out, p.site);
  for (const std::vector<uint64_t>* keys :
       {&p.lines, &p.pairs, &p.long_lines, &p.bands}) {
    PutWord(out, keys->size());
    if (keys->empty()) continue;
    out->append(reinterpret_cast<const char*>(keys->data()),
                keys->size() * sizeof(uint64_t));
  }
}

bool GetWord(std::string_view* in, uint64_t* v) {
  if (in->size() < sizeof(*v)) return false;
  std::memcpy(v, in->data(), sizeof(*v));
  in->remove_prefix(sizeof(*v));
  return true;
}

bool UnpackPrepared(std::string_view* in, LineCounter::Prepared* p) {
  if (!GetWord(in, &p->site)) return false;
  for (std::vector<uint64_t>* keys :
       {&p->lines, &p->pairs, &p->long_lines, &p->bands}) {
    uint64_t n = 0;
    if (!GetWord(in, &n) || n > in->size() / sizeof(uint64_t)) return false;
    keys->resize(n);
    if (n > 0) std::memcpy(keys->data(), in->data(), n * sizeof(uint64_t));
    in->remove_prefix(n * sizeof(uint64_t));
  }
  return true;
}

}  // namespace

absl::StatusOr<SignedPartition> SignDedupPartition(
    const DedupPartition& partition, const DedupOptions& options,
    std::string_view line_counts) {
  // Resolved options resolve to themselves; this refuses any others.
  if (auto resolved = ResolveDedupOptions(options); !resolved.ok()) {
    return resolved.status();
  }
  SignedPartition out;
  if (options.output_format != OutputFormat::kAsInput) {
    return absl::UnimplementedError(
        "output_format text JSONL is not supported by the distributed job "
        "yet: run neardup dedup --output-format jsonl");
  }
  if (options.min_words > 0) {
    return absl::UnimplementedError(
        "min_words (removing documents shorter than N words) is not "
        "supported by the distributed job yet: run neardup dedup --min-words");
  }
  LineCounter counts;
  if (options.main_text) {
    if (line_counts.empty()) {
      return absl::InvalidArgumentError(
          "SignDedupPartition: main_text needs the run's line counts "
          "(CountDedupLines)");
    }
    auto parsed = LineCounter::Deserialize(line_counts);
    if (!parsed.ok()) {
      return absl::DataLossError("SignDedupPartition: line counts: " +
                                 std::string(parsed.status().message()));
    }
    counts = *std::move(parsed);
  }
  std::unique_ptr<MinHasher> minhasher;
  const size_t k = static_cast<size_t>(options.num_perm);
  const SimilarityMethod& method = SimilarityMethod::Of(options.method);
  if (method.signs_rows()) {
    auto hasher = MinHasher::Create(MinHashOptionsOf(options));
    if (!hasher.ok()) return hasher.status();
    minhasher = std::make_unique<MinHasher>(*std::move(hasher));
  }
  auto signer = DocSigner::Create(
      options, minhasher.get(), options.main_text ? &counts : nullptr);
  if (!signer.ok()) return signer.status();
  std::string host;
  auto sign = [&](size_t, const Record& record) {
    out.line.push_back(record.line);
    out.length.push_back(record.text.size());
    out.number.push_back(record.number);
    out.ids.append(record.id);
    out.id_end.push_back(out.ids.size());
    absl::Span<uint32_t> row;
    if (method.signs_rows()) {
      const size_t at = out.signatures.size();
      out.signatures.resize(at + k);
      row = absl::MakeSpan(out.signatures.data() + at, k);
    }
    if (options.main_text || options.containment > 0) {
      host = UrlHost(record.url);
    }
    const DocSignature sig = signer->Sign(
        record.text, options.main_text ? host : std::string_view(), row);
    out.repaired_utf8 += sig.repaired;
    if (!method.signs_rows()) {
      out.keys.push_back(sig.key);
      return absl::OkStatus();
    }
    if (options.containment > 0) {
      out.site.push_back(ContainmentSite(LineCounter::SiteKey(host), sig));
    }
    if (signer->counts_sizes()) out.set_size.push_back(sig.set_size);
    if (signer->keeps_sets()) {
      out.sets.insert(out.sets.end(), sig.set.begin(), sig.set.end());
      out.set_end.push_back(out.sets.size());
    }
    return absl::OkStatus();
  };
  // Read and accounted as the command's first pass reads each input.
  JobStats counted;
  counted.files.resize(1);
  RejectionLog rejected;
  rejected.OpenInMemory();
  if (auto s = ReadFirstPassInput(PassInput(partition), options.reader,
                                  /*cancel=*/nullptr, &counted, &rejected,
                                  sign);
      !s.ok()) {
    return s;
  }
  out.file = std::move(counted.files[0]);
  out.text_bytes = counted.text_bytes;
  out.rejected_jsonl = std::move(rejected.lines());
  return out;
}

absl::StatusOr<std::string> PrepareDedupLines(const DedupPartition& partition,
                                              const DedupOptions& options) {
  if (auto resolved = ResolveDedupOptions(options); !resolved.ok()) {
    return resolved.status();
  }
  std::string out;
  PutWord(&out, kPreparedMagic);
  PutWord(&out, 0);  // the document count, filled in below
  uint64_t documents = 0;
  auto prepare = [&](size_t, const Record& record) {
    PackPrepared(LineCounter::Prepare(record.text, UrlHost(record.url)), &out);
    ++documents;
    return absl::OkStatus();
  };
  // Rejected records are skipped, as the command's counting pass skips them.
  if (auto s = ReadFirstPassInput(PassInput(partition), options.reader,
                                  /*cancel=*/nullptr, /*stats=*/nullptr,
                                  /*rejected=*/nullptr, prepare);
      !s.ok()) {
    return s;
  }
  std::memcpy(out.data() + sizeof(uint64_t), &documents, sizeof(documents));
  return out;
}

absl::StatusOr<std::string> CountDedupLines(
    absl::Span<const std::string_view> prepared, const DedupOptions& options) {
  if (auto resolved = ResolveDedupOptions(options); !resolved.ok()) {
    return resolved.status();
  }
  if (!options.main_text) {
    return absl::InvalidArgumentError(
        "CountDedupLines: line counts are used only with main_text");
  }
  if (!options.line_counts_file.empty()) {
    auto loaded = ReadLineCounts(options.line_counts_file);
    if (!loaded.ok()) return loaded.status();
    return loaded->Serialize();
  }
  LineCounter counter;
  counter.CountOverall(false);  // FindBoilerplate asks only about sites
  LineCounter::Prepared document;
  for (size_t i = 0; i < prepared.size(); ++i) {
    std::string_view in = prepared[i];
    uint64_t magic = 0, documents = 0;
    bool ok = GetWord(&in, &magic) && magic == kPreparedMagic &&
              GetWord(&in, &documents);
    for (uint64_t d = 0; ok && d < documents; ++d) {
      ok = UnpackPrepared(&in, &document);
      if (ok) counter.Add(document);
    }
    if (!ok || !in.empty()) {
      return absl::InvalidArgumentError(
          "CountDedupLines: prepared partition " + std::to_string(i) +
          " is not PrepareDedupLines output");
    }
  }
  counter.Finish(std::max<uint32_t>(2, options.main_text_boilerplate.min_docs));
  return counter.Serialize();
}

absl::StatusOr<uint64_t> WriteKeptDocuments(const std::string& path,
                                            const std::string& display,
                                            const std::string& output_path,
                                            const ReaderOptions& reader,
                                            absl::Span<const uint8_t> keep) {
  const std::filesystem::path out(output_path);
  JobFiles files;
  files.AssignOne({path, out.filename().string()}, display,
                  out.parent_path().string());
  uint64_t written = 0;
  auto decide = [&](size_t, size_t doc, const Record&,
                    std::string*) -> absl::StatusOr<RecordAction> {
    if (keep[doc] == 0) return RecordAction::kDrop;
    ++written;
    return RecordAction::kKeep;
  };
  if (auto s = RewriteInputs(files, reader, {keep.size()}, decide,
                                       nullptr);
      !s.ok()) {
    return s;
  }
  if (auto s = files.CommitOutputs(); !s.ok()) return s;
  return written;
}

absl::StatusOr<std::vector<uint64_t>> JudgeComponents(
    absl::Span<const uint64_t> component, absl::Span<const uint64_t> doc,
    absl::Span<const uint64_t> length, absl::Span<const double> number,
    const DedupOptions& options, const MemberEvidence& evidence) {
  // Resolved options resolve to themselves; this refuses any others.
  if (auto resolved = ResolveDedupOptions(options); !resolved.ok()) {
    return resolved.status();
  }
  const size_t n = doc.size();
  auto invalid = [](const std::string& message) {
    return absl::InvalidArgumentError("JudgeComponents: " + message);
  };
  if (component.size() != n || length.size() != n || number.size() != n) {
    return invalid("component, doc, length and number differ in length");
  }
  const size_t k = static_cast<size_t>(options.num_perm);
  const SimilarityMethod& method = SimilarityMethod::Of(options.method);
  const bool sets = method.keeps_sets(options);
  const bool sizes = method.counts_sizes(options);
  if (method.signs_rows()) {
    // Signatures give the band keys (only LSH candidates are compared).
    if (evidence.signatures.size() != n * k) {
      return invalid("signatures are not num_perm values per member");
    }
    if (sizes && evidence.set_size.size() != n) {
      return invalid("set_size is not one per member");
    }
    if (options.containment > 0 && evidence.site.size() != n) {
      return invalid("site is not one per member");
    }
    if (sets) {
      if (evidence.set_end.size() != n) return invalid("set_end is not one per member");
      for (size_t i = 0; i < n; ++i) {
        const uint64_t begin = i ? evidence.set_end[i - 1] : 0;
        if (evidence.set_end[i] < begin ||
            evidence.set_end[i] > evidence.sets.size()) {
          return invalid("set_end is not a list of ends into sets");
        }
      }
    }
  } else if (evidence.keys.size() != n) {
    return invalid("keys are not one per member");
  }
  for (size_t i = 1; i < n; ++i) {
    if (component[i] < component[i - 1] ||
        (component[i] == component[i - 1] && doc[i] <= doc[i - 1])) {
      return invalid("entries are not sorted by (component, doc)");
    }
  }
  auto set_of = [&](size_t i) {
    const uint64_t begin = i ? evidence.set_end[i - 1] : 0;
    return evidence.sets.subspan(begin, evidence.set_end[i] - begin);
  };
  auto ref = [&](size_t i) {
    SketchRef r;
    if (method.signs_rows()) {
      r.signature = evidence.signatures.subspan(i * k, k);
    } else {
      r.key = evidence.keys[i];
    }
    if (sets) r.set = set_of(i);
    if (sizes) r.set_size = evidence.set_size[i];
    if (options.containment > 0) r.site = evidence.site[i];
    return r;
  };
  auto like = [&](size_t a, size_t b) {
    return method.Compare(ref(a), ref(b), options);
  };
  const size_t tables = method.JudgeTables(options);
  std::vector<uint64_t> kept(n);
  std::vector<uint32_t> judged;
  std::vector<uint64_t> keys;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && component[j] == component[i]) ++j;
    judged.assign(j - i, 0);
    keys.clear();
    for (size_t x = i; x < j; ++x) {
      for (size_t t = 0; t < tables; ++t) {
        keys.push_back(method.TableKey(ref(x), t, options));
      }
    }
    if (auto s = JudgeMembers(
            options.keep, length.subspan(i, j - i), number.subspan(i, j - i),
            [&](size_t m, size_t kk) {
              return method.Accepts(options, like(i + m, i + kk));
            },
            absl::MakeSpan(judged), keys, tables);
        !s.ok()) {
      return s;
    }
    for (size_t x = i; x < j; ++x) kept[x] = doc[i + judged[x - i]];
    i = j;
  }
  return kept;
}

namespace {

// The number of rows of `e` for `method`, or InvalidArgument naming `side`
// when what the method compares is missing or of another size.
absl::StatusOr<size_t> EvidenceRows(const SimilarityMethod& method,
                                    const DedupOptions& o,
                                    const MemberEvidence& e, const char* side) {
  auto invalid = [side](const std::string& what) {
    return absl::InvalidArgumentError(std::string("compare_rows: ") + side +
                                      ": " + what);
  };
  const size_t k = static_cast<size_t>(o.num_perm);
  // Rows are what the method compares: shingle sets, rows of a signature
  // or keys.
  size_t n = e.keys.size();
  if (method.keeps_sets(o)) {
    n = e.set_end.size();
    for (size_t i = 0; i < n; ++i) {
      const uint64_t begin = i ? e.set_end[i - 1] : 0;
      if (e.set_end[i] < begin || e.set_end[i] > e.sets.size()) {
        return invalid("set_end is not a list of ends into sets");
      }
    }
    if ((n == 0 ? 0 : e.set_end[n - 1]) != e.sets.size()) {
      return invalid("sets has values past the last of set_end");
    }
  } else if (method.signs_rows()) {
    if (e.signatures.size() % k != 0) {
      return invalid("signatures are not rows of num_perm values");
    }
    n = e.signatures.size() / k;
  }
  if (method.counts_sizes(o) && e.set_size.size() != n) {
    return invalid("set_size is not one per row");
  }
  if (!e.site.empty() && e.site.size() != n) {
    return invalid("site is not one per row");
  }
  return n;
}

// Row i of `e` as its method compares it (EvidenceRows checked `e`).
SketchRef EvidenceRef(const SimilarityMethod& method, const DedupOptions& o,
                      const MemberEvidence& e, size_t i) {
  SketchRef r;
  const size_t k = static_cast<size_t>(o.num_perm);
  if (method.keeps_sets(o)) {
    const uint64_t begin = i ? e.set_end[i - 1] : 0;
    r.set = e.sets.subspan(begin, e.set_end[i] - begin);
  } else if (method.signs_rows()) {
    r.signature = e.signatures.subspan(i * k, k);
  } else {
    r.key = e.keys[i];
  }
  if (method.counts_sizes(o)) r.set_size = e.set_size[i];
  if (!e.site.empty()) r.site = e.site[i];
  return r;
}

}  // namespace

absl::StatusOr<RowLikeness> CompareRows(const DedupOptions& options,
                                        const MemberEvidence& a,
                                        const MemberEvidence& b) {
  auto resolved = ResolveDedupOptions(options);
  if (!resolved.ok()) return resolved.status();
  const DedupOptions& o = *resolved;
  const SimilarityMethod& method = SimilarityMethod::Of(o.method);
  auto rows_a = EvidenceRows(method, o, a, "a");
  if (!rows_a.ok()) return rows_a.status();
  auto rows_b = EvidenceRows(method, o, b, "b");
  if (!rows_b.ok()) return rows_b.status();
  if (*rows_a != *rows_b) {
    return absl::InvalidArgumentError("compare_rows: a has " +
                                      std::to_string(*rows_a) + " rows, b " +
                                      std::to_string(*rows_b));
  }
  const size_t n = *rows_a;
  RowLikeness out;
  out.similarity.resize(n);
  out.containment.resize(n);
  out.duplicate.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Likeness like = method.Compare(EvidenceRef(method, o, a, i),
                                         EvidenceRef(method, o, b, i), o);
    out.similarity[i] = like.similarity;
    out.containment[i] = like.containment;
    out.duplicate[i] = method.Accepts(o, like);
  }
  return out;
}

std::vector<MethodTraits> DedupMethodTraits() {
  std::vector<MethodTraits> out;
  for (const SimilarityMethod* m : SimilarityMethod::All()) {
    MethodTraits t;
    t.method = m->id();
    t.name = m->name();
    t.description = m->description();
    t.default_shingle_size = m->default_shingle_size();
    t.signs_rows = m->signs_rows();
    t.compares_sets = m->compares_sets();
    t.verifies_candidates = m->verifies_candidates();
    t.compares_while_finding = m->compares_while_finding();
    t.chains_buckets = m->chains_buckets();
    t.reports_distance = m->reports_distance();
    out.push_back(std::move(t));
  }
  return out;
}

absl::StatusOr<std::vector<uint64_t>> TableKeysOf(
    const DedupOptions& options, absl::Span<const uint32_t> signatures,
    absl::Span<const uint64_t> keys, size_t* tables) {
  auto resolved = ResolveDedupOptions(options);
  if (!resolved.ok()) return resolved.status();
  const DedupOptions& o = *resolved;
  const SimilarityMethod& method = SimilarityMethod::Of(o.method);
  const size_t k = static_cast<size_t>(o.num_perm);
  if (method.signs_rows() && signatures.size() % k != 0) {
    return absl::InvalidArgumentError(
        "table_keys: signatures are not rows of num_perm values");
  }
  const size_t n = method.signs_rows() ? signatures.size() / k : keys.size();
  *tables = method.Tables(o);
  std::vector<uint64_t> out(n * *tables);
  SketchRef doc;
  for (size_t i = 0; i < n; ++i) {
    if (method.signs_rows()) {
      doc.signature = signatures.subspan(i * k, k);
    } else {
      doc.key = keys[i];
    }
    for (size_t t = 0; t < *tables; ++t) {
      out[i * *tables + t] = method.TableKey(doc, t, o);
    }
  }
  return out;
}

bool CountsByContainment(const DedupOptions& options, double containment,
                         uint64_t size_a, uint64_t size_b, uint64_t site_a,
                         uint64_t site_b) {
  internal::Likeness like{0, containment, internal::SameSite(site_a, site_b),
                          size_a, size_b};
  return internal::ContainmentCounts(options, like);
}

namespace {

// InvalidArgument unless the end offsets of `packed` never decrease and
// stay within its bytes; `what` names them in the message.
absl::Status CheckPacked(PackedStrings packed, const char* what) {
  uint64_t last = 0;
  for (size_t i = 0; i < packed.end.size(); ++i) {
    if (packed.end[i] < last || packed.end[i] > packed.bytes.size()) {
      return absl::InvalidArgumentError(
          std::string(what) + "[" + std::to_string(i) + "] = " +
          std::to_string(packed.end[i]) + ": end offsets must not decrease "
          "and must be at most " + std::to_string(packed.bytes.size()));
    }
    last = packed.end[i];
  }
  return absl::OkStatus();
}

// String i of `packed`; requires CheckPacked and i < packed.end.size().
std::string_view Unpack(PackedStrings packed, size_t i) {
  const uint64_t begin = i == 0 ? 0 : packed.end[i - 1];
  return packed.bytes.substr(begin, packed.end[i] - begin);
}

// What RemovedLines and ClusterLines check of their arguments before
// writing a line: the packed ids, and that every row has one.
absl::Status CheckLineArguments(const char* name, PackedStrings ids,
                                absl::Span<const uint64_t> rows,
                                PackedStrings kept_ids) {
  if (auto s = CheckPacked(ids, "id_end"); !s.ok()) return s;
  if (auto s = CheckPacked(kept_ids, "kept_id_end"); !s.ok()) return s;
  for (const uint64_t row : rows) {
    if (row >= ids.end.size()) {
      return absl::OutOfRangeError(
          std::string(name) + ": row " + std::to_string(row) +
          " out of range (" + std::to_string(ids.end.size()) + " ids)");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> RemovedLines(
    PackedStrings ids, absl::Span<const uint64_t> rows, std::string_view file,
    absl::Span<const uint64_t> lines, DedupMethod method,
    absl::Span<const uint64_t> clusters, PackedStrings kept_ids,
    absl::Span<const double> similarity,
    absl::Span<const double> containment) {
  const size_t n = rows.size();
  if (lines.size() != n || clusters.size() != n || kept_ids.end.size() != n ||
      similarity.size() != n || (!containment.empty() && containment.size() != n)) {
    return absl::InvalidArgumentError("removed_lines: arrays differ in length");
  }
  if (auto s = CheckLineArguments("removed_lines", ids, rows, kept_ids);
      !s.ok()) {
    return s;
  }
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += RemovedJson(Unpack(ids, rows[i]), file, lines[i], method,
                       static_cast<int64_t>(clusters[i]), Unpack(kept_ids, i),
                       similarity[i],
                       containment.empty() ? NAN : containment[i]);
    out += '\n';
  }
  return out;
}

absl::StatusOr<std::string> ClusterLines(PackedStrings ids,
                                         absl::Span<const uint64_t> rows,
                                         absl::Span<const uint64_t> clusters,
                                         PackedStrings kept_ids) {
  const size_t n = rows.size();
  if (clusters.size() != n || kept_ids.end.size() != n) {
    return absl::InvalidArgumentError("cluster_lines: arrays differ in length");
  }
  if (auto s = CheckLineArguments("cluster_lines", ids, rows, kept_ids);
      !s.ok()) {
    return s;
  }
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += ClusterMemberJson(Unpack(ids, rows[i]),
                             static_cast<int64_t>(clusters[i]),
                             Unpack(kept_ids, i));
    out += '\n';
  }
  return out;
}

absl::StatusOr<std::vector<uint64_t>> ChooseKept(
    absl::Span<const uint64_t> cluster, absl::Span<const uint64_t> doc,
    absl::Span<const uint64_t> length, absl::Span<const double> number,
    KeepPolicy policy) {
  const size_t n = cluster.size();
  if (doc.size() != n || length.size() != n || number.size() != n) {
    return absl::InvalidArgumentError("choose_kept: arrays differ in length");
  }
  std::vector<uint64_t> kept(n);
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && cluster[j] == cluster[i]) ++j;
    size_t best = i;
    for (size_t x = i + 1; x < j; ++x) {
      if (doc[x] <= doc[x - 1]) {
        return absl::InvalidArgumentError(
            "choose_kept: not sorted by (cluster, doc)");
      }
      if (KeepsOver(policy, length[x], number[x], length[best],
                    number[best])) {
        best = x;
      }
    }
    for (size_t x = i; x < j; ++x) kept[x] = doc[best];
    i = j;
  }
  return kept;
}

}  // namespace neardup::internal
