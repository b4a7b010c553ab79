// neardup report OUTDIR: writes OUTDIR/report.html again from a finished
// run's files (and the inputs its stats.json names).

#include <cstdio>
#include <memory>
#include <string>

#include "neardup/pipeline.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace neardup::tools {

void AddReportCommand(CLI::App& app, int* exit_code) {
  auto outdir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write OUTDIR/report.html again for a finished dedup or clean run: one "
      "self-contained page (no network) with the counts, charts and examples "
      "of kept and removed text.");
  cmd->add_option("OUTDIR", *outdir,
                  "the output folder of a finished run (it has stats.json)")
      ->required();
  cmd->footer(
      "The examples' texts are read again from the inputs named in "
      "stats.json (paths as the run was given them: run it from the same "
      "folder); inputs that are gone leave only the examples out.\n"
      "Example:\n"
      "  neardup dedup crawl/ -o out/ --no-report && neardup report out/");
  cmd->callback([outdir, exit_code] {
    if (auto s = WriteReport(*outdir); !s.ok()) {
      *exit_code = Fail("report", s);
      return;
    }
    std::printf("report: %s/report.html\n", outdir->c_str());
  });
}

}  // namespace neardup::tools
