# Sourced by course.sh and test.sh: build .venv from nothing, or do nothing if it is up to date.
# Needs only Python >= 3.10 with venv and pip. Set PYTHON to choose the interpreter.
# Installs the versions the course is tested with: constraints.txt pins them all.
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
# Reinstall only when what is installed could change: the dependency ranges (pyproject.toml),
# the pins (constraints.txt), the slideshow extension (slides-extension/) or TORCH_SPEC.
stamp=.venv/.rnnlab-installed
want=$(TORCH_SPEC="${TORCH_SPEC:-}" .venv/bin/python - <<'PY'
import hashlib, os, pathlib
h = hashlib.sha1(os.environ["TORCH_SPEC"].encode())
files = [pathlib.Path("pyproject.toml"), pathlib.Path("constraints.txt")]
files += sorted(p for p in pathlib.Path("slides-extension").rglob("*") if p.is_file())
for p in files:
    h.update(str(p).encode() + b"\0" + p.read_bytes())
print(h.hexdigest())
PY
)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> installing rnnlab and its dependencies into .venv (versions from constraints.txt)"
    constraints=constraints.txt
    if [ -n "${TORCH_SPEC:-}" ]; then
        # A torch of your choice (a CUDA build, say): pin everything else, not torch.
        constraints=.venv/constraints-without-torch.txt
        grep -v -i '^torch==' constraints.txt > "$constraints"
    fi
    .venv/bin/python -m pip install --quiet --upgrade pip
    # torch first, on its own, at the pinned version (the CPU wheel where the index has it),
    # so that resolving the rest never swaps it for another build.
    .venv/bin/python -m pip install --quiet -c "$constraints" "${TORCH_SPEC:-torch}"
    .venv/bin/python -m pip install --quiet -c "$constraints" -e ".[lab,test,book]" ./slides-extension
    # Left over from older versions of the course: RISE and the MathJax 3 extension it
    # pulled in (incompatible with JupyterLab 4.6); the course presents with jupyterlab-slideshow.
    for old in jupyterlab-rise jupyterlab-mathjax3; do
        if .venv/bin/python -m pip show --quiet "$old" >/dev/null 2>&1; then
            .venv/bin/python -m pip uninstall --quiet --yes "$old"
        fi
    done
    echo "$want" > "$stamp"
fi
