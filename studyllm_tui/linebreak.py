"""Wrapping text in terminal cells, Japanese included (basic 禁則処理), for the CLI and the UI.

:func:`wrap` breaks between words at spaces and between any two wide (CJK) characters, since
Japanese has no spaces; widths are terminal cells (a wide character is two), so a line never
runs past ``width`` and no character is cut. The basic line-breaking rules of Japanese hold:
no line starts with a closing bracket, ``、。・ー``, ``！？`` or a small kana, and no line ends
with an opening bracket (the character is carried to the next line with its neighbour).
"""

from __future__ import annotations

import re

from rich.cells import cell_len

# Characters that may not start a line (行頭禁則) and may not end one (行末禁則).
NO_START = set(
    "、。，．）］｝〕〉》」』】〙〗〟’”｠»"
    "・：；！？‐゠–〜～ー"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻ゝゞヽヾ"
)
NO_END = set("（［｛〔〈《「『【〘〖〝‘“｟«")

# A unit is a run of spaces, a run of narrow non-space characters (a word), or one wide char.
_UNITS = re.compile(r"\s+|[^\s\u1100-\uffdc\U00020000-\U0003ffff]+|.", re.DOTALL)


def _units(text: str) -> list[str]:
    units: list[str] = []
    for match in _UNITS.finditer(text):
        unit = match.group()
        if not unit.isspace() and cell_len(unit) == len(unit) * 2:
            units.extend(unit)  # several wide characters: a break may fall between any two
        else:
            units.append(unit)
    return units


def _allowed(line: list[str], following: str) -> bool:
    """May a line break fall after ``line`` (its units) and before ``following``?"""
    if not line or line[-1] == " " or following == " ":
        return True  # a break at a space is always allowed
    return following[:1] not in NO_START and line[-1][-1:] not in NO_END


def _cut(word: str, width: int) -> list[str]:
    """A word wider than the line, cut into pieces of at most ``width`` cells."""
    pieces: list[str] = []
    piece = ""
    for char in word:
        if piece and cell_len(piece + char) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece] if piece else pieces


def wrap(text: str, width: int) -> list[str]:
    """``text`` (one paragraph; newlines count as spaces) as lines of at most ``width`` cells."""
    width = max(width, 2)
    lines: list[list[str]] = []
    line: list[str] = []
    used = 0
    for unit in _units(" ".join(text.split())):
        if unit.isspace():
            if line:
                line.append(" ")
                used += 1
            continue
        size = cell_len(unit)
        if used + size <= width:
            line.append(unit)
            used += size
            continue
        carried: list[str] = []
        # Carry units to the next line until the break falls where Japanese allows one
        # (a few at most: a run of closing punctuation, an opening bracket).
        while line and not _allowed(line, (carried or [unit])[0]) and len(carried) < 4:
            carried.insert(0, line.pop())
        if not line:  # no allowed break here: break anyway rather than run past the width
            line, carried = carried, []
        if line:
            lines.append(line)
        line = [*carried, unit]
        while line and line[0] == " ":
            line.pop(0)
        used = cell_len("".join(line))
        if used > width:  # one word wider than the whole line
            *full, rest = _cut("".join(line), width)
            lines.extend([piece] for piece in full)
            line, used = [rest], cell_len(rest)
    if line:
        lines.append(line)
    return ["".join(parts).rstrip() for parts in lines]
