// The neardup command: finds near-duplicate documents and repeated text in
// text collections. Subcommands live in their own files (commands.h).

#include <csignal>
#include <cstdio>
#include <string>

#include "CLI/CLI.hpp"
#include "neardup/version.h"
#include "tools/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "neardup: find near-duplicate documents and repeated text in large "
      "text collections.\n"};
  app.set_version_flag("--version",
                       std::string("neardup ") + std::string(neardup::Version()) +
                           " (sketch format " +
                           std::to_string(neardup::kSketchFormatVersion) + ")");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  neardup clean crawl/ -o cleaned/   cut repeated text and boilerplate\n"
      "  neardup dedup crawl/ -o out/       remove near-duplicate documents\n"
      "  neardup explain a.txt b.txt        why two documents are (not) "
      "near-duplicates\n"
      "  neardup explain crawl.jsonl:3 crawl.jsonl:17\n"
      "  neardup selftest                   check the hashing core against "
      "its known answers");
  // Past a file size limit (ulimit -f) a write fails with EFBIG and the
  // job stops with an error naming the file, instead of being killed by
  // SIGXFSZ with a half-written temporary behind it.
  std::signal(SIGXFSZ, SIG_IGN);
  int exit_code = 0;
  neardup::tools::AddCleanCommand(app, &exit_code);
  neardup::tools::AddDedupCommand(app, &exit_code);
  neardup::tools::AddExplainCommand(app, &exit_code);
  neardup::tools::AddSelftestCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
