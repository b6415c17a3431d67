"""Text measured in terminal cells, and untrusted text made safe to draw.

One place for both, so that every table, column and padded label of the app measures East
Asian wide characters as two cells (``len()`` counts them as one) and never cuts one in half,
and every piece of text the app did not write itself reaches the screen with its control
characters made visible (:func:`studyllm_tui.core.safetext.visible`) and without being read
as markup.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.content import Content

from studyllm_tui.core.safetext import visible

ELLIPSIS = "…"

__all__ = ["ELLIPSIS", "cell", "cell_len", "clip", "fit", "pad", "safe", "safe_line"]


def clip(text: str, width: int, ellipsis: str = ELLIPSIS) -> str:
    """``text`` cut to at most ``width`` cells, ending in ``ellipsis`` when something was cut.

    A wide character that would straddle the edge is dropped whole, never halved.
    """
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    room = width - cell_len(ellipsis)
    if room <= 0:
        return ellipsis[:width] if cell_len(ellipsis[:width]) <= width else ""
    out: list[str] = []
    used = 0
    for char in text:
        size = cell_len(char)
        if used + size > room:
            break
        out.append(char)
        used += size
    return "".join(out) + ellipsis


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` cells (never cut)."""
    return text + " " * max(0, width - cell_len(text))


def fit(text: str, width: int) -> str:
    """``text`` clipped (with an ellipsis) and padded to exactly ``width`` cells."""
    return set_cell_size(clip(text, width), width)


def safe(text: str) -> Content:
    """Untrusted text as a :class:`Content`: control characters shown, never markup."""
    return Content(visible(text))


def safe_line(text: str) -> Content:
    """Untrusted text for a one-line place (a status line, a label): newlines shown too."""
    return Content(visible(text, keep_newlines=False))


def cell(text: str, style: str = "") -> Text:
    """A DataTable cell from any text: one line, control characters shown, never markup.

    A Rich :class:`Text`, because DataTable measures a column by its cells' ``__rich_measure__``
    (which Textual's ``Content`` lacks: such a column would stay as wide as its header).
    """
    return Text(visible(text, keep_newlines=False), style=style, no_wrap=True, end="")
