#!/usr/bin/env python3
"""site.py SRC DEST - the static site as nginx serves it: copies SRC
(nginx/html) to DEST and adds content-hashed copies of the stylesheet and
the ES modules under DEST/assets/ (name.<sha256:10>.ext), with the
imports between modules and the references in every HTML page rewritten
to them, plus a <link rel="modulepreload"> for each module a page needs.
The assets are then cached for a year (immutable) and the HTML never
(nginx/voucher.conf.tmpl). Files keep their plain paths too (the
commitment form of the ordering program links /css/print.css).
Run by ops/stack.sh at each start."""
import hashlib
import json
import os
import re
import shutil
import sys

IMPORT = re.compile(r'''(from\s+|import\s*\(\s*|import\s+)(["'])\./([a-z0-9_-]+\.js)\2''')


def digest(data):
    return hashlib.sha256(data).hexdigest()[:10]


def main(src, dest):
    tmp = dest + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp)
    assets = os.path.join(tmp, "assets")
    os.makedirs(assets, exist_ok=True)
    hashed = {}  # "/js/x.js" -> "/assets/x.<h>.js"
    deps = {}    # "x.js" -> set of module file names it imports
    jsdir = os.path.join(src, "js")
    sources = {n: open(os.path.join(jsdir, n), encoding="utf-8").read()
               for n in sorted(os.listdir(jsdir)) if n.endswith(".js")}
    for n, text in sources.items():
        deps[n] = {m.group(3) for m in IMPORT.finditer(text)}
        missing = deps[n] - sources.keys()
        if missing:
            sys.exit("site.py: %s imports missing %s" % (n, ", ".join(missing)))
    names = {}  # "x.js" -> "x.<h>.js"
    while len(names) < len(sources):
        ready = [n for n in sources if n not in names and deps[n] <= names.keys()]
        if not ready:
            sys.exit("site.py: import cycle among " +
                     ", ".join(sorted(set(sources) - names.keys())))
        for n in ready:
            text = IMPORT.sub(lambda m: "%s%s./%s%s" % (
                m.group(1), m.group(2), names[m.group(3)], m.group(2)), sources[n])
            data = text.encode("utf-8")
            names[n] = "%s.%s.js" % (n[:-3], digest(data))
            with open(os.path.join(assets, names[n]), "wb") as f:
                f.write(data)
            hashed["/js/" + n] = "/assets/" + names[n]
    for n in sorted(os.listdir(os.path.join(src, "css"))):
        data = open(os.path.join(src, "css", n), "rb").read()
        h = "%s.%s.css" % (n[:-4], digest(data))
        with open(os.path.join(assets, h), "wb") as f:
            f.write(data)
        hashed["/css/" + n] = "/assets/" + h

    def closure(n, seen):
        for d in sorted(deps[n]):
            if d not in seen:
                seen.append(d)
                closure(d, seen)
        return seen

    for page in sorted(os.listdir(tmp)):
        if not page.endswith(".html"):
            continue
        path = os.path.join(tmp, page)
        html = open(path, encoding="utf-8").read()
        preload = []
        for m in re.finditer(r'<script type="module" src="/js/([a-z0-9_-]+\.js)"></script>', html):
            for d in closure(m.group(1), []):
                link = '<link rel="modulepreload" href="%s">' % hashed["/js/" + d]
                if link not in preload:
                    preload.append(link)
        html = re.sub(r'(href|src)="(/(?:js|css)/[a-z0-9_-]+\.(?:js|css))"',
                      lambda m: '%s="%s"' % (m.group(1), hashed.get(m.group(2), m.group(2))), html)
        if preload:
            html = html.replace("</head>", "\n".join(preload) + "\n</head>", 1)
        with open(path, "w", encoding="utf-8") as f:
            f.write(html)
    for root, dirs, files in os.walk(tmp):
        os.chmod(root, 0o755)
        for n in files:
            os.chmod(os.path.join(root, n), 0o644)
    # which programs this deployment runs: pages hide what is not there
    # yet instead of asking an API that answers 404 (VOUCHER_PROGRAMS,
    # space-separated, set by ops/stack.sh)
    with open(os.path.join(tmp, "features.json"), "w") as f:
        json.dump({"programs": sorted(os.environ.get("VOUCHER_PROGRAMS", "").split())}, f)
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(tmp, dest)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: site.py SRC DEST")
    main(sys.argv[1], sys.argv[2])
