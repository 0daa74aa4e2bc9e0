"""Input checks shared by the public functions of genai_lab.

Every check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind,
bad value) with a message that names the argument, shows the bad value and says what
was expected. Public functions call these at their boundary; internal code trusts them.
"""
from __future__ import annotations

import json
import numbers
from pathlib import Path

import numpy as np


def show_value(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters: the bad value as an error message shows it."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_int(name: str, value: object, *, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise if it is not an integer in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {show_value(value)} "
                        f"({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_float(name: str, value: object, *, minimum: float | None = None,
                maximum: float | None = None, min_inclusive: bool = True,
                max_inclusive: bool = True) -> float:
    """Return ``value`` as a finite float inside the given bounds, or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {show_value(value)} "
                        f"({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if minimum is not None and (value < minimum or (not min_inclusive and value == minimum)):
        op = ">=" if min_inclusive else ">"
        raise ValueError(f"{name} must be {op} {minimum}, got {value}")
    if maximum is not None and (value > maximum or (not max_inclusive and value == maximum)):
        op = "<=" if max_inclusive else "<"
        raise ValueError(f"{name} must be {op} {maximum}, got {value}")
    return value


def check_str(name: str, value: object, *, allow_empty: bool = True) -> str:
    """Return ``value`` if it is a str (non-empty unless ``allow_empty``), or raise."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {show_value(value)} ({type(value).__name__})")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {show_value(value)}")
    return value


def check_array(name: str, value: object, *, ndim: int | tuple[int, ...] | None = None,
                kind: str = "f", finite: bool = True) -> np.ndarray:
    """Return ``value`` as an ndarray of the expected kind and number of dimensions.

    ``kind`` is "f" for real numbers (ints are accepted and converted to float64) or "i"
    for integers. ``finite`` rejects NaN and infinity in float arrays.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array, got {show_value(value)} ({type(value).__name__})")
    arr = np.asarray(value)
    if kind == "f":
        if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.floating)
                                     or np.issubdtype(arr.dtype, np.integer)):
            raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
        if not np.issubdtype(arr.dtype, np.floating):
            arr = arr.astype(np.float64)
        if finite and not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite: it contains NaN or infinity")
    elif kind == "i":
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    else:  # pragma: no cover - programming error
        raise ValueError(f"unknown kind {kind!r}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {want} dimension(s), got shape {arr.shape}")
    return arr


def check_rng(name: str, value: object) -> np.random.Generator:
    """Return ``value`` if it is a ``numpy.random.Generator``, or raise ``TypeError``."""
    if not isinstance(value, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator "
                        f"(e.g. np.random.default_rng(0)), got {type(value).__name__}")
    return value


def read_json_file(path: object, what: str = "file") -> object:
    """The JSON in ``path``, or a clear error: ``FileNotFoundError`` if there is no file,
    ``ValueError`` if it is not UTF-8 JSON (both name the path and ``what`` it should be)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no {what} at {str(path)!r}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{str(path)!r} is not a valid {what} (not JSON: {err})") from None
