#!/usr/bin/env bash
# The layers of shared/ (base → db → domain → web): no file of a layer
# includes a header of a higher one, and the operators' tools include no
# web header. The build enforces the same through each layer's -I path;
# this check names the offending line. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
layers=(base db domain web)
passed=0
failed=0
rank() { for i in "${!layers[@]}"; do [ "${layers[$i]}" = "$1" ] && echo "$i"; done; }
# header name -> its layer
declare -A owner
for l in "${layers[@]}"; do
	for h in shared/$l/*.h; do owner[$(basename "$h")]=$l; done
done
check() {	# file, its rank
	local f=$1 r=$2 bad=0 h
	while read -r h; do
		[ -n "${owner[$h]:-}" ] || continue
		if [ "$(rank "${owner[$h]}")" -gt "$r" ]; then
			echo "FAIL $f includes $h (layer ${owner[$h]})"
			bad=1
		fi
	done < <(grep -oE '^#include "[^"]+"' "$f" | sed -E 's/#include "(.*)"/\1/')
	return $bad
}
for l in "${layers[@]}"; do
	r=$(rank "$l")
	for f in shared/$l/*.[ch]; do
		if check "$f" "$r"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
	done
done
for f in tools/*.c; do	# below the web layer
	if check "$f" "$(rank domain)"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
