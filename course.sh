#!/usr/bin/env bash
# Build everything from nothing (idempotent) and open the course in JupyterLab at lesson 00.
#
# You work in your own copy of the lessons, work/notebooks/ (git-ignored; made from the
# committed notebooks/ on the first run; a lesson added later is copied in on the next run,
# and nothing of yours is ever overwritten), so `git pull` never conflicts with your runs.
# JupyterLab's root is work/, so README's paths (notebooks/04_rnn_from_scratch.ipynb) open.
#
#   ./course.sh                  English edition, lesson 00
#   ./course.sh --lang zh        Chinese edition (work/notebooks/zh/), JupyterLab's menus in Chinese
#   ./course.sh --reset 04       lesson 04 back to its committed state (yours is kept in work/.backup/);
#                                with --lang zh, the Chinese lesson 04; then JupyterLab opens it
# Other arguments go to jupyter lab, e.g. ./course.sh --no-browser --port 8890
# RNNLAB_WORK chooses another folder for the working copy (default: work).
set -euo pipefail
cd "$(dirname "$0")"
lang=en
reset=
resetting=
args=()
while [ "$#" -gt 0 ]; do
    case "$1" in
        --lang=*) lang=${1#--lang=} ;;
        --lang)
            if [ "$#" -lt 2 ]; then
                echo "course.sh: --lang needs a value: en (English) or zh (简体中文)" >&2
                exit 2
            fi
            lang=$2
            shift ;;
        --reset=*) reset=${1#--reset=}; resetting=1 ;;
        --reset)
            if [ "$#" -lt 2 ]; then
                echo "course.sh: --reset needs a lesson number, e.g. --reset 04" >&2
                exit 2
            fi
            reset=$2
            resetting=1
            shift ;;
        *) args+=("$1") ;;
    esac
    shift
done
case "$lang" in
    en) edition=notebooks ;;
    zh) edition=notebooks/zh ;;
    *)  echo "course.sh: --lang must be en (English) or zh (简体中文); got '$lang'" >&2
        exit 2 ;;
esac
if [ -n "$resetting" ]; then
    matches=()
    if [[ "$reset" =~ ^[0-9][0-9]$ ]]; then
        matches=("$edition/${reset}"_*.ipynb)
        [ -f "${matches[0]}" ] || matches=()
    fi
    if [ "${#matches[@]}" -ne 1 ]; then
        available=$(cd "$edition" && ls [0-9][0-9]_*.ipynb | cut -c1-2 | tr '\n' ' ')
        echo "course.sh: --reset needs a lesson's two-digit number, one of: ${available% }; got '$reset'" >&2
        exit 2
    fi
fi
# Tests (RNNLAB_COURSE_DRY_RUN) check the working copy and the command without installing.
[ -n "${RNNLAB_COURSE_DRY_RUN:-}" ] || source scripts/bootstrap.sh
work=${RNNLAB_WORK:-work}
# The working copy: every committed lesson and worked solution that is not there yet.
for nb in notebooks/[0-9][0-9]_*.ipynb notebooks/solutions/*.ipynb \
          notebooks/zh/[0-9][0-9]_*.ipynb notebooks/zh/solutions/*.ipynb; do
    [ -f "$nb" ] || continue
    if [ ! -e "$work/$nb" ]; then
        mkdir -p "$work/$(dirname "$nb")"
        cp "$nb" "$work/$nb"
    fi
done
if [ -n "$resetting" ]; then
    lesson=${matches[0]}
    backup="$work/.backup/$(date +%Y%m%d-%H%M%S)"
    mkdir -p "$backup"
    cp "$work/$lesson" "$backup/" 2>/dev/null || true
    cp "$lesson" "$work/$lesson"
    echo "==> $work/$lesson is the committed lesson again (yours was kept in $backup/)"
else
    lesson=$edition/00_start_here.ipynb
fi
if [ "$lang" = zh ]; then
    # JupyterLab's interface in Chinese for this run only: a settings folder of its own that sets
    # @jupyterlab/translation-extension:plugin {"locale": "zh_CN"}; the English edition keeps yours.
    settings=$work/.lab-zh/user-settings
    mkdir -p "$settings/@jupyterlab/translation-extension"
    printf '{\n    "locale": "zh_CN"\n}\n' > "$settings/@jupyterlab/translation-extension/plugin.jupyterlab-settings"
    args=(--LabApp.user_settings_dir="$(cd "$settings" && pwd)" "${args[@]}")
    echo "==> 简体中文版: $work/$lesson (JupyterLab locale zh_CN)"
    if [ -z "${RNNLAB_COURSE_DRY_RUN:-}" ] && ! .venv/bin/python -c 'import jupyterlab_language_pack_zh_CN' 2>/dev/null; then
        echo "==> the zh-CN language pack is not installed, so JupyterLab's menus stay English:"
        echo "    .venv/bin/pip install jupyterlab-language-pack-zh-CN"
    fi
fi
# As root (a container, a JupyterHub image, CI) JupyterLab refuses to start without --allow-root.
if [ "$(id -u)" = 0 ] && [[ " ${args[*]-} " != *" --allow-root "* ]]; then
    echo "==> running as root (a container?): starting JupyterLab with --allow-root"
    args+=(--allow-root)
fi
command=(.venv/bin/jupyter lab --ServerApp.ip=127.0.0.1 "--ServerApp.root_dir=$work" "$work/$lesson" "${args[@]}")
if [ -n "${RNNLAB_COURSE_DRY_RUN:-}" ]; then  # tests: say what would run, run nothing
    printf '%s\n' "${command[*]}"
    exit 0
fi
if [ ! -f "$work/$lesson" ]; then
    echo "course.sh: $lesson does not exist yet (build it with scripts/build_zh.py --execute)" >&2
    exit 1
fi
echo "==> your working copy: $work/ (reset a lesson: ./course.sh --reset NN)"
exec "${command[@]}"
