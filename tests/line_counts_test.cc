// Tests for cross-document line counts, the boilerplate rule, the saved
// count file (versioned, checksummed), URL hosts and merging cuts.

#include <cstring>
#include <functional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/clean.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "neardup/shingle.h"
#include "neardup/text.h"
#include "tests/test_util.h"
#include "xxhash.h"

namespace neardup {
namespace {

using test::Rng;

std::string Body(Rng& rng, int lines) {
  std::string text;
  for (int i = 0; i < lines; ++i) {
    for (int w = 0; w < 12; ++w) text += test::Word(rng.Uniform(100000)) + " ";
    text += "\n";
  }
  return text;
}

uint64_t Key(std::string_view line) {
  return LineCounter::LineKey(Normalize(line));
}

// Pages of two sites: every page of a site carries its navigation lines;
// one line ("Subscribe now") is on both sites.
struct Crawl {
  std::vector<std::string> texts;
  std::vector<std::string> sites;
};

Crawl MakeCrawl() {
  Rng rng(1);
  Crawl c;
  for (int i = 0; i < 6; ++i) {
    c.texts.push_back("Accessibility links\nBreaking News\n" + Body(rng, 5) +
                      "Subscribe now\nBreaking News\n");
    c.sites.push_back("news.example");
  }
  for (int i = 0; i < 2; ++i) {
    c.texts.push_back("Home | About | Contact\n" + Body(rng, 5) + "Subscribe now\n");
    c.sites.push_back("blog.example");
  }
  c.texts.push_back(Body(rng, 3) + "Subscribe now\n");  // no site
  c.sites.push_back("");
  return c;
}

TEST(LineCounterTest, CountsDocumentsNotOccurrences) {
  const Crawl crawl = MakeCrawl();
  LineCounter counter;
  for (size_t i = 0; i < crawl.texts.size(); ++i) {
    counter.AddDocument(crawl.texts[i], crawl.sites[i]);
  }
  counter.Finish(2);
  EXPECT_EQ(counter.documents(), 9u);
  // "Breaking News" twice per page, 6 pages: 6 documents.
  EXPECT_EQ(counter.Count(Key("Breaking News")), 6u);
  EXPECT_EQ(counter.Count(Key("  breaking   NEWS! ")), 6u);  // normalized
  EXPECT_EQ(counter.Count(Key("Subscribe now")), 9u);
  const uint64_t news = LineCounter::SiteKey("news.example");
  const uint64_t blog = LineCounter::SiteKey("blog.example");
  EXPECT_EQ(counter.SiteCount(news, Key("Subscribe now")), 6u);
  EXPECT_EQ(counter.SiteCount(blog, Key("Subscribe now")), 2u);
  EXPECT_EQ(counter.SiteCount(blog, Key("Breaking News")), 0u);
  // Body lines occur once: below the Finish threshold.
  EXPECT_EQ(counter.Count(Key(crawl.texts[0].substr(34, 20))), 0u);
}

TEST(LineCounterTest, PreparedOnAnyThreadAddedInOrder) {
  const Crawl crawl = MakeCrawl();
  LineCounter one, two;
  std::vector<LineCounter::Prepared> prepared(crawl.texts.size());
  // Prepared backwards (as another thread might), added in order.
  for (size_t i = crawl.texts.size(); i-- > 0;) {
    prepared[i] = LineCounter::Prepare(crawl.texts[i], crawl.sites[i]);
  }
  for (size_t i = 0; i < crawl.texts.size(); ++i) {
    one.AddDocument(crawl.texts[i], crawl.sites[i]);
    two.Add(prepared[i]);
  }
  one.Finish();
  two.Finish();
  EXPECT_EQ(one.Serialize(), two.Serialize());
}

// An article republished as near-copies (a feed copy, an AMP copy, one more
// with a word changed) on its own site: its headline and short paragraphs
// must not become boilerplate, while the site's navigation still does.
TEST(LineCounterTest, NearDuplicateDocumentsOfASiteCountOnce) {
  Rng rng(5);
  auto long_line = [&rng] {
    std::string s;
    for (int w = 0; w < 25; ++w) s += test::Word(rng.Uniform(1 << 20)) + " ";
    return s + "\n";
  };
  std::string body;
  for (int i = 0; i < 4; ++i) body += long_line();
  const std::string article = "Nav Home\nMinister resigns after vote\nA short paragraph here.\n" + body;
  LineCounter counter;
  for (int copy = 0; copy < 4; ++copy) {
    std::string text = article;
    if (copy == 3) text.replace(text.find(' ', 80), 1, " changed ");
    counter.AddDocument(text, "news.example");
  }
  // Three other articles of the site with the same navigation.
  for (int i = 0; i < 3; ++i) {
    counter.AddDocument("Nav Home\nAnother headline " + test::Word(i) + "\n" + long_line() + long_line(),
                        "news.example");
  }
  counter.Finish(2);
  EXPECT_EQ(counter.near_duplicates(), 3u);
  const uint64_t site = LineCounter::SiteKey("news.example");
  EXPECT_EQ(counter.SiteCount(site, Key("Minister resigns after vote")), 0u);
  EXPECT_EQ(counter.SiteCount(site, Key("A short paragraph here.")), 0u);
  EXPECT_EQ(counter.SiteCount(site, Key("Nav Home")), 4u);
  // Pages made of short lines only are never near-duplicates: the crawl's
  // navigation pages all count.
  LineCounter nav;
  for (int i = 0; i < 5; ++i) nav.AddDocument("Home\nAbout\nContact us\n", "blog.example");
  nav.Finish(2);
  EXPECT_EQ(nav.near_duplicates(), 0u);
  EXPECT_EQ(nav.SiteCount(LineCounter::SiteKey("blog.example"), Key("Contact us")), 5u);
}

// The set of near-duplicate bands is exact: a document is a near-duplicate
// exactly when one of its bands was added before, also for keys crowded
// into one of the set's tables (the same high 16 bits: it grows many times),
// keys whose low 48 or 52 bits are zero, and keys that differ from another
// only in their high bits.
TEST(LineCounterTest, NearDuplicateBandsAreSeenExactly) {
  Rng rng(11);
  std::vector<uint64_t> pool;
  for (int i = 0; i < 3000; ++i) {
    const uint64_t low = rng.Next() & ((uint64_t{1} << 48) - 1);
    pool.push_back(uint64_t{0x1234} << 48 | low);  // one table
    pool.push_back(rng.Next() << 48 | low);        // another table, same low
    pool.push_back(rng.Next() << 52 | low);
    pool.push_back(rng.Next());
  }
  for (int i = 0; i < 20; ++i) {  // low bits 0
    pool.push_back(rng.Next() << 48);
    pool.push_back(rng.Next() << 52);
  }
  LineCounter counter;
  std::unordered_set<uint64_t> seen;
  uint64_t expected = 0;
  for (int doc = 0; doc < 6000; ++doc) {
    LineCounter::Prepared p;
    for (int b = 0; b < 4; ++b) {
      // Mostly new keys, some drawn again.
      p.bands.push_back(rng.Uniform(4) == 0 ? pool[rng.Uniform(pool.size())]
                                            : rng.Next());
    }
    bool again = false;
    for (uint64_t band : p.bands) again |= !seen.insert(band).second;
    expected += again;
    counter.Add(p);
  }
  ASSERT_GT(expected, 500u);
  EXPECT_EQ(counter.near_duplicates(), expected);
}

TEST(LineCounterTest, SaveAndLoadAndCorruption) {
  const Crawl crawl = MakeCrawl();
  LineCounter counter;
  for (size_t i = 0; i < crawl.texts.size(); ++i) {
    counter.AddDocument(crawl.texts[i], crawl.sites[i]);
  }
  counter.Finish();
  const std::string bytes = counter.Serialize();
  auto loaded = LineCounter::Deserialize(bytes);
  ASSERT_OK(loaded);
  EXPECT_EQ(loaded->Serialize(), bytes);
  EXPECT_EQ(loaded->Count(Key("Breaking News")), 6u);
  // Every single flipped byte and every truncation is caught.
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] ^= 0x20;
    EXPECT_FALSE(LineCounter::Deserialize(bad).ok()) << "flip at " << i;
  }
  for (size_t n = 0; n < bytes.size(); n += 7) {
    EXPECT_EQ(LineCounter::Deserialize(bytes.substr(0, n)).status().code(),
              absl::StatusCode::kDataLoss);
  }
  // A file from another format version (with a valid header checksum)
  // says so: version 1 files, from before families and pairs, too.
  LineCounter empty;
  empty.Finish();
  std::string other_version = empty.Serialize();
  other_version[4] = 1;
  const uint64_t fixed = XXH3_64bits(other_version.data(), 20);
  for (int i = 0; i < 8; ++i) other_version[20 + i] = static_cast<char>(fixed >> (8 * i));
  EXPECT_NE(LineCounter::Deserialize(other_version).status().message().find("version 1"),
            std::string::npos);
  // Families and pairs survive the round trip.
  const uint64_t site = LineCounter::SiteKey("news.example");
  EXPECT_EQ(loaded->SiteEvidence(site, Key("Breaking News")).families, 6u);
  EXPECT_EQ(loaded->SitePairFamilies(site, Key("Accessibility links"),
                                     Key("Breaking News")),
            6u);
}

// Regression (found by tests/fuzz/line_counts_fuzzer.cc): a count that
// does not fit 32 bits, in a file whose checksums are right, was cut to its
// low 32 bits on loading instead of being refused.
TEST(LineCounterTest, CountBeyond32BitsIsRefused) {
  auto put = [](std::string* s, uint64_t v) {
    for (int i = 0; i < 8; ++i) s->push_back(static_cast<char>(v >> (8 * i)));
  };
  std::string file = "NDLC";
  put(&file, 2);  // format version
  put(&file, 7);  // documents
  put(&file, XXH3_64bits(file.data(), file.size()));
  for (uint64_t count : {uint64_t{5}, (uint64_t{1} << 32) + 2}) {
    std::string image = file;
    std::string section;
    put(&section, 1);  // one entry
    put(&section, 42);
    put(&section, count);
    image += section;
    put(&image, XXH3_64bits(section.data(), section.size()));
    std::string empty;
    put(&empty, 0);
    for (int section = 0; section < 2; ++section) {  // per site, pairs
      image += empty;
      put(&image, XXH3_64bits(empty.data(), empty.size()));
    }
    auto loaded = LineCounter::Deserialize(image);
    if (count == 5) {
      ASSERT_OK(loaded);
      EXPECT_EQ(loaded->Count(42), 5u);
      EXPECT_EQ(loaded->Serialize(), image);
    } else {
      EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
      EXPECT_NE(loaded.status().message().find("count out of range"),
                std::string::npos)
          << loaded.status();
    }
  }
}

// A LineRunStore in memory, which can lose its tail or flip a byte.
class MemoryRuns : public LineRunStore {
 public:
  absl::Status Append(std::string_view bytes) override {
    bytes_.append(bytes);
    return absl::OkStatus();
  }
  absl::Status ReadAt(uint64_t offset, size_t size, char* out) override {
    if (offset + size > bytes_.size()) {
      return absl::DataLossError("memory runs truncated");
    }
    std::memcpy(out, bytes_.data() + offset, size);
    return absl::OkStatus();
  }
  std::string bytes_;
};

// Pages of 12 sites in input order: each site's navigation lines and
// footer, paragraphs of 24 words (versions of one article share them, and
// link into families), short content lines, exact and edited copies (near
// duplicates of their site), and pages without a site.
std::vector<std::pair<std::string, std::string>> SitePages(int pages) {
  Rng rng(11);
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::string> paragraphs;
  for (int i = 0; i < pages; ++i) {
    const int site = static_cast<int>(rng.Uniform(13));
    std::string text;
    if (site < 12) {
      for (int n = 0; n < 4; ++n) {
        text += "Menu " + test::Word(site * 10 + n) + "\n";
      }
    }
    const int body = 2 + static_cast<int>(rng.Uniform(6));
    for (int b = 0; b < body; ++b) {
      if (!paragraphs.empty() && rng.Uniform(3) == 0) {
        text += paragraphs[rng.Uniform(paragraphs.size())] + "\n";
        continue;
      }
      std::string line;
      const int words = rng.Uniform(2) == 0 ? 24 : 5;
      for (int w = 0; w < words; ++w)
        line += test::Word(rng.Uniform(3000)) + " ";
      if (words == 24 && paragraphs.size() < 400) paragraphs.push_back(line);
      text += line + "\n";
    }
    if (site < 12) text += "Footer of site " + test::Word(site) + "\n";
    const std::string host =
        site < 12 ? "s" + std::to_string(site) + ".example" : "";
    if (!out.empty() && rng.Uniform(8) == 0) {
      out.push_back(out[rng.Uniform(out.size())]);  // an exact copy
    }
    out.push_back({text, host});
  }
  return out;
}

TEST(LineCounterTest, SpilledRunsGiveTheSameCounts) {
  const auto pages = SitePages(3000);
  LineCounter whole;
  for (const auto& [text, site] : pages) whole.AddDocument(text, site);
  whole.Finish(2);
  ASSERT_GT(whole.linked_documents(), 0u);
  ASSERT_GT(whole.near_duplicates(), 0u);
  const std::string expected = whole.Serialize();
  for (const uint64_t budget :
       {uint64_t{0}, uint64_t{4096}, uint64_t{100000}}) {
    MemoryRuns runs;
    LineCounter spilled;
    spilled.SpillTo(&runs, budget);
    for (const auto& [text, site] : pages) spilled.AddDocument(text, site);
    EXPECT_GT(spilled.spilled_bytes(), 0u);
    EXPECT_EQ(spilled.spilled_bytes(), runs.bytes_.size());
    spilled.Finish(2);
    ASSERT_OK(spilled.status());
    EXPECT_EQ(spilled.Serialize(), expected) << "budget " << budget;
    EXPECT_EQ(spilled.linked_documents(), whole.linked_documents());
    EXPECT_EQ(spilled.near_duplicates(), whole.near_duplicates());
  }
  // Spilled at any point by the caller, and only held entries: the same.
  MemoryRuns runs;
  LineCounter by_hand;
  by_hand.SpillTo(&runs, UINT64_MAX);
  for (size_t i = 0; i < pages.size(); ++i) {
    by_hand.AddDocument(pages[i].first, pages[i].second);
    if (i % 777 == 0) by_hand.Spill();
  }
  by_hand.Finish(2);
  ASSERT_OK(by_hand.status());
  EXPECT_EQ(by_hand.Serialize(), expected);
}

// Without the overall counts (as dedup counts), every site's counts, the
// cuts they make and the families are those of the whole counter, held or
// spilled, and the overall count is 0; with them, Count is the count.
TEST(LineCounterTest, SiteCountsWithoutTheOverallCountsAreTheSame) {
  const auto pages = SitePages(1500);
  LineCounter whole;
  for (const auto& [text, site] : pages) whole.AddDocument(text, site);
  whole.Finish(2);
  for (const uint64_t budget : {UINT64_MAX, uint64_t{4096}}) {
    MemoryRuns runs;
    LineCounter sites;
    sites.CountOverall(false);
    if (budget != UINT64_MAX) sites.SpillTo(&runs, budget);
    for (const auto& [text, site] : pages) sites.AddDocument(text, site);
    sites.Finish(2);
    ASSERT_OK(sites.status());
    EXPECT_EQ(sites.distinct_lines(), 0u);
    EXPECT_EQ(sites.linked_documents(), whole.linked_documents());
    EXPECT_EQ(sites.near_duplicates(), whole.near_duplicates());
    size_t cut = 0, counted = 0;
    for (const auto& [text, site] : pages) {
      std::vector<Cut> want, got;
      FindBoilerplate(text, site, whole, {}, &want);
      FindBoilerplate(text, site, sites, {}, &got);
      EXPECT_EQ(got, want);
      cut += want.size();
      for (const TextSpan& span : SplitLines(text)) {
        const uint64_t key = Key(span.In(text));
        const uint64_t site_key = LineCounter::SiteKey(site);
        const LineCounter::LineEvidence a = whole.SiteEvidence(site_key, key);
        const LineCounter::LineEvidence b = sites.SiteEvidence(site_key, key);
        EXPECT_EQ(b.docs, a.docs);
        EXPECT_EQ(b.families, a.families);
        EXPECT_EQ(b.first_doc, a.first_doc);
        EXPECT_EQ(sites.Count(key), 0u);
        counted += whole.Count(key) > 0;
      }
    }
    EXPECT_GT(cut, 100u);
    EXPECT_GT(counted, 100u);
  }
}

TEST(LineCounterTest, TruncatedOrCorruptRunsAreAnErrorNotACrash) {
  const auto pages = SitePages(600);
  auto count = [&](MemoryRuns* runs, const std::function<void()>& damage) {
    LineCounter counter;
    counter.SpillTo(runs, 2048);
    for (const auto& [text, site] : pages) counter.AddDocument(text, site);
    damage();
    counter.Finish(2);
    return counter;
  };
  {
    MemoryRuns runs;
    LineCounter counter =
        count(&runs, [&] { runs.bytes_.resize(runs.bytes_.size() / 2); });
    EXPECT_EQ(counter.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(counter.status().message().find("truncated"), std::string::npos)
        << counter.status();
    EXPECT_EQ(counter.distinct_lines(), 0u);
  }
  // A byte flipped in the first run, in the middle, near the end.
  for (double where : {0.0, 0.5, 0.99}) {
    MemoryRuns runs;
    LineCounter counter = count(&runs, [&] {
      runs.bytes_[static_cast<size_t>(where * (runs.bytes_.size() - 1)) + 1] ^=
          0x40;
    });
    EXPECT_EQ(counter.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(counter.status().message().find("corrupted"), std::string::npos)
        << counter.status();
    EXPECT_EQ(counter.distinct_lines(), 0u);
  }
}

TEST(BoilerplateTest, CutsFrequentShortLinesBySite) {
  const Crawl crawl = MakeCrawl();
  LineCounter counter;
  for (size_t i = 0; i < crawl.texts.size(); ++i) {
    counter.AddDocument(crawl.texts[i], crawl.sites[i]);
  }
  counter.Finish(2);
  std::vector<Cut> cuts;
  FindBoilerplate(crawl.texts[0], crawl.sites[0], counter, {}, &cuts);
  // Accessibility links, Breaking News (twice), Subscribe now.
  ASSERT_EQ(cuts.size(), 4u);
  for (const Cut& c : cuts) EXPECT_EQ(c.reason, CutReason::kBoilerplate);
  const std::string cleaned = *ApplyCuts(crawl.texts[0], cuts);
  EXPECT_EQ(cleaned.find("Breaking"), std::string::npos);
  EXPECT_EQ(std::count(cleaned.begin(), cleaned.end(), '\n'), 5);
  // The evidence comes with each cut.
  EXPECT_EQ(cuts[0].docs, 6u);
  EXPECT_EQ(cuts[0].families, 6u);
  EXPECT_EQ(cuts[0].first_doc, 0u);
  // On the blog (2 pages) nothing reaches 3 documents; at 2, its two lines
  // stand next to a different line on each page (its own text): the last
  // line is a one-line footer, the first (maybe a headline) stays.
  cuts.clear();
  FindBoilerplate(crawl.texts[6], crawl.sites[6], counter, {}, &cuts);
  EXPECT_TRUE(cuts.empty());
  cuts.clear();
  FindBoilerplate(crawl.texts[6], crawl.sites[6], counter, {.min_docs = 2}, &cuts);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(crawl.texts[6].substr(cuts[0].begin), "Subscribe now\n");
  // Moved inside the page, the same lines have no place: kept.
  const std::string moved = "Intro line\nHome | About | Contact\nMiddle line\n"
                            "Subscribe now\nOutro line\n";
  cuts.clear();
  FindBoilerplate(moved, crawl.sites[6], counter, {.min_docs = 2}, &cuts);
  EXPECT_TRUE(cuts.empty());
  // Without a site, the documents without url are the site: one here.
  cuts.clear();
  FindBoilerplate(crawl.texts[8], "", counter, {}, &cuts);
  EXPECT_TRUE(cuts.empty());
  // Long lines are content, however frequent.
  cuts.clear();
  FindBoilerplate(crawl.texts[0], crawl.sites[0], counter, {.max_line_bytes = 10}, &cuts);
  EXPECT_TRUE(cuts.empty());
}

TEST(BoilerplateTest, LinesOfRepeatFinderGiveTheSameCuts) {
  const Crawl crawl = MakeCrawl();
  LineCounter counter;
  for (size_t i = 0; i < crawl.texts.size(); ++i) {
    counter.AddDocument(crawl.texts[i], crawl.sites[i]);
  }
  counter.Finish(2);
  RepeatFinder finder;
  std::vector<Cut> repeats;
  size_t total = 0;
  for (size_t i = 0; i < crawl.texts.size(); ++i) {
    for (const uint32_t min_docs : {2u, 3u}) {
      std::vector<Cut> from_text, from_lines;
      FindBoilerplate(crawl.texts[i], crawl.sites[i], counter,
                      {.min_docs = min_docs}, &from_text);
      finder.Find(crawl.texts[i], &repeats);
      FindBoilerplate(finder.lines(), crawl.sites[i], counter,
                      {.min_docs = min_docs}, &from_lines);
      ASSERT_EQ(from_text.size(), from_lines.size()) << i;
      for (size_t c = 0; c < from_text.size(); ++c) {
        EXPECT_EQ(from_text[c].begin, from_lines[c].begin);
        EXPECT_EQ(from_text[c].end, from_lines[c].end);
      }
      total += from_text.size();
    }
  }
  EXPECT_GT(total, 10u);
}

// Documents with what changes how a line is counted: lines repeated
// exactly and nearly, long lines (10 and 20 words), short ones, CJK
// characters (each a word of its own), accents, punctuation only, blank
// lines, "\r\n" endings, no final line break; with and without a site.
std::vector<std::string> MixedTexts() {
  Rng rng(17);
  const char* pieces[] = {"Caf\xC3\xA9", "\xE6\x9D\xB1\xE4\xBA\xAC\xE9\x83\xBD",
                          "--", "2024-05-01", "Stra\xC3\x9F" "e", "\t", "!!"};
  std::vector<std::string> texts;
  for (int d = 0; d < 40; ++d) {
    std::vector<std::string> lines;
    const int n = 1 + static_cast<int>(rng.Uniform(14));
    for (int l = 0; l < n; ++l) {
      const uint64_t kind = rng.Uniform(6);
      if (kind == 0 && !lines.empty()) {
        lines.push_back(lines[rng.Uniform(lines.size())]);  // repeated
        continue;
      }
      if (kind == 1) {
        lines.push_back(pieces[rng.Uniform(7)]);
        continue;
      }
      if (kind == 2) {
        lines.push_back("");
        continue;
      }
      std::string line;
      const int words = kind == 3 ? 3 : 8 + static_cast<int>(rng.Uniform(20));
      for (int w = 0; w < words; ++w) {
        line += (rng.Uniform(8) == 0 ? std::string(pieces[rng.Uniform(7)])
                                     : test::Word(rng.Uniform(300))) +
                " ";
      }
      lines.push_back(line);
    }
    std::string text;
    for (size_t l = 0; l < lines.size(); ++l) {
      text += lines[l];
      if (l + 1 < lines.size() || d % 3 != 0) text += d % 4 == 1 ? "\r\n" : "\n";
    }
    texts.push_back(text);
  }
  return texts;
}

// The counting pass may take a document's lines from the repeat finder
// (the clean job does, so that a line is normalized once): the result
// must be Prepare(text, site)'s, near repeats on or off.
TEST(LineCounterTest, PreparedFromTheRepeatFinderEqualsFromTheText) {
  const std::vector<std::string> texts = MixedTexts();
  for (const double near : {0.8, 1.0}) {
    RepeatFinder finder({.near_similarity = near});
    std::vector<Cut> cuts, plain_cuts;
    for (size_t i = 0; i < texts.size(); ++i) {
      for (const std::string_view site : {"news.example", ""}) {
        const LineCounter::Prepared want = LineCounter::Prepare(texts[i], site);
        finder.FindKeepingWordHashes(texts[i], &cuts);
        const LineCounter::Prepared got = LineCounter::Prepare(finder, site);
        EXPECT_EQ(got.lines, want.lines) << i;
        EXPECT_EQ(got.pairs, want.pairs) << i;
        EXPECT_EQ(got.long_lines, want.long_lines) << i;
        EXPECT_EQ(got.site, want.site) << i;
        EXPECT_EQ(got.bands, want.bands) << i;
        // Keeping the word hashes changes no cut.
        RepeatFinder plain({.near_similarity = near});
        plain.Find(texts[i], &plain_cuts);
        EXPECT_EQ(cuts, plain_cuts) << i;
        // The lines Prepare can keep are the finder's.
        std::vector<KeyedLine> kept;
        const LineCounter::Prepared again =
            LineCounter::Prepare(texts[i], site, &kept);
        EXPECT_EQ(again.bands, want.bands) << i;
        ASSERT_EQ(kept.size(), finder.lines().size()) << i;
        for (size_t l = 0; l < kept.size(); ++l) {
          const KeyedLine& a = kept[l];
          const KeyedLine& b = finder.lines()[l];
          EXPECT_EQ(a.begin, b.begin);
          EXPECT_EQ(a.cut_end, b.cut_end);
          EXPECT_EQ(a.key, b.key);
          EXPECT_EQ(a.normalized_bytes, b.normalized_bytes);
          EXPECT_EQ(a.words, b.words);
        }
      }
    }
  }
}

// A document's near-duplicate bands are those of the 16-permutation
// MinHash of its long lines' word 5-grams taken together (Prepare signs
// the lines one by one and keeps each permutation's smallest value), and
// a Prepared reused for one document after another holds the last one's
// keys only.
TEST(LineCounterTest, BandsSignTheLongLinesTogetherAndReusedPreparedIsFresh) {
  const std::vector<std::string> texts = MixedTexts();
  Shingler shingler = *Shingler::Create({});
  const MinHasher hasher =
      *MinHasher::Create({.num_perm = 16, .seed = 0x6E656172});
  const uint64_t site = LineCounter::SiteKey("news.example");
  LineCounter::Prepared reused;
  int with_bands = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::vector<std::vector<uint64_t>> grams_of_line;
    std::vector<LineCounter::LineGrams> lines;
    std::vector<uint64_t> together;
    for (const TextSpan& span : SplitLines(texts[i])) {
      const std::string line = Normalize(span.In(texts[i]));
      if (line.empty()) continue;
      const size_t words = SplitWords(line).size();
      grams_of_line.emplace_back();
      shingler.Hash(line, &grams_of_line.back());
      if (words < 5) grams_of_line.back().clear();
      if (words >= 10) {
        together.insert(together.end(), grams_of_line.back().begin(),
                        grams_of_line.back().end());
      }
      lines.push_back({LineCounter::LineKey(line), words, {}});
    }
    for (size_t l = 0; l < lines.size(); ++l) {
      lines[l].grams = grams_of_line[l];
    }
    std::vector<uint64_t> want_bands;
    if (together.size() >= 10) {
      const std::vector<uint32_t> sig = hasher.Sign(together);
      for (int b = 0; b < 4; ++b) {
        const uint64_t band[3] = {site, static_cast<uint64_t>(b),
                                  BandKey(sig, b, 4)};
        want_bands.push_back(XXH3_64bits(band, sizeof(band)));
      }
      ++with_bands;
    }
    const LineCounter::Prepared fresh =
        LineCounter::Prepare(texts[i], "news.example");
    EXPECT_EQ(fresh.bands, want_bands) << i;
    LineCounter::Prepare(lines, "news.example", &reused);
    EXPECT_EQ(reused.lines, fresh.lines) << i;
    EXPECT_EQ(reused.pairs, fresh.pairs) << i;
    EXPECT_EQ(reused.long_lines, fresh.long_lines) << i;
    EXPECT_EQ(reused.site, fresh.site) << i;
    EXPECT_EQ(reused.bands, want_bands) << i;
  }
  EXPECT_GT(with_bands, 10);
  EXPECT_LT(with_bands, static_cast<int>(texts.size()));
  // A document without a site, prepared into the same object, counts
  // nothing of a site.
  LineCounter::Prepare({}, "", &reused);
  EXPECT_TRUE(reused.lines.empty() && reused.pairs.empty() &&
              reused.long_lines.empty() && reused.bands.empty());
  EXPECT_EQ(reused.site, 0u);
}

// A paragraph of `words` words (no two paragraphs alike).
std::string Para(Rng& rng, int words) {
  std::string s = "Para" + test::Word(rng.Uniform(1000));
  for (int w = 1; w < words; ++w) s += " " + test::Word(rng.Uniform(1 << 20));
  return s + ".";
}

// The lines of `text` that `cuts` remove whole, normalized.
std::vector<std::string> CutLines(const std::string& text,
                                  const std::vector<Cut>& cuts) {
  std::vector<std::string> out;
  for (const Cut& c : cuts) {
    std::string line = text.substr(c.begin, c.end - c.begin);
    while (!line.empty() && line.back() == '\n') line.pop_back();
    out.push_back(line);
  }
  return out;
}

struct Page {
  std::string text, site;
};

std::vector<Cut> CutsOf(const LineCounter& counter, const Page& page) {
  std::vector<Cut> cuts;
  FindBoilerplate(page.text, page.site, counter, {}, &cuts);
  return cuts;
}

LineCounter Count(const std::vector<Page>& pages) {
  LineCounter counter;
  for (const Page& p : pages) counter.AddDocument(p.text, p.site);
  counter.Finish(2);
  return counter;
}

const char kHeader[] = "News Example\nHome | World | Sport | Opinion\n";
const char kFooter[] = "Copyright News Example, all rights reserved\nPrivacy | Terms\n";

TEST(BoilerplateTest, ArticleRepublishedThreeTimesKeepsHeadlineAndBody) {
  Rng rng(40);
  std::vector<Page> pages;
  for (int i = 0; i < 6; ++i) {  // the site's other articles
    pages.push_back({kHeader + ("Headline " + test::Word(i) + "\n") +
                         Para(rng, 30) + "\n" + Para(rng, 30) + "\n" + kFooter,
                     "news.example"});
  }
  const std::string headline = "Minister resigns after the vote";
  std::vector<std::string> body;
  for (int i = 0; i < 5; ++i) body.push_back(Para(rng, 28));
  auto version = [&](bool header, std::vector<int> kept, int added) {
    std::string t = header ? kHeader : "";
    t += headline + "\n";
    for (int i : kept) t += body[i] + "\n";
    for (int i = 0; i < added; ++i) t += Para(rng, 30) + "\n";
    return t + (header ? "" : "Print this page\n") + kFooter;
  };
  // The original, an update that keeps three paragraphs and adds four, a
  // print view (no header) with three of them and three new ones: versions
  // that are not near-duplicates as wholes.
  const std::vector<Page> versions = {
      {version(true, {0, 1, 2, 3, 4}, 0), "news.example"},
      {version(true, {0, 1, 2}, 4), "news.example"},
      {version(false, {0, 2, 4}, 3), "news.example"}};
  pages.insert(pages.begin() + 2, versions.begin(), versions.end());
  const LineCounter counter = Count(pages);
  const uint64_t site = LineCounter::SiteKey("news.example");
  EXPECT_EQ(counter.near_duplicates(), 0u);
  EXPECT_EQ(counter.SiteEvidence(site, Key(headline)).docs, 3u);
  EXPECT_EQ(counter.SiteEvidence(site, Key(headline)).families, 1u);
  EXPECT_EQ(counter.linked_documents(), 2u);
  for (const Page& v : versions) {
    const std::vector<std::string> cut = CutLines(v.text, CutsOf(counter, v));
    for (const std::string& line : cut) {
      EXPECT_TRUE(std::string(kHeader).find(line) != std::string::npos ||
                  std::string(kFooter).find(line) != std::string::npos)
          << line;
    }
    EXPECT_GE(cut.size(), 2u);  // the footer at least
  }
}

TEST(BoilerplateTest, ParagraphQuotedByThreeOtherArticlesStaysInAllFour) {
  for (const std::string site : {"", "news.example"}) {
    SCOPED_TRACE("site '" + site + "'");
    Rng rng(41);
    const std::string quote = Para(rng, 22);  // under 200 bytes
    ASSERT_LE(Normalize(quote).size(), 200u);
    std::string a = "The original article\n";
    for (int i = 0; i < 4; ++i) a += Para(rng, 30) + "\n";
    a += quote + "\n" + Para(rng, 30) + "\n";
    std::vector<Page> pages = {{a, site}, {a, site}};  // A and a copy
    for (int i = 0; i < 2; ++i) {  // unrelated
      pages.push_back({"Unrelated " + test::Word(i) + "\n" + Para(rng, 30) + "\n",
                       site});
    }
    for (int i = 0; i < 3; ++i) {  // quoting; the last one ends with it
      std::string t = "A reply " + test::Word(i) + "\n" + Para(rng, 30) + "\n" +
                      quote + "\n";
      if (i < 2) t += Para(rng, 30) + "\n";
      pages.push_back({t, site});
    }
    const LineCounter counter = Count(pages);
    for (const Page& p : pages) {
      for (const std::string& line : CutLines(p.text, CutsOf(counter, p))) {
        ADD_FAILURE() << "cut: " << line;
      }
    }
  }
}

TEST(BoilerplateTest, CollectionWithoutUrlsKeepsEveryLineThatIsNotFurniture) {
  // Editions of a paper as plain records (no url): the masthead and the
  // footer are on every edition; a column is reprinted in four editions;
  // the listings recur in the middle of most editions.
  Rng rng(42);
  const std::string masthead = "The Morning Paper\nColumns | Letters | Listings\n";
  const std::string footer = "Printed and published by the Morning Paper\n";
  const std::string listings = "Cinema: the harbour film, 8 pm\nTheatre: a comedy in two acts, 7 pm\n";
  const std::string column = Para(rng, 30) + "\n" + Para(rng, 30) + "\n";
  std::vector<Page> pages;
  std::vector<std::string> furniture;
  for (int i = 0; i < 10; ++i) {
    std::string t = masthead + "Edition " + test::Word(i) + " headline\n" +
                    Para(rng, 25) + "\n";
    if (i % 3 == 0 || i == 8) t += column;
    if (i < 8) t += listings;
    t += Para(rng, 25) + "\n" + footer;
    pages.push_back({t, ""});
  }
  const LineCounter counter = Count(pages);
  size_t cut_lines = 0;
  for (const Page& p : pages) {
    for (const std::string& line : CutLines(p.text, CutsOf(counter, p))) {
      ++cut_lines;
      EXPECT_TRUE(masthead.find(line) != std::string::npos ||
                  footer.find(line) != std::string::npos)
          << line;
    }
  }
  EXPECT_EQ(cut_lines, 30u);  // masthead (2 lines) and footer of each
  // With fewer editions than twice min_docs, nothing: without a site, the
  // evidence must be much stronger.
  pages.resize(5);
  const LineCounter few = Count(pages);
  for (const Page& p : pages) EXPECT_TRUE(CutsOf(few, p).empty());
}

}  // namespace
}  // namespace neardup
