// neardup explain A B: shows why two documents are, or are not,
// near-duplicates: exact Jaccard of their shingle sets, the MinHash estimate,
// the SimHash Hamming distance, set sizes, and shingles they share and do
// not share, in readable (normalized) form.
//
// A and B are text files (the whole file is the document) or records of a
// JSONL file: FILE:LINE (1-based) or FILE#ID (the record whose id field is
// ID).

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/status/statusor.h"
#include "neardup/neardup.h"
#include "simdjson.h"
#include "tools/commands.h"

namespace neardup::tools {
namespace {

struct ExplainFlags {
  std::string a, b;
  int ngram = 5;
  bool chars = false;
  int num_perm = 112;
  uint64_t seed = 0;
  std::string text_field = "text";
  std::string id_field = "id";
  int examples = 3;
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(path + ": cannot open: " + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::DataLossError(path + ": read error");
  return buffer.str();
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool IsJsonlName(const std::string& path) {
  return EndsWith(path, ".jsonl") || EndsWith(path, ".ndjson") ||
         EndsWith(path, ".json");
}

// Returns the text field of a parsed record, or an error naming file:line.
absl::StatusOr<std::string> RecordText(simdjson::ondemand::document& doc,
                                       const std::string& where,
                                       const ExplainFlags& flags) {
  std::string_view text;
  auto error = doc[flags.text_field].get_string().get(text);
  if (error == simdjson::NO_SUCH_FIELD) {
    return absl::InvalidArgumentError(where + ": record has no \"" +
                                      flags.text_field + "\" field");
  }
  if (error) {
    return absl::InvalidArgumentError(where + ": field \"" + flags.text_field +
                                      "\" is not a string: " +
                                      simdjson::error_message(error));
  }
  return std::string(text);
}

// Reads one record of a JSONL file, by 1-based line or by id.
absl::StatusOr<std::string> ReadJsonlRecord(const std::string& path,
                                            long line_number,
                                            const std::string& id,
                                            const ExplainFlags& flags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(path + ": cannot open: " + std::strerror(errno));
  }
  simdjson::ondemand::parser parser;
  std::string line;
  for (long number = 1; std::getline(in, line); ++number) {
    if (line_number > 0 && number != line_number) continue;
    const std::string where = path + ":" + std::to_string(number);
    simdjson::padded_string padded(line);
    simdjson::ondemand::document doc;
    if (auto error = parser.iterate(padded).get(doc)) {
      return absl::InvalidArgumentError(where + ": malformed JSON: " +
                                        simdjson::error_message(error));
    }
    if (line_number > 0) return RecordText(doc, where, flags);
    // Looking for an id: accept string and integer ids.
    std::string record_id;
    simdjson::ondemand::value value;
    if (doc[flags.id_field].get(value) == simdjson::SUCCESS) {
      std::string_view s;
      int64_t n;
      if (value.get_string().get(s) == simdjson::SUCCESS) {
        record_id = std::string(s);
      } else if (value.get_int64().get(n) == simdjson::SUCCESS) {
        record_id = std::to_string(n);
      }
    }
    if (record_id == id) {
      doc.rewind();
      return RecordText(doc, where, flags);
    }
  }
  if (line_number > 0) {
    return absl::OutOfRangeError(path + " has fewer than " +
                                 std::to_string(line_number) + " lines");
  }
  return absl::NotFoundError(path + ": no record with " + flags.id_field +
                             " \"" + id + "\"");
}

// Resolves a document argument: a text file, FILE:LINE or FILE#ID.
absl::StatusOr<std::string> LoadDocument(const std::string& arg,
                                         const ExplainFlags& flags) {
  std::ifstream probe(arg, std::ios::binary);
  if (probe && !IsJsonlName(arg)) return ReadFile(arg);
  const size_t hash = arg.rfind('#');
  if (hash != std::string::npos && IsJsonlName(arg.substr(0, hash))) {
    return ReadJsonlRecord(arg.substr(0, hash), 0, arg.substr(hash + 1), flags);
  }
  const size_t colon = arg.rfind(':');
  if (colon != std::string::npos) {
    const std::string number = arg.substr(colon + 1);
    char* end = nullptr;
    const long line = std::strtol(number.c_str(), &end, 10);
    if (!number.empty() && *end == '\0' && line > 0) {
      return ReadJsonlRecord(arg.substr(0, colon), line, "", flags);
    }
  }
  if (probe) {
    return absl::InvalidArgumentError(
        arg + " is a JSONL file: name a record as " + arg + ":LINE or " + arg +
        "#ID");
  }
  return absl::NotFoundError(arg + ": no such file (or FILE:LINE, FILE#ID)");
}

struct Sketched {
  std::string normalized;
  std::vector<uint64_t> hashes;
  std::vector<TextSpan> spans;
  std::vector<uint32_t> signature;
  uint64_t simhash = 0;
  size_t distinct = 0;
  size_t repaired = 0;
};

Sketched SketchDocument(const std::string& text, Shingler& shingler,
                        const MinHasher& hasher) {
  Sketched s;
  s.repaired = shingler.Hash(text, &s.hashes);
  s.normalized = std::string(shingler.normalized());
  shingler.SpansNormalized(s.normalized, &s.spans);
  s.signature = hasher.Sign(s.hashes);
  s.simhash = SimHash(s.hashes);
  s.distinct = std::unordered_set<uint64_t>(s.hashes.begin(), s.hashes.end())
                   .size();
  return s;
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
void PrintShingles(const char* title, const Sketched& from,
                   const std::unordered_set<uint64_t>& other, bool shared,
                   int limit) {
  std::printf("%s\n", title);
  std::unordered_set<uint64_t> printed;
  int count = 0;
  for (size_t i = 0; i < from.hashes.size() && count < limit; ++i) {
    const uint64_t h = from.hashes[i];
    if ((other.count(h) > 0) != shared || !printed.insert(h).second) continue;
    std::printf("  %s\n", Quote(from.spans[i].In(from.normalized)).c_str());
    ++count;
  }
  if (count == 0) std::printf("  (none)\n");
}

int RunExplain(const ExplainFlags& flags) {
  ShingleOptions shingle_options;
  shingle_options.kind = flags.chars ? ShingleKind::kChar : ShingleKind::kWord;
  shingle_options.n = flags.ngram;
  shingle_options.seed = flags.seed;
  auto shingler = Shingler::Create(shingle_options);
  auto hasher = MinHasher::Create({.num_perm = flags.num_perm, .seed = flags.seed});
  for (const absl::Status& status : {shingler.status(), hasher.status()}) {
    if (!status.ok()) {
      std::fprintf(stderr, "neardup explain: %s\n",
                   std::string(status.message()).c_str());
      return 2;
    }
  }
  absl::StatusOr<std::string> texts[2] = {LoadDocument(flags.a, flags),
                                          LoadDocument(flags.b, flags)};
  for (const auto& text : texts) {
    if (!text.ok()) {
      std::fprintf(stderr, "neardup explain: %s\n",
                   std::string(text.status().message()).c_str());
      return 1;
    }
  }
  const Sketched a = SketchDocument(*texts[0], *shingler, *hasher);
  const Sketched b = SketchDocument(*texts[1], *shingler, *hasher);
  const std::unordered_set<uint64_t> set_a(a.hashes.begin(), a.hashes.end());
  const std::unordered_set<uint64_t> set_b(b.hashes.begin(), b.hashes.end());
  size_t common = 0;
  for (uint64_t h : set_a) common += set_b.count(h);
  const size_t unions = set_a.size() + set_b.size() - common;
  const double exact = ExactJaccard(a.hashes, b.hashes);
  // Both signatures come from one hasher, so they have the same length.
  const double estimate =
      EstimateJaccard(a.signature, b.signature).value_or(0.0);
  const double stderr95 =
      1.96 * std::sqrt(estimate * (1 - estimate) / flags.num_perm);
  const char* unit = flags.chars ? "character" : "word";

  auto describe = [&](const char* label, const std::string& arg,
                      const std::string& text, const Sketched& s) {
    std::printf("%s: %s\n   %zu bytes, %zu %s %d-grams (%zu distinct)", label,
                arg.c_str(), text.size(), s.hashes.size(), unit, flags.ngram,
                s.distinct);
    if (s.repaired > 0) {
      std::printf(", %zu invalid UTF-8 sequences replaced", s.repaired);
    }
    std::printf("\n");
  };
  describe("A", flags.a, *texts[0], a);
  describe("B", flags.b, *texts[1], b);
  std::printf("\n");
  std::printf("exact Jaccard          %.4f   (%zu shared of %zu distinct "
              "shingles)\n",
              exact, common, unions);
  std::printf("MinHash-%d estimate   %.4f   (%d of %d slots agree; +/- %.3f "
              "at 95%%)\n",
              flags.num_perm, estimate,
              static_cast<int>(std::lround(estimate * flags.num_perm)),
              flags.num_perm, stderr95);
  std::printf("SimHash Hamming        %d of 64 bits  (%016llx vs %016llx)\n",
              HammingDistance(a.simhash, b.simhash),
              static_cast<unsigned long long>(a.simhash),
              static_cast<unsigned long long>(b.simhash));
  std::printf("\n");
  PrintShingles("shared shingles:", a, set_b, true, flags.examples);
  PrintShingles("only in A:", a, set_b, false, flags.examples);
  PrintShingles("only in B:", b, set_a, false, flags.examples);
  return 0;
}

}  // namespace

void AddExplainCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ExplainFlags>();
  CLI::App* cmd = app.add_subcommand(
      "explain",
      "Show why two documents are, or are not, near-duplicates: exact "
      "Jaccard, MinHash estimate, SimHash distance and example shingles.");
  cmd->add_option("A", flags->a,
                  "first document: a text file, FILE.jsonl:LINE or "
                  "FILE.jsonl#ID")
      ->required();
  cmd->add_option("B", flags->b, "second document, as A")->required();
  cmd->add_option("--ngram", flags->ngram, "shingle size n")
      ->capture_default_str();
  cmd->add_flag("--char", flags->chars,
                "character n-grams instead of word n-grams");
  cmd->add_option("--num-perm", flags->num_perm, "MinHash permutations")
      ->capture_default_str();
  cmd->add_option("--seed", flags->seed, "hash seed")->capture_default_str();
  cmd->add_option("--text-field", flags->text_field, "JSONL text field")
      ->capture_default_str();
  cmd->add_option("--id-field", flags->id_field, "JSONL id field (for FILE#ID)")
      ->capture_default_str();
  cmd->add_option("--examples", flags->examples,
                  "shingles to show in each list")
      ->capture_default_str();
  cmd->footer(
      "Example:\n"
      "  neardup explain examples/crawl.jsonl:1 examples/crawl.jsonl:2");
  cmd->callback([flags, exit_code] { *exit_code = RunExplain(*flags); });
}

}  // namespace neardup::tools
