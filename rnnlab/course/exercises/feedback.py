"""The result of checking an exercise answer."""

from __future__ import annotations

import decimal
import functools
import math
import numbers
from dataclasses import dataclass

import torch

from ...i18n import tr


@dataclass(frozen=True)
class Feedback:
    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return tr("feedback.correct" if self.ok else "feedback.not_yet") + self.message

    def _repr_markdown_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return str(self)


def correct(message: str = "") -> Feedback:
    return Feedback(True, message)


def wrong(message: str) -> Feedback:
    return Feedback(False, message)


# --------------------------------------------------------------------------- helpers for checkers
def describe(value, limit: int = 80) -> str:
    """A short repr of a student's answer for a message (long reprs are cut)."""
    try:
        text = repr(value)
    except Exception:  # a repr that itself fails
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_number(value):
    """A student's number as a float: Python, numpy, a 0-d or one-element tensor/array; else None.

    ``bool`` and strings are not numbers here.
    """
    if isinstance(value, bool) or isinstance(value, (str, bytes)):
        return None
    if hasattr(value, "numel") and callable(value.numel):  # a torch tensor
        if value.numel() != 1 or value.dtype == torch.bool or value.is_complex():
            return None
        return float(value.detach().reshape(-1)[0])
    if type(value).__module__ == "numpy":
        if getattr(value, "size", 1) != 1 or "bool" in str(getattr(value, "dtype", "")) \
                or "complex" in str(getattr(value, "dtype", "")):
            return None
        try:
            return float(value.reshape(-1)[0]) if hasattr(value, "reshape") else float(value)
        except (TypeError, ValueError):
            return None
    if isinstance(value, (numbers.Real, decimal.Decimal)):   # int, float, Fraction, Decimal
        try:
            return float(value)
        except OverflowError:   # 10**400: a number, just past what a float holds
            return math.inf if value > 0 else -math.inf
    return None


def as_count(value):
    """A student's count as an int: any integer, or a float with an integral value; else None."""
    x = as_number(value)
    if x is None or not math.isfinite(x) or not x.is_integer():
        return None
    return int(x)


def never_crashes(checker):
    """Wrap a checker so that whatever happens inside it becomes feedback, never an exception."""

    @functools.wraps(checker)
    def safe(*args, **kwargs):
        try:
            result = checker(*args, **kwargs)
        except Exception as exc:  # the student's answer broke something we did not foresee
            return wrong(tr("feedback.unchecked", error=type(exc).__name__,
                            detail=" ".join(str(exc).split())[:200]))
        if not isinstance(result, Feedback):  # pragma: no cover - a checker bug
            return wrong(tr("feedback.unchecked_short"))
        return result

    return safe


def finite_number(answer, article: str = "one"):
    """``(value, None)`` for a finite number, else ``(None, feedback)`` asking for one."""
    value = as_number(answer)
    if value is None or not math.isfinite(value):
        if article not in ("one", "a"):  # pragma: no cover - a checker bug
            raise ValueError(f"article must be 'one' or 'a', got {article!r}")
        kind = "number" if value is None else "finite_number"
        return None, wrong(tr(f"feedback.give_{article}_{kind}", answer=describe(answer)))
    return value, None
