"""The course-wide seed: what ``seed=None`` means once :func:`rnnlab.notebook.setup` has run.

``setup(seed)`` seeds Python and torch *and* starts a private stream of seeds here. A
helper called with ``seed=None`` (a data loader, for instance) takes its seed from that
stream with :func:`draw_seed`, so a notebook run top to bottom in a fresh kernel gives the
same batches every time, while two loaders made one after the other still differ. The
stream is a private ``random.Random``: drawing from it never touches torch's global
generator, so it does not shift any other random number in the notebook.

Before any ``setup`` (a plain script), ``seed=None`` means what it says: a fresh seed from
the operating system, different every run. An explicit integer seed always wins.
"""

from __future__ import annotations

import random

from .checks import require_int

_stream: random.Random | None = None


def set_course_seed(seed) -> None:
    """Start the course-wide stream of seeds from ``seed`` (``None`` turns it off)."""
    global _stream
    _stream = None if seed is None else random.Random(require_int("seed", seed, minimum=0))


def draw_seed(seed=None) -> int:
    """``seed`` itself if given; else the next seed of the course-wide stream; else a fresh one."""
    if seed is not None:
        return require_int("seed", seed, minimum=0)
    if _stream is not None:
        return _stream.getrandbits(63)
    return random.SystemRandom().getrandbits(63)
