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

// A word made of letters only, distinct for each n. Generated text must not
// build words from digits: normalization maps every digit to '0', so
// "w123" and "w456" would be the same word.
inline std::string Word(uint64_t n) {
  std::string w = "w";
  do {
    w += static_cast<char>('a' + n % 26);
    n /= 26;
  } while (n > 0);
  return w;
}

}  // namespace neardup::test

#endif  // NEARDUP_TESTS_TEST_UTIL_H_
