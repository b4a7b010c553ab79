// Writes the seed corpus of every fuzz target: `fuzz_seeds OUTDIR` creates
// OUTDIR/<target>/seed-NN for each target. The seeds are generated here,
// not copied from anywhere: well-formed inputs of each format (so that
// fuzzing starts deep in the parsers) and one or two of each kind of damage.

#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/clean.h"
#include "neardup/index.h"
#include "tests/words.h"

namespace {

namespace fs = std::filesystem;

using ::neardup::test::Word;

// `count` words starting at word number `first`, separated by spaces.
std::string Words(uint64_t first, int count) {
  std::string s;
  for (int i = 0; i < count; ++i) {
    if (i) s += ' ';
    s += Word(first + i);
  }
  return s;
}

std::string Gzip(std::string_view data) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

std::string JsonlLine(const std::string& id, const std::string& text) {
  return "{\"id\":\"" + id + "\",\"url\":\"https://example.com/" + id +
         "\",\"text\":\"" + text + "\",\"meta\":{\"n\":[1,2.5e3,null]}}\n";
}

std::string WarcRecord(const std::string& type, const std::string& block,
                       const std::string& extra = "") {
  return "WARC/1.0\r\nWARC-Type: " + type +
         "\r\nWARC-Record-ID: <urn:uuid:" + Word(block.size()) +
         ">\r\nWARC-Target-URI: https://example.com/\r\n" + extra +
         "Content-Length: " + std::to_string(block.size()) + "\r\n\r\n" +
         block + "\r\n\r\n";
}

std::map<std::string, std::vector<std::string>> Seeds() {
  std::map<std::string, std::vector<std::string>> seeds;
  const std::string text = Words(0, 40);
  const std::string paragraphs = Words(0, 12) + ".\n" + Words(20, 9) +
                                 "!\n\n" + Words(40, 15) + "\n" +
                                 Words(0, 12) + ".\n" + Words(20, 9) + "!\n";

  std::string jsonl = JsonlLine("a", text) + JsonlLine("b", Words(3, 40)) +
                      "\n  \n" + JsonlLine("c", "esc \\\"q\\\" \\u00e9\\n\\t");
  auto& j = seeds["jsonl_reader"];
  j.push_back(jsonl);
  j.push_back(Gzip(jsonl));
  j.push_back(Zstd(jsonl));
  j.push_back("\xEF\xBB\xBF" + JsonlLine("bom", text) + "{\"id\":1,\"text\":\"" +
              text + "\"}\r\n");
  j.push_back("{\"id\":\"x\",\"text\":\n{\"id\":\"y\"}\n[1,2]\n"
              "{\"text\":5}\n{\"text\":\"a\",\"text\":\"b\"}\n"
              "{\"text\":\"bad \xff byte\"}\n{\"text\":\"a\"} x\n");
  j.push_back("{\"id\":{\"k\":[[[[[[]]]]]]},\"text\":\"" + Words(60, 20) +
              "\",\"deep\":" + std::string(40, '[') + std::string(40, ']') +
              "}\n");

  const std::string wet = WarcRecord("warcinfo", "software: seeds\r\n") +
                          WarcRecord("conversion", paragraphs) +
                          WarcRecord("conversion", text);
  auto& w = seeds["warc_reader"];
  w.push_back(wet);
  w.push_back(Gzip(WarcRecord("conversion", text)) +
              Gzip(WarcRecord("conversion", Words(5, 30))));
  w.push_back(WarcRecord(
      "response",
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><p>" + text +
          "</p><script>x</script>&amp;&#233;</html>"));
  w.push_back(WarcRecord(
      "response", "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                  "Content-Type: text/plain\r\n\r\n" + Gzip(text)));
  std::string wrong = WarcRecord("conversion", text);
  wrong.replace(wrong.find("Content-Length: ") + 16, 1, "9");
  w.push_back(wrong + WarcRecord("conversion", Words(9, 9)));
  w.push_back("junk\r\n" + WarcRecord("conversion", text).substr(0, 150));

  auto& c = seeds["compressed_input"];
  c.push_back(std::string(1, '\0') + Gzip(text) + Gzip(paragraphs));
  c.push_back(std::string(1, '\0') + Zstd(text) + Zstd(paragraphs));
  c.push_back(std::string(1, '\1') + Gzip(text).substr(0, 30));
  c.push_back(std::string("\x02\x00\x40", 3) + paragraphs);
  c.push_back(std::string("\x03\x01\x00", 3) + paragraphs);

  const std::vector<std::string> texts = {
      text,
      "Stra\xC3\x9F" "e caf\xC3\xA9 \xEF\xBC\xA1\xEF\xBC\xA2 \xEF\xAC\x81 "
      "x\xC2\xB2 1\xC2\xA0" "000 \xE2\x80\x94 \xE6\x97\xA5\xE6\x9C\xAC "
      "\xE0\xB8\x81\xE0\xB8\xB2 \xF0\x9F\x98\x80",
      "bad \xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80 \xE2\x82 end \xFF",
      "a" + std::string(40, '\xCC') + "\x81 e\xCC\x81\xCC\x81\xCC\x81",
      "Dr. Smith said \"no.\" Then left!\r\nNext line\xE2\x80\xA8"
      "after\xC2\x85" "x\r\r\n\n  \n\tlast",
  };
  for (const char* target : {"normalize", "shingler", "repeats"}) {
    for (size_t i = 0; i < texts.size(); ++i) {
      seeds[target].push_back(std::string(1, static_cast<char>(0x3F + i * 37)) +
                              texts[i]);
    }
  }
  seeds["repeats"].push_back(std::string(1, '\x2E') + paragraphs);
  seeds["repeats"].push_back(std::string(1, '\x20') + Words(0, 10) + " " +
                             Words(0, 10) + "\n" + Words(30, 10) + ". " +
                             Words(30, 10) + ". end");
  for (const std::string& t : texts) seeds["segment"].push_back(t);
  seeds["segment"].push_back(paragraphs);

  auto& l = seeds["lsh"];
  // MinHash: 4 bands x 2 rows, alphabet 3, bucket cap 4.
  std::string minhash = std::string("\x00\x03\x01\x02\x02", 5);
  for (int d = 0; d < 40; ++d) {
    for (int i = 0; i < 8; ++i) minhash += static_cast<char>((d * 7 + i) % 5);
  }
  l.push_back(minhash);
  std::string simhash = std::string("\x01\x03\x10", 3);
  for (int i = 0; i < 32; ++i) simhash += static_cast<char>(i * 29);
  for (int i = 0; i < 120; ++i) simhash += static_cast<char>(i * 13);
  l.push_back(simhash);

  neardup::LineCounter counter;
  for (int d = 0; d < 6; ++d) {
    counter.AddDocument("Home | About\n" + Words(d * 50, 12) + "\nCopyright",
                        d % 2 ? "example.com" : "");
  }
  counter.Finish(2);
  seeds["line_counts"].push_back(std::string(1, '\0') + counter.Serialize());
  seeds["line_counts"].push_back(std::string(1, '\1') + counter.Serialize());
  seeds["line_counts"].push_back(std::string(1, '\x06') + paragraphs +
                                 std::string(1, '\0') + paragraphs);

  auto& ix = seeds["index_format"];
  for (const neardup::DedupMethod method :
       {neardup::DedupMethod::kMinHash, neardup::DedupMethod::kSimHash,
        neardup::DedupMethod::kExact}) {
    neardup::IndexOptions options;
    options.method = method;
    options.num_perm = 16;  // small files: the fuzzer mutates every byte
    auto index = neardup::Index::Create(options);
    if (!index.ok()) continue;
    for (int d = 0; d < 3; ++d) {
      index->Insert("k" + std::to_string(d), Words(d * 3, 12), "o").IgnoreError();
    }
    ix.push_back(std::string(1, '\0') + index->Serialize());
    ix.push_back(std::string(1, '\1') + index->Serialize());
  }

  auto& h = seeds["html_text"];
  h.push_back("<!DOCTYPE html><html><head><title>T</title><style>p{}</style>"
              "</head><body><h1>" + Words(0, 5) + "</h1><p>" + text +
              "</p><ul><li>a<li>b</ul><table><tr><td>x<td>y</table>"
              "<pre>  kept   \n  </pre><!-- c --><![CDATA[cd]]>"
              "&nbsp;&mdash;&#x1F600;&#0;&#xD800;&bogus;</body></html>");
  h.push_back("<p>unterminated <b attr='>' x=\"y\">bold<script>if(a<b)");

  auto& js = seeds["json_string"];
  js.push_back(text);
  js.push_back(std::string("q\"b\\s/\b\f\n\r\t\x01\x1F\x7F", 13) + "\xC3\xA9");
  js.push_back("bad \xFF\xC0\xAF\xED\xA0\x80 \xE2\x82");
  return seeds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  size_t files = 0;
  for (const auto& [target, inputs] : Seeds()) {
    const fs::path dir = fs::path(argv[1]) / target;
    fs::create_directories(dir);
    for (size_t i = 0; i < inputs.size(); ++i) {
      char name[32];
      std::snprintf(name, sizeof(name), "seed-%02zu", i);
      std::ofstream out(dir / name, std::ios::binary);
      out << inputs[i];
      if (!out) {
        std::fprintf(stderr, "%s: cannot write %s\n", argv[0],
                     (dir / name).c_str());
        return 1;
      }
      ++files;
    }
  }
  std::printf("%zu seeds written to %s\n", files, argv[1]);
  return 0;
}
