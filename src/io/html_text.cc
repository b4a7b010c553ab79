// HtmlToText: tags out, text in, blocks on their own lines.

#include "io/html_text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "text/utf8_internal.h"

namespace neardup::internal {
namespace {

constexpr int kNoBreak = 0;
constexpr int kLineBreak = 1;
constexpr int kParagraphBreak = 2;

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool IsAsciiAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }
bool IsHtmlSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool StartsWithNoCase(std::string_view s, size_t at, std::string_view prefix) {
  if (s.size() - at < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[at + i]) != prefix[i]) return false;
  }
  return true;
}

// Elements dropped together with their contents.
bool IsDroppedElement(std::string_view name) {
  return name == "script" || name == "style" || name == "noscript" ||
         name == "template" || name == "svg";
}

int BreakOf(std::string_view name) {
  static constexpr std::string_view kParagraph[] = {
      "address", "article",  "aside",      "blockquote", "center", "details",
      "dl",      "fieldset", "figcaption", "figure",     "footer", "form",
      "h1",      "h2",       "h3",         "h4",         "h5",     "h6",
      "header",  "hr",       "main",       "nav",        "ol",     "p",
      "pre",     "section",  "summary",    "table",      "title",  "ul",
      "body",    "html",     "head"};
  static constexpr std::string_view kLine[] = {
      "br", "caption", "dd",    "div",   "dt",     "li",   "option",
      "tr", "tbody",   "thead", "tfoot", "legend", "menu", "dialog"};
  for (std::string_view p : kParagraph) {
    if (name == p) return kParagraphBreak;
  }
  for (std::string_view l : kLine) {
    if (name == l) return kLineBreak;
  }
  return kNoBreak;
}

// The HTML 4 Latin-1 entity names, for U+00A0 .. U+00FF in order.
constexpr std::string_view kLatin1Names[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar",
    "sect",   "uml",    "copy",   "ordf",   "laquo",  "not",    "shy",
    "reg",    "macr",   "deg",    "plusmn", "sup2",   "sup3",   "acute",
    "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",   "raquo",
    "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",
    "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute",
    "Ecirc",  "Euml",   "Igrave", "Iacute", "Icirc",  "Iuml",   "ETH",
    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",   "times",
    "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
    "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",
    "aelig",  "ccedil", "egrave", "eacute", "ecirc",  "euml",   "igrave",
    "iacute", "icirc",  "iuml",   "eth",    "ntilde", "ograve", "oacute",
    "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave", "uacute",
    "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};

struct NamedEntity {
  std::string_view name;
  int32_t cp;
};
constexpr NamedEntity kOtherNames[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},
    {"quot", '"'},      {"apos", '\''},     {"OElig", 0x152},
    {"oelig", 0x153},   {"Scaron", 0x160},  {"scaron", 0x161},
    {"Yuml", 0x178},    {"fnof", 0x192},    {"circ", 0x2C6},
    {"tilde", 0x2DC},   {"ensp", 0x2002},   {"emsp", 0x2003},
    {"thinsp", 0x2009}, {"zwnj", 0x200C},   {"zwj", 0x200D},
    {"lrm", 0x200E},    {"rlm", 0x200F},    {"ndash", 0x2013},
    {"mdash", 0x2014},  {"lsquo", 0x2018},  {"rsquo", 0x2019},
    {"sbquo", 0x201A},  {"ldquo", 0x201C},  {"rdquo", 0x201D},
    {"bdquo", 0x201E},  {"dagger", 0x2020}, {"Dagger", 0x2021},
    {"bull", 0x2022},   {"hellip", 0x2026}, {"permil", 0x2030},
    {"prime", 0x2032},  {"Prime", 0x2033},  {"lsaquo", 0x2039},
    {"rsaquo", 0x203A}, {"oline", 0x203E},  {"frasl", 0x2044},
    {"euro", 0x20AC},   {"trade", 0x2122},  {"larr", 0x2190},
    {"uarr", 0x2191},   {"rarr", 0x2192},   {"darr", 0x2193},
    {"harr", 0x2194},   {"minus", 0x2212},  {"hearts", 0x2665}};

// Windows-1252 for 0x80 .. 0x9F, which HTML reads numeric references in.
constexpr uint16_t kCp1252[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

int32_t LookupName(std::string_view name) {
  for (int i = 0; i < 96; ++i) {
    if (kLatin1Names[i] == name) return 0xA0 + i;
  }
  for (const NamedEntity& e : kOtherNames) {
    if (e.name == name) return e.cp;
  }
  return -1;
}

class Converter {
 public:
  explicit Converter(std::string* out) : out_(out) { out_->clear(); }

  void Run(std::string_view html) {
    const size_t n = html.size();
    size_t i = 0;
    while (i < n) {
      const char c = html[i];
      if (c == '<') {
        i = Markup(html, i);
      } else if (c == '&') {
        i = Reference(html, i);
      } else if (pre_depth_ == 0 && !IsHtmlSpace(c)) {
        // A run of ordinary text: the first byte writes any pending
        // separator, the rest are copied as they are.
        size_t j = i + 1;
        while (j < n && !IsHtmlSpace(html[j]) && html[j] != '<' &&
               html[j] != '&') {
          ++j;
        }
        Content(c);
        out_->append(html.data() + i + 1, j - i - 1);
        i = j;
      } else {
        Char(c);
        ++i;
      }
    }
  }

 private:
  // Handles the markup starting at html[i] == '<'; returns where text
  // resumes.
  size_t Markup(std::string_view html, size_t i) {
    const size_t n = html.size();
    if (html.compare(i, 4, "<!--") == 0) {
      const size_t end = html.find("-->", i + 4);
      return end == std::string_view::npos ? n : end + 3;
    }
    if (html.compare(i, 9, "<![CDATA[") == 0) {
      const size_t end = html.find("]]>", i + 9);
      const size_t stop = end == std::string_view::npos ? n : end;
      for (size_t k = i + 9; k < stop; ++k) Char(html[k]);
      return end == std::string_view::npos ? n : end + 3;
    }
    if (i + 1 < n && (html[i + 1] == '!' || html[i + 1] == '?')) {
      const size_t end = html.find('>', i + 2);  // doctype, <?xml ...?>
      return end == std::string_view::npos ? n : end + 1;
    }
    const bool closing = i + 1 < n && html[i + 1] == '/';
    size_t j = i + (closing ? 2 : 1);
    if (j >= n || !IsAsciiAlpha(html[j])) {
      Char('<');  // a lone '<' is text
      return i + 1;
    }
    char name_buf[16];
    size_t name_len = 0;
    bool name_fits = true;
    while (j < n &&
           (IsAsciiAlnum(html[j]) || html[j] == '-' || html[j] == ':')) {
      if (name_len < sizeof(name_buf)) {
        name_buf[name_len++] = Lower(html[j]);
      } else {
        name_fits = false;
      }
      ++j;
    }
    const size_t end = TagEnd(html, j);
    if (end == n) return n;  // a tag cut off by the end: dropped
    if (!name_fits) return end + 1;
    const std::string_view name(name_buf, name_len);
    if (!closing && IsDroppedElement(name) && html[end - 1] != '/') {
      return SkipRawText(html, end + 1, name);
    }
    if (name == "pre") {
      if (closing) {
        pre_depth_ = std::max(0, pre_depth_ - 1);
      } else {
        ++pre_depth_;
      }
    }
    if (name == "td" || name == "th") {
      if (!closing) pending_space_ = true;
    } else if (const int level = BreakOf(name); level != kNoBreak) {
      Break(level);
    }
    return end + 1;
  }

  // Returns the index of the '>' closing a tag whose attributes start at
  // html[j], skipping quoted attribute values; html.size() when none.
  static size_t TagEnd(std::string_view html, size_t j) {
    const size_t n = html.size();
    bool after_equals = false;
    while (j < n) {
      const char c = html[j];
      if (c == '>') return j;
      if (c == '=') {
        after_equals = true;
      } else if (after_equals && (c == '"' || c == '\'')) {
        const size_t close = html.find(c, j + 1);
        if (close == std::string_view::npos) return n;
        j = close;
        after_equals = false;
      } else if (!IsHtmlSpace(c)) {
        after_equals = false;
      }
      ++j;
    }
    return n;
  }

  // Skips the contents of a dropped element up to and including its end
  // tag; returns where text resumes.
  static size_t SkipRawText(std::string_view html, size_t i,
                            std::string_view name) {
    const size_t n = html.size();
    for (;;) {
      const size_t lt = html.find("</", i);
      if (lt == std::string_view::npos) return n;
      const size_t after = lt + 2 + name.size();
      if (StartsWithNoCase(html, lt + 2, name) &&
          (after >= n || !IsAsciiAlnum(html[after]))) {
        const size_t end = html.find('>', after);
        return end == std::string_view::npos ? n : end + 1;
      }
      i = lt + 2;
    }
  }

  // Decodes the character reference at html[i] == '&'; returns where text
  // resumes.
  size_t Reference(std::string_view html, size_t i) {
    const size_t n = html.size();
    size_t j = i + 1;
    if (j < n && html[j] == '#') {
      ++j;
      const bool hex = j < n && (html[j] == 'x' || html[j] == 'X');
      if (hex) ++j;
      const size_t digits_begin = j;
      uint32_t value = 0;
      while (j < n) {
        const char c = html[j];
        uint32_t d;
        if (IsAsciiDigit(c)) {
          d = c - '0';
        } else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
          d = (c | 0x20) - 'a' + 10;
        } else {
          break;
        }
        value = std::min<uint32_t>(value * (hex ? 16 : 10) + d, 0x110000);
        ++j;
      }
      if (j == digits_begin) {
        Char('&');
        return i + 1;
      }
      if (j < n && html[j] == ';') ++j;
      int32_t cp = static_cast<int32_t>(value);
      if (cp >= 0x80 && cp <= 0x9F) {
        cp = kCp1252[cp - 0x80];
      } else if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        cp = 0xFFFD;
      }
      Codepoint(cp);
      return j;
    }
    while (j < n && j - i <= 8 && IsAsciiAlnum(html[j])) ++j;
    const std::string_view name = html.substr(i + 1, j - i - 1);
    const int32_t cp = name.empty() ? -1 : LookupName(name);
    if (cp >= 0) {
      if (j < n && html[j] == ';') {
        Codepoint(cp);
        return j + 1;
      }
      // Without ';' only the common legacy names count, and only when no
      // letter or digit follows ("&amp " but not "&ampere").
      const bool legacy = name == "amp" || name == "lt" || name == "gt" ||
                          name == "quot" || name == "nbsp";
      if (legacy && (j >= n || !IsAsciiAlnum(html[j]))) {
        Codepoint(cp);
        return j;
      }
    }
    Char('&');
    return i + 1;
  }

  void Codepoint(int32_t cp) {
    if (cp < 0x80) {
      Char(static_cast<char>(cp));
      return;
    }
    char buf[4];
    const int len = internal::EncodeUtf8(cp, buf);
    for (int k = 0; k < len; ++k) Content(buf[k]);
  }

  void Char(char c) {
    if (pre_depth_ > 0) {
      if (c == '\n') {
        // Inside <pre> every line break counts, two make a blank line.
        pre_spaces_.clear();
        if (pending_break_ == kLineBreak) {
          pending_break_ = kParagraphBreak;
        } else if (pending_break_ == kNoBreak) {
          pending_break_ = kLineBreak;
        }
      } else if (c == ' ' || c == '\t') {
        pre_spaces_.push_back(c);
      } else if (c != '\r') {
        Content(c);
      }
      return;
    }
    if (IsHtmlSpace(c)) {
      pending_space_ = true;
    } else {
      Content(c);
    }
  }

  void Break(int level) {
    pending_break_ = std::max(pending_break_, level);
    pending_space_ = false;
    pre_spaces_.clear();
  }

  // Appends a byte of visible text after whatever separator is pending.
  void Content(char c) {
    if (!out_->empty()) {
      if (pending_break_ == kParagraphBreak) {
        out_->append("\n\n");
      } else if (pending_break_ == kLineBreak) {
        out_->push_back('\n');
      } else if (pending_space_ && pre_spaces_.empty()) {
        out_->push_back(' ');
      }
    }
    if (pre_depth_ > 0) out_->append(pre_spaces_);
    pending_break_ = kNoBreak;
    pending_space_ = false;
    pre_spaces_.clear();
    out_->push_back(c);
  }

  std::string* out_;
  int pending_break_ = kNoBreak;
  bool pending_space_ = false;
  std::string pre_spaces_;  // spaces inside <pre> not yet written
  int pre_depth_ = 0;
};

}  // namespace

void HtmlToText(std::string_view html, std::string* out) {
  Converter converter(out);
  converter.Run(html);
}

}  // namespace neardup::internal
