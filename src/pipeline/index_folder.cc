// Index folders (neardup/index.h): generations of an Index committed by a
// MANIFEST renamed into place, a writer lock, and the dedup job against a
// folder (RunDedupWithIndex).

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "index/index_state.h"
#include "neardup/index.h"
#include "neardup/io.h"
#include "neardup/pipeline.h"
#include "pipeline/index_files.h"
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace neardup {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kManifestMagic = "neardup-index-folder 1\n";

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

struct IndexFolder::State {
  std::string dir;
  Manifest manifest;
  Index all;
  std::optional<Index> pending;  // OpenForWriting
  int lock_fd = -1;

  State(std::string d, Manifest m, Index a)
      : dir(std::move(d)), manifest(std::move(m)), all(std::move(a)) {}
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
};

IndexFolder::IndexFolder(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
IndexFolder::IndexFolder(IndexFolder&&) noexcept = default;
IndexFolder& IndexFolder::operator=(IndexFolder&&) noexcept = default;
IndexFolder::~IndexFolder() = default;

// Reads the folder's MANIFEST and every generation into one Index.
absl::StatusOr<std::unique_ptr<IndexFolder::State>> IndexFolder::Load(
    const std::string& dir, std::string* report) {
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
  auto all = Index::Create(manifest->options);
  if (!all.ok()) {
    return absl::DataLossError(manifest_path + ": " +
                               std::string(all.status().message()));
  }
  uint64_t records = 0;
  for (const IndexGeneration& g : manifest->generations) records += g.documents;
  // A bad count cannot reserve much: it is checked against each file below.
  if (manifest->generations.size() > 1) {
    all->Reserve(static_cast<size_t>(std::min<uint64_t>(records, 1u << 26)));
  }
  if (report) *report += manifest_path + ": ok\n";
  for (const IndexGeneration& g : manifest->generations) {
    const std::string path = dir + "/" + g.file;
    auto bytes = internal::ReadWholeFile(path);
    if (!bytes.ok()) return bytes.status();
    if (XXH3_64bits(bytes->data(), bytes->size()) != g.checksum) {
      return absl::DataLossError(path + ": file checksum differs from MANIFEST");
    }
    auto gen = Index::Deserialize(*bytes, path);
    if (!gen.ok()) return gen.status();
    if (gen->size() != g.documents) {
      return absl::DataLossError(path + ": " + std::to_string(gen->size()) +
                                 " documents, MANIFEST says " +
                                 std::to_string(g.documents));
    }
    if (manifest->generations.size() == 1 &&
        IndexParametersText(gen->options()) ==
            IndexParametersText(all->options())) {
      *all = *std::move(gen);  // one copy in memory, not two
    } else if (auto s = all->InsertAll(*gen); !s.ok()) {
      return absl::DataLossError(path + ": " + std::string(s.message()));
    }
    if (report) {
      *report += path + ": ok, generation " + std::to_string(g.number) + ", " +
                 std::to_string(g.documents) + " records\n";
    }
  }
  return std::make_unique<IndexFolder::State>(dir, *std::move(manifest),
                                              *std::move(all));
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

}  // namespace

absl::StatusOr<IndexFolder> IndexFolder::Open(const std::string& dir) {
  auto state = Load(dir, nullptr);
  if (!state.ok()) return state.status();
  return IndexFolder(*std::move(state));
}

absl::StatusOr<IndexFolder> IndexFolder::OpenForWriting(
    const std::string& dir, const IndexOptions& options) {
  auto created = Index::Create(options);
  if (!created.ok()) return created.status();
  const IndexOptions wanted = created->options();  // `created` moves below
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return absl::PermissionDeniedError("cannot create index folder " + dir +
                                       ": " + ec.message());
  }
  auto lock = TakeLock(dir);
  if (!lock.ok()) return lock.status();
  auto state = Load(dir, nullptr);
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
    state = std::make_unique<State>(dir, std::move(m), *std::move(created));
  }
  if (!state.ok()) {
    ::close(*lock);
    return state.status();
  }
  (*state)->lock_fd = *lock;
  std::string name;
  const std::string diff =
      FirstDifference((*state)->all.options(), wanted, &name);
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

const Index& IndexFolder::index() const { return state_->all; }

const std::vector<IndexGeneration>& IndexFolder::generations() const {
  return state_->manifest.generations;
}

IndexFolderMatch IndexFolder::Decode(const IndexMatch& match) const {
  IndexFolderMatch m;
  if (!DecodeOrigin(match.origin, &m)) m.id = match.key;
  m.similarity = match.similarity;
  m.doc = match.doc;
  return m;
}

absl::StatusOr<std::vector<IndexFolderMatch>> IndexFolder::Query(
    std::string_view text, const QueryOptions& query) const {
  auto matches = state_->all.Query(text, query);
  if (!matches.ok()) return matches.status();
  std::vector<IndexFolderMatch> out;
  for (const IndexMatch& m : *matches) out.push_back(Decode(m));
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
  std::vector<IndexGeneration> generations = s.manifest.generations;
  generations.push_back(g);
  if (auto st = internal::WriteFileAtomically(
          s.Path("MANIFEST"), ManifestText(s.manifest.options, generations));
      !st.ok()) {
    return st;
  }
  s.manifest.generations = std::move(generations);
  if (auto st = s.all.InsertAll(*s.pending); !st.ok()) return st;
  auto fresh = Index::Create(s.manifest.options);
  if (!fresh.ok()) return fresh.status();
  s.pending.emplace(*std::move(fresh));
  return absl::OkStatus();
}

absl::Status IndexFolder::Compact() {
  State& s = *state_;
  if (!s.pending) {
    return absl::FailedPreconditionError("index " + s.dir +
                                         " was opened to read");
  }
  if (s.manifest.generations.size() < 2) return absl::OkStatus();
  const uint64_t last = s.manifest.generations.back().number;
  IndexGeneration g;
  g.number = last;
  char name[48];
  std::snprintf(name, sizeof name, "gen-%06" PRIu64 "-compact.ndx", last);
  g.file = name;
  g.documents = s.all.size();
  g.run = "compacted generations " +
          std::to_string(s.manifest.generations.front().number) + "-" +
          std::to_string(last);
  const std::string bytes = s.all.Serialize();
  g.checksum = XXH3_64bits(bytes.data(), bytes.size());
  if (auto st = internal::WriteFileAtomically(s.Path(g.file), bytes); !st.ok()) {
    return st;
  }
  const std::vector<IndexGeneration> old = s.manifest.generations;
  if (auto st = internal::WriteFileAtomically(s.Path("MANIFEST"),
                                              ManifestText(s.manifest.options, {g}));
      !st.ok()) {
    return st;
  }
  s.manifest.generations = {g};
  std::error_code ec;
  for (const IndexGeneration& o : old) {
    if (o.file != g.file) fs::remove(s.Path(o.file), ec);
  }
  return absl::OkStatus();
}

absl::Status IndexFolder::DropGeneration(uint64_t generation) {
  State& s = *state_;
  if (!s.pending) {
    return absl::FailedPreconditionError("index " + s.dir +
                                         " was opened to read");
  }
  // Keys are "<generation>:<ordinal>", ordinals 0, 1, ... without gaps.
  auto drop_from = [&](Index& index) {
    uint64_t dropped = 0;
    while (index.Remove(std::to_string(generation) + ":" +
                        std::to_string(dropped))) {
      ++dropped;
    }
    return dropped;
  };
  std::vector<IndexGeneration> kept;
  std::vector<std::string> replaced;
  bool found = false;
  for (const IndexGeneration& g : s.manifest.generations) {
    if (g.number == generation && g.file == GenerationFile(generation)) {
      found = true;
      replaced.push_back(g.file);
      continue;
    }
    // A compacted file may hold the generation's records: rewrite it.
    auto bytes = internal::ReadWholeFile(s.Path(g.file));
    if (!bytes.ok()) return bytes.status();
    auto index = Index::Deserialize(*bytes, s.Path(g.file));
    if (!index.ok()) return index.status();
    if (drop_from(*index) == 0) {
      kept.push_back(g);
      continue;
    }
    found = true;
    IndexGeneration rewritten = g;
    char name[64];
    std::snprintf(name, sizeof name, "gen-%06" PRIu64 "-without-%06" PRIu64 ".ndx",
                  g.number, generation);
    rewritten.file = name;
    rewritten.documents = index->size();
    rewritten.run = g.run + " without generation " + std::to_string(generation);
    const std::string image = index->Serialize();
    rewritten.checksum = XXH3_64bits(image.data(), image.size());
    if (auto st = internal::WriteFileAtomically(s.Path(rewritten.file), image);
        !st.ok()) {
      return st;
    }
    replaced.push_back(g.file);
    kept.push_back(rewritten);
  }
  if (!found) {
    return absl::NotFoundError("index " + s.dir + " has no generation " +
                               std::to_string(generation));
  }
  if (auto st = internal::WriteFileAtomically(
          s.Path("MANIFEST"), ManifestText(s.manifest.options, kept));
      !st.ok()) {
    return st;
  }
  s.manifest.generations = std::move(kept);
  drop_from(s.all);
  std::error_code ec;
  for (const std::string& f : replaced) fs::remove(s.Path(f), ec);
  return absl::OkStatus();
}

absl::Status VerifyIndexFolder(const std::string& dir, std::string* report) {
  auto state = IndexFolder::Load(dir, report);
  return state.ok() ? absl::OkStatus() : state.status();
}

namespace {

// The records of an index folder as a dedup job's earlier records.
class FolderPrior : public PriorRecords {
 public:
  FolderPrior(IndexFolder* folder, bool add) : folder_(folder), add_(add) {}

  std::optional<Match> Find(absl::Span<const uint32_t> signature,
                            uint64_t key) const override {
    DocSketch sketch;
    sketch.signature.assign(signature.begin(), signature.end());
    sketch.fingerprint = key;
    auto matches = folder_->index().Query(sketch);
    if (!matches.ok() || matches->empty()) return std::nullopt;
    // The job judges a record against the first kept record it duplicates.
    const IndexMatch& first = *std::min_element(
        matches->begin(), matches->end(),
        [](const IndexMatch& a, const IndexMatch& b) { return a.doc < b.doc; });
    const IndexFolderMatch m = folder_->Decode(first);
    Match out;
    out.kept_id = m.id;
    out.similarity = m.similarity;
    out.source_json = ",\"kept_source\":{\"generation\":" +
                      std::to_string(m.generation) + ",\"file\":";
    AppendJsonString(m.file, &out.source_json);
    out.source_json += ",\"line\":" + std::to_string(m.line) + "}";
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

 private:
  IndexFolder* folder_;
  bool add_;
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
  if (options.method == DedupMethod::kMinHash &&
      options.verify == VerifyMode::kExact) {
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
        FirstDifference(folder->index().options(), wanted->options(), &name);
    if (!diff.empty()) {
      return absl::InvalidArgumentError(
          "index " + index_dir + " was made with " + diff + " (" +
          FlagOf(name) + "): an index keeps the parameters it was made with "
          "(neardup index info " + index_dir + ")");
    }
  }
  FolderPrior prior(&*folder, write);
  DedupOptions o = options;
  o.prior = &prior;
  auto stats = RunDedup(inputs, outdir, o, progress);
  if (!stats.ok()) return stats.status();
  if (added) *added = write ? folder->pending() : 0;
  if (write) {
    if (auto s = folder->Commit(outdir); !s.ok()) return s;
  }
  return stats;
}

}  // namespace neardup
