// Private to the io layer: a small HTML-to-text pass for the HTML payloads
// of WARC response records.
//
// It is not a browser: no DOM, no CSS. It is robust (any bytes in, linear
// time, no recursion) and predictable:
//  - tags and comments are dropped; <script>, <style>, <noscript>,
//    <template> and <svg> are dropped with their contents;
//  - block-level tags break lines: p, h1-h6, blockquote, pre, table, lists,
//    article, section, header, footer, nav, aside, main, form, figure,
//    title, hr... end a paragraph (one blank line); br, div, li, tr, dt, dd,
//    option, caption end a line; td and th are separated by a space;
//  - runs of whitespace become one space (not inside <pre>), lines are
//    trimmed, and runs of blank lines collapse to one;
//  - character references are decoded: &amp; &lt; &gt; &quot; &apos;, the
//    Latin-1 names (&nbsp; &eacute; ...), common typographic names (&mdash;
//    &hellip; &euro; ...), and numeric &#NNN; &#xHHH; (0, surrogates and
//    values above U+10FFFF become U+FFFD; 0x80-0x9F are read as
//    windows-1252, as browsers do). Unknown references stay as written;
//  - <![CDATA[...]]> sections (RSS, XHTML) are kept as text.
// Bytes are not transcoded: a page in another charset keeps its bytes, and
// the text layer repairs invalid UTF-8 later.

#ifndef NEARDUP_IO_HTML_TEXT_H_
#define NEARDUP_IO_HTML_TEXT_H_

#include <string>
#include <string_view>

namespace neardup::internal {

// Writes the text of `html` to *out (replacing its contents), without a
// trailing newline. Cost: linear in html.size().
void HtmlToText(std::string_view html, std::string* out);

}  // namespace neardup::internal

#endif  // NEARDUP_IO_HTML_TEXT_H_
