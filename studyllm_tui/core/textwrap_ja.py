"""Line breaking for Japanese text in a terminal, with the basic rules of 禁則処理.

Rich and Textual break lines only at spaces; a run of Japanese has none, so it is cut wherever
the width runs out, and lines start with ``。``, ``、`` or ``）``. :func:`line_breaks` gives the
places to break instead, measured in terminal cells (a wide character is two):

- between two Japanese characters, and between Japanese and a Latin word, a line may break;
  inside a Latin word or a number it may not (a word longer than a line is folded);
- 行頭禁則: no line starts with a closing bracket, ``。、，．・：；？！``, ``ー``, ``々``,
  the iteration marks, or a small kana (``ぁ ゃ っ ァ ッ`` ...);
- 行末禁則: no line ends with an opening bracket (``（「『【`` ...).

A character that may not start a line stays on the line before it, even one cell past the
width only when nothing else is possible (a unit wider than the line is folded as a last
resort). The function has the signature of ``rich._wrap.divide_line`` so that the UI can use
it for every line it wraps; text without Japanese is broken exactly as Rich would.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# 行頭禁則: characters that never start a line
NO_START = frozenset(
    "）)]｝}〕〉》」』】〙〗〟’”｠»"
    "。、，．,.・：:；;？?！!‼⁇⁈⁉"
    "ー―‐゠–〜～…‥"
    "々〻ゝゞヽヾ"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "%％℃°′″"
)
# 行末禁則: characters that never end a line
NO_END = frozenset("（([｛{〔〈《「『【〘〖〝‘“｟«")

_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U00020000-\U0003fffd]"
)


def _is_japanese(char: str) -> bool:
    return bool(_WIDE.match(char)) or char in NO_START or (char in NO_END and ord(char) > 0x2000)


@lru_cache(maxsize=4096)
def _width(char: str) -> int:
    if unicodedata.combining(char) or char in "\u200b\u200c\u200d\u2060\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes (East Asian wide and full-width characters take two)."""
    return sum(_width(char) for char in text)


def may_break_before(text: str, index: int) -> bool:
    """True when a line may start at ``text[index]`` (0 < index < len(text))."""
    before, char = text[index - 1], text[index]
    if char.isspace():
        return False  # spaces stay at the end of the line before
    if before.isspace():
        return before != "\u00a0"
    if char in NO_START or before in NO_END:
        return False
    return _is_japanese(before) or _is_japanese(char)


def _units(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each piece that is never broken inside (with its trailing spaces)."""
    units: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(text)):
        if may_break_before(text, index):
            units.append((start, index))
            start = index
    if text:
        units.append((start, len(text)))
    return units


def line_breaks(text: str, width: int, fold: bool = True) -> list[int]:
    """Offsets (character indexes) at which ``text`` should be broken to fit ``width`` cells.

    The same contract as ``rich._wrap.divide_line``: each offset starts a new line; spaces
    at the end of a line are left for the caller to strip.
    """
    breaks: list[int] = []
    used = 0  # cells on the current line
    for start, end in _units(text):
        unit = text[start:end]
        size = cell_width(unit.rstrip())
        if used + size <= width:
            used += cell_width(unit)
            continue
        if size <= width:
            if used and start:
                breaks.append(start)
            used = cell_width(unit)
            continue
        # wider than a whole line: fold it by cells (a last resort, where no rule can hold)
        if used and start:
            breaks.append(start)
            used = 0
        if not fold:
            used = cell_width(unit)
            continue
        for offset, char in enumerate(unit, start):
            char_width = _width(char)
            if used + char_width > width and used and not char.isspace():
                breaks.append(offset)
                used = 0
            used += char_width
    return breaks


def wrap(text: str, width: int) -> list[str]:
    """``text`` (one paragraph) as lines of at most ``width`` cells, trailing spaces removed."""
    lines: list[str] = []
    at = 0
    for offset in [*line_breaks(text, width), len(text)]:
        lines.append(text[at:offset].rstrip())
        at = offset
    return lines
