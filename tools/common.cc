// Shared pieces of the job commands.

#include "tools/common.h"

#include <unistd.h>

#include <chrono>
#include <cstdint>
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
                  "documents with more text bytes are rejected or truncated "
                  "(--oversize)")
      ->capture_default_str();
  cmd->add_option("--oversize", flags->oversize,
                  "reject: a larger document goes to rejected.jsonl; "
                  "truncate: it is read as its first --max-doc-bytes bytes "
                  "(cut at a character boundary), counted as truncated, and "
                  "the rest of its text is written back unchanged")
      ->capture_default_str();
}

absl::Status ApplyReaderFlags(const ReaderFlags& flags,
                              ReaderOptions* options) {
  options->text_field = flags.text_field;
  options->id_field = flags.id_field;
  options->max_document_bytes = flags.max_doc_bytes;
  if (flags.oversize == "reject") {
    options->oversize = Oversize::kReject;
  } else if (flags.oversize == "truncate") {
    options->oversize = Oversize::kTruncate;
  } else {
    return absl::InvalidArgumentError(
        "--oversize must be reject or truncate");
  }
  return absl::OkStatus();
}

void AddCompareFlags(CLI::App* cmd, CompareFlags* flags) {
  cmd->add_option("--method", flags->method, "minhash, simhash or exact")
      ->capture_default_str();
  cmd->add_option("--threshold", flags->threshold,
                  "Jaccard similarity of duplicates (minhash): greater than "
                  "0 and less than 1")
      ->capture_default_str();
  cmd->add_option("--ngram", flags->ngram,
                  "shingle size (default 5 for minhash, 3 for simhash)");
  cmd->add_flag("--char", flags->chars, "character n-grams instead of words");
  cmd->add_option("--num-perm", flags->num_perm, "MinHash permutations")
      ->capture_default_str();
  cmd->add_option("--bands", flags->bands,
                  "LSH bands (default: chosen from --threshold)");
  cmd->add_option("--rows", flags->rows,
                  "LSH rows per band (default: chosen from --threshold)");
  cmd->add_option("--hamming", flags->hamming,
                  "SimHash: largest Hamming distance of duplicates (0 to 8)")
      ->capture_default_str();
  cmd->add_option("--verify", flags->verify,
                  "how candidates are confirmed: signature (estimated "
                  "Jaccard) or exact (Jaccard of the shingle sets)")
      ->capture_default_str();
  cmd->add_option("--seed", flags->seed, "hash seed")->capture_default_str();
}

absl::Status ApplyCompareFlags(const CompareFlags& flags,
                               DedupOptions* options) {
  if (flags.method == "minhash") {
    options->method = DedupMethod::kMinHash;
  } else if (flags.method == "simhash") {
    options->method = DedupMethod::kSimHash;
  } else if (flags.method == "exact") {
    options->method = DedupMethod::kExact;
  } else {
    return absl::InvalidArgumentError(
        "--method must be minhash, simhash or exact");
  }
  if (flags.verify != "signature" && flags.verify != "exact") {
    return absl::InvalidArgumentError("--verify must be signature or exact");
  }
  if (options->method == DedupMethod::kMinHash &&
      !(flags.threshold > 0 && flags.threshold < 1)) {
    char got[32];
    std::snprintf(got, sizeof(got), "%g", flags.threshold);
    return absl::InvalidArgumentError(
        std::string("--threshold must be greater than 0 and less than 1 "
                    "(got ") + got + ")");
  }
  options->threshold = flags.threshold;
  options->shingles.kind =
      flags.chars ? ShingleKind::kChar : ShingleKind::kWord;
  options->shingles.n = flags.ngram > 0 ? flags.ngram
                        : options->method == DedupMethod::kSimHash ? 3
                                                                   : 5;
  options->num_perm = flags.num_perm;
  options->bands = flags.bands;
  options->rows = flags.rows;
  options->hamming = flags.hamming;
  options->verify =
      flags.verify == "exact" ? VerifyMode::kExact : VerifyMode::kSignature;
  options->seed = flags.seed;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ParseByteSize(std::string_view text) {
  uint64_t value = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (value > (UINT64_MAX - 9) / 10) break;
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  int shift = -1;
  if (i > 0 && i == text.size()) {
    shift = 0;
  } else if (i > 0 && i + 1 == text.size()) {
    switch (text[i] | 0x20) {
      case 'k': shift = 10; break;
      case 'm': shift = 20; break;
      case 'g': shift = 30; break;
      case 't': shift = 40; break;
    }
  }
  if (shift < 0 || value > (UINT64_MAX >> shift)) {
    return absl::InvalidArgumentError(
        "\"" + std::string(text) +
        "\" is not a size (bytes, or a number with K, M, G or T: 500M, 2G)");
  }
  return value << shift;
}

int Fail(const char* command, const absl::Status& status, int code) {
  std::fprintf(stderr, "neardup %s: %s\n", command,
               std::string(status.message()).c_str());
  return code;
}

absl::StatusOr<std::vector<InputFile>> PlanAndReportInputs(
    const char* command, const std::vector<std::string>& args,
    std::vector<std::string>* skipped) {
  constexpr size_t kNamesShown = 5;
  std::vector<SkippedFiles> left_out;
  auto inputs = PlanInputs(args, &left_out);
  if (!inputs.ok()) return inputs.status();
  for (const SkippedFiles& folder : left_out) {
    std::string names;
    for (size_t i = 0; i < folder.paths.size() && i < kNamesShown; ++i) {
      std::string_view name = folder.paths[i];
      // Names below the folder, as the walk built them (FOLDER/NAME).
      if (name.substr(0, folder.folder.size()) == folder.folder) {
        name.remove_prefix(folder.folder.size());
        while (!name.empty() && name.front() == '/') name.remove_prefix(1);
      }
      names += (i ? ", " : "") + std::string(name);
    }
    if (folder.paths.size() > kNamesShown) {
      names += ", ... and " + std::to_string(folder.paths.size() - kNamesShown) +
               " more (listed in stats.json)";
    }
    std::fprintf(stderr,
                 "neardup %s: skipped %zu file%s in %s (not an input format): "
                 "%s\n",
                 command, folder.paths.size(),
                 folder.paths.size() == 1 ? "" : "s", folder.folder.c_str(),
                 names.c_str());
    skipped->insert(skipped->end(), folder.paths.begin(), folder.paths.end());
  }
  return inputs;
}

absl::Status CheckOutputFolderFlag(const std::string& outdir) {
  if (outdir == "-") {
    return absl::InvalidArgumentError(
        "-o expects an output folder (it receives the kept records, "
        "removed.jsonl, rejected.jsonl and stats.json); '-' (standard "
        "output) is not supported: name a folder, e.g. -o out/");
  }
  return absl::OkStatus();
}

void PrintAccounting(uint64_t read, uint64_t kept, uint64_t removed,
                     uint64_t rejected, uint64_t truncated, const char* note) {
  std::printf("read %llu = kept %llu + removed %llu + rejected %llu",
              static_cast<unsigned long long>(read),
              static_cast<unsigned long long>(kept),
              static_cast<unsigned long long>(removed),
              static_cast<unsigned long long>(rejected));
  if (truncated > 0) {
    std::printf(" (%llu truncated)", static_cast<unsigned long long>(truncated));
  }
  std::printf("%s\n", note);
}

}  // namespace neardup::tools
