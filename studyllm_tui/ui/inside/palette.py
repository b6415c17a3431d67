"""Colours for heatmaps: a sequential ramp for weights (0 → 1) and a diverging one (−1 → 1).

Styles are built once per level; a cell picks its level from its value. The exact value is
always shown in the status line, never read off a colour.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color
from rich.style import Style

LEVELS = 48
_SEQUENTIAL = ((16, 24, 48), (40, 70, 150), (220, 110, 40), (255, 240, 170))
_DIVERGING = ((40, 90, 200), (150, 180, 230), (40, 40, 40), (235, 150, 110), (200, 50, 40))


def _ramp(stops: tuple[tuple[int, int, int], ...], fraction: float) -> tuple[int, int, int]:
    fraction = min(1.0, max(0.0, fraction))
    span = fraction * (len(stops) - 1)
    index = min(int(span), len(stops) - 2)
    local = span - index
    a, b = stops[index], stops[index + 1]
    r, g, bl = (round(x + (y - x) * local) for x, y in zip(a, b, strict=True))
    return r, g, bl


@lru_cache(maxsize=4)
def styles(diverging: bool) -> tuple[tuple[Style, ...], tuple[Style, ...]]:
    """(background styles, foreground styles) per level for cells and half-block maps."""
    stops = _DIVERGING if diverging else _SEQUENTIAL
    backgrounds, foregrounds = [], []
    for level in range(LEVELS):
        r, g, b = _ramp(stops, level / (LEVELS - 1))
        colour = Color.from_rgb(r, g, b)
        light = (0.299 * r + 0.587 * g + 0.114 * b) > 140
        text = Color.from_rgb(0, 0, 0) if light else Color.from_rgb(255, 255, 255)
        backgrounds.append(Style(bgcolor=colour, color=text))
        foregrounds.append(Style(color=colour))
    return tuple(backgrounds), tuple(foregrounds)


def level(value: float, vmin: float, vmax: float) -> int:
    if vmax <= vmin:
        return 0
    fraction = (value - vmin) / (vmax - vmin)
    return min(LEVELS - 1, max(0, int(fraction * (LEVELS - 1) + 0.5)))
