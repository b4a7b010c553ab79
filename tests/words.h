// Generated words for test inputs, shared by the unit tests (test_util.h)
// and the fuzz seed writer (fuzz/seeds.cc), which does not link GoogleTest.

#ifndef NEARDUP_TESTS_WORDS_H_
#define NEARDUP_TESTS_WORDS_H_

#include <cstdint>
#include <string>

namespace neardup::test {

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

#endif  // NEARDUP_TESTS_WORDS_H_
