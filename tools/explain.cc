// neardup explain A B: judges one pair of documents as `neardup dedup`
// would, and shows why: exact Jaccard of their shingle sets, the MinHash
// estimate and the LSH bands they share, the SimHash Hamming distance,
// whether their normalized texts are equal, and shingles they share and do
// not share (normalized). It ends with one verdict line: what dedup, with
// the same flags, decides for the pair.
//
// neardup explain OUT/removed.jsonl:LINE: the same for one removal of a
// finished run: the removed record and the record it was judged against,
// found in the run's inputs, compared with the run's parameters.
//
// Documents are read by the readers dedup uses (RecordReader: gzip and
// zstd, JSONL, WARC/WET, text files) and signed by its DocSigner, so that
// a document is exactly the text dedup signs and the verdict comes from
// the signature dedup compares; the verdict and the method's settings are
// worded by the method (SimilarityMethod::ExplainVerdict, ExplainSettings).

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/status/statusor.h"
#include "neardup/neardup.h"
#include "neardup/index.h"
#include "simdjson.h"
#include "pipeline/dedup_signer.h"
#include "pipeline/job.h"
#include "pipeline/similarity_method.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace neardup::tools {
namespace {

struct ExplainFlags {
  std::vector<std::string> documents;  // A B, or one removed.jsonl:LINE
  CompareFlags compare;
  ReaderFlags reader;
  int examples = 3;
};

// One document as dedup reads it.
struct Document {
  std::string where;  // FILE:N (N: the line, or the WARC record number)
  std::string id;
  std::string text;  // what dedup signs (the first part when truncated)
  bool truncated = false;
  std::string path;  // the file it was read from
  std::string site;  // UrlHost of its url (--main-text)
};

bool IsRegularFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Returns the positive number `s` spells in decimal, or 0 when it spells
// none (empty, another character, zero, or past 18 digits).
uint64_t RecordNumber(std::string_view s) {
  if (s.empty() || s.size() > 18) return 0;
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

// Finds one record of `path`: number 0 and no id: the file's only
// document (text files); else the record whose number (Record::line) is
// `number`, or whose id is *id.
absl::StatusOr<Document> FindRecord(const std::string& path, uint64_t number,
                                    const std::string* id,
                                    const ReaderOptions& options) {
  auto reader = RecordReader::Open(path, options);
  if (!reader.ok()) return reader.status();
  const InputFormat format = (*reader)->format();
  const bool whole = number == 0 && id == nullptr;
  if (whole && format != InputFormat::kText) {
    return absl::InvalidArgumentError(
        path + " is a " + InputFormatName(format) +
        " file: name one record as " + path + ":N (the line, or the WARC "
        "record number) or " + path + "#ID");
  }
  Record record;
  Rejection rejection;
  for (;;) {
    const auto result = (*reader)->Next(&record, &rejection);
    if (result == RecordReader::Result::kEnd) break;
    if (result == RecordReader::Result::kRejected) {
      if (whole || (number > 0 && rejection.line == number)) {
        return absl::InvalidArgumentError(
            path + ":" + std::to_string(rejection.line) +
            " cannot be read, and dedup rejects it too: " + rejection.reason);
      }
      continue;
    }
    if (whole || (number > 0 && record.line == number) ||
        (id != nullptr && record.id == *id)) {
      return Document{path + ":" + std::to_string(record.line),
                      std::string(record.id), std::string(record.text),
                      !record.text_rest.empty(), path,
                      UrlHost(record.url)};
    }
    if (number > 0 && record.line > number) break;
  }
  if (id != nullptr) {
    return absl::NotFoundError(path + ": no record with " + options.id_field +
                               " \"" + *id + "\"");
  }
  return absl::NotFoundError(
      path + " has no document " + std::to_string(number) +
      (format == InputFormat::kWarc
           ? " (WARC records are counted from 1, documents or not)"
           : " (lines are counted from 1; a blank line is no document)"));
}

// Resolves a document argument: a file (a text file is one document),
// FILE:N or FILE#ID.
absl::StatusOr<Document> LoadDocument(const std::string& arg,
                                      const ReaderOptions& options) {
  if (IsRegularFile(arg)) return FindRecord(arg, 0, nullptr, options);
  // FILE#ID: the first '#' after which the name is a file (ids may hold
  // '#' and ':', WARC-Record-IDs <urn:uuid:...> do).
  for (size_t hash = arg.find('#'); hash != std::string::npos;
       hash = arg.find('#', hash + 1)) {
    if (IsRegularFile(arg.substr(0, hash))) {
      const std::string id = arg.substr(hash + 1);
      return FindRecord(arg.substr(0, hash), 0, &id, options);
    }
  }
  const size_t colon = arg.rfind(':');
  if (colon != std::string::npos && IsRegularFile(arg.substr(0, colon))) {
    const uint64_t number = RecordNumber(arg.substr(colon + 1));
    if (number == 0) {
      return absl::InvalidArgumentError(
          arg + ": after FILE: comes a record number, counted from 1");
    }
    return FindRecord(arg.substr(0, colon), number, nullptr, options);
  }
  return absl::NotFoundError(arg +
                             ": no such file (name a document as FILE, "
                             "FILE:N or FILE#ID)");
}

// A document as explain shows it: signed by dedup's DocSigner (what the
// verdict judges), with what the signer used (SignTrace), and every
// method's measure of the same shingles for the table above the verdict.
struct Sketch {
  internal::DocSignature signature;
  internal::SignTrace trace;
  std::vector<uint32_t> row;  // the method's row (signs_rows)
  std::vector<uint64_t> set;  // keeps_sets: copied from the signer's scratch
  uint64_t site = 0;          // LineCounter::SiteKey of the URL host
  std::vector<uint32_t> minhash;  // of trace.hashes, for the table
  uint64_t simhash = 0;
  std::string exact_text;  // normalized, as the exact method sees it
  size_t distinct = 0;
};

Sketch SketchDocument(const Document& doc, const DedupOptions& options,
                      internal::DocSigner& signer, const MinHasher& hasher) {
  Sketch s;
  if (internal::SimilarityMethod::Of(options.method).signs_rows()) {
    s.row.resize(static_cast<size_t>(options.num_perm));
  }
  s.signature = signer.Sign(doc.text, doc.site, nullptr, absl::MakeSpan(s.row),
                            &s.trace);
  s.set.assign(s.signature.set.begin(), s.signature.set.end());
  s.site =
      internal::ContainmentSite(LineCounter::SiteKey(doc.site), s.signature);
  const std::vector<uint64_t>& hashes = s.trace.hashes;
  s.minhash = hasher.Sign(hashes);
  s.simhash = SimHash(hashes);
  Normalizer(options.shingles.normalize).Normalize(s.trace.text, &s.exact_text);
  s.distinct = std::unordered_set<uint64_t>(hashes.begin(), hashes.end()).size();
  return s;
}

// The document as the method judges it (SimilarityMethod::ExplainVerdict).
internal::ExplainedDoc Judged(const Sketch& s, const Document& doc) {
  internal::ExplainedDoc d;
  d.sketch.signature = s.row;
  d.sketch.key = s.signature.key;
  d.sketch.set = s.set;
  d.sketch.set_size = s.signature.set_size;
  d.sketch.site = s.site;
  d.normalized = s.trace.normalized;
  d.site = doc.site;
  return d;
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 72;
  std::string out = "\"";
  if (s.size() > kMax) {
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    out.append(s.substr(0, cut)).append("...");
  } else {
    out.append(s);
  }
  return out + "\"";
}

// Prints up to `limit` shingles of `from` whose hash is (or is not) in
// `other`, in document order, each once.
void PrintShingles(const char* title, const Sketch& from,
                   const std::unordered_set<uint64_t>& other, bool shared,
                   int limit) {
  std::printf("%s\n", title);
  std::unordered_set<uint64_t> printed;
  int count = 0;
  const internal::SignTrace& t = from.trace;
  for (size_t i = 0; i < t.hashes.size() && count < limit; ++i) {
    const uint64_t h = t.hashes[i];
    if ((other.count(h) > 0) != shared || !printed.insert(h).second) continue;
    std::printf("  %s\n", Quote(t.spans[i].In(t.shingled)).c_str());
    ++count;
  }
  if (count == 0) std::printf("  (none)\n");
}

// The "dedup settings:" line: what dedup runs with, the method's options
// in its own words.
std::string SettingsLine(const DedupOptions& o, const char* unit) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), "dedup settings: --method %s, %s %d-grams, seed %llu",
                DedupMethodName(o.method), unit, o.shingles.n,
                static_cast<unsigned long long>(o.seed));
  std::string line = buf;
  line += internal::SimilarityMethod::Of(o.method).ExplainSettings(o);
  if (o.containment > 0) {
    std::snprintf(buf, sizeof(buf),
                  ", --containment %.2f --containment-asymmetry %.2f",
                  o.containment, o.containment_asymmetry);
    line += buf;
  }
  if (!o.shingles.normalize.digits_to_zero) line += ", --digits keep";
  if (o.main_text) line += ", --main-text on";
  if (!o.line_counts_file.empty()) line += ", --line-counts " + o.line_counts_file;
  return line;
}

// Prints the comparison of a and b, ending with the verdict line. Both are
// signed by one DocSigner, as dedup signs them (with --main-text on, the
// text without its site's boilerplate lines, by `line_counts`).
void PrintComparison(const DedupOptions& o, const Document* docs[2],
                     const std::string labels[2], int examples,
                     const LineCounter* line_counts = nullptr) {
  const MinHasher hasher = *MinHasher::Create(MinHashOptionsOf(o));
  auto signer = *internal::DocSigner::Create(o, &hasher, line_counts);
  const Sketch a = SketchDocument(*docs[0], o, signer, hasher);
  const Sketch b = SketchDocument(*docs[1], o, signer, hasher);
  const std::vector<uint64_t>& hashes_a = a.trace.hashes;
  const std::vector<uint64_t>& hashes_b = b.trace.hashes;
  const std::unordered_set<uint64_t> set_a(hashes_a.begin(), hashes_a.end());
  const std::unordered_set<uint64_t> set_b(hashes_b.begin(), hashes_b.end());
  size_t common = 0;
  for (uint64_t h : set_a) common += set_b.count(h);
  const double exact = ExactJaccard(hashes_a, hashes_b);
  const double containment = ExactContainment(hashes_a, hashes_b);
  // Both signatures come from one hasher, so they have the same length.
  const double estimate = EstimateJaccard(a.minhash, b.minhash).value_or(0.0);
  const char* unit = o.shingles.kind == ShingleKind::kChar ? "character" : "word";
  const Sketch* sketches[2] = {&a, &b};
  for (int i = 0; i < 2; ++i) {
    const Sketch& s = *sketches[i];
    std::printf("%s: %s (id \"%s\")\n   %zu bytes, %zu %s %d-grams (%zu "
                "distinct)",
                labels[i].c_str(), docs[i]->where.c_str(),
                docs[i]->id.c_str(), docs[i]->text.size(),
                s.trace.hashes.size(), unit, o.shingles.n, s.distinct);
    if (docs[i]->truncated) std::printf(", truncated (--oversize)");
    if (o.main_text) {
      std::printf(", main text: %zu boilerplate lines of site \"%s\" left "
                  "out",
                  s.trace.boilerplate_lines, docs[i]->site.c_str());
    }
    if (s.trace.repaired > 0) {
      std::printf(", %zu invalid UTF-8 sequences replaced", s.trace.repaired);
    }
    std::printf("\n");
  }
  std::printf("\nexact Jaccard          %.4f   (%zu shared of %zu distinct "
              "shingles)\n",
              exact, common, set_a.size() + set_b.size() - common);
  std::printf("containment            %.4f   (shared over the smaller "
              "set)\n",
              containment);
  std::printf("MinHash-%d estimate   %.4f   (%d of %d slots agree; +/- %.3f "
              "at 95%%)\n",
              o.num_perm, estimate,
              static_cast<int>(std::lround(estimate * o.num_perm)), o.num_perm,
              1.96 * std::sqrt(estimate * (1 - estimate) / o.num_perm));
  std::printf("SimHash Hamming        %d of 64 bits  (%016llx vs %016llx)\n",
              HammingDistance(a.simhash, b.simhash),
              static_cast<unsigned long long>(a.simhash),
              static_cast<unsigned long long>(b.simhash));
  std::printf("normalized texts       %s\n\n",
              a.exact_text == b.exact_text ? "equal" : "differ");
  PrintShingles("shared shingles:", a, set_b, true, examples);
  PrintShingles("only in A:", a, set_b, false, examples);
  PrintShingles("only in B:", b, set_a, false, examples);
  std::printf("\n%s\n%s\n", SettingsLine(o, unit).c_str(),
              internal::SimilarityMethod::Of(o.method)
                  .ExplainVerdict(Judged(a, *docs[0]), Judged(b, *docs[1]), o)
                  .c_str());
}

// The options dedup runs with for these flags, resolved as it resolves
// them (bands and rows from the threshold, shingle seed).
absl::StatusOr<DedupOptions> ResolveFlags(const ExplainFlags& flags) {
  DedupOptions options;
  if (auto s = ApplyCompareFlags(flags.compare, &options); !s.ok()) return s;
  if (auto s = ApplyReaderFlags(flags.reader, &options.reader); !s.ok()) {
    return s;
  }
  return ResolveDedupOptions(options);
}

// The line counts dedup --main-text on would use: line_counts_file, or the
// documents of `paths` (each once, in order) counted as dedup counts them.
absl::StatusOr<LineCounter> CountLines(const DedupOptions& o,
                                       std::vector<std::string> paths) {
  if (!o.line_counts_file.empty()) {
    return internal::ReadLineCounts(o.line_counts_file);
  }
  LineCounter counts;
  std::vector<std::string> seen;
  for (const std::string& path : paths) {
    if (path == "-" ||
        std::find(seen.begin(), seen.end(), path) != seen.end()) {
      continue;
    }
    seen.push_back(path);
    ReaderOptions reader = o.reader;
    reader.keep_pass_through = false;
    auto opened = RecordReader::Open(path, reader);
    if (!opened.ok()) return opened.status();
    Record record;
    Rejection rejection;
    for (;;) {
      const auto result = (*opened)->Next(&record, &rejection);
      if (result == RecordReader::Result::kEnd) break;
      if (result == RecordReader::Result::kRejected) continue;
      counts.AddDocument(record.text, UrlHost(record.url));
    }
  }
  counts.Finish(std::max<uint32_t>(2, o.main_text_boilerplate.min_docs));
  return counts;
}

int ExplainPair(const ExplainFlags& flags) {
  auto options = ResolveFlags(flags);
  if (!options.ok()) return Fail("explain", options.status(), 2);
  absl::StatusOr<Document> docs[2] = {
      LoadDocument(flags.documents[0], options->reader),
      LoadDocument(flags.documents[1], options->reader)};
  for (const auto& doc : docs) {
    if (!doc.ok()) return Fail("explain", doc.status());
  }
  const Document* pair[2] = {&*docs[0], &*docs[1]};
  const std::string labels[2] = {"A", "B"};
  LineCounter counts;
  if (options->main_text) {
    // As dedup run on the files the two records come from.
    auto counted = CountLines(*options, {docs[0]->path, docs[1]->path});
    if (!counted.ok()) return Fail("explain", counted.status());
    counts = *std::move(counted);
  }
  PrintComparison(*options, pair, labels, flags.examples, &counts);
  return 0;
}

// ---------------------------------------------------------------------------
// Explaining a removal: a line of removed.jsonl.

struct Removal {
  std::string id, file, reason, kept_id;
  uint64_t line = 0;
  // kept_source: the kept record is a record of an index folder.
  bool indexed = false;
  uint64_t kept_generation = 0, kept_line = 0;
  std::string kept_file;
  int64_t cluster = -1;
  double similarity = 0;
};

absl::StatusOr<std::string> ReadLine(const std::string& path, uint64_t number) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(path + ": cannot open");
  std::string line;
  for (uint64_t n = 1; std::getline(in, line); ++n) {
    if (n == number) return line;
  }
  return absl::OutOfRangeError(path + " has fewer than " +
                               std::to_string(number) + " lines");
}

absl::StatusOr<Removal> ReadRemoval(const std::string& path, uint64_t number) {
  auto line = ReadLine(path, number);
  if (!line.ok()) return line.status();
  const std::string where = path + ":" + std::to_string(number);
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(*line).get(e) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(where + " is not a JSON line");
  }
  Removal r;
  std::string_view id, file, reason, kept_id;
  double similarity = 0;
  if (e["id"].get(id) || e["file"].get(file) || e["line"].get(r.line) ||
      e["kept_id"].get(kept_id)) {
    return absl::InvalidArgumentError(
        where + " is not a line of removed.jsonl (it needs id, file, line "
                "and kept_id)");
  }
  if (e["reason"].get(reason) == simdjson::SUCCESS) r.reason = reason;
  if (e["cluster"].get(r.cluster) != simdjson::SUCCESS) r.cluster = -1;
  if (e["similarity"].get(similarity) == simdjson::SUCCESS) {
    r.similarity = similarity;
  }
  r.id = id;
  r.file = file;
  r.kept_id = kept_id;
  simdjson::dom::object source;
  if (e["kept_source"].get(source) == simdjson::SUCCESS) {
    std::string_view kept_file;
    if (source["generation"].get(r.kept_generation) ||
        source["file"].get(kept_file) || source["line"].get(r.kept_line)) {
      return absl::InvalidArgumentError(
          where + ": kept_source needs generation, file and line");
    }
    r.indexed = true;
    r.kept_file = kept_file;
  }
  return r;
}

// Takes the run's parameters from stats.json for every comparison flag
// not given on the command line, and its input files.
absl::Status LoadRun(const std::string& stats_path, const CLI::App& cmd,
                     ExplainFlags* flags, std::vector<std::string>* inputs,
                     std::string* index_folder) {
  simdjson::dom::parser parser;
  simdjson::dom::element stats;
  if (parser.load(stats_path).get(stats) != simdjson::SUCCESS) {
    return absl::NotFoundError(
        stats_path + ": cannot read it (explaining a removal needs the "
                     "stats.json of the finished run beside removed.jsonl)");
  }
  simdjson::dom::object p;
  simdjson::dom::array files;
  if (stats["parameters"].get(p) || stats["files"].get(files)) {
    return absl::InvalidArgumentError(stats_path +
                                      " has no parameters or files");
  }
  auto given = [&cmd](const char* flag) { return cmd.count(flag) > 0; };
  std::string_view s;
  int64_t n;
  CompareFlags& c = flags->compare;
  if (!given("--method") && p["method"].get(s) == simdjson::SUCCESS) c.method = s;
  double threshold;
  if (!given("--threshold") &&
      p["threshold"].get(threshold) == simdjson::SUCCESS) {
    c.threshold = threshold;
  }
  if (!given("--char") && p["shingle"].get(s) == simdjson::SUCCESS) {
    c.chars = s == "char";
  }
  if (!given("--ngram") && p["ngram"].get(n) == simdjson::SUCCESS) {
    c.ngram = static_cast<int>(n);
  }
  if (!given("--num-perm") && p["num_perm"].get(n) == simdjson::SUCCESS) {
    c.num_perm = static_cast<int>(n);
  }
  // A run of a method without LSH bands wrote the default bands and rows,
  // unused.
  const auto method = ParseDedupMethod(c.method);
  if (method.ok() && internal::SimilarityMethod::Of(*method).signs_rows() &&
      !given("--bands") && !given("--rows") &&
      p["bands"].get(n) == simdjson::SUCCESS) {
    c.bands = static_cast<int>(n);
    if (p["rows"].get(n) == simdjson::SUCCESS) c.rows = static_cast<int>(n);
  }
  if (!given("--hamming") && p["hamming"].get(n) == simdjson::SUCCESS) {
    c.hamming = static_cast<int>(n);
  }
  uint64_t seed;
  if (!given("--seed") && p["seed"].get(seed) == simdjson::SUCCESS) c.seed = seed;
  if (!given("--verify") && p["verify"].get(s) == simdjson::SUCCESS) c.verify = s;
  // Written only when not the default.
  if (!given("--containment")) {
    double containment = 0;
    c.containment = p["containment"].get(containment) == simdjson::SUCCESS
                        ? containment
                        : 0;
  }
  if (!given("--containment-asymmetry")) {
    // Runs before the rule was written had none: every containment counted.
    double asymmetry = 1;
    c.containment_asymmetry =
        p["containment_asymmetry"].get(asymmetry) == simdjson::SUCCESS
            ? asymmetry
            : 1;
  }
  if (!given("--main-text")) {
    bool main_text = false;
    c.main_text = p["main_text"].get(main_text) == simdjson::SUCCESS &&
                          main_text
                      ? "on"
                      : "off";
  }
  if (!given("--line-counts") &&
      p["line_counts_file"].get(s) == simdjson::SUCCESS) {
    c.line_counts = s;  // as the run gave it: relative to where it ran
  }
  if (!given("--digits")) {
    c.digits = p["digits"].get(s) == simdjson::SUCCESS ? std::string(s)
                                                       : "zero";
  }
  if (!given("--text-field") && p["text_field"].get(s) == simdjson::SUCCESS) {
    flags->reader.text_field = s;
  }
  if (!given("--id-field") && p["id_field"].get(s) == simdjson::SUCCESS) {
    flags->reader.id_field = s;
  }
  if (!given("--max-doc-bytes") && p["max_doc_bytes"].get(n) == simdjson::SUCCESS) {
    flags->reader.max_doc_bytes = static_cast<size_t>(n);
  }
  if (!given("--oversize") && p["oversize"].get(s) == simdjson::SUCCESS) {
    flags->reader.oversize = s;
  }
  for (simdjson::dom::element f : files) {
    if (f["path"].get(s) == simdjson::SUCCESS) inputs->emplace_back(s);
  }
  if (stats["index"]["folder"].get(s) == simdjson::SUCCESS) *index_folder = s;
  return absl::OkStatus();
}

// Finds the kept record by its id in the run's inputs, in input order.
absl::StatusOr<Document> FindKept(const Removal& r,
                                  const std::vector<std::string>& inputs,
                                  const ReaderOptions& options) {
  for (const std::string& input : inputs) {
    if (input == "-") continue;  // standard input cannot be read again
    auto found = FindRecord(input, 0, &r.kept_id, options);
    if (found.ok() || !absl::IsNotFound(found.status())) return found;
  }
  return absl::NotFoundError(
      "the kept record \"" + r.kept_id + "\" is in none of the run's " +
      std::to_string(inputs.size()) + " input files (paths are relative to "
      "the folder dedup ran in; standard input cannot be read again)");
}

// A removal against a record of an index folder (dedup --index): the
// removed record is signed at the index's parameters and compared with the
// indexed signature of the kept record, as the run compared them; when
// the kept record's input can still be read, the two texts are compared
// side by side too.
int ExplainIndexed(const Removal& r, const Document& removed,
                   const DedupOptions& options, const std::string& index_dir,
                   const std::string& arg, int examples) {
  if (index_dir.empty()) {
    return Fail("explain", absl::FailedPreconditionError(
                               "the kept record is in an index folder "
                               "(kept_source) but stats.json names none"));
  }
  auto folder = IndexFolder::Open(index_dir);
  if (!folder.ok()) return Fail("explain", folder.status());
  auto matches = folder->Query(folder->Sketch(removed.text));
  if (!matches.ok()) return Fail("explain", matches.status());
  std::printf("removal: %s: \"%s\" (%s:%llu), %s of \"%s\" (index %s, "
              "generation %llu, from %s:%llu), similarity %g\n",
              arg.c_str(), r.id.c_str(), r.file.c_str(),
              static_cast<unsigned long long>(r.line), r.reason.c_str(),
              r.kept_id.c_str(), index_dir.c_str(),
              static_cast<unsigned long long>(r.kept_generation),
              r.kept_file.c_str(), static_cast<unsigned long long>(r.kept_line),
              r.similarity);
  const IndexFolderMatch* kept = nullptr;
  for (const IndexFolderMatch& m : *matches) {
    if (m.id == r.kept_id && m.generation == r.kept_generation) kept = &m;
  }
  if (kept == nullptr) {
    return Fail("explain",
                absl::NotFoundError(
                    "index " + index_dir + " holds no record \"" + r.kept_id +
                    "\" of generation " + std::to_string(r.kept_generation) +
                    " that the removed record duplicates (was the generation "
                    "dropped, or is this another index?)"));
  }
  const internal::SimilarityMethod& method =
      internal::SimilarityMethod::Of(options.method);
  std::printf("index: the removed record's %s against the indexed %s of the "
              "kept record (record %llu of the index): %s: a duplicate, as "
              "the run decided\n",
              method.sketch_name(), method.sketch_name(),
              static_cast<unsigned long long>(kept->doc),
              method.ExplainIndexMatch(kept->similarity, options).c_str());
  auto text = FindRecord(r.kept_file, r.kept_line, nullptr, options.reader);
  if (!text.ok() || text->id != r.kept_id) {
    std::printf("kept record's text: not readable at %s:%llu any more (%s): "
                "the index keeps signatures, not texts\n",
                r.kept_file.c_str(),
                static_cast<unsigned long long>(r.kept_line),
                text.ok() ? "another record is there now"
                          : std::string(text.status().message()).c_str());
    return 0;
  }
  std::printf("kept record's text: read again at %s\n\n", text->where.c_str());
  const Document* pair[2] = {&removed, &*text};
  const std::string labels[2] = {"A (removed)", "B (kept, indexed)"};
  LineCounter counts;
  PrintComparison(options, pair, labels, examples, &counts);
  return 0;
}

int ExplainRemoval(ExplainFlags flags, const CLI::App& cmd) {
  const std::string& arg = flags.documents[0];
  const size_t colon = arg.rfind(':');
  const uint64_t line =
      colon == std::string::npos ? 0 : RecordNumber(arg.substr(colon + 1));
  if (line == 0) {
    return Fail("explain",
                absl::InvalidArgumentError(
                    "with one argument, explain takes a line of a run's "
                    "removed.jsonl: OUT/removed.jsonl:LINE (got " + arg + ")"),
                2);
  }
  const std::string removed_path = arg.substr(0, colon);
  auto removal = ReadRemoval(removed_path, line);
  if (!removal.ok()) return Fail("explain", removal.status());
  const std::string folder =
      removed_path.find('/') == std::string::npos
          ? "."
          : removed_path.substr(0, removed_path.rfind('/'));
  const std::string stats_path = folder + "/stats.json";
  std::vector<std::string> inputs;
  std::string index_folder;
  if (auto s = LoadRun(stats_path, cmd, &flags, &inputs, &index_folder);
      !s.ok()) {
    return Fail("explain", s);
  }
  auto options = ResolveFlags(flags);
  if (!options.ok()) return Fail("explain", options.status(), 2);
  if (removal->file == "-") {
    return Fail("explain", absl::FailedPreconditionError(
                               "the run read standard input, which cannot be "
                               "read again"));
  }
  auto removed = FindRecord(removal->file, removal->line, nullptr,
                            options->reader);
  if (!removed.ok()) return Fail("explain", removed.status());
  if (removed->id != removal->id) {
    return Fail("explain", absl::FailedPreconditionError(
                               removed->where + " now has id \"" +
                               removed->id + "\", not \"" + removal->id +
                               "\": the file changed since the run"));
  }
  if (removal->indexed) {
    return ExplainIndexed(*removal, *removed, *options, index_folder, arg,
                          flags.examples);
  }
  auto kept = FindKept(*removal, inputs, options->reader);
  if (!kept.ok()) return Fail("explain", kept.status());
  std::printf("removal: %s: \"%s\" (%s:%llu), %s of \"%s\", cluster %lld, "
              "similarity %g\n",
              arg.c_str(), removal->id.c_str(), removal->file.c_str(),
              static_cast<unsigned long long>(removal->line),
              removal->reason.c_str(), removal->kept_id.c_str(),
              static_cast<long long>(removal->cluster), removal->similarity);
  std::printf("kept record: found by id at %s (removed.jsonl names it by id "
              "only: the run's inputs, listed in %s, were searched in input "
              "order, and the first record with that id taken)\n",
              kept->where.c_str(), stats_path.c_str());
  std::printf("settings: the run's (%s), unless given here; dedup judged "
              "the removed record against this kept record (no chains)\n\n",
              stats_path.c_str());
  const Document* pair[2] = {&*removed, &*kept};
  const std::string labels[2] = {"A (removed)", "B (kept)"};
  LineCounter counts;
  if (options->main_text) {  // the run's inputs, as it counted them
    auto counted = CountLines(*options, inputs);
    if (!counted.ok()) return Fail("explain", counted.status());
    counts = *std::move(counted);
  }
  PrintComparison(*options, pair, labels, flags.examples, &counts);
  return 0;
}

}  // namespace

void AddExplainCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ExplainFlags>();
  CLI::App* cmd = app.add_subcommand(
      "explain",
      "Judge two documents as dedup would, and show why: exact Jaccard, "
      "MinHash estimate and LSH bands, SimHash distance, example shingles, "
      "and a last line with dedup's verdict. With one argument, a line of "
      "a run's removed.jsonl: the removed record against its kept record.");
  cmd->add_option("DOCUMENT", flags->documents,
                  "A and B: a file (a text file is one document), FILE:N "
                  "(JSONL line N, or WARC record N) or FILE#ID (JSONL id "
                  "field, or WARC-Record-ID); gzip and zstd are detected. "
                  "Or one OUT/removed.jsonl:LINE")
      ->required()
      ->expected(1, 2);
  AddCompareFlags(cmd, &flags->compare);
  AddReaderFlags(cmd, &flags->reader);
  cmd->add_option("--examples", flags->examples,
                  "shingles to show in each list")
      ->capture_default_str();
  cmd->footer(
      "The flags and their defaults are those of dedup. Explaining a "
      "removal takes the run's\nparameters from OUT/stats.json (flags given "
      "here win) and finds the kept record by\nid in the run's inputs.\n"
      "Examples:\n"
      "  neardup explain examples/crawl.jsonl:1 examples/crawl.jsonl:2\n"
      "  neardup explain a.txt.gz b.txt --method simhash\n"
      "  neardup explain 'pages.warc.wet.gz#<urn:uuid:...>' pages.warc.wet.gz:7\n"
      "  neardup explain out/removed.jsonl:1");
  cmd->callback([flags, exit_code, cmd] {
    *exit_code = flags->documents.size() == 1 ? ExplainRemoval(*flags, *cmd)
                                              : ExplainPair(*flags);
  });
}

}  // namespace neardup::tools
