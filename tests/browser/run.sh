#!/usr/bin/env bash
# The browser journeys (tests/browser/journeys.mjs) against the running
# stack (VOUCHER_PORT, VOUCHER_CLOCK_FILE from tests/run.sh): installs
# playwright-core and axe-core from package-lock.json into the git-ignored
# node_modules when either is missing, and drives Debian's /usr/bin/chromium headless. Ends with
# "N passed, N failed"; screenshots go to tests/artifacts/ (git-ignored).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "FAIL browser: node and npm are missing (ops/deps.sh installs them)"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
	echo "FAIL browser: /usr/bin/chromium is missing (ops/deps.sh installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ ! -d "$HERE/node_modules/playwright-core" ] || [ ! -f "$HERE/node_modules/axe-core/axe.min.js" ]; then
	echo "installing playwright-core and axe-core (tests/browser/package-lock.json)"
	if ! (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error); then
		echo "FAIL browser: npm ci"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi
rm -rf "$HERE/../artifacts"
exec node "$HERE/journeys.mjs" "${1:-}"
