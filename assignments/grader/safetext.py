"""Student-controlled text made safe to store and to print.

``valid_text``: what a result file, an HTML page or a database may hold — a lone surrogate
(which a student's string or a non-UTF-8 folder name can carry) becomes U+FFFD, and the
text is cut to a length. ``printable``: what a terminal may show — every control, format,
surrogate or private-use character (escape sequences, carriage returns, bidirectional
overrides) is written as a visible escape such as ``\\x1b``, so no student string can move
the cursor, recolour, hide or forge a line of the teacher's summary.
"""
from __future__ import annotations

import unicodedata

_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def valid_text(text, limit: int = 100_000) -> str:
    """``text`` as a str of valid Unicode (no lone surrogates), at most ``limit`` characters."""
    text = str(text)[:limit]
    return text.encode("utf-8", "replace").decode("utf-8")


def printable(text, limit: int = 10_000) -> str:
    """``text`` with every character a terminal would act on shown as an escape instead."""
    out = []
    for ch in str(text)[:limit]:
        if unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
                       else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)
