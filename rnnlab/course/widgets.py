"""Widgets wire, functions compute.

A :class:`Panel` joins a few controls to a plain function: each change of a
control calls ``compute(**values)`` and shows what it returns (a figure, text,
or anything IPython can display) in the panel's output area. Errors raised by
``compute`` are printed in that same output area — never swallowed — and kept
in ``panel.error`` so a notebook cell (and nbval) can assert on them.
"""

from __future__ import annotations

import contextlib
import io
import math
import sys
import traceback

import ipywidgets as widgets
from IPython.display import display

from ..checks import as_real, require_bool, require_float, require_int, require_positive_float
from ..i18n import tr
from ..i18n.messages import CATALOGUES

__all__ = ["Panel", "int_slider", "float_slider", "log_slider", "choice_slider", "dropdown",
           "THETA_OFF"]

# The clipping slider's "off" stop. Selection widgets cannot hold None, so the
# stop holds this string and Panel.values() hands compute functions None instead.
THETA_OFF = "off"


def label(text: str | None) -> str | None:
    """Lesson 00. A control's label in the language of ``setup(lang=...)`` (``widget.<text>`` in the
    catalogues); a label the catalogues do not know is shown as given."""
    if text is None:
        return None
    return tr(f"widget.{text}") if f"widget.{text}" in CATALOGUES["en"] else text


def int_slider(description: str, value: int, min: int, max: int, step: int = 1):
    """An integer slider that reports only when released (retraining on every pixel is slow)."""
    return widgets.IntSlider(value=value, min=min, max=max, step=step, description=label(description),
                             continuous_update=False, style={"description_width": "initial"})


def float_slider(description: str, value: float, min: float, max: float, step: float):
    return widgets.FloatSlider(value=value, min=min, max=max, step=step, description=label(description),
                               continuous_update=False, style={"description_width": "initial"})


def log_slider(description: str, value: float, min: float, max: float, with_off: bool = False):
    """A slider over 1 and 3 times powers of ten; ``with_off`` adds an "off" stop at the top.

    A panel passes the "off" stop to its compute function as ``None``.

    Used for the clipping threshold θ: 0.01 … 100, or off. The stops are the decimal
    numbers themselves (0.3, not 3 × 0.1 = 0.30000000000000004), and a ``value`` within
    rounding of a stop selects it.
    """
    min = require_positive_float("min", min)
    max = require_positive_float("max", max)
    if min > max:
        raise ValueError(f"min must be <= max, got min={min:g} and max={max:g}")
    with_off = require_bool("with_off", with_off)
    lo, hi = math.floor(math.log10(min)), math.ceil(math.log10(max))
    options = []
    for e in range(lo, hi + 1):
        for m in (1, 3):
            v = float(f"{m}e{e}")  # exactly the decimal number, not m * 10.0**e
            if min * (1 - 1e-12) <= v <= max * (1 + 1e-12):
                options.append((f"{v:g}", v))
    if not options:
        raise ValueError(f"log_slider {description!r} has no stop of the form 1·10^k or 3·10^k "
                         f"between min={min:g} and max={max:g}; widen the range")
    if with_off:
        options.append((THETA_OFF, THETA_OFF))
    values = [v for _, v in options]
    if value is None and with_off:
        value = THETA_OFF
    value = _snap(value, values)
    if value is _NO_MATCH:
        raise ValueError(f"value must be one of {values} for slider {description!r}, got {value!r}")
    slider = widgets.SelectionSlider(options=options, value=value, description=label(description),
                                     continuous_update=False, style={"description_width": "initial"})
    slider._rnnlab_off_means_none = with_off  # only this stop, on this slider, is None
    return slider


_NO_MATCH = object()


def _snap(value, values):
    """The entry of ``values`` equal to ``value`` (numbers within rounding), or ``_NO_MATCH``."""
    for v in values:
        if isinstance(v, str) or isinstance(value, str):
            if v == value:
                return v
            continue
        x = as_real(value)
        if x is not None and math.isclose(x, v, rel_tol=1e-9):
            return v
    return _NO_MATCH


def choice_slider(description: str, options, value):
    """A slider over the given stops only (num_steps 4, 8, 16, …), reporting when released."""
    options = list(options)
    if not options:
        raise ValueError(f"choice_slider {description!r} needs at least one option, got {options!r}")
    if value not in options:
        raise ValueError(f"value must be one of {options} for slider {description!r}, got {value!r}")
    return widgets.SelectionSlider(options=options, value=value, description=label(description),
                                   continuous_update=False, style={"description_width": "initial"})


def dropdown(description: str, options, value):
    # option labels in the reader's language too (those the catalogues know)
    options = [(label(text), option) for text, option in _pairs(options)]
    return widgets.Dropdown(options=options, value=value, description=label(description),
                            style={"description_width": "initial"})


class Panel:
    """Controls on top, the output of ``compute`` below; recomputed on every change.

    ``compute`` takes the controls' values as keyword arguments and returns
    something to display (or a tuple of such things). ``panel.result`` holds
    the last return value and ``panel.error`` the last exception (or None).
    """

    def __init__(self, compute, controls: dict, title: str | None = None, run_now: bool = True):
        if not controls:
            raise ValueError("controls must be a non-empty dict of name -> widget")
        self.compute = compute
        self.controls = dict(controls)
        self.output = widgets.Output()
        self.result = None
        self.error = None
        self.updates = 0
        header = [widgets.HTML(f"<b>{label(title)}</b>")] if title else []
        # Controls wrap onto a second row rather than squeezing their tracks to nothing.
        row = widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox(header + [row, self.output])
        for control in self.controls.values():
            if isinstance(getattr(control, "description", None), str):
                control.description = label(control.description)  # a widget made by hand, too
            control.observe(self._on_change, names="value")
        if run_now:
            self.update()

    def values(self) -> dict:
        """The controls' values; the "off" stop of a ``log_slider(with_off=True)`` is None."""
        return {name: (None if getattr(control, "_rnnlab_off_means_none", False)
                       and control.value == THETA_OFF else control.value)
                for name, control in self.controls.items()}

    def _on_change(self, change) -> None:
        self.update()

    def update(self):
        """Recompute from the controls' current values and redraw; returns the result."""
        self.output.clear_output(wait=True)
        printed = _Tee(sys.stdout)
        with self.output:  # progress bars and prints from compute land in the panel too
            try:
                with contextlib.redirect_stdout(printed):  # kept, should compute then fail
                    self.result = self.compute(**self.values())
                self.error = None
            except Exception as exc:  # shown to the reader, kept for the notebook to assert on
                self.error = exc
                self.result = None
            else:
                for item in self._items():
                    if isinstance(item, str):
                        print(item)  # display() would show the quoted repr
                    else:
                        display(item)
                        _close_if_figure(item)
        if self.error is not None:
            # Replacing the outputs outright (not clear + append) is what a browser shows
            # reliably: the traceback, and no stale figure from the previous values.
            text = "".join(traceback.format_exception(self.error))
            kept = "".join(printed.parts)
            stdout = ({"output_type": "stream", "name": "stdout", "text": kept},) if kept else ()
            self.output.outputs = stdout + (
                {"output_type": "stream", "name": "stderr", "text": text},)
        self.updates += 1
        return self.result

    def _items(self):
        items = self.result if isinstance(self.result, tuple) else (self.result,)
        return [item for item in items if item is not None]

    def set(self, **values):
        """Set controls by name, as a reader would by moving them (each change recomputes).

        A value the control could not show is refused with an error naming the control,
        the value and what is allowed — never clamped to the range or coerced to its type.
        """
        for name in values:
            if name not in self.controls:
                raise KeyError(f"no control named {name!r}; controls are {list(self.controls)}")
        checked = {name: _check_control_value(name, self.controls[name], value)
                   for name, value in values.items()}
        for name, value in checked.items():
            self.controls[name].value = value
        return self.result

    def snapshot(self):
        """What the panel shows now, as a picture and text that a saved notebook keeps.

        A cell that ends with ``panel.snapshot()`` after ``panel.set(...)`` stores the figure
        and the report of the values just set (the widget's own redraw is not saved).
        """
        return Snapshot(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget, plus a picture and a line of text for a reader of the saved notebook.

        A notebook opened without running it has no widget models: JupyterLab then
        falls back to the PNG of the last figure (untrusted notebooks) or the text.
        """
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        figures = [item for item in self._items() if _is_figure(item)]
        if figures:
            bundle["image/png"] = _png_base64(figures[0])
        texts = [item for item in self._items() if isinstance(item, str)]
        summary = tr("widget.panel_summary", kind=type(self).__name__, controls=", ".join(self.controls))
        bundle["text/plain"] = "\n".join([summary] + texts)
        return bundle


class Snapshot:
    """The figure and text of one :class:`Panel` result, frozen when it was taken."""

    def __init__(self, panel: Panel):
        if panel.error is not None:
            self.png, self.text = None, "".join(traceback.format_exception(panel.error))
        else:
            items = panel._items()
            figures = [item for item in items if _is_figure(item)]
            self.png = _png_base64(figures[0]) if figures else None
            self.text = "\n".join(str(item) for item in items if not _is_figure(item))
        self.values = panel.values()

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": self.text}
        if self.png is not None:
            bundle["image/png"] = self.png
        return bundle

    def _ipython_display_(self):  # in Jupyter: the picture, then the text under it
        if self.png is not None:
            display({"image/png": self.png, "text/plain": "<the panel's figure>"}, raw=True)
        if self.text:
            print(self.text)


class _Tee(io.TextIOBase):
    """Writes go through to ``target`` and are kept in ``parts``."""

    def __init__(self, target):
        self.target, self.parts = target, []

    def write(self, text):
        self.parts.append(text)
        return self.target.write(text)

    def flush(self):
        self.target.flush()


def _check_control_value(name: str, control, value):
    """``value`` as the control would hold it, or a TypeError/ValueError saying what is allowed."""
    where = f"panel.set({name}=...)"
    if isinstance(control, widgets.SelectionSlider | widgets.Dropdown | widgets.ToggleButtons
                  | widgets.RadioButtons | widgets.SelectionRangeSlider):
        values = [v for _, v in _pairs(control.options)]
        if value is None and getattr(control, "_rnnlab_off_means_none", False):
            value = THETA_OFF
        snapped = _snap(value, values)
        if snapped is _NO_MATCH:
            shown = [None if getattr(control, "_rnnlab_off_means_none", False) and v == THETA_OFF
                     else v for v in values]
            raise ValueError(f"{where}: {name} must be one of {shown}, got {value!r}")
        return snapped
    if isinstance(control, widgets.IntSlider | widgets.BoundedIntText):
        v = require_int(name, value)
        if not control.min <= v <= control.max:
            raise ValueError(f"{where}: {name} must be in [{control.min}, {control.max}], got {v}")
        return v
    if isinstance(control, widgets.FloatSlider | widgets.BoundedFloatText | widgets.FloatLogSlider):
        v = require_float(name, value)
        lo, hi = control.min, control.max
        if isinstance(control, widgets.FloatLogSlider):
            lo, hi = control.base ** lo, control.base ** hi
        if not lo <= v <= hi:
            raise ValueError(f"{where}: {name} must be in [{lo:g}, {hi:g}], got {v:g}")
        return v
    if isinstance(control, widgets.Checkbox | widgets.ToggleButton):
        return require_bool(name, value)
    return value


def _pairs(options):
    """Selection options as (label, value) pairs, whatever form they were given in."""
    pairs = []
    for option in options:
        if isinstance(option, tuple) and len(option) == 2:
            pairs.append(option)
        else:
            pairs.append((str(option), option))
    return pairs


def _is_figure(item) -> bool:
    try:
        import matplotlib.figure
    except ImportError:  # pragma: no cover
        return False
    return isinstance(item, matplotlib.figure.Figure)


def _png_base64(fig) -> str:
    import base64
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _close_if_figure(item) -> None:
    # A figure left open would be drawn a second time at the end of the cell.
    try:
        import matplotlib.figure
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover
        return
    if isinstance(item, matplotlib.figure.Figure):
        plt.close(item)
