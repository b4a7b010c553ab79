// Index folders (neardup/index.h): generations of an Index committed by a
// MANIFEST renamed into place, a writer lock, and the dedup job against a
// folder (RunDedupWithIndex).

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <functional>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "index/index_state.h"
#include "index/index_view.h"
#include "neardup/index.h"
#include "neardup/io.h"
#include "neardup/pipeline.h"
#include "pipeline/index_files.h"
#include "pipeline/job.h"
#include "pipeline/similarity_method.h"
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace neardup {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kManifestMagic = "neardup-index-folder 1\n";

// The crash test's kill points (tests/index_cli_test.sh): with the
// environment variable NEARDUP_CRASH_AT set to `point`, a writer kills
// itself (SIGKILL) there, so that a kill lands at every step of a commit
// and of a merge, not only where a timed kill happens to fall.
void CrashPoint(const char* point) {
  const char* at = std::getenv("NEARDUP_CRASH_AT");
  if (at != nullptr && std::strcmp(at, point) == 0) std::raise(SIGKILL);
}

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

std::string GenerationFile(uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "gen-%06" PRIu64 ".ndx", n);
  return buf;
}

// A record's origin in a folder: "<generation>:<file bytes>:<file><line>:<id>".
std::string EncodeOrigin(uint64_t generation, std::string_view file,
                         uint64_t line, std::string_view id) {
  std::string out = std::to_string(generation) + ":" +
                    std::to_string(file.size()) + ":";
  out.append(file);
  out += std::to_string(line) + ":";
  out.append(id);
  return out;
}

// Reads a decimal number up to ':' from *s; false when there is none.
bool TakeNumber(std::string_view* s, uint64_t* out) {
  const size_t colon = s->find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 20) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < colon; ++i) {
    const char c = (*s)[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  s->remove_prefix(colon + 1);
  return true;
}

bool DecodeOrigin(std::string_view s, IndexFolderMatch* m) {
  uint64_t file_bytes = 0;
  if (!TakeNumber(&s, &m->generation) || !TakeNumber(&s, &file_bytes) ||
      file_bytes > s.size()) {
    return false;
  }
  m->file = std::string(s.substr(0, file_bytes));
  s.remove_prefix(file_bytes);
  if (!TakeNumber(&s, &m->line)) return false;
  m->id = std::string(s);
  return true;
}

std::string ManifestText(const IndexOptions& options,
                         const std::vector<IndexGeneration>& generations) {
  std::string out(kManifestMagic);
  const std::string text = IndexParametersText(options);
  std::string_view params = text;
  while (!params.empty()) {
    const size_t nl = params.find('\n');
    out += "param ";
    out.append(params.substr(0, nl + 1));
    params.remove_prefix(nl + 1);
  }
  for (const IndexGeneration& g : generations) {
    std::string run = g.run;
    std::replace(run.begin(), run.end(), '\n', ' ');
    out += "generation " + std::to_string(g.number) + " " + g.file + " " +
           std::to_string(g.documents) + " " + Hex(g.checksum) + " " + run +
           "\n";
  }
  return out;
}

struct Manifest {
  IndexOptions options;
  std::vector<IndexGeneration> generations;
};

absl::StatusOr<Manifest> ParseManifest(std::string_view text,
                                       const std::string& path) {
  auto bad = [&](std::string_view why) {
    return absl::DataLossError(path + ": " + std::string(why));
  };
  if (text.substr(0, kManifestMagic.size()) != kManifestMagic) {
    return bad("not a neardup index folder manifest (or another version)");
  }
  text.remove_prefix(kManifestMagic.size());
  std::string params;
  Manifest m;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return bad("truncated last line");
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (line.substr(0, 6) == "param ") {
      params.append(line.substr(6)).append("\n");
      continue;
    }
    if (line.substr(0, 11) != "generation ") return bad("unknown line");
    line.remove_prefix(11);
    IndexGeneration g;
    char file[64] = {0}, checksum[17] = {0};
    unsigned long long number = 0, documents = 0;
    int used = 0;
    const std::string copy(line);
    if (std::sscanf(copy.c_str(), "%llu %63s %llu %16s %n", &number, file,
                    &documents, checksum, &used) < 4 ||
        used == 0) {
      return bad("bad generation line");
    }
    g.number = number;
    g.file = file;
    g.documents = documents;
    g.checksum = std::strtoull(checksum, nullptr, 16);
    g.run = copy.substr(static_cast<size_t>(used));
    if (g.file.find('/') != std::string::npos || g.file.empty() ||
        g.file[0] == '.') {
      return bad("bad generation file name");
    }
    m.generations.push_back(std::move(g));
  }
  auto options = internal::ParseIndexParameters(params, path);
  if (!options.ok()) return options.status();
  m.options = *options;
  return m;
}

// The first option (most telling first) in which two parameter texts
// differ: *name, and "name=a; this run asks name=b".
std::string FirstDifference(const IndexOptions& a, const IndexOptions& b,
                            std::string* name) {
  auto lines = [](const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t at = 0;
    while (at < text.size()) {
      const size_t nl = text.find('\n', at);
      const std::string line = text.substr(at, nl - at);
      const size_t eq = line.find('=');
      out.push_back({line.substr(0, eq), line.substr(eq + 1)});
      at = nl + 1;
    }
    return out;
  };
  const auto x = lines(IndexParametersText(a)), y = lines(IndexParametersText(b));
  static const char* const kOrder[] = {
      "method", "threshold", "num_perm", "shingle_kind", "shingle_n", "seed",
      "hamming", "verify", "bands", "rows"};
  auto differs = [&](std::string_view n) -> std::string {
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (x[i].first == n && x[i].second != y[i].second) {
        *name = x[i].first;
        return *name + "=" + x[i].second + "; this run asks " + *name + "=" +
               y[i].second;
      }
    }
    return "";
  };
  for (const char* n : kOrder) {
    if (std::string d = differs(n); !d.empty()) return d;
  }
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (std::string d = differs(x[i].first); !d.empty()) return d;
  }
  return "";
}

// The command-line option that sets a parameter.
std::string FlagOf(const std::string& name) {
  if (name == "num_perm") return "--num-perm";
  if (name == "shingle_n") return "--ngram";
  if (name == "shingle_kind") return "--char";
  if (name == "normalize_digits_to_zero") return "--digits";
  if (name.rfind("normalize_", 0) == 0) return "normalization (" + name + ")";
  return "--" + name;
}

}  // namespace

// One file of the folder, mapped and read in place.
struct FolderPart {
  std::unique_ptr<internal::MappedFile> file;
  internal::IndexFileView view;
  uint64_t base = 0;  // the folder's number of its first record
};

struct IndexFolder::State {
  std::string dir;
  Manifest manifest;
  Index proto;         // empty: the options, and Sketch
  DedupOptions rule;   // the job's decision rule (resolved)
  std::vector<FolderPart> parts;  // one per manifest line, in order
  std::optional<Index> pending;   // OpenForWriting
  int lock_fd = -1;

  State(std::string d, Manifest m, Index p, DedupOptions r)
      : dir(std::move(d)), manifest(std::move(m)), proto(std::move(p)),
        rule(std::move(r)) {}
  ~State() {
    if (lock_fd >= 0) ::close(lock_fd);  // releases the flock
  }
  std::string Path(std::string_view name) const {
    return dir + "/" + std::string(name);
  }
  uint64_t NextGeneration() const {
    return manifest.generations.empty()
               ? 1
               : manifest.generations.back().number + 1;
  }
  uint64_t records() const {
    return parts.empty() ? 0
                         : parts.back().base + parts.back().view.documents();
  }
  // Maps the file of `g`, checks it against the folder's parameters and
  // the MANIFEST's count; with `verify`, also every checksum.
  absl::StatusOr<FolderPart> Map(const IndexGeneration& g, uint64_t base,
                                 bool verify) const;
  // The match for document `doc` of part p.
  absl::StatusOr<IndexFolderMatch> Decode(size_t p, uint64_t doc,
                                          double similarity) const;
};

absl::StatusOr<FolderPart> IndexFolder::State::Map(const IndexGeneration& g,
                                                   uint64_t base,
                                                   bool verify) const {
  const std::string path = Path(g.file);
  auto file = internal::MappedFile::Open(path);
  if (!file.ok()) return file.status();
  if (verify) {
    const std::string_view bytes = (*file)->bytes();
    if (XXH3_64bits(bytes.data(), bytes.size()) != g.checksum) {
      return absl::DataLossError(path + ": file checksum differs from MANIFEST");
    }
  }
  auto view = internal::IndexFileView::Open((*file)->bytes(), path);
  if (!view.ok()) return view.status();
  if (verify) {
    if (auto st = view->VerifySections(); !st.ok()) return st;
  }
  if (view->documents() != g.documents) {
    return absl::DataLossError(path + ": " + std::to_string(view->documents()) +
                               " documents, MANIFEST says " +
                               std::to_string(g.documents));
  }
  if (IndexParametersText(view->options()) !=
      IndexParametersText(proto.options())) {
    return absl::DataLossError(path +
                               ": section PARM: other parameters than MANIFEST");
  }
  return FolderPart{*std::move(file), *std::move(view), base};
}

absl::StatusOr<IndexFolderMatch> IndexFolder::State::Decode(
    size_t p, uint64_t doc, double similarity) const {
  const internal::IndexFileView& view = parts[p].view;
  auto origin = view.Origin(doc);
  if (!origin.ok()) return origin.status();
  IndexFolderMatch m;
  if (!DecodeOrigin(*origin, &m)) {
    auto key = view.Key(doc);
    if (!key.ok()) return key.status();
    m.id = std::string(*key);
  }
  m.similarity = similarity;
  m.doc = parts[p].base + doc;
  return m;
}

IndexFolder::IndexFolder(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
IndexFolder::IndexFolder(IndexFolder&&) noexcept = default;
IndexFolder& IndexFolder::operator=(IndexFolder&&) noexcept = default;
IndexFolder::~IndexFolder() = default;

// Reads the folder's MANIFEST and maps every file it names.
absl::StatusOr<std::unique_ptr<IndexFolder::State>> IndexFolder::Load(
    const std::string& dir, std::string* report, bool verify) {
  const std::string manifest_path = dir + "/MANIFEST";
  auto text = internal::ReadWholeFile(manifest_path);
  if (!text.ok()) {
    if (text.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError("no neardup index at " + dir +
                                 " (no MANIFEST)");
    }
    return text.status();
  }
  auto manifest = ParseManifest(*text, manifest_path);
  if (!manifest.ok()) return manifest.status();
  auto proto = Index::Create(manifest->options);
  if (!proto.ok()) {
    return absl::DataLossError(manifest_path + ": " +
                               std::string(proto.status().message()));
  }
  if (proto->options().verify == VerifyMode::kExact) {
    return absl::DataLossError(manifest_path +
                               ": verify=exact (index folders keep signatures)");
  }
  auto rule = ResolveDedupOptions(IndexDedupOptions(proto->options()));
  if (!rule.ok()) return rule.status();
  if (report) *report += manifest_path + ": ok\n";
  std::vector<IndexGeneration> generations = manifest->generations;
  auto state = std::make_unique<IndexFolder::State>(
      dir, *std::move(manifest), *std::move(proto), *std::move(rule));
  for (const IndexGeneration& g : generations) {
    auto part = state->Map(g, state->records(), verify);
    if (!part.ok()) return part.status();
    state->parts.push_back(*std::move(part));
    if (report) {
      *report += state->Path(g.file) + ": ok, generation " +
                 std::to_string(g.number) + ", " +
                 std::to_string(g.documents) + " records\n";
    }
  }
  return state;
}

namespace {

absl::StatusOr<int> TakeLock(const std::string& dir) {
  const std::string path = dir + "/LOCK";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return absl::ErrnoToStatus(errno, "cannot open " + path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[512];
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n))
                               : std::string("unknown");
    while (!holder.empty() && holder.back() == '\n') holder.pop_back();
    return absl::FailedPreconditionError(
        "index " + dir + " is being written by another process (" + holder +
        "): one writer at a time");
  }
  char host[256] = "?";
  ::gethostname(host, sizeof host - 1);
  char when[64] = "?";
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  if (::gmtime_r(&now, &tm) != nullptr) {
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  }
  const std::string holder = "pid " + std::to_string(::getpid()) + " on " +
                             host + " since " + when + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, holder.data(), holder.size(), 0) < 0) {
    // The lock holds without its note.
  }
  return fd;
}

// Removes what no MANIFEST names: generations of a writer killed before
// its commit, temporaries.
void RemoveLeftovers(const std::string& dir, const Manifest& m) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    bool named = false;
    for (const IndexGeneration& g : m.generations) named |= g.file == name;
    const bool ours = (name.rfind("gen-", 0) == 0 && !named) ||
                      name.find(".tmp.") != std::string::npos;
    if (ours) fs::remove(entry.path(), ec);
  }
}

// Appends a section's bytes to the file and its checksum.
class SectionSink {
 public:
  explicit SectionSink(internal::AtomicFileWriter* out) : out_(out) {
    XXH3_64bits_reset(&hash_);
  }
  void Put(std::string_view bytes) {
    if (!status_.ok()) return;
    XXH3_64bits_update(&hash_, bytes.data(), bytes.size());
    size_ += bytes.size();
    status_ = out_->Append(bytes);
  }
  void PutU32(uint32_t v) {
    char b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
    Put({b, 4});
  }
  void PutU64(uint64_t v) {
    char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
    Put({b, 8});
  }
  uint64_t size() const { return size_; }
  uint64_t checksum() { return XXH3_64bits_digest(&hash_); }
  const absl::Status& status() const { return status_; }

 private:
  internal::AtomicFileWriter* out_;
  XXH3_state_t hash_;
  uint64_t size_ = 0;
  absl::Status status_;
};

void AppendU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
void AppendU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

// The generation of a record from its key "<generation>:<ordinal>".
uint64_t KeyGeneration(std::string_view key) {
  uint64_t g = 0;
  TakeNumber(&key, &g);
  return g;
}

// The files a merge reads, in order, and which of their records it keeps
// and under which number.
struct MergeSources {
  std::vector<const internal::IndexFileView*> views;
  // new_doc[i][d]: record d of views[i]'s number in the output, or ~0 when
  // dropped (filled only when dropping; otherwise base[i] + d).
  std::vector<std::vector<uint32_t>> new_doc;
  std::vector<uint64_t> base;
  bool dropping = false;
  uint64_t documents = 0;  // in the output

  bool Kept(size_t i, uint64_t d) const {
    return !dropping || new_doc[i][d] != ~0u;
  }
  uint64_t Renumber(size_t i, uint64_t d) const {
    return dropping ? new_doc[i][d] : base[i] + d;
  }
};

// Numbers the records of `views` in the output, less those of generation
// `drop` (0: none).
absl::StatusOr<MergeSources> PlanMerge(
    std::vector<const internal::IndexFileView*> views, uint64_t drop) {
  MergeSources m;
  m.views = std::move(views);
  m.dropping = drop != 0;
  m.new_doc.resize(m.views.size());
  m.base.resize(m.views.size());
  for (size_t i = 0; i < m.views.size(); ++i) {
    const internal::IndexFileView& v = *m.views[i];
    m.base[i] = m.documents;
    if (!m.dropping) {
      m.documents += v.documents();
      continue;
    }
    std::vector<uint32_t>& map = m.new_doc[i];
    map.resize(v.documents());
    for (uint64_t d = 0; d < v.documents(); ++d) {
      auto key = v.Key(d);
      if (!key.ok()) return key.status();
      map[d] = KeyGeneration(*key) == drop ? ~0u
                                           : static_cast<uint32_t>(m.documents++);
    }
  }
  return m;
}

// KEYS or ORIG: the end offsets of the kept records' strings, then the
// bytes.
absl::Status PutStrings(const MergeSources& m, bool keys, SectionSink* sink) {
  for (int pass = 0; pass < 2; ++pass) {
    uint64_t end = 0;
    for (size_t i = 0; i < m.views.size(); ++i) {
      const internal::IndexFileView& v = *m.views[i];
      for (uint64_t d = 0; d < v.documents(); ++d) {
        if (!m.Kept(i, d)) continue;
        auto item = keys ? v.Key(d) : v.Origin(d);
        if (!item.ok()) return item.status();
        if (pass == 0) {
          sink->PutU64(end += item->size());
        } else {
          sink->Put(*item);
        }
      }
    }
  }
  return absl::OkStatus();
}

// BKEY: each table merged from the files' sorted tables; equal folded keys
// keep the files' order, which is the order of the output's numbers.
absl::Status PutMergedTables(const MergeSources& m, size_t tables,
                             SectionSink* sink) {
  const size_t n = m.views.size();
  for (size_t t = 0; t < tables; ++t) {
    std::vector<uint64_t> at(n, 0);
    for (;;) {
      size_t best = n;
      uint32_t best_fold = 0;
      for (size_t i = 0; i < n; ++i) {
        const internal::IndexFileView& v = *m.views[i];
        if (at[i] >= v.documents()) continue;
        const uint32_t fold = internal::GetU32(v.Table(t).data() + 8 * at[i]);
        if (best == n || fold < best_fold) best = i, best_fold = fold;
      }
      if (best == n) break;
      const internal::IndexFileView& v = *m.views[best];
      const uint64_t d = internal::GetU32(v.Table(t).data() + 8 * at[best] + 4);
      ++at[best];
      if (d >= v.documents()) {
        return absl::DataLossError(v.name() + ": section BKEY: document " +
                                   std::to_string(d) + " out of range");
      }
      if (!m.Kept(best, d)) continue;
      sink->PutU32(best_fold);
      sink->PutU32(static_cast<uint32_t>(m.Renumber(best, d)));
    }
  }
  return absl::OkStatus();
}

// SIGS or FPRS: the kept records' fixed-size entries, in order.
void PutFixed(const MergeSources& m, const std::string& tag,
              SectionSink* sink) {
  for (size_t i = 0; i < m.views.size(); ++i) {
    const internal::IndexFileView& v = *m.views[i];
    const std::string_view sec = v.Section(tag);
    if (!m.dropping) {
      sink->Put(sec);
      continue;
    }
    const uint64_t per_doc =
        v.documents() == 0 ? 0 : sec.size() / v.documents();
    for (uint64_t d = 0; d < v.documents(); ++d) {
      if (m.Kept(i, d)) sink->Put(sec.substr(d * per_doc, per_doc));
    }
  }
}

}  // namespace

// Writes the records of parts [from, to), less those of generation `drop`
// (0: none), as one index file `name`, streamed: the file Index::Serialize
// would write for them (same bytes). Memory: fixed buffers, plus 4 bytes
// per record of the parts when dropping. The parts' checksums are checked
// first, so that a merge never carries a damaged file forward.
absl::StatusOr<IndexGeneration> IndexFolder::WriteMerged(size_t from,
                                                         size_t to,
                                                         uint64_t drop,
                                                         const std::string& name) {
  State& s = *state_;
  std::vector<const internal::IndexFileView*> views;
  for (size_t p = from; p < to; ++p) {
    if (auto st = s.parts[p].view.VerifySections(); !st.ok()) return st;
    views.push_back(&s.parts[p].view);
  }
  auto merge = PlanMerge(std::move(views), drop);
  if (!merge.ok()) return merge.status();
  const bool minhash =
      internal::SimilarityMethod::Of(s.proto.options().method).signs_rows();
  const std::vector<std::string> tags = {"PARM", "KEYS", "ORIG", "BKEY",
                                         minhash ? "SIGS" : "FPRS"};
  const std::string path = s.Path(name);
  auto out = internal::AtomicFileWriter::Create(path);
  if (!out.ok()) return out.status();
  const uint64_t head = 32 + 32 * tags.size();
  if (auto st = (*out)->Append(std::string(head, '\0')); !st.ok()) return st;
  std::string table;
  uint64_t offset = head;
  for (const std::string& tag : tags) {
    SectionSink sink(out->get());
    absl::Status st;
    if (tag == "PARM") {
      sink.Put(IndexParametersText(s.proto.options()));
    } else if (tag == "KEYS" || tag == "ORIG") {
      st = PutStrings(*merge, tag == "KEYS", &sink);
    } else if (tag == "BKEY") {
      st = PutMergedTables(
          *merge, internal::TableKeys(s.proto.options()).tables(), &sink);
    } else {
      PutFixed(*merge, tag, &sink);
    }
    if (!st.ok()) return st;
    if (!sink.status().ok()) return sink.status();
    table.append(tag);
    AppendU32(&table, 0);
    AppendU64(&table, offset);
    AppendU64(&table, sink.size());
    AppendU64(&table, sink.checksum());
    offset += sink.size();
  }
  std::string header("NDUPIDX1");
  AppendU32(&header, kIndexFormatVersion);
  AppendU32(&header, static_cast<uint32_t>(tags.size()));
  AppendU64(&header, merge->documents);
  AppendU64(&header, XXH3_64bits(table.data(), table.size()));
  header += table;
  if (auto st = (*out)->WriteAt(0, header); !st.ok()) return st;
  IndexGeneration g;
  g.file = name;
  g.documents = merge->documents;
  {
    auto written = internal::MappedFile::Open((*out)->temp_path());
    if (!written.ok()) return written.status();
    const std::string_view bytes = (*written)->bytes();
    g.checksum = XXH3_64bits(bytes.data(), bytes.size());
  }
  CrashPoint("merge-written");
  if (auto st = (*out)->Commit(); !st.ok()) return st;
  CrashPoint("merge-renamed");
  return g;
}

absl::StatusOr<IndexFolder> IndexFolder::Open(const std::string& dir) {
  auto state = Load(dir, nullptr, /*verify=*/false);
  if (!state.ok()) return state.status();
  return IndexFolder(*std::move(state));
}

absl::StatusOr<IndexFolder> IndexFolder::OpenForWriting(
    const std::string& dir, const IndexOptions& options) {
  auto created = Index::Create(options);
  if (!created.ok()) return created.status();
  const IndexOptions wanted = created->options();  // `created` moves below
  if (internal::SimilarityMethod::Of(wanted.method)
          .keeps_sets(IndexDedupOptions(wanted))) {
    return absl::InvalidArgumentError(
        "an index folder keeps signatures, not shingle sets: verify must be "
        "signature");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return absl::PermissionDeniedError("cannot create index folder " + dir +
                                       ": " + ec.message());
  }
  auto lock = TakeLock(dir);
  if (!lock.ok()) return lock.status();
  auto state = Load(dir, nullptr, /*verify=*/false);
  if (!state.ok() && state.status().code() == absl::StatusCode::kNotFound &&
      !fs::exists(dir + "/MANIFEST")) {
    Manifest m;
    m.options = wanted;
    if (auto s = internal::WriteFileAtomically(dir + "/MANIFEST",
                                               ManifestText(m.options, {}));
        !s.ok()) {
      ::close(*lock);
      return s;
    }
    auto rule = ResolveDedupOptions(IndexDedupOptions(wanted));
    if (!rule.ok()) {
      ::close(*lock);
      return rule.status();
    }
    state = std::make_unique<State>(dir, std::move(m), *std::move(created),
                                    *std::move(rule));
  }
  if (!state.ok()) {
    ::close(*lock);
    return state.status();
  }
  (*state)->lock_fd = *lock;
  std::string name;
  const std::string diff =
      FirstDifference((*state)->proto.options(), wanted, &name);
  if (!diff.empty()) {
    return absl::InvalidArgumentError(
        "index " + dir + " was made with " + diff + " (" + FlagOf(name) +
        "): an index keeps the parameters it was made with (neardup index "
        "info " + dir + ")");
  }
  RemoveLeftovers(dir, (*state)->manifest);
  auto pending = Index::Create((*state)->manifest.options);
  if (!pending.ok()) return pending.status();
  (*state)->pending.emplace(*std::move(pending));
  return IndexFolder(*std::move(state));
}

size_t IndexFolder::size() const { return state_->records(); }

const IndexOptions& IndexFolder::options() const {
  return state_->proto.options();
}

DocSketch IndexFolder::Sketch(std::string_view text) const {
  return state_->proto.Sketch(text);
}

const std::vector<IndexGeneration>& IndexFolder::generations() const {
  return state_->manifest.generations;
}

absl::StatusOr<std::vector<IndexFolderMatch>> IndexFolder::Query(
    std::string_view text, const QueryOptions& query) const {
  return Query(Sketch(text), query);
}

absl::StatusOr<std::vector<IndexFolderMatch>> IndexFolder::Query(
    const DocSketch& sketch, const QueryOptions& query) const {
  const State& s = *state_;
  DedupOptions rule = s.rule;
  if (!std::isnan(query.min_similarity)) {
    if (!(query.min_similarity >= 0 && query.min_similarity <= 1)) {
      return absl::InvalidArgumentError("min_similarity must be in [0, 1]");
    }
    rule.threshold = query.min_similarity;
  }
  const internal::SimilarityMethod& method =
      internal::SimilarityMethod::Of(s.proto.options().method);
  if (method.signs_rows() && sketch.signature.size() !=
                     static_cast<size_t>(s.proto.options().num_perm)) {
    return absl::InvalidArgumentError("signature of the wrong length");
  }
  std::vector<IndexFolderMatch> out;
  std::vector<internal::ViewMatch> found;
  for (size_t p = 0; p < s.parts.size(); ++p) {
    found.clear();
    if (auto st = s.parts[p].view.Match(sketch, rule, false, &found); !st.ok()) {
      return st;
    }
    for (const internal::ViewMatch& f : found) {
      auto m = s.Decode(p, f.doc, f.similarity);
      if (!m.ok()) return m.status();
      out.push_back(*std::move(m));
    }
  }
  const bool lower_is_better = method.reports_distance();
  std::stable_sort(out.begin(), out.end(),
                   [&](const IndexFolderMatch& a, const IndexFolderMatch& b) {
                     return lower_is_better ? a.similarity < b.similarity
                                            : a.similarity > b.similarity;
                   });
  if (query.limit > 0 && out.size() > query.limit) out.resize(query.limit);
  return out;
}

absl::StatusOr<std::optional<IndexFolderMatch>> IndexFolder::FindFirst(
    const DocSketch& sketch) const {
  const State& s = *state_;
  if (internal::SimilarityMethod::Of(s.proto.options().method).signs_rows() &&
      sketch.signature.size() !=
          static_cast<size_t>(s.proto.options().num_perm)) {
    return absl::InvalidArgumentError("signature of the wrong length");
  }
  std::vector<internal::ViewMatch> found;
  for (size_t p = 0; p < s.parts.size(); ++p) {
    if (auto st = s.parts[p].view.Match(sketch, s.rule, true, &found); !st.ok()) {
      return st;
    }
    if (!found.empty()) {
      auto m = s.Decode(p, found[0].doc, found[0].similarity);
      if (!m.ok()) return m.status();
      return std::optional<IndexFolderMatch>(*std::move(m));
    }
  }
  return std::optional<IndexFolderMatch>();
}

absl::StatusOr<std::vector<std::optional<IndexFolderMatch>>>
IndexFolder::FindFirstBatch(absl::Span<const DocSketch> sketches,
                            int threads) const {
  const State& s = *state_;
  const size_t n = sketches.size();
  const int t_count = internal::JobThreads(threads);
  std::vector<std::optional<IndexFolderMatch>> out(n);
  if (s.parts.empty() || n == 0) return out;
  if (n >= (uint64_t{1} << 32)) {
    return absl::InvalidArgumentError("at most 2^32 - 1 sketches a batch");
  }
  for (const DocSketch& sketch : sketches) {
    if (internal::SimilarityMethod::Of(s.proto.options().method).signs_rows() &&
        sketch.signature.size() !=
            static_cast<size_t>(s.proto.options().num_perm)) {
      return absl::InvalidArgumentError("signature of the wrong length");
    }
  }
  const internal::TableKeys keys(s.proto.options());
  const size_t tables = keys.tables();
  std::vector<uint64_t> wanted(n * tables);
  internal::ParallelFor(t_count, n, [&](int, size_t q) {
    for (size_t t = 0; t < tables; ++t) {
      wanted[q * tables + t] =
          keys.Key(sketches[q].signature, sketches[q].fingerprint, t);
    }
  });
  // Per table, (folded key, query) sorted: the order the files are read in.
  std::vector<std::vector<uint64_t>> order(tables);
  internal::ParallelFor(t_count, tables, [&](int, size_t t) {
    order[t].resize(n);
    for (size_t q = 0; q < n; ++q) {
      order[t][q] =
          uint64_t{internal::FoldTableKey(wanted[q * tables + t])} << 32 | q;
    }
    std::sort(order[t].begin(), order[t].end());
  });
  std::vector<char> done(n, 0);
  using Hit = internal::IndexFileView::TableHit;
  for (size_t p = 0; p < s.parts.size(); ++p) {
    const internal::IndexFileView& view = s.parts[p].view;
    std::vector<std::vector<Hit>> hits(tables);
    std::vector<absl::Status> status(tables);
    internal::ParallelFor(t_count, tables, [&](int, size_t t) {
      uint64_t at = 0;
      for (const uint64_t e : order[t]) {
        const auto q = static_cast<uint32_t>(e);
        if (done[q]) continue;
        status[t] = view.Hits(t, static_cast<uint32_t>(e >> 32), &at, q,
                              &hits[t]);
        if (!status[t].ok()) break;
      }
    });
    for (const absl::Status& st : status) {
      if (!st.ok()) return st;
    }
    std::vector<Hit> all;
    for (auto& h : hits) all.insert(all.end(), h.begin(), h.end());
    std::sort(all.begin(), all.end());
    std::vector<size_t> starts;  // of each query's hits
    for (size_t i = 0; i < all.size(); ++i) {
      if (i == 0 || all[i].query != all[i - 1].query) starts.push_back(i);
    }
    starts.push_back(all.size());
    std::vector<absl::Status> errors(starts.size());
    internal::ParallelFor(t_count, starts.size() - 1, [&](int, size_t g) {
      const absl::Span<const Hit> group =
          absl::MakeConstSpan(all).subspan(starts[g], starts[g + 1] - starts[g]);
      const uint32_t q = group[0].query;
      std::vector<internal::ViewMatch> found;
      errors[g] = view.Verify(
          sketches[q], absl::MakeConstSpan(wanted).subspan(q * tables, tables),
          group, s.rule, /*first_only=*/true, &found);
      if (!errors[g].ok() || found.empty()) return;
      auto m = s.Decode(p, found[0].doc, found[0].similarity);
      if (!m.ok()) {
        errors[g] = m.status();
        return;
      }
      out[q] = *std::move(m);
      done[q] = 1;
    });
    for (const absl::Status& st : errors) {
      if (!st.ok()) return st;
    }
  }
  return out;
}

void IndexFolder::Add(std::string_view id, std::string_view file,
                      uint64_t line, const DocSketch& sketch) {
  if (!state_->pending) return;
  const uint64_t n = state_->NextGeneration();
  const std::string key =
      std::to_string(n) + ":" + std::to_string(state_->pending->size());
  // Keys are fresh: Insert cannot fail for a sketch of the right shape.
  state_->pending->Insert(key, sketch, EncodeOrigin(n, file, line, id))
      .IgnoreError();
}

size_t IndexFolder::pending() const {
  return state_->pending ? state_->pending->size() : 0;
}

namespace {

// The tier of a file of `documents` records: floor(log4), 0 for 0 or 1.
int Tier(uint64_t documents) {
  int tier = 0;
  while (documents >= 4) documents /= 4, ++tier;
  return tier;
}

}  // namespace

// Replaces files [from, to) with the file `g` (written), commits the
// MANIFEST, maps the new file and removes the replaced ones.
absl::Status IndexFolder::Replace(size_t from, size_t to, IndexGeneration g) {
  State& s = *state_;
  std::vector<IndexGeneration> generations;
  for (size_t i = 0; i < from; ++i) generations.push_back(s.manifest.generations[i]);
  generations.push_back(g);
  for (size_t i = to; i < s.manifest.generations.size(); ++i) {
    generations.push_back(s.manifest.generations[i]);
  }
  if (auto st = internal::WriteFileAtomically(
          s.Path("MANIFEST"), ManifestText(s.manifest.options, generations));
      !st.ok()) {
    return st;
  }
  CrashPoint("merge-committed");
  std::vector<std::string> replaced;
  for (size_t i = from; i < to; ++i) {
    if (s.manifest.generations[i].file != g.file) {
      replaced.push_back(s.manifest.generations[i].file);
    }
  }
  s.manifest.generations = std::move(generations);
  // Maps the committed state again (the files are immutable: cheap).
  std::vector<FolderPart> parts;
  uint64_t base = 0;
  for (const IndexGeneration& x : s.manifest.generations) {
    auto part = s.Map(x, base, false);
    if (!part.ok()) return part.status();
    base += part->view.documents();
    parts.push_back(*std::move(part));
  }
  s.parts = std::move(parts);
  std::error_code ec;
  for (const std::string& f : replaced) fs::remove(s.Path(f), ec);
  return absl::OkStatus();
}

// The name of a file holding generations (after, last], less `drop`.
static std::string MergedName(uint64_t after, uint64_t last, uint64_t drop) {
  char name[80];
  if (drop == 0) {
    std::snprintf(name, sizeof name, "gen-%06" PRIu64 "-%06" PRIu64 ".ndx",
                  after + 1, last);
  } else {
    std::snprintf(name, sizeof name,
                  "gen-%06" PRIu64 "-%06" PRIu64 "-d%06" PRIu64 ".ndx",
                  after + 1, last, drop);
  }
  return name;
}

absl::Status IndexFolder::Merge(size_t from, size_t to, uint64_t drop) {
  State& s = *state_;
  const uint64_t after = from == 0 ? 0 : s.manifest.generations[from - 1].number;
  const uint64_t last = s.manifest.generations[to - 1].number;
  auto g = WriteMerged(from, to, drop, MergedName(after, last, drop));
  if (!g.ok()) return g.status();
  g->number = last;
  g->run = to - from == 1 ? s.manifest.generations[from].run
                          : "merged generations " + std::to_string(after + 1) +
                                "-" + std::to_string(last);
  if (drop != 0) g->run += " without generation " + std::to_string(drop);
  return Replace(from, to, *std::move(g));
}

absl::Status IndexFolder::Commit(std::string_view run) {
  State& s = *state_;
  if (!s.pending) {
    return absl::FailedPreconditionError("index " + s.dir +
                                         " was opened to read");
  }
  IndexGeneration g;
  g.number = s.NextGeneration();
  g.file = GenerationFile(g.number);
  g.documents = s.pending->size();
  g.run = std::string(run);
  const std::string bytes = s.pending->Serialize();
  g.checksum = XXH3_64bits(bytes.data(), bytes.size());
  if (auto st = internal::WriteFileAtomically(s.Path(g.file), bytes); !st.ok()) {
    return st;
  }
  CrashPoint("generation-written");
  std::vector<IndexGeneration> generations = s.manifest.generations;
  generations.push_back(g);
  if (auto st = internal::WriteFileAtomically(
          s.Path("MANIFEST"), ManifestText(s.manifest.options, generations));
      !st.ok()) {
    return st;
  }
  CrashPoint("generation-committed");
  s.manifest.generations = std::move(generations);
  auto part = s.Map(g, s.records(), false);
  if (!part.ok()) return part.status();
  s.parts.push_back(*std::move(part));
  auto fresh = Index::Create(s.manifest.options);
  if (!fresh.ok()) return fresh.status();
  s.pending.emplace(*std::move(fresh));
  // Tiered merging: when the newest kMergeFanIn files are of one tier, they
  // become one file (of the next tier, about). Each record is rewritten
  // about log4(records) times in all, and the folder holds at most about
  // 3 files per tier.
  for (;;) {
    const size_t n = s.parts.size();
    if (n < kMergeFanIn) break;
    const int tier = Tier(s.manifest.generations[n - 1].documents);
    size_t same = 0;
    while (same < n &&
           Tier(s.manifest.generations[n - 1 - same].documents) == tier) {
      ++same;
    }
    if (same < kMergeFanIn) break;
    if (auto st = Merge(n - same, n, 0); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status IndexFolder::Compact() {
  State& s = *state_;
  if (!s.pending) {
    return absl::FailedPreconditionError("index " + s.dir +
                                         " was opened to read");
  }
  if (s.manifest.generations.size() < 2) return absl::OkStatus();
  return Merge(0, s.manifest.generations.size(), 0);
}

absl::Status IndexFolder::DropGeneration(uint64_t generation) {
  State& s = *state_;
  if (!s.pending) {
    return absl::FailedPreconditionError("index " + s.dir +
                                         " was opened to read");
  }
  if (generation == 0) {
    return absl::NotFoundError("index " + s.dir + " has no generation 0");
  }
  // Files hold consecutive generations: file p those after file p - 1's.
  for (size_t p = 0; p < s.parts.size(); ++p) {
    const uint64_t after = p == 0 ? 0 : s.manifest.generations[p - 1].number;
    if (generation <= after || generation > s.manifest.generations[p].number) {
      continue;
    }
    const internal::IndexFileView& v = s.parts[p].view;
    bool holds = false;
    for (uint64_t d = 0; d < v.documents() && !holds; ++d) {
      auto key = v.Key(d);
      if (!key.ok()) return key.status();
      holds = KeyGeneration(*key) == generation;
    }
    if (holds) return Merge(p, p + 1, generation);
    break;
  }
  return absl::NotFoundError("index " + s.dir + " has no records of generation " +
                             std::to_string(generation));
}

absl::Status VerifyIndexFolder(const std::string& dir, std::string* report) {
  auto state = IndexFolder::Load(dir, report, /*verify=*/true);
  return state.ok() ? absl::OkStatus() : state.status();
}

namespace {

// The records of an index folder as a dedup job's earlier records.
class FolderPrior : public PriorRecords {
 public:
  FolderPrior(IndexFolder* folder, bool add, std::string dir)
      : folder_(folder), add_(add), dir_(std::move(dir)) {}

  Source source() const override {
    Source s;
    s.folder = dir_;
    const auto& files = folder_->generations();
    s.generation_read = files.empty() ? 0 : files.back().number;
    s.generation_written = add_ ? s.generation_read + 1 : 0;
    return s;
  }

  std::optional<Match> Find(absl::Span<const uint32_t> signature,
                            uint64_t key) const override {
    DocSketch sketch;
    sketch.signature.assign(signature.begin(), signature.end());
    sketch.fingerprint = key;
    auto found = folder_->FindFirst(sketch);
    if (!found.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      if (error_.ok()) error_ = found.status();
      return std::nullopt;
    }
    if (!found->has_value()) return std::nullopt;
    return ToMatch(**found);
  }

  static Match ToMatch(const IndexFolderMatch& m) {
    Match out;
    out.kept_id = m.id;
    out.similarity = m.similarity;
    out.source_json = ",\"kept_source\":{\"generation\":" +
                      std::to_string(m.generation) + ",\"file\":";
    AppendJsonString(m.file, &out.source_json);
    out.source_json += ",\"line\":" + std::to_string(m.line) + "}";
    return out;
  }

  std::vector<std::optional<Match>> FindAll(
      size_t n,
      const std::function<absl::Span<const uint32_t>(size_t)>& signature,
      const std::function<uint64_t(size_t)>& key, int threads) const override {
    std::vector<std::optional<Match>> out(n);
    // In slices, so that the sketches copied for a lookup stay bounded.
    constexpr size_t kSlice = size_t{1} << 18;
    std::vector<DocSketch> sketches;
    for (size_t first = 0; first < n; first += kSlice) {
      const size_t count = std::min(kSlice, n - first);
      sketches.resize(count);
      for (size_t i = 0; i < count; ++i) {
        const absl::Span<const uint32_t> sig = signature(first + i);
        sketches[i].signature.assign(sig.begin(), sig.end());
        sketches[i].fingerprint = key(first + i);
      }
      auto found = folder_->FindFirstBatch(sketches, threads);
      if (!found.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        if (error_.ok()) error_ = found.status();
        return out;
      }
      for (size_t i = 0; i < count; ++i) {
        if ((*found)[i]) out[first + i] = ToMatch(*(*found)[i]);
      }
    }
    return out;
  }

  void Kept(std::string_view id, std::string_view file, uint64_t line,
            absl::Span<const uint32_t> signature, uint64_t key) override {
    if (!add_) return;
    DocSketch sketch;
    sketch.signature.assign(signature.begin(), signature.end());
    sketch.fingerprint = key;
    folder_->Add(id, file, line, sketch);
  }

  // The first error a lookup met (a damaged index file), or OK.
  absl::Status error() const {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

 private:
  IndexFolder* folder_;
  bool add_;
  std::string dir_;
  mutable std::mutex mu_;
  mutable absl::Status error_;
};

}  // namespace

absl::StatusOr<DedupStats> RunDedupWithIndex(
    const std::vector<InputFile>& inputs, const std::string& outdir,
    const DedupOptions& given, const std::string& index_dir, bool readonly,
    const ProgressFn& progress, uint64_t* added) {
  // An index keeps no set sizes: the default containment is off with it.
  DedupOptions options = given;
  if (options.containment < 0) options.containment = 0;
  auto index_options = IndexOptionsOf(options);
  if (!index_options.ok()) return index_options.status();
  const internal::SimilarityMethod* method =
      internal::SimilarityMethod::Find(options.method);
  if (method != nullptr && method->keeps_sets(options)) {
    return absl::InvalidArgumentError(
        "--verify exact is not supported with --index (an index keeps "
        "signatures, not shingle sets)");
  }
  // Checked before the folder is touched.
  auto resolved = ResolveDedupOptions(options);
  if (!resolved.ok()) return resolved.status();
  const bool write = !readonly && !options.dry_run;
  absl::StatusOr<IndexFolder> folder =
      write ? IndexFolder::OpenForWriting(index_dir, *index_options)
            : IndexFolder::Open(index_dir);
  if (!folder.ok()) return folder.status();
  if (!write) {
    auto wanted = Index::Create(*index_options);
    if (!wanted.ok()) return wanted.status();
    std::string name;
    const std::string diff =
        FirstDifference(folder->options(), wanted->options(), &name);
    if (!diff.empty()) {
      return absl::InvalidArgumentError(
          "index " + index_dir + " was made with " + diff + " (" +
          FlagOf(name) + "): an index keeps the parameters it was made with "
          "(neardup index info " + index_dir + ")");
    }
  }
  FolderPrior prior(&*folder, write, index_dir);
  DedupOptions o = options;
  o.prior = &prior;
  auto stats = RunDedup(inputs, outdir, o, progress);
  if (!stats.ok()) return stats.status();
  if (auto s = prior.error(); !s.ok()) {
    return absl::DataLossError(std::string(s.message()) +
                               " (the run's outputs may miss matches; neardup "
                               "index verify " + index_dir + ")");
  }
  if (added) *added = write ? folder->pending() : 0;
  if (write) {
    if (auto s = folder->Commit(outdir); !s.ok()) return s;
  }
  return stats;
}

}  // namespace neardup
