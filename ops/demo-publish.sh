#!/usr/bin/env bash
# demo-publish.sh - DEMO ONLY: makes the demo's public publicity list show
# one published batch, signed with this deployment's own key. ops/stack.sh
# runs it after the programs are up when VOUCHER_DEMO=1.
#
# Through the API, as the demo bureau account: when no batch is published
# yet, gathers the approved claims into a batch (POST /api/bureau/batches)
# and publishes it (POST /api/bureau/batches/{id}/publish). Does nothing
# when a batch is already published or there is no approved claim.
# Never fails the start: problems are reported on stderr, exit status 0.
#
# Environment: VOUCHER_PORT [8080].
set -uo pipefail

PORT=${VOUCHER_PORT:-8080}
BASE=http://127.0.0.1:$PORT
PASSWORD=demo-pass-2024		# the demo accounts' password (README)

say() { printf 'demo-publish: %s\n' "$*" >&2; }

# json FIELD: a top-level field of the JSON on stdin ("" when absent).
json() {
	python3 -c 'import json, sys
try:
    v = json.load(sys.stdin).get(sys.argv[1], "")
except Exception:
    v = ""
print("" if v is None else v)' "$1"
}

# call METHOD PATH [BODY]: prints the body then the status on its own line.
call() {
	local args=(-sS -X "$1" -w '\n%{http_code}' -H 'Content-Type: application/json')
	[ -n "${TOKEN:-}" ] && args+=(-H "Authorization: Bearer $TOKEN")
	[ $# -ge 3 ] && args+=(--data-binary "$3")
	curl "${args[@]}" "$BASE$2"
}

status_of() { tail -n 1 <<<"$1"; }
body_of() { sed '$d' <<<"$1"; }

# Is a batch published already? (public list; past the micro-cache)
out=$(call GET "/api/publicity/batches?per_page=100&demo=$$") || {
	say "the publicity program does not answer; skipped"
	exit 0
}
if [ "$(status_of "$out")" != 200 ]; then
	say "GET /api/publicity/batches answered $(status_of "$out"); skipped"
	exit 0
fi
if body_of "$out" | python3 -c 'import json, sys
sys.exit(0 if any(b["status"] in ("published", "paid") for b in json.load(sys.stdin)["items"]) else 1)'; then
	exit 0
fi

out=$(call POST /api/session "{\"login\":\"bureau\",\"password\":\"$PASSWORD\"}")
TOKEN=$(body_of "$out" | json token)
if [ -z "$TOKEN" ]; then
	say "cannot log in as bureau ($(status_of "$out")); skipped"
	exit 0
fi

out=$(call POST /api/bureau/batches '{}')
case $(status_of "$out") in
201) ;;
409)
	say "no approved claim to publish yet; the public list stays empty"
	exit 0
	;;
*)
	say "creating the batch failed ($(status_of "$out")): $(body_of "$out")"
	exit 0
	;;
esac
id=$(body_of "$out" | json id)

out=$(call POST "/api/bureau/batches/$id/publish" '{"period_days":7}')
if [ "$(status_of "$out")" = 200 ]; then
	say "published batch $id ($(body_of "$out" | json item_count) items," \
	    "sha256 $(body_of "$out" | json file_sha256))"
else
	say "publishing batch $id failed ($(status_of "$out")): $(body_of "$out")"
fi
call DELETE /api/session >/dev/null 2>&1
exit 0
