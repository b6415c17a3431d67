"""A heatmap widget drawn with the Line API: row labels on the left and column labels on top
stay in place while the cells scroll, so a long input scrolls and nothing is cut.

Each cell is two terminal cells wide, coloured by its value. A cursor moves over the cells
(arrows, home/end, page keys, mouse) and posts :class:`HeatMap.CursorMoved`; the pane shows
the exact value. Masked cells (a decoder's future tokens) are drawn empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from studyllm_tui.ui.cells import fit as fit_cells
from studyllm_tui.ui.inside.palette import level, styles

CELL = 2
LABEL_CELLS = 14  # at most this many cells of a row label; a longer one ends in "…"
HEADER_ROWS = 3  # rows of vertical column labels (plus one row of indices)


def fit(text: str, cells: int) -> str:
    """``text`` padded to ``cells`` cells; a longer one is shortened visibly with ``…``."""
    return fit_cells(text, cells)


def column_chunks(label: str) -> list[str]:
    """A column label cut into pieces of at most one cell width each (two terminal cells),
    to be written top to bottom; a byte label ``<e8 87>`` becomes ``e8``, ``87``."""
    if label.startswith("<") and label.endswith(">") and len(label) > 2:
        label = label[1:-1].replace(" ", "")
    chunks: list[str] = []
    for char in label:
        if chunks and cell_len(chunks[-1] + char) <= CELL:
            chunks[-1] += char
        else:
            chunks.append(char)
    return chunks


@dataclass
class MapData:
    values: list[list[float]]
    row_labels: list[str]
    col_labels: list[str] | None = None  # None: the columns are numbered only
    vmin: float = 0.0
    vmax: float = 1.0
    causal: bool = False  # draw j > i empty
    diverging: bool = False


class HeatMap(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1, 0)", show=False),
        Binding("down", "move(1, 0)", show=False),
        Binding("left", "move(0, -1)", show=False),
        Binding("right", "move(0, 1)", show=False),
        Binding("pageup", "move(-10, 0)", show=False),
        Binding("pagedown", "move(10, 0)", show=False),
        Binding("home", "move(0, -100000)", show=False),
        Binding("end", "move(0, 100000)", show=False),
    ]

    @dataclass
    class CursorMoved(Message):
        heatmap: HeatMap
        row: int
        col: int

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.data = MapData([], [])
        self.cursor = (0, 0)
        self._label_width = 0
        self._header_rows = 1
        self._chunks: list[list[str]] = []

    # -- data --------------------------------------------------------------------------

    def set_data(self, data: MapData, keep_cursor: bool = True) -> None:
        self.data = data
        rows, cols = self.shape
        row, col = self.cursor if keep_cursor else (0, 0)
        self.cursor = (min(row, max(rows - 1, 0)), min(col, max(cols - 1, 0)))
        widest = max((cell_len(label) for label in data.row_labels), default=0)
        self._label_width = 5 + min(LABEL_CELLS, widest) + 1
        self._header_rows = 1
        self._chunks = []
        if data.col_labels:
            self._chunks = [column_chunks(label) for label in data.col_labels]
            tallest = max((len(chunks) for chunks in self._chunks), default=0)
            self._header_rows += min(HEADER_ROWS, tallest)
        self.virtual_size = Size(self._label_width + cols * CELL, self._header_rows + rows)
        self.refresh()
        self.post_message(self.CursorMoved(self, *self.cursor))

    @property
    def shape(self) -> tuple[int, int]:
        rows = len(self.data.values)
        return rows, (len(self.data.values[0]) if rows else 0)

    def value(self, row: int, col: int) -> float:
        return self.data.values[row][col]

    def masked(self, row: int, col: int) -> bool:
        return self.data.causal and col > row

    # -- cursor ------------------------------------------------------------------------

    def action_move(self, rows: int, cols: int) -> None:
        self.move_cursor(self.cursor[0] + rows, self.cursor[1] + cols)

    def move_cursor(self, row: int, col: int) -> None:
        total_rows, total_cols = self.shape
        if not total_rows:
            return
        row = min(max(row, 0), total_rows - 1)
        col = min(max(col, 0), total_cols - 1)
        self.cursor = (row, col)
        self._keep_visible()
        self.refresh()
        self.post_message(self.CursorMoved(self, row, col))

    def _keep_visible(self) -> None:
        row, col = self.cursor
        body_rows = max(1, self.size.height - self._header_rows)
        body_cells = max(CELL, self.size.width - self._label_width)
        x, y = self.scroll_offset
        if row < y:
            y = row
        elif row >= y + body_rows:
            y = row - body_rows + 1
        if col * CELL < x:
            x = col * CELL
        elif (col + 1) * CELL > x + body_cells:
            x = (col + 1) * CELL - body_cells
        self.scroll_to(x, y, animate=False)

    def on_click(self, event: events.Click) -> None:
        if event.y < self._header_rows or event.x < self._label_width:
            return
        x, y = self.scroll_offset
        self.move_cursor(event.y - self._header_rows + y, (event.x - self._label_width + x) // CELL)

    # -- drawing -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y < self._header_rows:
            label = Strip([Segment(" " * self._label_width, base)])
            body = self._header_line(y, base)
        else:
            row = y - self._header_rows + scroll_y
            if row >= len(self.data.values):
                return Strip.blank(width, base)
            label = Strip([Segment(self._row_label(row), base)])
            body = self.body_line(row, base)
        body_width = max(0, width - self._label_width)
        body = body.crop_extend(scroll_x, scroll_x + body_width, base)
        return Strip.join([label, body]).crop_extend(0, width, base)

    def _row_label(self, row: int) -> str:
        marker = "▶" if row == self.cursor[0] else " "
        return f"{row:>3}{marker} " + fit(self.data.row_labels[row], self._label_width - 6) + " "

    def _header_line(self, y: int, base: Style) -> Strip:
        cols = self.shape[1]
        current = self.cursor[1]
        bold = base + Style(bold=True, reverse=True)
        segments = []
        if y == 0:
            for j in range(cols):
                segments.append(Segment(f"{j % 100:>2}", bold if j == current else base))
            return Strip(segments)
        for j in range(cols):
            chars = self._chunks[j] if j < len(self._chunks) else []
            index = y - 1
            last = self._header_rows - 2
            if index < len(chars):
                char = "…" if index == last and len(chars) > last + 1 else chars[index]
                text = fit(char, CELL)
            else:
                text = " " * CELL
            segments.append(Segment(text, bold if j == current else base))
        return Strip(segments)

    def body_line(self, row: int, base: Style) -> Strip:
        """The cells of one row (every column), as a Strip."""
        data = self.data
        backgrounds, _ = styles(data.diverging)
        cursor_row, cursor_col = self.cursor
        blank = "  "
        segments = []
        values = data.values[row]
        limit = row if data.causal else len(values) - 1
        for col, value in enumerate(values):
            if col > limit:
                segments.append(Segment(blank, base))
                continue
            style = backgrounds[level(value, data.vmin, data.vmax)]
            text = "[]" if row == cursor_row and col == cursor_col else blank
            segments.append(Segment(text, style))
        if row == cursor_row and cursor_col > limit and cursor_col < len(values):
            segments[cursor_col] = Segment("[]", base)
        return Strip(segments)
