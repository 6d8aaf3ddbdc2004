"""Widgets wire, functions compute.

A :class:`Panel` joins a few controls to a plain function: each change of a
control calls ``compute(**values)`` and shows what it returns (a figure, text,
or anything IPython can display) in the panel's output area. Errors raised by
``compute`` are printed in that same output area — never swallowed — and kept
in ``panel.error`` so a notebook cell (and nbval) can assert on them.
"""

from __future__ import annotations

import math
import traceback

import ipywidgets as widgets
from IPython.display import display

__all__ = ["Panel", "int_slider", "float_slider", "log_slider", "dropdown", "THETA_OFF"]

# The clipping slider's "off" stop. Selection widgets cannot hold None, so the
# stop holds this string and Panel.values() hands compute functions None instead.
THETA_OFF = "off"


def int_slider(description: str, value: int, min: int, max: int, step: int = 1):
    """An integer slider that reports only when released (retraining on every pixel is slow)."""
    return widgets.IntSlider(value=value, min=min, max=max, step=step, description=description,
                             continuous_update=False, style={"description_width": "initial"})


def float_slider(description: str, value: float, min: float, max: float, step: float):
    return widgets.FloatSlider(value=value, min=min, max=max, step=step, description=description,
                               continuous_update=False, style={"description_width": "initial"})


def log_slider(description: str, value: float, min: float, max: float, with_off: bool = False):
    """A slider over 1 and 3 times powers of ten; ``with_off`` adds an "off" stop at the top.

    A panel passes the "off" stop to its compute function as ``None``.

    Used for the clipping threshold θ: 0.01 … 100, or off.
    """
    lo, hi = math.floor(math.log10(min)), math.ceil(math.log10(max))
    options = []
    for e in range(lo, hi + 1):
        for m in (1, 3):
            v = m * 10.0**e
            if min <= v <= max:
                options.append((f"{v:g}", v))
    if with_off:
        options.append((THETA_OFF, THETA_OFF))
    values = [v for _, v in options]
    if value is None and with_off:
        value = THETA_OFF
    if value not in values:
        raise ValueError(f"value must be one of {values} for slider {description!r}, got {value!r}")
    return widgets.SelectionSlider(options=options, value=value, description=description,
                                   continuous_update=False, style={"description_width": "initial"})


def dropdown(description: str, options, value):
    return widgets.Dropdown(options=options, value=value, description=description)


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
        header = [widgets.HTML(f"<b>{title}</b>")] if title else []
        # Controls wrap onto a second row rather than squeezing their tracks to nothing.
        row = widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox(header + [row, self.output])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        if run_now:
            self.update()

    def values(self) -> dict:
        return {name: (None if control.value == THETA_OFF else control.value)
                for name, control in self.controls.items()}

    def _on_change(self, change) -> None:
        self.update()

    def update(self):
        """Recompute from the controls' current values and redraw; returns the result."""
        self.output.clear_output(wait=True)
        with self.output:  # progress bars and prints from compute land in the panel too
            try:
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
            self.output.outputs = ({"output_type": "stream", "name": "stderr", "text": text},)
        self.updates += 1
        return self.result

    def _items(self):
        items = self.result if isinstance(self.result, tuple) else (self.result,)
        return [item for item in items if item is not None]

    def set(self, **values):
        """Set controls by name, as a reader would by moving them (each change recomputes)."""
        for name, value in values.items():
            if name not in self.controls:
                raise KeyError(f"no control named {name!r}; controls are {list(self.controls)}")
            self.controls[name].value = THETA_OFF if value is None else value
        return self.result

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
        summary = f"{type(self).__name__} with controls {', '.join(self.controls)}"
        bundle["text/plain"] = "\n".join([summary + " — run the notebook to use them."] + texts)
        return bundle


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
