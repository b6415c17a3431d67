"""The one multi-line editor of the app: Textual's ``TextArea``, safe to draw at any moment.

Textual 8.2's ``TextArea.render_lines`` looks up its component styles (``text-area--gutter``
and the rest) on every draw, and those exist only between the stylesheet's first pass over
the widget and its removal. A screen refresh that lands just after a ``TextArea`` was removed
(a pane rebuilding its fields when the task changes) or just before a new one was styled
draws it anyway, and the lookup raises ``KeyError`` out of the compositor, which ends the
app (Textual issues #6208 and #6528). :class:`SafeTextArea` draws blank cells for that one
frame instead; the stylesheet refreshes the widget as soon as its styles exist, so the next
frame is the real one. Every editor in ``studyllm_tui.ui`` is a :class:`SafeTextArea`
(tests/test_textarea.py checks that none is built from Textual's class directly).
"""

from __future__ import annotations

from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import TextArea

__all__ = ["SafeTextArea"]


class SafeTextArea(TextArea):
    """A ``TextArea`` whose draw between removal and restyling is blank, not a crash."""

    def render_lines(self, crop: Region) -> list[Strip]:
        try:
            return super().render_lines(crop)
        except KeyError as error:
            if "COMPONENT_CLASSES" not in str(error):
                raise
            return [Strip.blank(crop.width)] * crop.height
