import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from rnnlab.course import widgets  # noqa: E402


def square(n):
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    fig, ax = plt.subplots()
    ax.plot(range(n + 1), [i * i for i in range(n + 1)])
    return fig, f"{n} squared is {n * n}"


def test_panel_recomputes_on_every_change():
    panel = widgets.Panel(square, {"n": widgets.int_slider("n", 2, -3, 10)})
    assert panel.result[1] == "2 squared is 4" and panel.updates == 1
    panel.set(n=5)
    assert panel.result[1] == "5 squared is 25" and panel.updates == 2
    assert panel.error is None


def test_panel_shows_and_keeps_errors_instead_of_swallowing_them():
    panel = widgets.Panel(square, {"n": widgets.int_slider("n", 1, -3, 10)})
    panel.set(n=-2)
    assert isinstance(panel.error, ValueError) and panel.result is None
    shown = "".join(o.get("text", "") for o in panel.output.outputs)
    assert "n must be >= 0, got -2" in shown
    panel.set(n=3)
    assert panel.error is None


def test_panel_rejects_unknown_control():
    panel = widgets.Panel(square, {"n": widgets.int_slider("n", 1, 0, 10)})
    with pytest.raises(KeyError, match="no control named 'm'"):
        panel.set(m=1)


def test_sliders_only_report_on_release():
    assert widgets.int_slider("a", 1, 0, 2).continuous_update is False
    assert widgets.float_slider("b", 0.5, 0, 1, 0.1).continuous_update is False
    assert widgets.log_slider("θ", 1.0, 0.01, 100, with_off=True).continuous_update is False


def test_log_slider_has_an_off_stop_meaning_none():
    slider = widgets.log_slider("θ", 1.0, 0.01, 100, with_off=True)
    values = [v for _, v in slider.options]
    assert values[0] == 0.01 and values[-2] == 100 and values[-1] == widgets.THETA_OFF
    seen = []
    panel = widgets.Panel(lambda theta: seen.append(theta), {"theta": slider})
    panel.set(theta=None)
    assert slider.label == widgets.THETA_OFF and seen == [1.0, None]
    with pytest.raises(ValueError, match="value must be one of"):
        widgets.log_slider("θ", 0.5, 0.01, 100)


def test_saved_notebook_readers_get_a_picture_and_text():
    panel = widgets.Panel(square, {"n": widgets.int_slider("n", 3, -3, 10)})
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"].startswith("iVBOR")  # base64 of a PNG header
    assert "3 squared is 9" in bundle["text/plain"] and "controls n" in bundle["text/plain"]
    panel.set(n=-1)
    assert "image/png" not in panel._repr_mimebundle_()


def test_text_results_are_printed_not_repr_quoted(capsys):
    widgets.Panel(lambda n: f"n is {n}", {"n": widgets.int_slider("n", 4, 0, 10)})
    assert "n is 4\n" in capsys.readouterr().out


def test_snapshot_keeps_the_figure_and_text_of_the_values_just_set(capsys):
    panel = widgets.Panel(square, {"n": widgets.int_slider("n", 2, -3, 10)})
    before = panel.snapshot()
    panel.set(n=7)
    after = panel.snapshot()
    assert after.png.startswith("iVBOR") and after.png != before.png   # the new figure …
    assert after.text == "7 squared is 49" and after.values == {"n": 7}  # … and its report
    assert panel._repr_mimebundle_()["image/png"] == after.png
    bundle = after._repr_mimebundle_()
    assert bundle["image/png"] == after.png and bundle["text/plain"] == after.text
    panel.set(n=-1)
    failed = panel.snapshot()
    assert failed.png is None and "n must be >= 0, got -1" in failed.text


def test_choice_slider_offers_only_its_stops():
    slider = widgets.choice_slider("num_steps", (4, 8, 16), 8)
    assert slider.continuous_update is False and list(slider.options) == [4, 8, 16]
    panel = widgets.Panel(lambda T: T, {"T": slider})
    with pytest.raises(ValueError, match="must be one of"):
        panel.set(T=12)
    with pytest.raises(ValueError, match="value must be one of"):
        widgets.choice_slider("num_steps", (4, 8), 5)
