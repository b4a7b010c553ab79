// Shared pieces of the job commands.

#include "tools/common.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

namespace neardup::tools {

ProgressFn TerminalProgress(bool quiet) {
  if (quiet || !isatty(STDERR_FILENO)) return nullptr;
  struct State {
    std::string stage;
    std::chrono::steady_clock::time_point started;
  };
  auto state = std::make_shared<State>();
  return [state](const ProgressEvent& e) {
    const auto now = std::chrono::steady_clock::now();
    if (e.stage != state->stage) {
      state->stage = std::string(e.stage);
      state->started = now;
    }
    const double seconds =
        std::chrono::duration<double>(now - state->started).count();
    const double rate = seconds > 0 ? e.bytes / 1e6 / seconds : 0;
    char line[200];
    int n = std::snprintf(line, sizeof(line), "\r[%s] %llu %s",
                          state->stage.c_str(),
                          static_cast<unsigned long long>(e.records),
                          e.bytes > 0 ? "records" : "done");
    if (e.bytes > 0) {
      n += std::snprintf(line + n, sizeof(line) - n, ", %.1f MB, %.1f MB/s",
                         e.bytes / 1e6, rate);
      if (e.total_bytes > e.bytes && rate > 0) {
        const int left = static_cast<int>((e.total_bytes - e.bytes) / 1e6 / rate);
        std::snprintf(line + n, sizeof(line) - n, ", %d:%02d left", left / 60,
                      left % 60);
      }
    }
    std::fputs(line, stderr);
    std::fputs("\033[K", stderr);
    std::fflush(stderr);
  };
}

void ClearProgress(const ProgressFn& progress) {
  if (progress) std::fputs("\r\033[K", stderr);
}

void AddReaderFlags(CLI::App* cmd, ReaderFlags* flags) {
  cmd->add_option("--text-field", flags->text_field, "JSONL text field")
      ->capture_default_str();
  cmd->add_option("--id-field", flags->id_field,
                  "JSONL id field (absent: FILE:LINE)")
      ->capture_default_str();
  cmd->add_option("--max-doc-bytes", flags->max_doc_bytes,
                  "reject documents larger than this")
      ->capture_default_str();
}

void ApplyReaderFlags(const ReaderFlags& flags, ReaderOptions* options) {
  options->text_field = flags.text_field;
  options->id_field = flags.id_field;
  options->max_document_bytes = flags.max_doc_bytes;
}

int Fail(const char* command, const absl::Status& status, int code) {
  std::fprintf(stderr, "neardup %s: %s\n", command,
               std::string(status.message()).c_str());
  return code;
}

void PrintAccounting(uint64_t read, uint64_t kept, uint64_t removed,
                     uint64_t rejected, const char* note) {
  std::printf("read %llu = kept %llu + removed %llu + rejected %llu%s\n",
              static_cast<unsigned long long>(read),
              static_cast<unsigned long long>(kept),
              static_cast<unsigned long long>(removed),
              static_cast<unsigned long long>(rejected), note);
}

}  // namespace neardup::tools
