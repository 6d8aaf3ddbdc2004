#!/usr/bin/env bash
# Run the English lessons and solutions through nbval (strict) with PyTorch's CPU kernels and
# MKL's BLAS forced onto other code paths than this CPU's fastest ones: the way a student's older
# or different CPU (or another BLAS) computes. A printed number that only holds on one machine's
# rounding fails here. ./test.sh runs it after the main pass; run it alone with
#     scripts/other_numeric_path.sh [pytest arguments]
# (the Chinese edition runs the same code cells, so the English notebooks cover it).
set -euo pipefail
cd "$(dirname "$0")/.."
export ATEN_CPU_CAPABILITY=default        # PyTorch's plain (non-AVX) CPU kernels
export MKL_ENABLE_INSTRUCTIONS=SSE4_2     # MKL's SSE4.2 code path instead of AVX2/AVX-512
export MKL_CBWR=COMPATIBLE                # MKL's conditional numerical reproducibility: compatible mode
targets=(notebooks/[0-9][0-9]_*.ipynb notebooks/solutions)
if [ "$#" -gt 0 ] && [ -e "${!#}" ]; then targets=(); fi  # the caller named what to run
exec .venv/bin/python -m pytest --nbval --nbval-current-env \
    --nbval-sanitize-with notebooks/sanitize.cfg --nbval-cell-timeout 3600 -p no:cacheprovider \
    "${targets[@]}" "$@"
