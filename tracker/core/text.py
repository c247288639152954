"""Text from the datasets made safe to print: one line, no control characters.

A cell may hold an escape sequence (which would recolour or rewrite a terminal), a line
break (which would forge a second message line) or a bidirectional override; each is shown
as its escape code instead, so what is printed is what the cell holds, visibly.
"""

from __future__ import annotations

import unicodedata

__all__ = ["printable"]

#: Unicode categories shown escaped: controls (C0, C1, DEL), formats (bidi overrides,
#: zero-width characters), line and paragraph separators, unassigned code points.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cn", "Cs"})


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text) -> str:
    """The text with every control or invisible format character escaped.

    Examples
    --------
    >>> printable("KAZ\\x1b[31m\\nforged")
    'KAZ\\\\x1b[31m\\\\x0aforged'
    >>> printable("Казахстан $1,1 млрд")
    'Казахстан $1,1 млрд'
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(
        _escape(char) if unicodedata.category(char) in _ESCAPED_CATEGORIES else char
        for char in text
    )
