"""One call at the top of every notebook: repeatable seeds, readable figures, the device in use."""

from __future__ import annotations

import random
import warnings

import torch

from .checks import require_bool, require_int
from .device import available_cores, default_device
from .i18n import set_language, tr
from .i18n.fonts import use_cjk_font
from .randomness import set_course_seed


def setup(seed: int = 0, quiet: bool = False, threads: int | None = 1, lang: str = "en"):
    """Seed Python and torch, use ``threads`` CPU threads, set a small figure style; return the device.

    One thread is the default, the answer of the course's one thread policy
    (:func:`rnnlab.device.default_threads`) for its models on a shared machine: splitting a
    64×256 matrix product across threads costs more than it saves, and when
    anything else runs on the machine (a browser, another kernel) extra threads
    wait on each other. Measured on a 2-core machine: one epoch of COURSE_RECIPE
    took 1.3 s with 1 thread and 4.8 s with 2 (61 s while another job ran).
    ``threads=None`` keeps torch's own choice; more threads than the machine has CPU cores
    are refused (they could only wait on each other).

    ``lang`` is the language rnnlab speaks from now on ("en" or "zh": checker feedback, widget
    labels, panel reports, progress bars, the glossary); the Chinese edition's lessons pass
    ``lang="zh"``. A CJK font, when one is installed, becomes matplotlib's fallback for Chinese glyphs.

    ``seed`` also starts the course-wide seed stream (:mod:`rnnlab.randomness`): after
    ``setup(seed)``, helpers called with ``seed=None`` (the data loaders) are repeatable too.
    """
    seed = require_int("seed", seed, minimum=0)
    quiet = require_bool("quiet", quiet)
    if threads is not None:
        threads = require_int("threads", threads, minimum=1, maximum=available_cores())
    set_language(lang)  # checked last: a refused argument changes nothing
    random.seed(seed)
    torch.manual_seed(seed)
    set_course_seed(seed)
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        import matplotlib

        matplotlib.rcParams.update({
            "figure.figsize": (6.4, 3.6),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
        })
        if use_cjk_font() is None and lang == "zh":
            warnings.warn(tr("setup.no_cjk_font", font="Noto Sans CJK SC"), stacklevel=2)
    except ImportError:  # pragma: no cover
        pass
    device = default_device()
    if not quiet:
        print(tr("setup.ready", torch=torch.__version__.split("+")[0], device=device.type))
    return device
