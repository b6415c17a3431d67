"""Text the app did not write itself, made safe to print or draw.

Model output, a server's answer, glossary and imported files, corpus files and pasted input may
hold control characters. Printed as they are, ``ESC`` sequences retitle or clear the terminal,
write the clipboard (OSC 52) or move the cursor; bidi overrides make text read differently
from what it is. :func:`visible` shows every such character as a visible stand-in instead, so
what reaches the terminal is only what the app itself chose to write.

- C0 controls and DEL become the Unicode control pictures (``ESC`` → ``␛``, ``BEL`` → ``␇``).
- C1 controls (U+0080–U+009F), bidi controls and other invisible format characters that can
  reorder or hide text become ``<U+XXXX>``.
- Newline (and tab, unless ``keep_tabs`` is False) stay when ``keep_newlines`` is True (the
  default); a lone carriage return is shown as ``␍``.
"""

from __future__ import annotations

import re

# Characters that can reorder or hide the text around them (Trojan-source style), besides
# the C1 range: bidi embeddings/overrides/isolates and marks, line/paragraph separators.
_FORMAT = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMAT}]")
_UNSAFE_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_FORMAT}]")
_UNSAFE_NO_TABS = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_FORMAT}]")


def _picture(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def visible(text: str, *, keep_newlines: bool = True, keep_tabs: bool = True) -> str:
    """``text`` with every control or reordering character shown as a visible stand-in.

    With ``keep_newlines=False`` (a one-line field: a table cell, a status line), newlines
    and tabs are shown too.
    """
    if not keep_newlines:
        pattern = _UNSAFE_ONE_LINE
    elif keep_tabs:
        pattern = _UNSAFE
    else:
        pattern = _UNSAFE_NO_TABS
    return pattern.sub(_picture, text)


def is_clean(text: str) -> bool:
    """True when :func:`visible` would leave ``text`` as it is (newlines and tabs allowed)."""
    return _UNSAFE.search(text) is None
