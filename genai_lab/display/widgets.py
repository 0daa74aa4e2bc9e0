"""Live controls for the book's "change it and re-run" cells.

``live_controls(show, n=widgets.IntSlider(...))`` displays the controls and an output area;
every change calls ``show(**values)`` again, drawing below the controls. Unlike
``ipywidgets.interact`` it does NOT call ``show`` when displayed: the notebook calls
``show()`` itself first, so the static web page (where widget callbacks cannot run) keeps a
rendering of the default setting. This also avoids a measured stall: while a book is
built, nbclient intermittently waited its whole cell timeout (600 s) after ``interact``
drew a figure into a widget's output area.
"""
from __future__ import annotations

from typing import Any, Callable


def live_controls(function: Callable[..., Any], **controls: Any):
    """Show ``controls`` (ipywidgets, one per keyword of ``function``) and redraw on change.

    Returns the displayed ``VBox`` (controls, then the output area).
    """
    import ipywidgets as widgets
    from IPython.display import display

    if not callable(function):
        raise TypeError(f"function must be callable, got {type(function).__name__}")
    if not controls:
        raise ValueError("live_controls needs at least one control, e.g. "
                         "n=widgets.IntSlider(value=5)")
    for name, control in controls.items():
        if not isinstance(control, widgets.ValueWidget):
            raise TypeError(f"control {name!r} must be an ipywidgets value widget "
                            f"(IntSlider, Text, Dropdown, ...), got {type(control).__name__}")
    output = widgets.Output()

    def redraw(change: Any = None) -> None:
        with output:
            output.clear_output(wait=True)
            function(**{key: control.value for key, control in controls.items()})

    for control in controls.values():
        control.observe(redraw, names="value")
    box = widgets.VBox([*controls.values(), output])
    display(box)
    return box
