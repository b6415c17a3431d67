"""One tokenizer's row: its tokens as alternating coloured chips, counts, a selected token."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible as safe_text
from studyllm_tui.core.tokenizers.base import Tokenization, visible

MAX_CHIPS = 1500
CHIP_STYLES = ("#000000 on #9ecbff", "#000000 on #c8e6a0")
KIND_STYLES: dict[str, str | tuple[str, str]] = {
    "unknown": "bold #ffffff on #c0392b",
    "special": "bold #ffffff on #8e44ad",
    "byte": ("#000000 on #f5c26b", "#000000 on #e0a040"),
}
HIGHLIGHT = "bold #000000 on #ffee58 underline"
SELECTED = "bold #ffffff on #d35400"


class TokenRow(Static, can_focus=True):
    """Chips for one tokenizer. Left/right move over the tokens."""

    BINDINGS = [
        Binding("left", "move(-1)", t("tokenizer.key_prev_token"), show=False),
        Binding("right", "move(1)", t("tokenizer.key_next_token"), show=False),
        Binding("home", "move_to(0)", show=False),
        Binding("end", "move_to(-1)", show=False),
    ]

    selected: reactive[int | None] = reactive(None, init=False)

    @dataclass
    class TokenSelected(Message):
        row: TokenRow
        index: int

    def __init__(self, name: str, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.tokenizer_name = name
        self.label = t("tokenizer.loading", name=name)
        self.result: Tokenization | None = None
        self.error: str | None = None
        self.show_ids = False
        self.span: tuple[int, int] | None = None

    def set_label(self, label: str) -> None:
        self.label = label
        self.refresh_chips()

    def set_error(self, message: str) -> None:
        self.error = message
        self.refresh_chips()

    def set_result(self, result: Tokenization) -> None:
        self.result = result
        if self.selected is not None and self.selected >= len(result):
            self.selected = len(result) - 1 if len(result) else None
        self.refresh_chips()

    def set_span(self, span: tuple[int, int] | None) -> None:
        self.span = span
        self.refresh_chips()

    def refresh_chips(self) -> None:
        self.update(self.render_chips())

    def summary(self) -> str:
        if self.result is None:
            return ""
        count = len(self.result)
        return t(
            "tokenizer.row_summary",
            count=f"{count:,}",
            ratio=f"{self.result.chars_per_token:.2f}" if count else "-",
        )

    def render_chips(self) -> Content:
        head = Content.assemble(
            (safe_text(self.tokenizer_name, keep_newlines=False), "bold"),
            "  ",
            (safe_text(self.label), "dim"),
            "  ",
            (self.summary(), "bold"),
        )
        if self.error is not None:
            return Content.assemble(head, "\n", (safe_text(self.error), "#ff6b6b"))
        if self.result is None:
            return head
        result = self.result
        count = len(result)
        highlighted: set[int] = set()
        if self.span is not None:
            highlighted = set(result.tokens_at(*self.span))
        parts: list[Content | str | tuple[str, str]] = [head, "\n"]
        if not count:
            parts.append((t("tokenizer.no_tokens"), "dim italic"))
        show_ids = self.show_ids and result.ids is not None
        for index in range(min(count, MAX_CHIPS)):
            info = result.info(index)
            text = safe_text(visible(info.display), keep_newlines=False) or "∅"
            if show_ids:
                token_id = result.token_id(index)
                if token_id is not None:
                    text = f"{text}·{token_id}"
            kind_style = KIND_STYLES.get(info.kind)
            if index == self.selected:
                style = SELECTED
            elif index in highlighted:
                style = HIGHLIGHT
            elif isinstance(kind_style, tuple):
                style = kind_style[index % 2]
            elif kind_style is not None:
                style = kind_style
            else:
                style = CHIP_STYLES[index % 2]
            parts.append((text, style))
            parts.append(" ")
        if count > MAX_CHIPS:
            parts.append(
                (t("tokenizer.trimmed", shown=f"{MAX_CHIPS:,}", total=f"{count:,}"), "italic")
            )
        return Content.assemble(*parts)

    def watch_selected(self) -> None:
        self.refresh_chips()
        if self.selected is not None:
            self.post_message(self.TokenSelected(self, self.selected))

    def action_move(self, delta: int) -> None:
        if self.result is None or not len(self.result):
            return
        last = min(len(self.result), MAX_CHIPS) - 1
        current = self.selected if self.selected is not None else (-1 if delta > 0 else last + 1)
        self.selected = max(0, min(last, current + delta))

    def action_move_to(self, index: int) -> None:
        if self.result is None or not len(self.result):
            return
        last = min(len(self.result), MAX_CHIPS) - 1
        self.selected = last if index < 0 else min(index, last)
