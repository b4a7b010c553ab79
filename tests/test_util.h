// Helpers shared by neardup's unit tests.

#ifndef NEARDUP_TESTS_TEST_UTIL_H_
#define NEARDUP_TESTS_TEST_UTIL_H_

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/words.h"

#define ASSERT_OK(expr)                                 \
  do {                                                  \
    const absl::Status _st = ::neardup::test::ToStatus(expr); \
    ASSERT_TRUE(_st.ok()) << #expr << ": " << _st;      \
  } while (0)

#define EXPECT_OK(expr)                                 \
  do {                                                  \
    const absl::Status _st = ::neardup::test::ToStatus(expr); \
    EXPECT_TRUE(_st.ok()) << #expr << ": " << _st;      \
  } while (0)

namespace neardup::test {

inline absl::Status ToStatus(const absl::Status& s) { return s; }
template <typename T>
absl::Status ToStatus(const T& status_or) {
  return status_or.status();
}

// SplitMix64: the deterministic generator behind every generated test input.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  uint64_t Uniform(uint64_t n) { return Next() % n; }

 private:
  uint64_t state_;
};

// Returns `content` after 1 to 4 random edits, each of them: a byte
// replaced by one of `alphabet`, one of `alphabet` inserted, 1 to
// `max_erase` bytes erased, or (with `truncate`) everything from a byte on
// cut off: the damaged inputs of the readers' fuzz-style tests.
inline std::string DamageBytes(Rng& rng, std::string content,
                               std::string_view alphabet, size_t max_erase,
                               bool truncate) {
  const int edits = 1 + static_cast<int>(rng.Uniform(4));
  for (int e = 0; e < edits && !content.empty(); ++e) {
    const size_t at = rng.Uniform(content.size());
    switch (rng.Uniform(truncate ? 4 : 3)) {
      case 0:
        content[at] = alphabet[rng.Uniform(alphabet.size())];
        break;
      case 1:
        content.insert(at, 1, alphabet[rng.Uniform(alphabet.size())]);
        break;
      case 2:
        content.erase(at, 1 + rng.Uniform(max_erase));
        break;
      default:
        content.resize(at);
        break;
    }
  }
  return content;
}

// U+FFFD REPLACEMENT CHARACTER in UTF-8: what repair writes for an
// ill-formed sequence.
inline constexpr std::string_view kFffd = "\xEF\xBF\xBD";

// Renders bytes as C escapes (printable ASCII but the backslash as it is,
// any other byte as \xHH) so that failures show what was compared.
inline std::string Escape(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// Returns the whole content of a file ("" when it cannot be read).
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `content` to a file, replacing it.
inline void WriteFile(const std::filesystem::path& path,
                      std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  ASSERT_TRUE(out.good()) << path;
}

// A fresh folder under ::testing::TempDir(), named after the running test
// and the process, removed with its contents.
class ScratchDir {
 public:
  ScratchDir() {
    const ::testing::TestInfo* info =
        ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "neardup_";
    if (info != nullptr) {
      name += info->test_suite_name();
      name += "_";
      name += info->name();
    }
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    name += "_" + std::to_string(getpid());
    path_ = (std::filesystem::path(::testing::TempDir()) / name).string();
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const {
    return path_ + "/" + std::string(name);
  }

 private:
  std::string path_;
};


// Splits text into lines (without their "\n").
inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace neardup::test

#endif  // NEARDUP_TESTS_TEST_UTIL_H_
