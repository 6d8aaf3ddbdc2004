# Sourced by course.sh, book.sh and test.sh: build .venv from nothing, or do nothing if it is up to date.
# Needs only Python >= 3.10 with venv and pip. Set PYTHON to choose the interpreter.
# Installs the versions the course is tested with: constraints.txt pins them all.
#
# What is installed depends on who sources this file (RNNLAB_EXTRAS, set by the caller):
#   course.sh: lab             rnnlab, JupyterLab and the slideshow: what the lessons need
#   book.sh:   lab,book        + nbconvert, mistune, MathJax files and Pagefind for the book
#   test.sh:   lab,test,book   + pytest, nbval, hypothesis, ruff, playwright, nbgrader
# torch: on Linux, PyTorch's CPU build from PyTorch's own CPU wheel index (RNNLAB_TORCH_INDEX,
# default https://download.pytorch.org/whl/cpu) -- the default index serves Linux the CUDA build,
# about ten times larger. Where that index cannot be reached, pip's configured index, saying so.
# TORCH_SPEC replaces all of this for one torch of your choice (a CUDA build, say):
#   TORCH_SPEC="torch --index-url https://download.pytorch.org/whl/cu124" ./course.sh
# RNNLAB_BOOTSTRAP_DRY_RUN=1 prints the commands (one a line, "+ " first) and runs none
# (tests/tooling/test_bootstrap_plan.py checks each case that way).
set -euo pipefail
PYTHON=${PYTHON:-python3}
RNNLAB_EXTRAS=${RNNLAB_EXTRAS:-lab}
RNNLAB_TORCH_INDEX=${RNNLAB_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}
dry_run=${RNNLAB_BOOTSTRAP_DRY_RUN:-}
case "$RNNLAB_EXTRAS" in
    lab|lab,book|lab,test,book) ;;
    *) echo "bootstrap.sh: RNNLAB_EXTRAS must be lab, lab,book or lab,test,book; got '$RNNLAB_EXTRAS'" >&2
       exit 2 ;;
esac
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "rnnlab needs Python 3.10 or newer; '$PYTHON' is $("$PYTHON" --version 2>&1)." >&2
    echo "Set PYTHON=/path/to/python3.11 and run again." >&2
    exit 1
fi
_rnnlab_run() {  # run a command, or only print it under RNNLAB_BOOTSTRAP_DRY_RUN
    if [ -n "$dry_run" ]; then
        printf '+ %s\n' "$*"
    else
        "$@"
    fi
}
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    _rnnlab_run "$PYTHON" -m venv .venv
fi
venv_python=.venv/bin/python
[ -x "$venv_python" ] || venv_python=$PYTHON  # a dry run on a machine without .venv
# Reinstall only when what is installed could change: the dependency ranges (pyproject.toml),
# the pins (constraints.txt), the slideshow extension (slides-extension/), TORCH_SPEC or the extras.
# One stamp per set of extras: ./test.sh after ./course.sh installs the test tools once.
stamp=.venv/.rnnlab-installed-${RNNLAB_EXTRAS//,/-}
want=$(TORCH_SPEC="${TORCH_SPEC:-}" RNNLAB_EXTRAS="$RNNLAB_EXTRAS" "$venv_python" - <<'PY'
import hashlib, os, pathlib
h = hashlib.sha1((os.environ["TORCH_SPEC"] + "\0" + os.environ["RNNLAB_EXTRAS"]).encode())
files = [pathlib.Path("pyproject.toml"), pathlib.Path("constraints.txt")]
files += sorted(p for p in pathlib.Path("slides-extension").rglob("*") if p.is_file())
for p in files:
    h.update(str(p).encode() + b"\0" + p.read_bytes())
print(h.hexdigest())
PY
)
if [ -n "$dry_run" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> installing rnnlab[$RNNLAB_EXTRAS] and its dependencies into .venv (versions from constraints.txt)"
    constraints=constraints.txt
    torch_args=(torch)
    if [ -n "${TORCH_SPEC:-}" ]; then
        # A torch of your choice (a CUDA build, say): pin everything else, not torch.
        constraints=.venv/constraints-without-torch.txt
        [ -n "$dry_run" ] || grep -v -i '^torch==' constraints.txt > "$constraints"
        read -r -a torch_args <<< "$TORCH_SPEC"
        echo "==> torch: TORCH_SPEC=$TORCH_SPEC"
    elif [ "$(uname -s)" = Linux ]; then
        if "$venv_python" - "$RNNLAB_TORCH_INDEX" <<'PY' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen(sys.argv[1].rstrip("/") + "/torch/", timeout=15).close()
PY
        then
            echo "==> torch: the CPU build, from PyTorch's CPU wheel index $RNNLAB_TORCH_INDEX"
            torch_args=(--index-url "$RNNLAB_TORCH_INDEX" torch)
        else
            echo "==> torch: PyTorch's CPU wheel index $RNNLAB_TORCH_INDEX cannot be reached;"
            echo "    installing torch from pip's configured index instead (on Linux, PyPI's torch is the"
            echo "    CUDA build, about 10 times the download; a mirror may serve either)."
        fi
    fi
    _rnnlab_run "$venv_python" -m pip install --quiet --upgrade pip
    # torch first, on its own, at the pinned version, so that resolving the rest never swaps it
    # for another build (2.13.0+cpu satisfies the pin torch==2.13.0).
    _rnnlab_run "$venv_python" -m pip install --quiet -c "$constraints" "${torch_args[@]}"
    _rnnlab_run "$venv_python" -m pip install --quiet -c "$constraints" -e ".[$RNNLAB_EXTRAS]" ./slides-extension
    # Left over from older versions of the course: RISE and the MathJax 3 extension it
    # pulled in (incompatible with JupyterLab 4.6); the course presents with jupyterlab-slideshow.
    for old in jupyterlab-rise jupyterlab-mathjax3; do
        if "$venv_python" -m pip show --quiet "$old" >/dev/null 2>&1; then
            _rnnlab_run "$venv_python" -m pip uninstall --quiet --yes "$old"
        fi
    done
    [ -n "$dry_run" ] || echo "$want" > "$stamp"
fi
if [ -n "$dry_run" ]; then
    exit 0  # a dry run stops here: nothing was installed, so nothing can run
fi
