"""Issue 12, widgets: panel.set refuses what a control cannot show; log sliders; prints are kept."""

import math

import numpy as np
import pytest

from rnnlab.course import widgets


def _panel(**controls):
    seen = []
    panel = widgets.Panel(lambda **kw: seen.append(kw) or "ok", controls)
    return panel, seen


@pytest.mark.parametrize("value, error, match", [
    (1000, ValueError, r"hidden must be in \[1, 10\], got 1000"),
    (0, ValueError, r"hidden must be in \[1, 10\], got 0"),
    (2.7, TypeError, "hidden must be an integer, got 2.7"),
    ("3", TypeError, "hidden must be an integer, got '3'"),
    (True, TypeError, "hidden must be an integer, got True"),
    (math.inf, TypeError, "hidden must be an integer, got inf"),
])
def test_int_slider_values_are_not_clamped_or_coerced(value, error, match):
    panel, seen = _panel(hidden=widgets.int_slider("hidden", 4, 1, 10))
    with pytest.raises(error, match=match):
        panel.set(hidden=value)
    assert panel.controls["hidden"].value == 4 and len(seen) == 1


@pytest.mark.parametrize("value, error, match", [
    (math.inf, ValueError, "lr must be a finite number, got inf"),
    (math.nan, ValueError, "lr must be a finite number, got nan"),
    (5.0, ValueError, r"lr must be in \[0, 1\], got 5"),
    ("0.5", TypeError, "lr must be a finite number, got '0.5'"),
])
def test_float_slider_values_are_not_clamped_or_passed_through(value, error, match):
    panel, _ = _panel(lr=widgets.float_slider("lr", 0.5, 0, 1, 0.1))
    with pytest.raises(error, match=match):
        panel.set(lr=value)
    assert panel.controls["lr"].value == 0.5


def test_good_values_and_numpy_values_are_set():
    panel, seen = _panel(hidden=widgets.int_slider("hidden", 4, 1, 10),
                         lr=widgets.float_slider("lr", 0.5, 0, 1, 0.1))
    panel.set(hidden=np.int64(7), lr=np.float32(0.25))
    assert seen[-1] == {"hidden": 7, "lr": 0.25} and type(seen[-1]["hidden"]) is int


def test_log_slider_accepts_its_stops_despite_float_rounding():
    slider = widgets.log_slider("θ", 0.3, 0.01, 100, with_off=True)
    assert slider.value == 0.3
    assert [v for _, v in slider.options][:4] == [0.01, 0.03, 0.1, 0.3]
    assert widgets.log_slider("θ", 3 * 0.1, 0.01, 100).value == 0.3  # 0.30000000000000004
    panel, seen = _panel(theta=slider)
    panel.set(theta=3 * 10.0**-2)
    assert seen[-1] == {"theta": 0.03}
    with pytest.raises(ValueError, match=r"theta must be one of \[0.01, .*, None\], got 0.5"):
        panel.set(theta=0.5)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(min=0, max=100), ValueError, "min must be a finite number > 0, got 0"),
    (dict(min=-1, max=100), ValueError, "min must be a finite number > 0"),
    (dict(min=0.01, max=math.inf), ValueError, "max must be a finite number > 0, got inf"),
    (dict(min=10, max=1), ValueError, "min must be <= max"),
    (dict(min="a", max=1), TypeError, "min must be a finite number > 0, got 'a'"),
])
def test_log_slider_bad_ranges_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        widgets.log_slider("θ", 1.0, **kwargs)


def test_a_dropdown_option_named_off_arrives_as_itself():
    panel, seen = _panel(mode=widgets.dropdown("mode", ["on", "off"], "off"))
    assert seen[-1] == {"mode": "off"}
    panel.set(mode="on")
    assert seen[-1] == {"mode": "on"}
    with pytest.raises(ValueError, match=r"mode must be one of \['on', 'off'\], got None"):
        panel.set(mode=None)


def test_only_the_log_sliders_off_stop_is_none():
    panel, seen = _panel(theta=widgets.log_slider("θ", 1.0, 0.1, 10, with_off=True),
                         mode=widgets.dropdown("mode", [("off", "off"), ("fast", "fast")], "off"))
    panel.set(theta=None)
    assert seen[-1] == {"theta": None, "mode": "off"}


def test_prints_before_an_error_are_kept_in_the_output():
    def compute(n):
        print(f"epoch 1: loss {n}")
        if n > 2:
            raise ValueError("diverged")
        return "fine"

    panel = widgets.Panel(compute, {"n": widgets.int_slider("n", 1, 0, 5)})
    panel.set(n=3)
    shown = [(o["name"], o["text"]) for o in panel.output.outputs]
    assert ("stdout", "epoch 1: loss 3\n") in shown
    assert any(name == "stderr" and "diverged" in text for name, text in shown)
    assert isinstance(panel.error, ValueError)
