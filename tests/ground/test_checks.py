import math

import pytest

from rnnlab.checks import require_choice, require_int, require_positive_float


def test_check_int_accepts_and_rejects_with_the_name_and_value():
    assert require_int("n", 3, minimum=1) == 3
    with pytest.raises(TypeError, match=r"n must be an integer, got True \(bool\)"):
        require_int("n", True)
    with pytest.raises(ValueError, match="n must be <= 4, got 5"):
        require_int("n", 5, maximum=4)


@pytest.mark.parametrize("bad", [0, -1.0, math.nan, math.inf])
def test_check_positive_float_rejects(bad):
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        require_positive_float("lr", bad)


def test_check_positive_float_none_only_when_allowed():
    assert require_positive_float("theta", None, allow_none=True) is None
    with pytest.raises(TypeError, match="theta must be a finite number > 0, got None"):
        require_positive_float("theta", None)


def test_check_choice():
    assert require_choice("cell", "gru", ("rnn", "gru")) == "gru"
    with pytest.raises(ValueError, match="cell must be one of 'rnn', 'gru'; got 'tcn'"):
        require_choice("cell", "tcn", ("rnn", "gru"))
