#!/usr/bin/env python3
"""user_text.py - people read plain Chinese or the guide's own article
numbers (《工作指南》五（二）4), never the rule ids of SPEC (「规则 O3」,
「（R4）」): those are the vocabulary of the code and the tests (issue 11,
point 14). Scans every user-facing text: the string literals of the C
programs and libraries (fcgi-apps/, shared/, tools/: messages, timeline
reasons, printed forms) that hold Chinese, the site (nginx/html: the
pages' text and the modules' string literals) and the demo data (the
order timelines of sql/demo/). Comments are skipped. Prints each hit
with its file and line and ends with "N passed, N failed"."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# 「规则 O3」, or a rule id standing alone next to Chinese text:
# （R4）, R1、O6, (A3) - but not product.N.7, H5, 3A or an order number
RULE_ID = re.compile(
    r"规则\s*[A-Z]\d|(?<![A-Za-z0-9_.\-/#])[MTEPYAOCRV]\d{1,2}(?![\dA-Za-z_.])")
C_STR = re.compile(r'"(?:[^"\\\n]|\\.)*"')
JS_STR = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\]|\\.)*`')


def strip_c_comments(text):
    """Blanks /* */ and // comments, keeping line numbers and strings."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i) and (i == 0 or text[i - 1] != ":"):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def hits_in(text, pattern):
    for m in pattern.finditer(text):
        s = m.group(0)
        if CJK.search(s) and RULE_ID.search(s):
            yield text.count("\n", 0, m.start()) + 1, s


def files(top, exts):
    for d, _, names in os.walk(os.path.join(ROOT, top)):
        for name in sorted(names):
            if name.endswith(exts):
                yield os.path.join(d, name)


def main():
    bad = []
    checked = 0
    for top in ("fcgi-apps", "shared", "tools"):
        for p in files(top, (".c", ".h")):
            checked += 1
            text = strip_c_comments(open(p, encoding="utf-8").read())
            bad += [(p, ln, s) for ln, s in hits_in(text, C_STR)]
    for p in files("nginx/html", (".js", ".html")):
        checked += 1
        text = open(p, encoding="utf-8").read()
        if p.endswith(".html"):
            text = re.sub(r"<!--.*?-->", lambda m: re.sub(r"[^\n]", " ",
                          m.group(0)), text, flags=re.S)
            for ln, line in enumerate(text.split("\n"), 1):
                body = re.sub(r"<[^>]*>", " ", line)
                if CJK.search(body) and RULE_ID.search(body):
                    bad.append((p, ln, body.strip()))
        else:
            text = strip_c_comments(text)
            bad += [(p, ln, s) for ln, s in hits_in(text, JS_STR)]
    for p in files("sql/demo", (".py", ".sql")):
        checked += 1
        lines = open(p, encoding="utf-8").read().split("\n")
        for ln, line in enumerate(lines, 1):
            code = line.split("--")[0] if p.endswith(".sql") else \
                (line if not line.lstrip().startswith("#") else "")
            for m in JS_STR.finditer(code):
                s = m.group(0)
                if s[1:].startswith("-- "):
                    continue        # an SQL comment the generator writes
                if CJK.search(s) and RULE_ID.search(s):
                    bad.append((p, ln, s[:120]))
    for p, ln, s in bad:
        print("FAIL %s:%d: a rule id shown to people: %s"
              % (os.path.relpath(p, ROOT), ln, s))
    print("user texts: %d files checked" % checked)
    print("%d passed, %d failed" % (0 if bad else 1, 1 if bad else 0))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
