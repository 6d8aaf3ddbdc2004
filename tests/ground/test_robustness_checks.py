"""Issue 12: the shared argument checks accept numpy numbers and refuse bool, str, nan and inf clearly."""

import enum
import math

import numpy as np
import pytest
import torch

from rnnlab.checks import (
    require_bool,
    require_choice,
    require_float,
    require_int,
    require_positive_float,
    to_builtin,
)


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3), np.uint8(3), torch.tensor(3)])
def test_check_int_accepts_numpy_and_tensor_integers_as_int(value):
    got = require_int("n", value, minimum=1)
    assert got == 3 and type(got) is int


@pytest.mark.parametrize("value, match", [
    (True, r"n must be an integer, got True \(bool\)"),
    (np.bool_(True), r"n must be an integer, got .*True"),
    ("3", r"n must be an integer, got '3' \(str\).*not a string"),
    (3.0, r"n must be an integer, got 3.0 \(float\).*write 3 without the decimal point"),
    (math.nan, r"n must be an integer, got nan"),
    (None, r"n must be an integer, got None"),
])
def test_check_int_type_errors_name_value_and_allowed(value, match):
    with pytest.raises(TypeError, match=match):
        require_int("n", value, minimum=1)
    with pytest.raises(TypeError, match="allowed: integers >= 1"):
        require_int("n", value, minimum=1)


@pytest.mark.parametrize("value", [0.5, np.float32(0.5), np.float64(0.5), 1, np.int64(2),
                                   torch.tensor(0.5)])
def test_check_positive_float_accepts_numpy_numbers(value):
    got = require_positive_float("lr", value)
    assert type(got) is float and got > 0


@pytest.mark.parametrize("value, error", [
    (np.float64("nan"), ValueError), (np.float32("inf"), ValueError), (-np.float64(1), ValueError),
    ("0.1", TypeError), (True, TypeError), (np.bool_(True), TypeError), ([0.1], TypeError),
])
def test_check_positive_float_refuses_clearly(value, error):
    with pytest.raises(error, match="lr must be a finite number > 0, got"):
        require_positive_float("lr", value)


def test_check_float_ranges():
    assert require_float("noise", np.float32(0), minimum=0) == 0.0
    assert require_float("p", None, allow_none=True) is None
    with pytest.raises(ValueError, match=r"noise must be a finite number >= 0, got inf"):
        require_float("noise", math.inf, minimum=0)
    with pytest.raises(ValueError, match=r"p must be a finite number in \[0, 1\], got 2.0"):
        require_float("p", 2, minimum=0, maximum=1)
    with pytest.raises(TypeError, match=r"p must be a finite number, got 'x' \(str\)"):
        require_float("p", "x")


def test_check_bool_refuses_the_string_false():
    assert require_bool("flag", np.bool_(False)) is False
    with pytest.raises(TypeError, match=r"flag must be True or False, got 'False' \(str\)"):
        require_bool("flag", "False")
    with pytest.raises(TypeError, match="flag must be True or False, got 0"):
        require_bool("flag", 0)


def test_check_choice_with_an_unhashable_value():
    with pytest.raises(ValueError, match=r"cell must be one of 'rnn'; got \['rnn'\]"):
        require_choice("cell", ["rnn"], {"rnn"})


class Color(enum.Enum):
    RED = "red"


def test_to_builtin():
    out = to_builtin({"a": np.float64(1.5), "b": [np.int64(2), (np.str_("x"),)], "c": Color.RED,
                      "d": np.arange(3), "e": torch.tensor(2.0)})
    assert out == {"a": 1.5, "b": [2, ("x",)], "c": "red", "d": [0, 1, 2], "e": 2.0}
    assert type(out["a"]) is float and type(out["b"][0]) is int and type(out["b"][1][0]) is str
    with pytest.raises(TypeError, match=r"x\[1\] is a function"):
        to_builtin([1, lambda: 0], "x")
    with pytest.raises(TypeError, match="keys must be strings"):
        to_builtin({1: 2}, "x")
