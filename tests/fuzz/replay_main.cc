// A main() for the fuzz targets when they are not linked with libFuzzer
// (g++ builds, the default test run): runs LLVMFuzzerTestOneInput once on
// every file named, and on every file in every folder named (sorted), as
// libFuzzer does with -runs=0. Arguments starting with '-' are libFuzzer
// flags and are ignored. Exits 1 when a folder is missing or holds no
// input, so that a corpus that was not generated is not a silent pass.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

void Run(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  // A copy of exactly the input's size, so that reads past the end are
  // caught by AddressSanitizer as they would be under libFuzzer.
  std::vector<uint8_t> data(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(data.empty() ? nullptr : data.data(), data.size());
}

}  // namespace

int main(int argc, char** argv) {
  size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!arg.empty() && arg[0] == '-') continue;
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) {
        std::fprintf(stderr, "%s: no inputs in %s\n", argv[0], arg.c_str());
        return 1;
      }
      for (const fs::path& f : files) Run(f);
      runs += files.size();
    } else if (fs::is_regular_file(arg, ec)) {
      Run(arg);
      ++runs;
    } else {
      std::fprintf(stderr, "%s: no such input: %s\n", argv[0], arg.c_str());
      return 1;
    }
  }
  std::printf("%s: %zu inputs replayed, no failure\n", argv[0], runs);
  return 0;
}
