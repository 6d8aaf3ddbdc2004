#!/usr/bin/env bash
# Build everything from nothing (idempotent) and run the whole test suite, notebooks included:
# ruff, unit/property/browser tests, then every notebook and solution through nbval (strict).
# Extra arguments go to pytest, e.g. ./test.sh -k vocab
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
chromium=${RNNLAB_CHROMIUM:-/usr/bin/chromium}
no_browser="==> browser tests SKIPPED: $chromium not found. Install Chromium to run them:
    sudo apt-get install chromium fonts-noto-cjk   (Debian/Ubuntu; .ci/run does this)
    or point RNNLAB_CHROMIUM at a Chromium binary"
[ -x "$chromium" ] || echo "$no_browser"
echo "==> ruff"
.venv/bin/ruff check rnnlab tests benchmarks scripts slides-extension
echo "==> pytest"
status=0
.venv/bin/python -m pytest --nbval --nbval-current-env \
    --nbval-sanitize-with notebooks/sanitize.cfg --nbval-cell-timeout 900 "$@" || status=$?
[ -x "$chromium" ] || echo "$no_browser"
exit "$status"
