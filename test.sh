#!/usr/bin/env bash
# Build everything from nothing (idempotent) and run the whole test suite, notebooks included:
# ruff, unit/property/browser tests, then every notebook and solution through nbval (strict).
# Extra arguments go to pytest, e.g. ./test.sh -k vocab
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
echo "==> ruff"
.venv/bin/ruff check rnnlab tests benchmarks scripts
echo "==> pytest"
exec .venv/bin/python -m pytest --nbval --nbval-current-env \
    --nbval-sanitize-with notebooks/sanitize.cfg --nbval-cell-timeout 900 "$@"
