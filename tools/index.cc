// neardup index info|verify|compact DIR, neardup index drop DIR N: the index folders that
// `neardup dedup --index DIR` grows, one generation per run.

#include <cstdio>
#include <memory>
#include <string>

#include "neardup/index.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace neardup::tools {
namespace {

int Info(const std::string& dir) {
  auto folder = IndexFolder::Open(dir);
  if (!folder.ok()) return Fail("index info", folder.status());
  const auto& files = folder->generations();
  std::printf("index %s: format version %u, %zu records in %zu files "
              "(generations 1-%llu)\n",
              dir.c_str(), kIndexFormatVersion, folder->size(), files.size(),
              static_cast<unsigned long long>(
                  files.empty() ? 0 : files.back().number));
  std::printf("parameters:\n");
  const std::string params = IndexParametersText(folder->options());
  size_t at = 0;
  while (at < params.size()) {
    const size_t nl = params.find('\n', at);
    std::printf("  %s\n", params.substr(at, nl - at).c_str());
    at = nl + 1;
  }
  std::printf("files (last generation, name, records, run):\n");
  for (const IndexGeneration& g : folder->generations()) {
    std::printf("  %llu  %-26s %10llu records  run %s\n",
                static_cast<unsigned long long>(g.number), g.file.c_str(),
                static_cast<unsigned long long>(g.documents), g.run.c_str());
  }
  return 0;
}

int Verify(const std::string& dir) {
  std::string report;
  const absl::Status s = VerifyIndexFolder(dir, &report);
  std::fputs(report.c_str(), stdout);
  if (!s.ok()) return Fail("index verify", s);
  std::printf("index %s: every checksum verified\n", dir.c_str());
  return 0;
}

int Compact(const std::string& dir) {
  IndexOptions options;
  size_t before = 0;
  {
    auto read = IndexFolder::Open(dir);
    if (!read.ok()) return Fail("index compact", read.status());
    options = read->options();
    before = read->generations().size();
  }
  auto folder = IndexFolder::OpenForWriting(dir, options);
  if (!folder.ok()) return Fail("index compact", folder.status());
  if (auto s = folder->Compact(); !s.ok()) return Fail("index compact", s);
  std::printf("index %s: %zu files compacted into %zu (%zu records)\n",
              dir.c_str(), before, folder->generations().size(),
              folder->size());
  return 0;
}

int Drop(const std::string& dir, uint64_t generation) {
  IndexOptions options;
  {
    auto read = IndexFolder::Open(dir);
    if (!read.ok()) return Fail("index drop", read.status());
    options = read->options();
  }
  auto folder = IndexFolder::OpenForWriting(dir, options);
  if (!folder.ok()) return Fail("index drop", folder.status());
  const size_t before = folder->size();
  if (auto s = folder->DropGeneration(generation); !s.ok()) {
    return Fail("index drop", s);
  }
  std::printf("index %s: generation %llu dropped (%zu records)\n", dir.c_str(),
              static_cast<unsigned long long>(generation),
              before - folder->size());
  return 0;
}

}  // namespace

void AddIndexCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "index",
      "Inspect, check or compact an index folder (neardup dedup --index DIR "
      "adds one generation per run).");
  cmd->require_subcommand(1);
  auto dir = std::make_shared<std::string>();
  struct Verb {
    const char* name;
    const char* help;
    int (*run)(const std::string&);
  };
  for (const Verb& v : {
           Verb{"info", "print the parameters and the records per generation",
                Info},
           Verb{"verify",
                "check the MANIFEST, every file checksum and every section "
                "checksum",
                Verify},
           Verb{"compact",
                "merge every generation into one file (records keep their "
                "generation numbers); takes the writer lock",
                Compact},
       }) {
    CLI::App* sub = cmd->add_subcommand(v.name, v.help);
    sub->add_option("DIR", *dir, "the index folder")->required();
    auto run = v.run;
    sub->callback([dir, exit_code, run] { *exit_code = run(*dir); });
  }
  auto generation = std::make_shared<uint64_t>(0);
  CLI::App* drop = cmd->add_subcommand(
      "drop",
      "remove the records of one generation (a withdrawn snapshot), also "
      "from compacted files; takes the writer lock");
  drop->add_option("DIR", *dir, "the index folder")->required();
  drop->add_option("GENERATION", *generation, "its number (index info)")
      ->required();
  drop->callback([dir, generation, exit_code] {
    *exit_code = Drop(*dir, *generation);
  });
  cmd->footer(
      "Example:\n"
      "  neardup dedup april.jsonl -o out-april --index seen/\n"
      "  neardup dedup may.jsonl -o out-may --index seen/\n"
      "  neardup index info seen/\n"
      "  neardup index verify seen/");
}

}  // namespace neardup::tools
