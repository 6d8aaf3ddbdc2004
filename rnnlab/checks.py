"""Argument checks shared by every module.

Each check raises an error that names the argument, the value it got and what
is allowed, so a student sees at once what to change: ``TypeError`` for a value
of the wrong type, ``ValueError`` for a value of the right type but outside
what is allowed.

numpy scalars (``np.int64(3)``, ``np.float32(0.1)``) and 0-d torch tensors are
accepted wherever a Python number is, and come back as the plain Python number;
``bool`` is never a number here (``True`` is almost always a mistake for ``1``),
nor is a string such as ``"3"``.
"""

from __future__ import annotations

import math
import numbers


def _type_name(value) -> str:
    return type(value).__name__


def _is_bool(value) -> bool:
    # numpy.bool_ is not a subclass of bool (its class is called "bool" in numpy 2, "bool_" before)
    return isinstance(value, bool) or (type(value).__module__ == "numpy"
                                       and _type_name(value) in ("bool", "bool_"))


def _scalar(value):
    """A 0-d torch tensor or numpy array as its Python number; anything else unchanged."""
    if hasattr(value, "ndim") and getattr(value, "ndim", None) == 0 and hasattr(value, "item") \
            and not isinstance(value, numbers.Number):
        dtype = str(getattr(value, "dtype", ""))
        if "bool" in dtype:
            return value  # reported as a bool below
        try:
            return value.item()
        except (TypeError, ValueError, RuntimeError):
            return value
    return value


def as_int(value):
    """``value`` as a Python int if it is an integer (Python, numpy, 0-d tensor; not bool), else None."""
    value = _scalar(value)
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        return None
    return int(value)


def as_real(value):
    """``value`` as a Python float if it is a real number (not bool, not str), else None."""
    value = _scalar(value)
    if _is_bool(value) or not isinstance(value, numbers.Real):
        return None
    return float(value)


def _range_text(minimum, maximum) -> str:
    if minimum is not None and maximum is not None:
        return f"in [{minimum}, {maximum}]"
    if minimum is not None:
        return f">= {minimum}"
    if maximum is not None:
        return f"<= {maximum}"
    return ""


def require_int(name: str, value, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer in ``[minimum, maximum]``; raise otherwise."""
    got = as_int(value)
    if got is None:
        hint = ""
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            hint = f"; write {int(value)} without the decimal point"
        elif isinstance(value, str):
            hint = "; pass a number, not a string"
        allowed = _range_text(minimum, maximum)
        allowed = f" (allowed: integers {allowed})" if allowed else ""
        raise TypeError(f"{name} must be an integer, got {value!r} ({_type_name(value)})"
                        f"{allowed}{hint}")
    if minimum is not None and got < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {got}")
    if maximum is not None and got > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {got}")
    return got


def require_float(name: str, value, minimum: float | None = None, maximum: float | None = None,
                allow_none: bool = False) -> float | None:
    """Return ``float(value)`` if it is a finite number in ``[minimum, maximum]`` (or None if allowed)."""
    if value is None and allow_none:
        return None
    parts = ["a finite number", _range_text(minimum, maximum)]
    allowed = " ".join(p for p in parts if p) + (" or None" if allow_none else "")
    got = as_real(value)
    if got is None:
        raise TypeError(f"{name} must be {allowed}, got {value!r} ({_type_name(value)})")
    if not math.isfinite(got) or (minimum is not None and got < minimum) \
            or (maximum is not None and got > maximum):
        raise ValueError(f"{name} must be {allowed}, got {got!r}")
    return got


def require_positive_float(name: str, value, allow_none: bool = False):
    """Return ``float(value)`` if it is a finite number > 0 (or None when allowed)."""
    if value is None and allow_none:
        return None
    allowed = "a finite number > 0" + (" or None" if allow_none else "")
    got = as_real(value)
    if got is None:
        raise TypeError(f"{name} must be {allowed}, got {value!r} ({_type_name(value)})")
    if not math.isfinite(got) or got <= 0:
        raise ValueError(f"{name} must be {allowed}, got {got!r}")
    return got


def require_bool(name: str, value) -> bool:
    """Return ``value`` if it is ``True`` or ``False`` (numpy's bool and a 0-d bool tensor too);
    raise otherwise (``0``, ``1``, ``"False"`` are not flags).

    A string such as ``'False'`` is refused: ``bool('False')`` is True, the opposite of what
    it says.
    """
    if _is_bool(value):
        return bool(value)
    if getattr(value, "ndim", None) == 0 and "bool" in str(getattr(value, "dtype", "")):
        return bool(value.item())   # a 0-d bool tensor or array
    hint = ""
    if isinstance(value, str) and value.strip() in ("True", "False"):
        hint = f"; write {value.strip()} without quotes (the string {value!r} is not a flag)"
    raise TypeError(f"{name} must be True or False, got {value!r} ({_type_name(value)}){hint}")


def require_choice(name: str, value, choices):
    """Return ``value`` if it is one of ``choices``; raise otherwise."""
    try:
        ok = value in choices
    except TypeError:  # e.g. an unhashable value against a set
        ok = False
    if not ok:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return value


def to_builtin(value, name: str = "value", where: str = ""):
    """``value`` rebuilt from plain built-in types only (dict, list, tuple, str, int, float, bool, None).

    numpy scalars and arrays, 0-d tensors, enums (an ``IntEnum`` becomes its int, a
    string enum its string) and str/int/float subclasses become the built-in type they
    stand for, so a file holding the result loads with ``torch.load(weights_only=True)``.
    Anything else (a tensor with more than one number, a model, a function) raises a
    TypeError that says where in ``value`` it sits.
    """
    import enum

    where = where or name
    if value is None or type(value) in (str, bool, int, float):
        return value
    if isinstance(value, enum.Enum):
        return to_builtin(value.value, name, where)
    if _is_bool(value):
        return bool(value)
    if isinstance(value, str):  # numpy.str_ and other str subclasses
        return str(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (list, tuple)):
        items = [to_builtin(v, name, f"{where}[{i}]") for i, v in enumerate(value)]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{name} keys must be strings; {where} has key {k!r} "
                                f"({_type_name(k)})")
            out[str(k)] = to_builtin(v, name, f"{where}[{str(k)!r}]")
        return out
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):  # a numpy array
        return to_builtin(value.tolist(), name, where)
    if _type_name(value) == "Tensor" and value.ndim == 0:
        return to_builtin(value.item(), name, where)
    raise TypeError(f"{name} may hold only dicts, lists, strings, numbers, bools and None "
                    f"(so loading never runs code); {where} is a {_type_name(value)}"
                    + ("; convert it with .tolist()" if hasattr(value, "tolist") else ""))


# --------------------------------------------------------------------------- sizes
#: Upper bounds on the size arguments, so that a slip (``200_000`` for ``200``, ``1e10`` points)
#: is refused with a clear error instead of the allocator's after minutes of swapping. Each is
#: what a laptop with 8 GB of memory holds with room to spare:
#: ``num_hiddens`` — the recurrent matrix alone is ``num_hiddens²`` floats (8192: 256 MiB);
MAX_NUM_HIDDENS = 8192
#: ``vocab_size`` — a word-level vocabulary of a whole library, far above any text of the course;
MAX_VOCAB_SIZE = 200_000
#: a model's parameters together (400 million float32 numbers: 1.6 GB, and as much again for
#: their gradients, and twice that for Adam's moments);
MAX_PARAMETERS = 400_000_000
#: a generated series' length (``noisy_sine``: 10 million float32 points, 40 MB).
MAX_SERIES_LENGTH = 10_000_000


def require_size(name: str, value, limit: int, minimum: int = 1) -> int:
    """Return ``value`` as an int in ``[minimum, limit]``; the error names the bound and why it exists."""
    got = require_int(name, value, minimum=minimum)
    if got > limit:
        raise ValueError(f"{name} must be <= {limit:,} (the course's bound: what a laptop's memory "
                         f"holds), got {got:,}")
    return got


def require_num_hiddens(value, name: str = "num_hiddens") -> int:
    """A hidden size: an integer in ``[1, MAX_NUM_HIDDENS]``."""
    return require_size(name, value, MAX_NUM_HIDDENS)
