"""upload_setup.py - prepares the upload benchmark through the real APIs of
a running demo stack (VOUCHER_PORT): N contracted orders of a product of
its own (bureau), placed by a demo enterprise, accepted and contracted by
the product's provider (prov01). Prints one line: the provider's bearer
token, then the order ids. Usage: upload_setup.py N"""
import http.client
import json
import os
import sys
import time
import uuid

PORT = int(os.environ.get("VOUCHER_PORT", "8080"))
PASSWORD = "demo-pass-2024"


def call(method, path, body=None, tok=None, headers=None):
    h = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    if tok:
        h["Authorization"] = "Bearer " + tok
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    try:
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        return r.status, json.loads(r.read() or b"null")
    finally:
        conn.close()


def login(name):
    for _ in range(100):
        status, body = call("POST", "/api/session",
                            {"login": name, "password": PASSWORD})
        if status != 429:
            assert status == 200, (name, status, body)
            return body["token"]
        time.sleep(0.25)
    raise SystemExit("login rate limit never cleared")


def main():
    n = int(sys.argv[1])
    bureau, prov = login("bureau"), login("prov01")
    status, prod = call("POST", "/api/bureau/products", {
        "provider_id": 1, "category": "it", "name": "上传压测" + uuid.uuid4().hex[:8],
        "description": "upload benchmark", "market_price": 20000,
        "voucher_price": 10000, "units": n}, bureau)
    assert status == 201, (status, prod)
    ids, ents = [], ["ent%02d" % i for i in range(2, 15)]
    for e in ents:
        if len(ids) == n:
            break
        tok = login(e)
        while len(ids) < n:
            status, o = call("POST", "/api/orders", {"product_id": prod["id"]},
                             tok, {"Idempotency-Key": uuid.uuid4().hex})
            if status == 409:       # this enterprise's allowance is used up
                break
            assert status == 201, (status, o)
            ids.append(o["id"])
    assert len(ids) == n, "not enough allowance left in ent02..ent14"
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    for i in ids:
        status, body = call("POST", "/api/provider/orders/%d/accept" % i,
                            tok=prov)
        assert status == 200, (status, body)
        status, body = call("PUT", "/api/provider/orders/%d/contract" % i, {
            "contract_no": "BENCH-%d" % i, "signed_on": today,
            "service_start_on": today, "amount": 10000, "period_months": 1},
            prov)
        assert status == 200, (status, body)
    print(prov, *ids)


if __name__ == "__main__":
    main()
