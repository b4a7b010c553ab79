// The neardup command: finds near-duplicate documents and repeated text in
// text collections. Subcommands live in their own files (commands.h).

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "neardup/version.h"
#include "tools/commands.h"

namespace {

// Returns "clean, dedup, explain, report or selftest" (`last`: " or ",
// " and ").
std::string CommandList(CLI::App& app, const char* last) {
  std::vector<std::string> names;
  for (const CLI::App* sub :
       app.get_subcommands([](CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  std::string list;
  for (size_t i = 0; i < names.size(); ++i) {
    list += i == 0 ? "" : i + 1 == names.size() ? last : ", ";
    list += names[i];
  }
  return list;
}

// Prints a usage error the way every neardup error reads ("neardup: ..."),
// with where to find the usage, and returns 2, the exit status of usage
// errors (CLI11's own numbers, 104 to 115, say nothing to a shell script).
int UsageError(CLI::App& app, int argc, char** argv, const CLI::ParseError& e) {
  const std::vector<CLI::App*> chosen = app.get_subcommands();
  std::string help = "neardup --help";
  if (!chosen.empty()) {
    help = "neardup " + chosen.front()->get_name() + " --help";
    std::fprintf(stderr, "neardup: %s\n", e.what());
  } else if (argc > 1 && argv[1][0] != '-') {
    std::fprintf(stderr,
                 "neardup: unknown command '%s' (the commands are %s)\n",
                 argv[1], CommandList(app, " and ").c_str());
  } else if (argc > 1) {
    std::fprintf(stderr, "neardup: %s\n", e.what());
  } else {
    std::fprintf(stderr, "neardup: a command is required: %s\n",
                 CommandList(app, " or ").c_str());
  }
  std::fprintf(stderr, "Run '%s' for usage.\n", help.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "neardup: find near-duplicate documents and repeated text in large "
      "text collections.\n"};
  app.set_version_flag("--version",
                       std::string("neardup ") + std::string(neardup::Version()) +
                           " (sketch format " +
                           std::to_string(neardup::kSketchFormatVersion) + ")");
  app.require_subcommand(1);
  // Past a file size limit (ulimit -f) a write fails with EFBIG and the
  // job stops with an error naming the file, instead of being killed by
  // SIGXFSZ with a half-written temporary behind it.
  std::signal(SIGXFSZ, SIG_IGN);
  int exit_code = 0;
  neardup::tools::AddCleanCommand(app, &exit_code);
  neardup::tools::AddDedupCommand(app, &exit_code);
  neardup::tools::AddExplainCommand(app, &exit_code);
  neardup::tools::AddIndexCommand(app, &exit_code);
  neardup::tools::AddReportCommand(app, &exit_code);
  neardup::tools::AddSelftestCommand(app, &exit_code);
  // Set after the subcommands: CLI11 copies a parent's footer into the
  // subcommands created after it, and each has its own examples.
  app.footer(
      "Examples:\n"
      "  neardup clean crawl/ -o cleaned/   cut repeated text and boilerplate\n"
      "  neardup dedup crawl/ -o out/       remove near-duplicate documents\n"
      "  neardup explain a.txt b.txt        why two documents are (not) "
      "near-duplicates\n"
      "  neardup explain crawl.jsonl:3 crawl.jsonl:17\n"
      "  neardup explain out/removed.jsonl:1  why dedup removed a record\n"
      "  neardup report out/                write out/report.html again\n"
      "  neardup selftest                   check the hashing core against "
      "its known answers\n"
      "Usage errors exit with status 2; 'neardup COMMAND --help' shows a "
      "command's options.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end parsing with a "success" to print.
    if (e.get_exit_code() == 0) return app.exit(e);
    return UsageError(app, argc, argv, e);
  }
  return exit_code;
}
