#!/usr/bin/python3
"""The longest functions of C and C++ files, for issue 11's figure (no
function over 120 lines in src/, tools/ and python/src/).

    bench/function_lengths.py python/src/*.cc python/src/*.h
    TOP=20 bench/function_lengths.py src/*/*.cc tools/*.cc

A function is a brace block opened outside any other function (namespace,
class and struct bodies do not count as functions) whose head holds a
parenthesis; its length runs from the first line of its signature to its
closing brace, lambdas and local classes included. Comments, strings and
character literals are skipped. A heuristic reader, not a parser: macros
that open braces can fool it. Prints "LINES FILE:LINE HEAD", longest
first (TOP rows, default 8).
"""

import os
import re
import sys


def _blank(text):
    """text with comments, strings and characters blanked (newlines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i)
            j = n if j < 0 else j + 2
        elif text.startswith('R"(', i):
            j = text.find(')"', i)
            j = n if j < 0 else j + 2
        elif text[i] in "\"'":
            j = i + 1
            while j < n and text[j] != text[i]:
                j += 2 if text[j] == "\\" else 1
            j += 1
        else:
            out.append(text[i])
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", text[i:j]))
        i = j
    return "".join(out)


def _scope_opens(head):
    return (re.search(r"\bnamespace\b[^;{}]*$", head) or
            re.search(r"\b(struct|class|enum|union)\b[^;(){}]*$", head) or
            re.search(r'extern\s+"', head))


def functions(path):
    """(length, first line, head) of each function of the file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = _blank(f.read()).split("\n")
    found, stack = [], []  # stack: "scope", "block" or (first line, head)
    for number, line in enumerate(lines, 1):
        for column, ch in enumerate(line):
            if ch == "{":
                if any(s != "scope" for s in stack):
                    stack.append("block")
                    continue
                head = " ".join(lines[max(0, number - 4):number - 1] +
                                [line[:column]])
                if _scope_opens(head):
                    stack.append("scope")
                elif "(" in head or ")" in head:
                    first = number
                    while first > 1:
                        before = lines[first - 2].strip()
                        if (not before or before.endswith((";", "}", "{"))
                                or before.startswith("#")):
                            break
                        first -= 1
                    stack.append((first, " ".join(head.split())[-60:]))
                else:
                    stack.append("block")
            elif ch == "}" and stack:
                top = stack.pop()
                if isinstance(top, tuple):
                    found.append((number - top[0] + 1, top[0], top[1]))
    return found


def main(paths):
    rows = sorted(((length, path, first, head)
                   for path in paths
                   for length, first, head in functions(path)),
                  reverse=True)
    for length, path, first, head in rows[:int(os.environ.get("TOP", 8))]:
        print("%4d %s:%d  %s" % (length, path, first, head))


if __name__ == "__main__":
    main(sys.argv[1:])
