// Tests for format and compression names and detection, and ExpandInputs.

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/io.h"
#include "tests/io_test_util.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using ::neardup::test::ScratchDir;
using ::neardup::test::WriteFile;

TEST(Names, CompressionAndFormat) {
  EXPECT_STREQ(CompressionName(Compression::kNone), "none");
  EXPECT_STREQ(CompressionName(Compression::kGzip), "gzip");
  EXPECT_STREQ(CompressionName(Compression::kZstd), "zstd");
  EXPECT_STREQ(InputFormatName(InputFormat::kJsonl), "jsonl");
  EXPECT_STREQ(InputFormatName(InputFormat::kText), "text");
  EXPECT_STREQ(InputFormatName(InputFormat::kWarc), "warc");
}

TEST(DetectCompression, MagicBytes) {
  EXPECT_EQ(DetectCompression("\x1F\x8B\x08\x00"), Compression::kGzip);
  EXPECT_EQ(DetectCompression("\x1F\x8B"), Compression::kGzip);
  EXPECT_EQ(DetectCompression("\x28\xB5\x2F\xFD\x04"), Compression::kZstd);
  EXPECT_EQ(DetectCompression("\x28\xB5\x2F"), Compression::kNone);  // short
  EXPECT_EQ(DetectCompression("\x1F"), Compression::kNone);
  EXPECT_EQ(DetectCompression(""), Compression::kNone);
  EXPECT_EQ(DetectCompression("{\"text\": 1}"), Compression::kNone);
  EXPECT_EQ(DetectCompression("WARC/1.0"), Compression::kNone);
}

TEST(DetectFormat, ByName) {
  struct Case {
    const char* path;
    InputFormat expected;
  } cases[] = {
      {"a.jsonl", InputFormat::kJsonl},
      {"dir/a.ndjson.gz", InputFormat::kJsonl},
      {"a.json.zst", InputFormat::kJsonl},
      {"a.JSONL.ZSTD", InputFormat::kJsonl},  // any case
      {"crawl.warc.gz", InputFormat::kWarc},
      {"crawl.warc", InputFormat::kWarc},
      {"CC-MAIN-x.warc.wet.gz", InputFormat::kWarc},
      {"x.wet.zst", InputFormat::kWarc},
      {"notes.txt", InputFormat::kText},
      {"notes.text.gz", InputFormat::kText},
      {"README", InputFormat::kText},
      {"a.jsonl.bak", InputFormat::kText},
      {"a.gz", InputFormat::kText},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DetectFormat(c.path, "plain words"), c.expected) << c.path;
  }
}

TEST(DetectFormat, ContentDecidesWhenTheNameSaysNothing) {
  EXPECT_EQ(DetectFormat("data.bin", "WARC/1.0\r\n"), InputFormat::kWarc);
  EXPECT_EQ(DetectFormat("whirlwind.warc.wat.gz", "WARC/1.0\r\n"),
            InputFormat::kWarc);
  EXPECT_EQ(DetectFormat("-", "{\"text\":\"a\"}"), InputFormat::kJsonl);
  EXPECT_EQ(DetectFormat("-", "WARC/1.1\r\n"), InputFormat::kWarc);
  EXPECT_EQ(DetectFormat("-", "Dear reader"), InputFormat::kText);
  EXPECT_EQ(DetectFormat("-", ""), InputFormat::kText);
  EXPECT_EQ(DetectFormat("-", " {"), InputFormat::kText);
  EXPECT_EQ(DetectFormat("-", "WARC"), InputFormat::kText);
  // An explicit name wins over the content.
  EXPECT_EQ(DetectFormat("a.jsonl", "WARC/1.0"), InputFormat::kJsonl);
  EXPECT_EQ(DetectFormat("a.warc", "{}"), InputFormat::kWarc);
  EXPECT_EQ(DetectFormat("code.txt", "{ int x; }"), InputFormat::kText);
}

TEST(ExpandInputs, FilesAsGivenFoldersSortedAndFiltered) {
  ScratchDir dir;
  const std::string root = dir.File("in");
  std::filesystem::create_directories(root + "/b_sub/deeper");
  std::filesystem::create_directories(root + "/a_sub");
  for (const char* name :
       {"z.jsonl", "B.txt", "a.warc.gz", "a.jsonl.zst", "skip.csv",
        "x.jsonl.gz.tmp-123", "b_sub/2.wet", "b_sub/10.ndjson.zstd",
        "b_sub/deeper/c.text", "a_sub/k.json", "Z.TXT", "c.txt.gz"}) {
    WriteFile(root + "/" + name, "x");
  }
  const std::string lone = dir.File("lone.csv");  // given explicitly: kept
  WriteFile(lone, "x");
  auto files = ExpandInputs({lone, root, "-", root + "/"});
  ASSERT_OK(files);
  const std::vector<std::string> in_root = {
      root + "/B.txt",        root + "/Z.TXT",
      root + "/a.jsonl.zst",  root + "/a.warc.gz",
      root + "/a_sub/k.json", root + "/b_sub/10.ndjson.zstd",
      root + "/b_sub/2.wet",  root + "/b_sub/deeper/c.text",
      root + "/c.txt.gz",     root + "/z.jsonl"};
  std::vector<std::string> expected = {lone};
  expected.insert(expected.end(), in_root.begin(), in_root.end());
  expected.push_back("-");
  expected.insert(expected.end(), in_root.begin(), in_root.end());
  EXPECT_EQ(*files, expected);
}

TEST(ExpandInputs, NamesTheFilesAFolderWalkLeavesOut) {
  ScratchDir dir;
  const std::string root = dir.File("crawl");
  std::filesystem::create_directories(root + "/sub");
  for (const char* name : {"a.jsonl", "meta.wat.gz", "notes.bin", "README",
                           "sub/b.warc.gz", "sub/c.csv"}) {
    WriteFile(root + "/" + name, "x");
  }
  const std::string lone = dir.File("lone.bin");  // given explicitly: read
  WriteFile(lone, "x");
  std::vector<std::string> skipped;
  auto files = ExpandInputs({lone, root}, &skipped);
  ASSERT_OK(files);
  EXPECT_EQ(*files, (std::vector<std::string>{lone, root + "/a.jsonl",
                                              root + "/sub/b.warc.gz"}));
  EXPECT_EQ(skipped, (std::vector<std::string>{
                         root + "/README", root + "/meta.wat.gz",
                         root + "/notes.bin", root + "/sub/c.csv"}));
}

TEST(ExpandInputs, MissingPath) {
  ScratchDir dir;
  WriteFile(dir.File("here.jsonl"), "x");
  const std::string missing = dir.File("gone.jsonl");
  auto files = ExpandInputs({dir.File("here.jsonl"), missing});
  EXPECT_EQ(files.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(files.status().message(), missing + ": No such file or directory");
}

TEST(ExpandInputs, EmptyFolderAndSymlinkLoop) {
  ScratchDir dir;
  const std::string root = dir.File("loop");
  std::filesystem::create_directories(root + "/inner");
  WriteFile(root + "/inner/a.jsonl", "x");
  std::filesystem::create_directory_symlink(root, root + "/inner/back");
  std::filesystem::create_directories(dir.File("empty"));
  auto files = ExpandInputs({root, dir.File("empty")});
  ASSERT_OK(files);
  EXPECT_EQ(*files, std::vector<std::string>{root + "/inner/a.jsonl"});
}

TEST(ExpandInputs, UnreadableFolder) {
  if (geteuid() == 0) {
    GTEST_SKIP() << "running as root: folder permissions do not stop root";
  }
  ScratchDir dir;
  const std::string locked = dir.File("locked");
  std::filesystem::create_directories(locked);
  ASSERT_EQ(chmod(locked.c_str(), 0), 0);
  auto files = ExpandInputs({locked});
  chmod(locked.c_str(), 0755);
  EXPECT_EQ(files.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(files.status().message(), locked + ": Permission denied");
}

}  // namespace
}  // namespace neardup
