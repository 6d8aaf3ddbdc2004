# Sourced by course.sh and test.sh: build .venv from nothing, or do nothing if it is up to date.
# Needs only Python >= 3.10 with venv and pip. Set PYTHON to choose the interpreter.
set -euo pipefail
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "rnnlab needs Python 3.10 or newer; '$PYTHON' is $("$PYTHON" --version 2>&1)." >&2
    echo "Set PYTHON=/path/to/python3.11 and run again." >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    "$PYTHON" -m venv .venv
fi
# Reinstall only when the dependency list changed (pyproject.toml is its single source).
stamp=.venv/.rnnlab-installed
want=$(.venv/bin/python -c 'import hashlib,sys; print(hashlib.sha1(open("pyproject.toml","rb").read()).hexdigest())')
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> installing rnnlab and its dependencies into .venv"
    .venv/bin/python -m pip install --quiet --upgrade pip
    # torch first, pinned: a plain 'torch' would pull a multi-GB CUDA build where a CPU one does.
    .venv/bin/python -m pip install --quiet "${TORCH_SPEC:-torch==2.13.0}"
    .venv/bin/python -m pip install --quiet -e ".[test]"
    echo "$want" > "$stamp"
fi
