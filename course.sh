#!/usr/bin/env bash
# Build everything from nothing (idempotent) and open the course in JupyterLab at lesson 00.
# Extra arguments go to jupyter lab, e.g. ./course.sh --no-browser --port 8890
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
args=("$@")
# As root (a container, a JupyterHub image, CI) JupyterLab refuses to start without --allow-root.
if [ "$(id -u)" = 0 ] && [[ " $* " != *" --allow-root "* ]]; then
    echo "==> running as root (a container?): starting JupyterLab with --allow-root"
    args+=(--allow-root)
fi
exec .venv/bin/jupyter lab --ServerApp.ip=127.0.0.1 notebooks/00_start_here.ipynb "${args[@]}"
