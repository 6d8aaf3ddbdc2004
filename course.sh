#!/usr/bin/env bash
# Build everything from nothing (idempotent) and open the course in JupyterLab at lesson 00.
# ./course.sh --lang zh opens the Chinese edition (notebooks/zh/), with JupyterLab's own
# interface in Chinese (the zh-CN language pack is installed with the course).
# Other arguments go to jupyter lab, e.g. ./course.sh --no-browser --port 8890
set -euo pipefail
cd "$(dirname "$0")"
lang=en
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
        *) args+=("$1") ;;
    esac
    shift
done
case "$lang" in
    en) lesson=notebooks/00_start_here.ipynb ;;
    zh) lesson=notebooks/zh/00_start_here.ipynb ;;
    *)  echo "course.sh: --lang must be en (English) or zh (简体中文); got '$lang'" >&2
        exit 2 ;;
esac
source scripts/bootstrap.sh
if [ "$lang" = zh ]; then
    # JupyterLab's interface in Chinese for this run only: a settings folder of its own that sets
    # @jupyterlab/translation-extension:plugin {"locale": "zh_CN"}; the English edition keeps yours.
    settings=.venv/rnnlab-lab-zh/user-settings
    mkdir -p "$settings/@jupyterlab/translation-extension"
    printf '{\n    "locale": "zh_CN"\n}\n' > "$settings/@jupyterlab/translation-extension/plugin.jupyterlab-settings"
    args=(--LabApp.user_settings_dir="$PWD/$settings" "${args[@]}")
    echo "==> 简体中文版: $lesson (JupyterLab locale zh_CN)"
    if ! .venv/bin/python -c 'import jupyterlab_language_pack_zh_CN' 2>/dev/null; then
        echo "==> the zh-CN language pack is not installed, so JupyterLab's menus stay English:"
        echo "    .venv/bin/pip install jupyterlab-language-pack-zh-CN"
    fi
fi
# As root (a container, a JupyterHub image, CI) JupyterLab refuses to start without --allow-root.
if [ "$(id -u)" = 0 ] && [[ " ${args[*]-} " != *" --allow-root "* ]]; then
    echo "==> running as root (a container?): starting JupyterLab with --allow-root"
    args+=(--allow-root)
fi
command=(.venv/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks "$lesson" "${args[@]}")
if [ -n "${RNNLAB_COURSE_DRY_RUN:-}" ]; then  # tests: say what would run, run nothing
    printf '%s\n' "${command[*]}"
    exit 0
fi
if [ ! -f "$lesson" ]; then
    echo "course.sh: $lesson does not exist yet (build it with scripts/build_zh.py --execute)" >&2
    exit 1
fi
exec "${command[@]}"
