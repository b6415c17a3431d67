"""The footer: Textual's, but it shows only the keys that fit whole.

Textual's footer lets keys run off its right edge, under the command palette key, where a
Japanese description is cut mid-word or mid-character (``f1 ヘル▏^p コマンド``). This one
measures each key in terminal cells and leaves out, whole, the keys that do not fit: the
app's quit key first, then from the end; F1 (help, which lists every key) stays.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from studyllm_tui.ui.cells import cell_len

FIRST_TO_KEEP = ("help",)  # F1 lists every key: it stays while anything does
LAST_TO_KEEP = ("quit",)  # dropped first when the footer is short of room


def key_width(key: FooterKey) -> int:
    """Cells a key takes in the (non-compact) footer: `` key `` then ``description ``."""
    width = cell_len(key.key_display) + 2
    if key.description:
        width += cell_len(key.description) + 1
    if key.has_class("-command-palette"):
        width += 2  # its left border and right padding
    return width


class StudyFooter(Footer):
    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        keys = [w for w in widgets if isinstance(w, FooterKey)]
        if len(keys) != len(widgets):  # key groups: nothing of ours to fit
            yield from widgets
            return
        palette = [k for k in keys if k.has_class("-command-palette")]
        others = [k for k in keys if not k.has_class("-command-palette")]
        room = (self.size.width or self.app.size.width) - sum(key_width(k) for k in palette)
        ranked = sorted(  # stable: otherwise in the footer's own order
            others, key=lambda k: (k.action not in FIRST_TO_KEEP, k.action in LAST_TO_KEEP)
        )
        kept: set[int] = set()
        for key in ranked:
            width = key_width(key)
            if width <= room:
                kept.add(id(key))
                room -= width
        shown: list[Widget] = [k for k in others if id(k) in kept]
        yield from shown
        yield from palette

    _fitted_width = 0

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._fitted_width:
            self._fitted_width = event.size.width
            self.call_after_refresh(self.recompose)
