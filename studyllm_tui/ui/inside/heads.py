"""All heads of one layer as small attention maps side by side (bertviz's model view).

Each map is one terminal cell per token wide and two tokens per row tall (upper and lower
half blocks), so patterns stand out at a glance: a diagonal (the token itself), a line just
below it (the previous token), a first column ([CLS] / BOS). ←→ pick a head, Enter opens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from studyllm_tui.ui.inside.palette import level, styles

GAP = 2


class HeadsGrid(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "pick(-1)", show=False),
        Binding("right", "pick(1)", show=False),
        Binding("enter", "open", show=False),
    ]

    @dataclass
    class HeadPicked(Message):
        grid: HeadsGrid
        head: int

    @dataclass
    class HeadOpened(Message):
        grid: HeadsGrid
        head: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.maps: list[list[list[float]]] = []  # per head: [i][j]
        self.causal = False
        self.head = 0

    def set_maps(self, maps: list[list[list[float]]], causal: bool, head: int = 0) -> None:
        self.maps, self.causal = maps, causal
        self.head = min(max(head, 0), max(len(maps) - 1, 0))
        self._layout()
        self.refresh()

    @property
    def tokens(self) -> int:
        return len(self.maps[0]) if self.maps else 0

    @property
    def map_width(self) -> int:
        return max(self.tokens, 7)

    @property
    def map_height(self) -> int:
        return 1 + (self.tokens + 1) // 2  # a title row, then two tokens per row

    def per_row(self) -> int:
        width = max(self.size.width, self.map_width)
        return max(1, (width + GAP) // (self.map_width + GAP))

    def _layout(self) -> None:
        if not self.maps:
            self.virtual_size = Size(0, 0)
            return
        rows = -(-len(self.maps) // self.per_row())
        width = self.per_row() * (self.map_width + GAP)
        self.virtual_size = Size(width, rows * (self.map_height + 1))

    def on_resize(self) -> None:
        self._layout()

    def action_pick(self, step: int) -> None:
        if not self.maps:
            return
        self.head = (self.head + step) % len(self.maps)
        top = (self.head // self.per_row()) * (self.map_height + 1)
        if (
            not self.scroll_offset.y
            <= top
            <= self.scroll_offset.y + self.size.height - self.map_height
        ):
            self.scroll_to(y=top, animate=False)
        self.refresh()
        self.post_message(self.HeadPicked(self, self.head))

    def action_open(self) -> None:
        if self.maps:
            self.post_message(self.HeadOpened(self, self.head))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        scroll_x, scroll_y = self.scroll_offset
        if not self.maps:
            return Strip.blank(width, base)
        y += scroll_y
        band, line = divmod(y, self.map_height + 1)
        per_row = self.per_row()
        segments: list[Segment] = []
        for slot in range(per_row):
            head = band * per_row + slot
            if head >= len(self.maps) or line == self.map_height:
                break
            segments.extend(self._map_line(head, line, base))
            segments.append(Segment(" " * GAP, base))
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, base)

    def _map_line(self, head: int, line: int, base: Style) -> list[Segment]:
        width = self.map_width
        if line == 0:
            title = f"{'▶' if head == self.head else ' '}h{head}"
            style = base + Style(bold=True, reverse=head == self.head)
            return [Segment(title.ljust(width)[:width], style)]
        _, foregrounds = styles(False)
        matrix = self.maps[head]
        top, bottom = 2 * (line - 1), 2 * (line - 1) + 1
        segments = []
        for j in range(self.tokens):
            upper = self._colour(matrix, top, j, foregrounds)
            lower = self._colour(matrix, bottom, j, foregrounds)
            if upper is None and lower is None:
                segments.append(Segment(" ", base))
            elif lower is None:
                segments.append(Segment("▀", base + upper))
            elif upper is None:
                segments.append(Segment("▄", base + lower))
            else:
                segments.append(Segment("▀", upper + Style(bgcolor=lower.color)))
        if width > self.tokens:
            segments.append(Segment(" " * (width - self.tokens), base))
        return segments

    def _colour(self, matrix: list[list[float]], i: int, j: int, foregrounds: Any) -> Style | None:
        if i >= len(matrix) or (self.causal and j > i):
            return None
        return foregrounds[level(matrix[i][j], 0.0, 1.0)]
