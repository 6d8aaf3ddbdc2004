#!/usr/bin/env bash
# Build everything from nothing (idempotent) and the course as a static website in _build/book/:
# the executed lessons, worked solutions and glossary, English at / and Chinese at /zh/.
# Nothing is executed and nothing is fetched: the pages show the notebooks' committed outputs.
# Extra arguments go to scripts/build_book.py, e.g. ./book.sh --repo OWNER/rnnlab (Binder and Colab links
# on every page; --branch, default main). Search (Pagefind) comes with the book extra.
set -euo pipefail
cd "$(dirname "$0")"
RNNLAB_EXTRAS=lab,book source scripts/bootstrap.sh
.venv/bin/python scripts/build_book.py "$@"
echo "==> open _build/book/index.html, or serve it: .venv/bin/python -m http.server -d _build/book 8000"
