// Tests for HtmlToText: what is dropped, where lines break, entities, and
// robustness against broken markup.

#include "io/html_text.h"

#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace neardup::internal {
namespace {

std::string Text(std::string_view html) {
  std::string out = "stale";
  HtmlToText(html, &out);
  return out;
}

TEST(HtmlToText, PlainTextAndWhitespace) {
  EXPECT_EQ(Text(""), "");
  EXPECT_EQ(Text("just words"), "just words");
  EXPECT_EQ(Text("  many \n\t spaces   here  "), "many spaces here");
}

TEST(HtmlToText, DocumentWithBlocks) {
  const std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
      "<title>The  Title</title>"
      "<style>body { color: red; }</style>"
      "<script type=\"text/javascript\">var a = '<p>not text</p>';</script>"
      "</head>\n<body>\n<!-- a comment <p>hidden</p> -->"
      "<h1>Heading</h1>\n<p>First <b>bold</b> para-\ngraph.</p>"
      "<p>Second<br>line two<br/>line three</p>"
      "<ul><li>one</li><li>two</li></ul>"
      "<div>div text</div><div><div>nested</div></div>"
      "<noscript>enable JavaScript</noscript>"
      "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr>"
      "</table></body></html>";
  EXPECT_EQ(Text(html),
            "The Title\n\n"
            "Heading\n\n"
            "First bold para- graph.\n\n"
            "Second\nline two\nline three\n\n"
            "one\ntwo\n\n"
            "div text\nnested\n\n"
            "a b\nc d");
}

TEST(HtmlToText, Entities) {
  EXPECT_EQ(Text("a &amp; b &lt;c&gt; &quot;q&quot; &#39;s&#39; &apos;"),
            "a & b <c> \"q\" 's' '");
  EXPECT_EQ(Text("x&nbsp;y"), "x\xC2\xA0y");  // U+00A0 is kept, not collapsed
  EXPECT_EQ(Text("&eacute;&Uuml;&copy;&mdash;&hellip;&euro;"),
            "\xC3\xA9\xC3\x9C\xC2\xA9\xE2\x80\x94\xE2\x80\xA6\xE2\x82\xAC");
  EXPECT_EQ(Text("&#65;&#x42;&#X43;&#100000;"), "ABC\xF0\x98\x9A\xA0");
  // 0x80-0x9F as windows-1252; 0, surrogates and too large -> U+FFFD.
  EXPECT_EQ(Text("&#150;&#147;"), "\xE2\x80\x93\xE2\x80\x9C");
  EXPECT_EQ(Text("&#0;&#xD800;&#x110000;&#99999999999;"),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  // Legacy forms without ';', and things that are not references.
  EXPECT_EQ(Text("AT&amp T &lt 3"), "AT& T < 3");
  EXPECT_EQ(Text("&ampere; &unknown; & alone &#; &#x;"),
            "&ampere; &unknown; & alone &#; &#x;");
  EXPECT_EQ(Text("a&#10;b&#32;&#32;c"), "a b c");  // decoded spaces collapse
}

TEST(HtmlToText, BrokenMarkup) {
  EXPECT_EQ(Text("a < b and c > d"), "a < b and c > d");
  EXPECT_EQ(Text("x <3 y"), "x <3 y");
  EXPECT_EQ(Text("before <p unterminated"), "before");
  EXPECT_EQ(Text("before <!-- never closed <p>x</p>"), "before");
  EXPECT_EQ(Text("a<script>never closed"), "a");
  EXPECT_EQ(Text("<a title=\"x > y\" href='q>r'>link</a> text"), "link text");
  EXPECT_EQ(Text("<p>one</P><P>two</p>"), "one\n\ntwo");
  EXPECT_EQ(Text("<SCRIPT>x</SCRIPT >y</scripts>"), "y");
  EXPECT_EQ(Text("<script>a</scriptx>b</script>c"), "c");
  EXPECT_EQ(Text("</p></div><br><br><br>text<br><br>"), "text");
  EXPECT_EQ(Text("<averyveryverylongtagname>in</averyveryverylongtagname>"),
            "in");
}

TEST(HtmlToText, PreKeepsSpacesAndLines) {
  EXPECT_EQ(Text("<p>x</p><pre>  int a;\n  int  b;\n\n\n\nend</pre>after"),
            "x\n\n  int a;\n  int  b;\n\nend\n\nafter");
}

TEST(HtmlToText, CdataAndProcessingInstructions) {
  EXPECT_EQ(Text("<?xml version=\"1.0\"?><rss><item><title><![CDATA[A & B "
                 "<i>]]></title></item></rss>"),
            "A & B <i>");
}

TEST(HtmlToText, BytesAreNotTranscoded) {
  // Latin-1 bytes stay as they are; the text layer repairs them.
  EXPECT_EQ(Text("<p>caf\xE9</p>"), "caf\xE9");
}

TEST(HtmlToText, LargeInputIsLinear) {
  std::string html;
  for (int i = 0; i < 100000; ++i) html += "<div><span>w</span></div>";
  const std::string text = Text(html);
  EXPECT_EQ(text.size(), 100000u * 2 - 1);  // "w\nw\n...w"
}

TEST(HtmlToText, RandomMarkupNeverGrowsOrCrashes) {
  // Markup-heavy random input: any bytes are accepted, and the text is
  // never longer than the HTML (every construct shrinks or keeps size).
  const std::string alphabet = "<>/!-&#;x0123abcdeiprstly =\"' \n\t\xC3\xA9";
  const char* pieces[] = {"<p>",   "</p>",   "<script>",  "</script>",
                          "<!--",  "-->",    "<pre>",     "</pre>",
                          "&amp;", "&#x41;", "<![CDATA[", "]]>",
                          "<br>",  "<td>",   "&nbsp"};
  ::neardup::test::Rng rng(99);
  for (int round = 0; round < 2000; ++round) {
    std::string html;
    const size_t n = rng.Uniform(200);
    for (size_t i = 0; i < n; ++i) {
      if (rng.Uniform(4) == 0) {
        html += pieces[rng.Uniform(sizeof(pieces) / sizeof(pieces[0]))];
      } else {
        html += alphabet[rng.Uniform(alphabet.size())];
      }
    }
    const std::string text = Text(html);
    EXPECT_LE(text.size(), html.size()) << html;
  }
}

}  // namespace
}  // namespace neardup::internal
