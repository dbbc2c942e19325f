#!/usr/bin/env python3
"""Business through a stack's HTTP API for the backup test: orders by
enterprises and uploads by a provider, each acknowledged one recorded.

  activity.py BASE OUT.jsonl PHASE ORDERS UPLOADS

Logs in ent01…ent06 and prov01 (demo), places ORDERS orders (each with
its Idempotency-Key) and uploads UPLOADS distinct PDFs as attachments of
prov01's draft application (created on first use; items provider.1…10,
then product.1.1…7), appending one JSON line per acknowledged order
({kind: order, id, login, product_id, at}) or upload ({kind: file, app,
item, sha256, at}) to OUT.jsonl.
"""
import hashlib
import http.client
import json
import sys
import time
import urllib.parse
import uuid

PRODUCTS = [34, 15, 12, 42, 11, 47, 36, 5]
ITEMS = ["provider.%d" % i for i in range(1, 11)] + ["product.1.%d" % i for i in range(1, 8)]


def request(base, method, path, body=None, token=None, headers=None, raw=None):
    u = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    out = r.read()
    c.close()
    try:
        return r.status, json.loads(out) if out else None, out
    except ValueError:
        return r.status, None, out


def login(base, name):
    for _ in range(30):
        st, doc, _ = request(base, "POST", "/api/session",
                             {"login": name, "password": "demo-pass-2024"})
        if st == 200:
            return doc["token"]
        time.sleep(1)
    raise SystemExit("activity: cannot log in as %s" % name)


def pdf(tag):
    return (b"%PDF-1.4\n% " + tag.encode() + b"\n1 0 obj\n<< /Type /Catalog >>\n"
            b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def main():
    base, out, phase, norders, nuploads = sys.argv[1], sys.argv[2], sys.argv[3], \
        int(sys.argv[4]), int(sys.argv[5])
    log = open(out, "a", buffering=1)
    ents = ["ent%02d" % i for i in (15, 16, 17, 18, 19, 20)]
    tokens = {e: login(base, e) for e in ents}
    acked = refused = 0
    for i in range(norders):
        e = ents[i % len(ents)]
        pid = PRODUCTS[i % len(PRODUCTS)]
        key = "backup-%s-%s" % (phase, uuid.uuid4())
        for _ in range(10):
            st, doc, _ = request(base, "POST", "/api/orders", {"product_id": pid},
                                 tokens[e], {"Idempotency-Key": key})
            if st not in (0, 409, 500, 502, 503) or (doc or {}).get("error", {}).get(
                    "code") != "request_in_progress":
                break
            time.sleep(0.5)
        if st == 201:
            acked += 1
            log.write(json.dumps({"kind": "order", "id": doc["id"], "login": e,
                                  "product_id": pid, "at": time.time()}) + "\n")
        else:
            refused += 1
    prov = login(base, "prov01")
    state = out + ".app"
    try:
        app, used = json.load(open(state))
    except (OSError, ValueError):
        st, doc, _ = request(base, "POST", "/api/applications", token=prov)
        if st != 201:
            raise SystemExit("activity: cannot create a draft application: %s %s" % (st, doc))
        app, used = doc["id"], 0
    files = 0
    for _ in range(nuploads):
        item = ITEMS[used]
        used += 1
        body = pdf("%s-%s" % (phase, uuid.uuid4().hex))
        st, doc, raw = request(base, "PUT", "/api/applications/%d/attachments/%s?name=%s.pdf"
                               % (app, item, item), token=prov,
                               headers={"Content-Type": "application/pdf"}, raw=body)
        if st not in (200, 201):
            raise SystemExit("activity: upload %s: %s %s" % (item, st, raw[:200]))
        files += 1
        log.write(json.dumps({"kind": "file", "app": app, "item": item,
                              "sha256": hashlib.sha256(body).hexdigest(),
                              "at": time.time()}) + "\n")
    json.dump([app, used], open(state, "w"))
    print("activity %s: %d orders acknowledged, %d refused, %d files uploaded"
          % (phase, acked, refused, files))


if __name__ == "__main__":
    main()
