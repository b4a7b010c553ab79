// The subcommands of the neardup tool. Each Add*Command registers itself on
// the app and, when it runs, stores its exit status in *exit_code.

#ifndef NEARDUP_TOOLS_COMMANDS_H_
#define NEARDUP_TOOLS_COMMANDS_H_

#include "CLI/CLI.hpp"

namespace neardup::tools {

void AddCleanCommand(CLI::App& app, int* exit_code);
void AddDedupCommand(CLI::App& app, int* exit_code);
void AddExplainCommand(CLI::App& app, int* exit_code);
void AddIndexCommand(CLI::App& app, int* exit_code);
void AddReportCommand(CLI::App& app, int* exit_code);
void AddSelftestCommand(CLI::App& app, int* exit_code);

}  // namespace neardup::tools

#endif  // NEARDUP_TOOLS_COMMANDS_H_
