#!/usr/bin/env bash
# The upload benchmark (make bench calls it with a running stack): a 20 MB
# PDF uploaded through nginx to the redemption program (streamed to disk
# while hashed, fdatasync'ed, moved into place, recorded), as MB/s and as a
# ratio to a plain sequential write of the same bytes to the same
# filesystem (dd, 64 KiB blocks, fdatasync at the end: the program syncs
# the file too, so the reference does). Median of 3 each, alternating.
# Then the program's peak memory (VmHWM) during 8 concurrent 20 MB uploads:
# it streams through a 64 KiB buffer, so it must stay far below 8 x 20 MB.
# VmHWM cannot be reset: it is printed before and after.
#
# Environment: VOUCHER_STATE_DIR, VOUCHER_PORT of the stack (whose
# VOUCHER_UPLOAD_MAX must allow 20 MB: the default 20 MiB does).
# Goal (the issue): upload >= 40% of the plain write.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/bench
STATE=$VOUCHER_STATE_DIR
PORT=$VOUCHER_PORT
SIZE=$((20 * 1000 * 1000))
RUNS=3
CONC=8
WORK=$STATE/bench-upload
BASE=http://127.0.0.1:$PORT
GOAL_PCT=40

mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT
PID=$(cat "$STATE/run/redemption.pid")

echo "== upload: a $((SIZE / 1000000)) MB PDF, median of $RUNS; peak memory" \
    "during $CONC concurrent uploads"
read -r TOKEN ORDERS < <(python3 "$HERE/upload_setup.py" $((CONC + 1)))
read -ra ORDERS <<<"$ORDERS"

# A valid PDF of SIZE bytes (distinct per order: no duplicate flags).
make_pdf() {	# FILE TAG
	python3 - "$1" "$2" "$SIZE" <<'PY'
import sys
path, tag, size = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
head = b"%PDF-1.4\n% " + tag + b"\n"
tail = b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
with open(path, "wb") as f:
    f.write(head)
    left = size - len(head) - len(tail)
    chunk = b"%" + b"0123456789abcdef" * 4095 + b"\n"
    while left > 0:
        f.write(chunk[:left] if left < len(chunk) else chunk)
        left -= min(left, len(chunk))
    f.write(tail)
PY
}

for i in "${!ORDERS[@]}"; do
	make_pdf "$WORK/doc$i.pdf" "bench-$i-$$"
done

# upload ORDER FILE → seconds (fails unless 200/201)
upload() {
	local out code secs
	out=$(curl -sS -o "$WORK/reply.$1.json" -w '%{http_code} %{time_total}' \
	    -X PUT -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/pdf' --data-binary "@$2" \
	    "$BASE/api/redemptions/$1/files/contract")
	read -r code secs <<<"$out"
	case $code in 200|201) ;; *)
		echo "bench: upload answered $code: $(head -c 300 "$WORK/reply.$1.json")" >&2
		return 1 ;;
	esac
	echo "$secs"
}

# plain FILE → seconds of a sequential write of the same bytes
plain() {
	local t0 t1
	t0=$(date +%s%N)
	dd if="$1" of="$WORK/plain.out" bs=64k conv=fdatasync status=none
	t1=$(date +%s%N)
	rm -f "$WORK/plain.out"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", (b - a) / 1e9 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

cat "$WORK/doc0.pdf" >/dev/null	# both sides read it from the page cache
up=() ref=()
for _ in $(seq $RUNS); do
	ref+=("$(plain "$WORK/doc0.pdf")")
	up+=("$(upload "${ORDERS[0]}" "$WORK/doc0.pdf")")
done
UP=$(printf '%s\n' "${up[@]}" | median)
REF=$(printf '%s\n' "${ref[@]}" | median)

hwm() { awk '$1 == "VmHWM:" { print $2 }' "/proc/$PID/status"; }
rss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$PID/status"; }
HWM0=$(hwm)
RSS0=$(rss)
t0=$(date +%s%N)
pids=()
for i in $(seq 1 $CONC); do
	upload "${ORDERS[$i]}" "$WORK/doc$i.pdf" >"$WORK/conc$i.txt" &
	pids+=($!)
done
peak=0
while kill -0 "${pids[@]}" 2>/dev/null; do
	r=$(rss)
	[ "$r" -gt "$peak" ] && peak=$r
	sleep 0.05
done
conc_fail=0
for p in "${pids[@]}"; do wait "$p" || conc_fail=1; done
t1=$(date +%s%N)
HWM1=$(hwm)

python3 - "$SIZE" "$UP" "$REF" "$GOAL_PCT" "$HWM0" "$HWM1" "$RSS0" "$peak" \
    "$CONC" "$t0" "$t1" "${up[*]}" "${ref[*]}" <<'PY'
import sys
size, up, ref, goal = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
hwm0, hwm1, rss0, peak, conc = (int(x) for x in sys.argv[5:10])
t0, t1 = int(sys.argv[10]), int(sys.argv[11])
mb = size / 1e6
print("%-44s %9s %9s" % ("", "seconds", "MB/s"))
print("%-44s %9.3f %9.1f   (runs: %s)" % ("PUT /api/redemptions/{id}/files/contract", up,
      mb / up, sys.argv[12]))
print("%-44s %9.3f %9.1f   (runs: %s)" % ("plain write (dd bs=64k conv=fdatasync)", ref,
      mb / ref, sys.argv[13]))
pct = 100 * ref / up
print("upload / plain write: %.0f%%  goal >= %.0f%%: %s" % (pct, goal, "met" if pct >= goal else "MISSED"))
print("%d concurrent uploads: %.1f MB/s together" % (conc, conc * mb / ((t1 - t0) / 1e9)))
print("voucher-redemption memory: VmHWM %d kB before, %d kB after; VmRSS %d kB"
      " before, %d kB peak sampled (the %d files total %d MB)"
      % (hwm0, hwm1, rss0, peak, conc, conc * size // 1000000))
PY
[ $conc_fail -eq 0 ] || { echo "bench: a concurrent upload failed" >&2; exit 1; }
