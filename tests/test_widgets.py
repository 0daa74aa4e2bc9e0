"""live_controls: no call on display, one call per change with every control's value."""
import ipywidgets as widgets
import pytest

from genai_lab.display.widgets import live_controls


def test_redraws_with_all_values_on_change_only():
    calls = []
    n = widgets.IntSlider(value=3)
    word = widgets.Text(value="sun")
    box = live_controls(lambda n, word: calls.append((n, word)), n=n, word=word)
    assert calls == []                      # displaying draws nothing
    n.value = 7
    word.value = "moon"
    assert calls == [(7, "sun"), (7, "moon")]
    assert list(box.children[:2]) == [n, word] and isinstance(box.children[2], widgets.Output)


def test_bad_arguments():
    with pytest.raises(TypeError, match="function must be callable"):
        live_controls(3, n=widgets.IntSlider())
    with pytest.raises(ValueError, match="at least one control"):
        live_controls(print)
    with pytest.raises(TypeError, match="control 'n' must be an ipywidgets value widget"):
        live_controls(print, n=5)
