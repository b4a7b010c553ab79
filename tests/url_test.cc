// Tests of src/io/url.cc.

#include <gtest/gtest.h>

#include "neardup/io.h"

namespace neardup {
namespace {

TEST(UrlHostTest, Hosts) {
  EXPECT_EQ(UrlHost("https://www.Example.com:8080/a/b?c#d"), "www.example.com");
  EXPECT_EQ(UrlHost("http://user:pw@host.test/x"), "host.test");
  EXPECT_EQ(UrlHost("http://[::1]:80/"), "[::1]:80");
  EXPECT_EQ(UrlHost("not a url"), "");
  EXPECT_EQ(UrlHost(""), "");
}

}  // namespace
}  // namespace neardup
