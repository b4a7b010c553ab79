// neardup_make_corpus: writes a synthetic JSONL crawl of English news-like
// documents with known near-duplicates and known repeated blocks, for
// examples, end-to-end benchmarks and recall/precision evaluations.
//
//   neardup_make_corpus (--docs N | --bytes B) [--seed S] [--dup-rate 0.2]
//       [--repeat-rate 0.05] [--edited-repeat-rate 0] [--quote-rate 0]
//       [--furniture] [--mean-doc-bytes 4096] [--truth TRUTH.jsonl]
//       [--repeats REPEATS.jsonl] [--labels LABELS.jsonl] -o FILE.jsonl
//
// Each output line is {"id":"doc-000001","url":"https://host/path",
// "text":"..."}. A fraction --dup-rate of the documents are edited copies of
// an earlier document (replaced, inserted and deleted words, changed dates
// and numbers, a dropped or added paragraph), edited more or less so that
// their exact Jaccard similarity to the source in word 5-grams (neardup's
// default shingles) spreads over about 0.5 to 1.0; a few are exact copies.
// --truth gets one line per copy: {"id","source_id","edit","jaccard"}, where
// jaccard is measured with the library's default ShingleOptions.
// A fraction --repeat-rate of the original documents repeat a block of
// consecutive paragraphs later in the same document, or print a caption
// paragraph twice in a row; --repeats gets one line per such document
// (paragraph indices count the headline as paragraph 0).
// A fraction --edited-repeat-rate of those repeats are a body captured twice
// from a slightly different version: 3 to 8 paragraphs copied with 1-5% of
// their words replaced, inserted or deleted, and sometimes a paragraph
// inserted or dropped, or a caption of the first copy missing.
// --furniture gives every site page furniture (a header of the site's name,
// navigation and a subscribe line, a footer of copyright, legal links and
// social links, an "Advertisement" line inside some pages), so that copies
// on one site are versions of an article with their site's furniture.
// A fraction --quote-rate of the original documents quote one paragraph of
// an earlier document in their middle.
// --labels gets one line per document: {"id","labels"}, a label for each
// paragraph (each line that is not blank) of its text: "content",
// "repeat" (a later copy of an exact repeat), "repeat_edited" (a paragraph
// of an edited second capture), "repeat_inserted" (a paragraph the second
// capture added), "furniture", or "unlabelled" (the paragraphs of an edited
// copy of a document with repeats).
// With the new options at their defaults the output is what it was before
// they existed.
//
// The output is a function of the arguments only: the same command writes
// the same bytes. Files are written under a temporary name and renamed when
// complete. Exit status: 0 on success, 1 on an I/O error, 2 on bad usage.

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "neardup/minhash.h"
#include "neardup/shingle.h"
#include "news_generator.h"

namespace neardup::bench {
namespace {

constexpr char kUsage[] =
    "usage: neardup_make_corpus (--docs N | --bytes B) [options] -o FILE\n"
    "\n"
    "Writes a synthetic JSONL crawl of English news-like documents,\n"
    "{\"id\":...,\"url\":...,\"text\":...} per line, with known\n"
    "near-duplicate copies and repeated paragraphs.\n"
    "\n"
    "  --docs N            number of documents to write\n"
    "  --bytes B           stop once the texts total B bytes (suffix K, M\n"
    "                      or G for 2^10, 2^20, 2^30)\n"
    "  --seed S            random seed (default 1)\n"
    "  --dup-rate R        fraction of documents that are edited copies of\n"
    "                      an earlier one (default 0.2)\n"
    "  --repeat-rate R     fraction of original documents with a repeated\n"
    "                      block of paragraphs or a caption printed twice\n"
    "                      (default 0.05)\n"
    "  --edited-repeat-rate R  fraction of the repeats that are a body\n"
    "                      captured twice from another version, edited\n"
    "                      (default 0)\n"
    "  --quote-rate R      fraction of original documents quoting one\n"
    "                      paragraph of an earlier document (default 0)\n"
    "  --furniture         give each site a header and footer on every page\n"
    "  --labels FILE       one line per document: a label per paragraph\n"
    "  --mean-doc-bytes N  mean document size (default 4096)\n"
    "  -o, --output FILE   output JSONL file, '-' for stdout\n"
    "  --truth FILE        one line per copy: id, source_id, edit, jaccard\n"
    "  --repeats FILE      one line per document with repeated paragraphs\n"
    "  --core-corpus       write instead the documents of core_benchmark\n"
    "                      (MakeCorpus(--bytes, --seed): no copies, no\n"
    "                      url; core_benchmark uses --bytes 8M --seed\n"
    "                      20240601), {\"id\",\"text\"} per line\n"
    "  -h, --help          show this help\n";

// Earlier documents that copies may be made from: a uniform reservoir
// sample, so memory stays bounded however large the crawl.
constexpr size_t kPoolCapacity = 4096;

struct Options {
  uint64_t docs = 0;
  uint64_t bytes = 0;
  uint64_t seed = 1;
  double dup_rate = 0.2;
  double repeat_rate = 0.05;
  double edited_repeat_rate = 0;
  double quote_rate = 0;
  bool furniture = false;
  std::string labels;
  uint64_t mean_doc_bytes = 4096;
  std::string output;
  std::string truth;
  std::string repeats;
  bool core_corpus = false;
};

struct PooledDoc {
  std::string id;
  std::string host;
  std::string path;
  std::vector<std::string> paragraphs;
  bool repeats = false;  // has a repeated block or caption
};

// ---------------------------------------------------------------------------
// Arguments

bool ParseUint(std::string_view text, bool allow_suffix, uint64_t* value) {
  if (text.empty() || text[0] == '-') return false;
  std::string s(text);
  uint64_t multiplier = 1;
  if (allow_suffix) {
    switch (s.back()) {
      case 'k':
      case 'K':
        multiplier = uint64_t{1} << 10;
        break;
      case 'm':
      case 'M':
        multiplier = uint64_t{1} << 20;
        break;
      case 'g':
      case 'G':
        multiplier = uint64_t{1} << 30;
        break;
      default:
        break;
    }
    if (multiplier != 1) s.pop_back();
  }
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return false;
  if (v > UINT64_MAX / multiplier) return false;
  *value = static_cast<uint64_t>(v) * multiplier;
  return true;
}

bool ParseRate(std::string_view text, double* value) {
  std::string s(text);
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (errno != 0 || end != s.c_str() + s.size() || !(v >= 0.0 && v <= 1.0)) {
    return false;
  }
  *value = v;
  return true;
}

// Returns 0 when the arguments are usable, 2 after printing why not, or -1
// when --help was asked for (and printed).
int ParseArgs(int argc, char** argv, Options* options) {
  auto fail = [](const std::string& message) {
    std::fprintf(stderr, "neardup_make_corpus: %s\n%s", message.c_str(),
                 "run with --help for usage\n");
    return 2;
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    bool has_inline_value = false;
    if (arg.rfind("--", 0) == 0) {
      size_t eq = arg.find('=');
      if (eq != std::string_view::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline_value = true;
      }
    }
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return -1;
    }
    if (arg == "--core-corpus") {
      options->core_corpus = true;
      continue;
    }
    if (arg == "--furniture") {
      options->furniture = true;
      continue;
    }
    if (!has_inline_value) {
      if (i + 1 >= argc) return fail("missing value after " + std::string(arg));
      value = argv[++i];
    }
    const std::string name(arg);
    if (arg == "--docs") {
      if (!ParseUint(value, false, &options->docs) || options->docs == 0) {
        return fail("--docs wants a positive integer, got '" +
                    std::string(value) + "'");
      }
    } else if (arg == "--bytes") {
      if (!ParseUint(value, true, &options->bytes) || options->bytes == 0) {
        return fail("--bytes wants a positive size such as 100M, got '" +
                    std::string(value) + "'");
      }
    } else if (arg == "--seed") {
      if (!ParseUint(value, false, &options->seed)) {
        return fail("--seed wants an unsigned integer, got '" +
                    std::string(value) + "'");
      }
    } else if (arg == "--dup-rate" || arg == "--repeat-rate" ||
               arg == "--edited-repeat-rate" || arg == "--quote-rate") {
      double* rate = arg == "--dup-rate"      ? &options->dup_rate
                     : arg == "--repeat-rate" ? &options->repeat_rate
                     : arg == "--quote-rate"  ? &options->quote_rate
                                              : &options->edited_repeat_rate;
      if (!ParseRate(value, rate)) {
        return fail(name + " wants a number in [0, 1], got '" +
                    std::string(value) + "'");
      }
    } else if (arg == "--mean-doc-bytes") {
      if (!ParseUint(value, true, &options->mean_doc_bytes) ||
          options->mean_doc_bytes < 200 ||
          options->mean_doc_bytes > (uint64_t{64} << 20)) {
        return fail("--mean-doc-bytes wants a size from 200 to 64M, got '" +
                    std::string(value) + "'");
      }
    } else if (arg == "-o" || arg == "--output") {
      options->output = std::string(value);
    } else if (arg == "--truth") {
      options->truth = std::string(value);
    } else if (arg == "--repeats") {
      options->repeats = std::string(value);
    } else if (arg == "--labels") {
      options->labels = std::string(value);
    } else {
      return fail("unknown argument '" + name + "'");
    }
  }
  if ((options->docs == 0) == (options->bytes == 0)) {
    return fail("give exactly one of --docs and --bytes");
  }
  if (options->output.empty()) return fail("-o FILE is required");
  if (options->dup_rate >= 1.0) return fail("--dup-rate must be below 1");
  return 0;
}

// ---------------------------------------------------------------------------
// Output

// Appends `text` as a JSON string literal: quotes, backslashes and control
// characters escaped (\n, \t, \r, \b, \f, else \u00XX), all other bytes,
// UTF-8 included, passed through.
void AppendJsonString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escape
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(text.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
        break;
    }
  }
  out->append(text.substr(run));
  out->push_back('"');
}

// A file written under "<path>.tmp" and renamed to `path` by Commit, so
// that a killed run leaves no half-written file behind. Paths that exist and
// are not regular files (/dev/null, a FIFO) are written directly: renaming
// over them would replace the device. "-" means stdout.
class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() {
    if (file_ != nullptr && file_ != stdout) {
      std::fclose(file_);
      if (!direct_) std::remove(temp_.c_str());
    }
  }

  bool Open(const std::string& path) {
    path_ = path;
    if (path == "-") {
      file_ = stdout;
      return true;
    }
    struct stat st;
    direct_ = stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
    temp_ = direct_ ? path : path + ".tmp";
    file_ = std::fopen(temp_.c_str(), "wb");
    if (file_ == nullptr) {
      std::fprintf(stderr, "neardup_make_corpus: cannot write %s: %s\n",
                   temp_.c_str(), std::strerror(errno));
      return false;
    }
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
    return true;
  }

  bool is_open() const { return file_ != nullptr; }

  bool Write(std::string_view data) {
    if (file_ == nullptr) return true;
    if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
      ok_ = false;
    }
    return ok_;
  }

  // Flushes, closes and renames into place. Returns false after printing
  // the error.
  bool Commit() {
    if (file_ == nullptr) return true;
    FILE* f = file_;
    file_ = nullptr;
    const bool renamed = f != stdout && !direct_;
    bool ok = ok_ && std::fflush(f) == 0;
    if (f != stdout) ok = (std::fclose(f) == 0) && ok;
    if (ok && renamed && std::rename(temp_.c_str(), path_.c_str()) != 0) {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "neardup_make_corpus: writing %s failed: %s\n",
                   path_.c_str(), std::strerror(errno));
      if (renamed) std::remove(temp_.c_str());
    }
    return ok;
  }

 private:
  FILE* file_ = nullptr;
  std::string path_;
  std::string temp_;
  bool direct_ = false;  // written in place, not renamed
  bool ok_ = true;
};

// ---------------------------------------------------------------------------
// Documents and edits

std::string Join(const std::vector<std::string>& paragraphs) {
  std::string text;
  size_t size = 0;
  for (const std::string& p : paragraphs) size += p.size() + 2;
  text.reserve(size);
  for (size_t i = 0; i < paragraphs.size(); ++i) {
    if (i > 0) text.append("\n\n");
    text.append(paragraphs[i]);
  }
  return text;
}

std::vector<std::string> SplitTokens(const std::string& paragraph) {
  std::vector<std::string> tokens;
  size_t start = 0;
  while (start <= paragraph.size()) {
    size_t end = paragraph.find(' ', start);
    if (end == std::string::npos) end = paragraph.size();
    tokens.emplace_back(paragraph, start, end - start);
    start = end + 1;
  }
  return tokens;
}

std::string JoinTokens(const std::vector<std::string>& tokens) {
  std::string s;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) s.push_back(' ');
    s.append(tokens[i]);
  }
  return s;
}

bool IsPlainWord(std::string_view token) {
  if (token.empty()) return false;
  for (char c : token) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

bool HasDigit(std::string_view token) {
  return std::any_of(token.begin(), token.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// Edits a copy of a document, word by word and paragraph by paragraph, until
// the estimated Jaccard similarity of word 5-grams falls to `target`.
class Editor {
 public:
  Editor(NewsGenerator* gen, std::vector<std::string> paragraphs)
      : gen_(gen), rng_(gen->rng()) {
    for (const std::string& p : paragraphs) tokens_.push_back(SplitTokens(p));
    for (const auto& t : tokens_) shingles_ += static_cast<double>(t.size());
  }

  // Changes the digits of up to `count` numbers (a date, a count, a price).
  void ChangeNumbers(int count) {
    for (int attempt = 0; attempt < 50 && count > 0; ++attempt) {
      auto [p, t] = RandomToken();
      std::string& token = tokens_[p][t];
      if (!HasDigit(token)) continue;
      for (char& c : token) {
        if (c >= '0' && c <= '9') c = static_cast<char>('0' + rng_.Below(10));
      }
      ++dates_;
      --count;
    }
  }

  void EditTo(double target) {
    // A paragraph-level edit first, in about a third of the heavier edits,
    // when it does not overshoot the target by much.
    if (target < 0.9 && tokens_.size() >= 4 && rng_.Chance(0.35)) {
      if (rng_.Chance(0.5)) {
        size_t p = 1 + rng_.Below(tokens_.size() - 1);
        double n = static_cast<double>(tokens_[p].size());
        if (Estimate(removed_ + n + 4, added_ + 4) >= target - 0.05) {
          tokens_.erase(tokens_.begin() + static_cast<ptrdiff_t>(p));
          removed_ += n + 4;
          added_ += 4;
          ++dropped_paragraphs_;
        }
      } else {
        std::vector<std::string> paragraph = SplitTokens(gen_->Paragraph());
        double n = static_cast<double>(paragraph.size());
        if (Estimate(removed_ + 4, added_ + n + 4) >= target - 0.05) {
          size_t p = 1 + rng_.Below(tokens_.size());
          tokens_.insert(tokens_.begin() + static_cast<ptrdiff_t>(p),
                         std::move(paragraph));
          removed_ += 4;
          added_ += n + 4;
          ++added_paragraphs_;
        }
      }
    }
    int guard = 0;
    while (Estimate(removed_, added_) > target && ++guard < 100000) {
      auto [p, t] = RandomToken();
      std::vector<std::string>& tokens = tokens_[p];
      uint64_t op = rng_.Below(3);
      if (op == 0) {
        if (!IsPlainWord(tokens[t])) continue;
        tokens[t] = std::string(gen_->Word());
        removed_ += 5;
        added_ += 5;
        ++replaced_;
      } else if (op == 1) {
        tokens.insert(tokens.begin() + static_cast<ptrdiff_t>(t),
                      std::string(gen_->Word()));
        removed_ += 4;
        added_ += 5;
        ++inserted_;
      } else {
        if (tokens.size() < 4 || !IsPlainWord(tokens[t])) continue;
        tokens.erase(tokens.begin() + static_cast<ptrdiff_t>(t));
        removed_ += 5;
        added_ += 4;
        ++deleted_;
      }
    }
  }

  std::vector<std::string> Paragraphs() const {
    std::vector<std::string> paragraphs;
    for (const auto& t : tokens_) paragraphs.push_back(JoinTokens(t));
    return paragraphs;
  }

  // Returns "replace=3 insert=1 delete=2 date=1 drop_paragraph=1
  // add_paragraph=0" without the zero counts, or "exact".
  std::string Description() const {
    std::string d;
    auto add = [&d](const char* what, int n) {
      if (n == 0) return;
      if (!d.empty()) d.push_back(' ');
      d.append(what);
      d.push_back('=');
      d.append(std::to_string(n));
    };
    add("replace", replaced_);
    add("insert", inserted_);
    add("delete", deleted_);
    add("date", dates_);
    add("drop_paragraph", dropped_paragraphs_);
    add("add_paragraph", added_paragraphs_);
    return d.empty() ? "exact" : d;
  }

 private:
  // An isolated word edit changes about 5 of the document's word 5-grams;
  // shared = S - removed, union = S + added.
  double Estimate(double removed, double added) const {
    if (shingles_ <= 0) return 1.0;
    return std::max(0.0, shingles_ - removed) / (shingles_ + added);
  }

  // Picks a token uniformly over the whole document.
  std::pair<size_t, size_t> RandomToken() {
    size_t total = 0;
    for (const auto& t : tokens_) total += t.size();
    size_t k = rng_.Below(total);
    for (size_t p = 0; p < tokens_.size(); ++p) {
      if (k < tokens_[p].size()) return {p, k};
      k -= tokens_[p].size();
    }
    return {0, 0};
  }

  NewsGenerator* gen_;
  SplitMix64& rng_;
  std::vector<std::vector<std::string>> tokens_;
  double shingles_ = 0;
  double removed_ = 0;
  double added_ = 0;
  int replaced_ = 0, inserted_ = 0, deleted_ = 0, dates_ = 0;
  int dropped_paragraphs_ = 0, added_paragraphs_ = 0;
};

// Returns `paragraph` with each word replaced, preceded by a new word or
// deleted with probability `rate` (a third each).
std::string EditWords(NewsGenerator* gen, const std::string& paragraph,
                      double rate) {
  SplitMix64& rng = gen->rng();
  std::vector<std::string> out;
  for (std::string& token : SplitTokens(paragraph)) {
    if (!rng.Chance(rate)) {
      out.push_back(std::move(token));
      continue;
    }
    const uint64_t op = rng.Below(3);
    if (op == 0) {
      out.emplace_back(gen->Word());
    } else if (op == 1) {
      out.emplace_back(gen->Word());
      out.push_back(std::move(token));
    }  // else deleted
  }
  if (out.empty()) out.emplace_back(gen->Word());
  return JoinTokens(out);
}

// Repeats the body (3-8 paragraphs from paragraph 1) later in the document
// as a second capture of another version of the page: words edited at 1-5%,
// maybe a paragraph inserted or dropped, maybe a caption of the first copy
// missing. Labels the second capture.
void AddEditedRepeat(NewsGenerator* gen, const std::string& id,
                     std::vector<std::string>* paragraphs,
                     std::vector<std::string>* labels, std::string* record) {
  SplitMix64& rng = gen->rng();
  const size_t n = paragraphs->size();
  const size_t count = std::min<size_t>(n - 1, 3 + rng.Below(6));
  const size_t first = 1;
  const double rate = 0.01 + 0.04 * rng.Uniform();
  // A caption inside the first copy that the second capture lacks.
  bool caption_missing = false;
  size_t caption_at = 0;
  if (rng.Chance(0.3)) {
    caption_at = first + 1 + rng.Below(count);
    paragraphs->insert(paragraphs->begin() + static_cast<ptrdiff_t>(caption_at),
                       gen->Caption());
    labels->insert(labels->begin() + static_cast<ptrdiff_t>(caption_at),
                   "content");
    caption_missing = true;
  }
  const size_t block_end = first + count + (caption_missing ? 1 : 0);
  const size_t dropped = count >= 3 && rng.Chance(0.3)
                             ? first + 1 + rng.Below(count - 1)
                             : SIZE_MAX;
  const size_t inserted_after = rng.Chance(0.3) ? rng.Below(count) : SIZE_MAX;
  std::vector<std::string> copy, copy_labels;
  size_t source_paragraphs = 0;
  for (size_t p = first; p < block_end; ++p) {
    if (caption_missing && p == caption_at) continue;
    ++source_paragraphs;
    if (p == dropped) continue;
    copy.push_back(EditWords(gen, (*paragraphs)[p], rate));
    copy_labels.push_back("repeat_edited");
    if (source_paragraphs - 1 == inserted_after) {
      copy.push_back(gen->Paragraph());
      copy_labels.push_back("repeat_inserted");
    }
  }
  const size_t at = block_end + rng.Below(paragraphs->size() - block_end + 1);
  paragraphs->insert(paragraphs->begin() + static_cast<ptrdiff_t>(at),
                     copy.begin(), copy.end());
  labels->insert(labels->begin() + static_cast<ptrdiff_t>(at),
                 copy_labels.begin(), copy_labels.end());
  char buf[160];
  std::snprintf(buf, sizeof(buf),
                ",\"repeat\":\"edited_block\",\"first_paragraph\":%zu,"
                "\"paragraphs\":%zu,\"repeated_at_paragraph\":%zu,"
                "\"word_edit_rate\":%.3f,\"dropped\":%s,\"inserted\":%s,"
                "\"caption_missing\":%s}\n",
                first, count, at, rate, dropped != SIZE_MAX ? "true" : "false",
                inserted_after != SIZE_MAX ? "true" : "false",
                caption_missing ? "true" : "false");
  record->append("{\"id\":");
  AppendJsonString(id, record);
  record->append(buf);
}

// Repeats a block of 1-3 consecutive paragraphs later in the document, or
// inserts a caption twice in a row. Appends a --repeats line to *record.
void AddRepeat(NewsGenerator* gen, const std::string& id,
               std::vector<std::string>* paragraphs,
               std::vector<std::string>* labels, std::string* record) {
  SplitMix64& rng = gen->rng();
  const size_t n = paragraphs->size();
  std::string kind;
  size_t first = 0, count = 0, at = 0;
  if (n >= 3 && rng.Chance(0.5)) {
    kind = "block";
    count = 1 + rng.Below(std::min<size_t>(3, n - 2));
    first = 1 + rng.Below(n - count);  // never the headline
    // Anywhere after the block, end of document included.
    at = first + count + rng.Below(n - first - count + 1);
    std::vector<std::string> block(
        paragraphs->begin() + static_cast<ptrdiff_t>(first),
        paragraphs->begin() + static_cast<ptrdiff_t>(first + count));
    paragraphs->insert(paragraphs->begin() + static_cast<ptrdiff_t>(at),
                       block.begin(), block.end());
    labels->insert(labels->begin() + static_cast<ptrdiff_t>(at), count,
                   "repeat");
  } else {
    kind = "caption";
    count = 1;
    first = 1 + rng.Below(n);
    at = first + 1;
    std::string caption = gen->Caption();
    paragraphs->insert(paragraphs->begin() + static_cast<ptrdiff_t>(first), 2,
                       caption);
    labels->insert(labels->begin() + static_cast<ptrdiff_t>(first), "repeat");
    labels->insert(labels->begin() + static_cast<ptrdiff_t>(first), "content");
  }
  record->append("{\"id\":");
  AppendJsonString(id, record);
  record->append(",\"repeat\":\"" + kind +
                 "\",\"first_paragraph\":" + std::to_string(first) +
                 ",\"paragraphs\":" + std::to_string(count) +
                 ",\"repeated_at_paragraph\":" + std::to_string(at) + "}\n");
}

// A site's page furniture: lines every page of the site carries.
struct Furniture {
  std::vector<std::string> header, footer;
};

Furniture MakeFurniture(NewsGenerator* gen, const std::string& host) {
  static constexpr const char* kSections[] = {
      "World", "Business", "Sport", "Opinion", "Culture", "Science",
      "Travel", "Weather", "Local", "Politics", "Health", "Tech"};
  SplitMix64& rng = gen->rng();
  // "www.dorwick-herald.com" -> "Dorwick Herald".
  std::string name;
  std::string_view h = host;
  if (h.rfind("www.", 0) == 0) h.remove_prefix(4);
  h = h.substr(0, h.find('.'));
  bool start = true;
  for (char c : h) {
    if (c == '-') {
      name.push_back(' ');
      start = true;
      continue;
    }
    name.push_back(start && c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
    start = false;
  }
  Furniture f;
  f.header.push_back(name);
  std::string nav = "Home";
  const size_t first = rng.Below(12);
  for (size_t i = 0, n = 4 + rng.Below(4); i < n; ++i) {
    nav += " | ";
    nav += kSections[(first + i * 5) % 12];
  }
  f.header.push_back(nav);
  f.header.push_back(rng.Chance(0.5) ? "Subscribe for full access"
                                     : "Sign in or create an account");
  f.footer.push_back("\u00a9 " + std::to_string(rng.Between(2019, 2025)) + " " +
                     name + ". All rights reserved.");
  f.footer.push_back(rng.Chance(0.5)
                         ? "Privacy policy | Terms of use | Cookie settings"
                         : "Contact us | Advertise with us | Privacy");
  f.footer.push_back("Follow " + name + " on social media");
  return f;
}

std::string MakeId(uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "doc-%06llu",
                static_cast<unsigned long long>(n));
  return buf;
}

std::string MakePath(NewsGenerator* gen, std::string_view headline) {
  SplitMix64& rng = gen->rng();
  char date[32];
  std::snprintf(date, sizeof(date), "/%d/%02d/%02d/", rng.Between(2015, 2025),
                rng.Between(1, 12), rng.Between(1, 28));
  return date + NewsGenerator::Slug(headline);
}

int Run(const Options& options) {
  OutputFile out, truth, repeats, labels_file;
  if (!out.Open(options.output)) return 1;
  if (!options.truth.empty() && !truth.Open(options.truth)) return 1;
  if (!options.repeats.empty() && !repeats.Open(options.repeats)) return 1;
  if (!options.labels.empty() && !labels_file.Open(options.labels)) return 1;

  if (options.core_corpus) {
    if (options.bytes == 0) {
      std::fprintf(stderr, "neardup_make_corpus: --core-corpus needs --bytes\n");
      return 2;
    }
    const std::vector<std::string> docs = MakeCorpus(options.bytes, options.seed);
    std::string line;
    for (size_t i = 0; i < docs.size(); ++i) {
      line = "{\"id\":\"doc-" + std::to_string(i) + "\",\"text\":";
      AppendJsonString(docs[i], &line);
      line += "}\n";
      if (!out.Write(line)) return 1;
    }
    return out.Commit() ? 0 : 1;
  }

  absl::StatusOr<Shingler> shingler = Shingler::Create(ShingleOptions{});
  if (!shingler.ok()) {
    std::fprintf(stderr, "neardup_make_corpus: %s\n",
                 shingler.status().ToString().c_str());
    return 1;
  }

  NewsGenerator gen(options.seed);
  SplitMix64& rng = gen.rng();
  std::vector<std::string> hosts;
  for (int i = 0; i < 64; ++i) hosts.push_back(gen.HostName());
  std::vector<Furniture> furniture;
  if (options.furniture) {
    for (const std::string& host : hosts) {
      furniture.push_back(MakeFurniture(&gen, host));
    }
  }

  std::vector<PooledDoc> pool;
  uint64_t written = 0, copies = 0, with_repeats = 0, total_bytes = 0;
  int jaccard_histogram[11] = {};
  std::string line, truth_line, repeat_line, label_line;
  std::vector<std::string> labels, page, page_labels;
  std::vector<uint64_t> source_hashes, copy_hashes;

  while (options.docs != 0 ? written < options.docs
                           : total_bytes < options.bytes) {
    const std::string id = MakeId(written + 1);
    PooledDoc doc;
    doc.id = id;
    truth_line.clear();
    repeat_line.clear();
    if (!pool.empty() && rng.Chance(options.dup_rate)) {
      const PooledDoc& source = pool[rng.Below(pool.size())];
      Editor editor(&gen, source.paragraphs);
      uint64_t kind = rng.Below(100);
      if (kind < 10) {
        // Exact copy.
      } else if (kind < 18) {
        editor.ChangeNumbers(rng.Between(1, 3));
      } else {
        if (rng.Chance(0.3)) editor.ChangeNumbers(rng.Between(1, 2));
        editor.EditTo(0.5 + 0.48 * rng.Uniform());
      }
      doc.paragraphs = editor.Paragraphs();
      // A copy of a document with repeats holds edited repeats that are
      // hard to label: "unlabelled", left out of the figures.
      doc.repeats = source.repeats;
      labels.assign(doc.paragraphs.size(),
                    source.repeats ? "unlabelled" : "content");
      // Syndicated on another site, or the same story at another address.
      uint64_t where = rng.Below(10);
      if (where < 5) {
        doc.host = hosts[rng.Below(hosts.size())];
        doc.path = source.path;
      } else if (where < 8) {
        doc.host = source.host;
        doc.path = source.path + "?utm_source=feed";
      } else {
        doc.host = source.host;
        doc.path = "/amp" + source.path;
      }
      shingler->Hash(Join(source.paragraphs), &source_hashes);
      shingler->Hash(Join(doc.paragraphs), &copy_hashes);
      double jaccard = ExactJaccard(source_hashes, copy_hashes);
      ++jaccard_histogram[static_cast<int>(jaccard * 10)];
      ++copies;
      truth_line.append("{\"id\":");
      AppendJsonString(id, &truth_line);
      truth_line.append(",\"source_id\":");
      AppendJsonString(source.id, &truth_line);
      truth_line.append(",\"edit\":");
      AppendJsonString(editor.Description(), &truth_line);
      char buf[48];
      std::snprintf(buf, sizeof(buf), ",\"jaccard\":%.4f}\n", jaccard);
      truth_line.append(buf);
    } else {
      doc.paragraphs = gen.DocumentParagraphs(
          gen.SampleDocumentSize(options.mean_doc_bytes));
      doc.host = hosts[rng.Below(hosts.size())];
      doc.path = MakePath(&gen, doc.paragraphs[0]);
      if (options.quote_rate > 0 && !pool.empty() && doc.paragraphs.size() >= 3 &&
          rng.Chance(options.quote_rate)) {
        const PooledDoc& quoted = pool[rng.Below(pool.size())];
        if (quoted.paragraphs.size() >= 2) {
          const std::string& q =
              quoted.paragraphs[1 + rng.Below(quoted.paragraphs.size() - 1)];
          doc.paragraphs.insert(
              doc.paragraphs.begin() +
                  static_cast<ptrdiff_t>(1 + rng.Below(doc.paragraphs.size() - 1)),
              q);
        }
      }
      labels.assign(doc.paragraphs.size(), "content");
      if (rng.Chance(options.repeat_rate)) {
        if (options.edited_repeat_rate > 0 && doc.paragraphs.size() >= 4 &&
            rng.Chance(options.edited_repeat_rate)) {
          AddEditedRepeat(&gen, id, &doc.paragraphs, &labels, &repeat_line);
        } else {
          AddRepeat(&gen, id, &doc.paragraphs, &labels, &repeat_line);
        }
        ++with_repeats;
        doc.repeats = true;
      }
    }

    page = doc.paragraphs;
    page_labels = labels;
    if (options.furniture) {
      const size_t site = static_cast<size_t>(
          std::find(hosts.begin(), hosts.end(), doc.host) - hosts.begin());
      const Furniture& f = furniture[site];
      std::vector<std::string> header, footer;
      for (const std::string& l : f.header) {
        if (rng.Chance(0.9)) header.push_back(l);
      }
      for (const std::string& l : f.footer) {
        if (rng.Chance(0.9)) footer.push_back(l);
      }
      if (page.size() >= 4 && rng.Chance(0.3)) {
        const size_t at = 2 + rng.Below(page.size() - 3);
        page.insert(page.begin() + static_cast<ptrdiff_t>(at), "Advertisement");
        page_labels.insert(page_labels.begin() + static_cast<ptrdiff_t>(at),
                           "furniture");
      }
      page.insert(page.begin(), header.begin(), header.end());
      page_labels.insert(page_labels.begin(), header.size(), "furniture");
      page.insert(page.end(), footer.begin(), footer.end());
      page_labels.insert(page_labels.end(), footer.size(), "furniture");
    }
    label_line.clear();
    if (labels_file.is_open()) {
      label_line = "{\"id\":";
      AppendJsonString(id, &label_line);
      label_line += ",\"labels\":[";
      for (size_t i = 0; i < page_labels.size(); ++i) {
        if (i > 0) label_line += ",";
        label_line += "\"" + page_labels[i] + "\"";
      }
      label_line += "]}\n";
    }
    const std::string text = Join(page);
    line.clear();
    line.append("{\"id\":");
    AppendJsonString(id, &line);
    line.append(",\"url\":");
    AppendJsonString("https://" + doc.host + doc.path, &line);
    line.append(",\"text\":");
    AppendJsonString(text, &line);
    line.append("}\n");
    if (!out.Write(line) || !truth.Write(truth_line) ||
        !repeats.Write(repeat_line) || !labels_file.Write(label_line)) {
      break;  // Commit reports the error.
    }
    total_bytes += text.size();
    ++written;

    // Reservoir sampling over every document written so far.
    if (pool.size() < kPoolCapacity) {
      pool.push_back(std::move(doc));
    } else {
      uint64_t j = rng.Below(written);
      if (j < kPoolCapacity) pool[j] = std::move(doc);
    }
  }

  bool ok = out.Commit();
  ok = truth.Commit() && ok;
  ok = repeats.Commit() && ok;
  ok = labels_file.Commit() && ok;
  if (!ok) return 1;

  std::fprintf(stderr,
               "neardup_make_corpus: %llu documents, %llu bytes of text, "
               "%llu edited copies, %llu with repeated paragraphs\n",
               static_cast<unsigned long long>(written),
               static_cast<unsigned long long>(total_bytes),
               static_cast<unsigned long long>(copies),
               static_cast<unsigned long long>(with_repeats));
  if (copies > 0) {
    std::fprintf(stderr, "copies by Jaccard (word 5-grams):");
    for (int i = 0; i <= 10; ++i) {
      if (jaccard_histogram[i] == 0) continue;
      if (i == 10) {
        std::fprintf(stderr, " 1.0: %d", jaccard_histogram[i]);
      } else {
        std::fprintf(stderr, " [%.1f,%.1f): %d", i / 10.0, (i + 1) / 10.0,
                     jaccard_histogram[i]);
      }
    }
    std::fprintf(stderr, "\n");
  }
  return 0;
}

}  // namespace
}  // namespace neardup::bench

int main(int argc, char** argv) {
  neardup::bench::Options options;
  int status = neardup::bench::ParseArgs(argc, argv, &options);
  if (status == -1) return 0;
  if (status != 0) return status;
  return neardup::bench::Run(options);
}
