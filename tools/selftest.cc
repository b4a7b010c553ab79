// neardup selftest: recomputes the known-answer tables of the installed
// library (neardup::SelfTest) and prints one line per check.

#include <cstdio>
#include <string>

#include "neardup/version.h"
#include "tools/commands.h"

namespace neardup::tools {

void AddSelftestCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "selftest",
      "Check normalization, shingle hashes, MinHash (every SIMD kernel this "
      "CPU has) and SimHash against the built-in known-answer tables.");
  auto quiet = std::make_shared<bool>(false);
  cmd->add_flag("-q,--quiet", *quiet, "print only the summary line");
  cmd->footer(
      "Exits with 0 when every check passes, 1 otherwise.\n"
      "Example:\n"
      "  neardup selftest --quiet");
  cmd->callback([exit_code, quiet] {
    std::string report;
    const absl::Status status = SelfTest(&report);
    if (*quiet) {
      const size_t last = report.rfind('\n', report.size() - 2);
      report = report.substr(last == std::string::npos ? 0 : last + 1);
    }
    std::fputs(report.c_str(), stdout);
    if (!status.ok()) {
      std::fprintf(stderr, "neardup selftest: %s\n",
                   std::string(status.message()).c_str());
      *exit_code = 1;
    }
  });
}

}  // namespace neardup::tools
