"""The prompt lab's widgets: one answer column per mode, the example list, bars."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from studyllm_tui.core.i18n import t
from studyllm_tui.core.prompts import LabelScores, PromptTask
from studyllm_tui.core.safetext import visible
from studyllm_tui.ui.cells import cell_len, pad, safe

BAR_WIDTH = 16


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, rest = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[rest] if rest else ""
    return ("█" * full + partial).ljust(width, "·")


def label_bars(scores: LabelScores) -> Text:
    """One line per label: name, bar, percentage; the most likely label in bold."""
    best = scores.best()
    width = max(cell_len(visible(label)) for label in scores.probs)
    text = Text()
    for label, prob in scores.probs.items():
        style = "bold" if label == best else ""
        text.append(pad(visible(label, keep_newlines=False), width) + " ", style=style)
        text.append(bar(prob), style="green" if label == best else "dim")
        text.append(f" {prob:6.1%}\n", style=style)
    if scores.method == "first-token":
        text.append(t("prompt.first_token_short") + "\n", style="italic dim")
    if scores.note and scores.method != "first-token":
        text.append(visible(scores.note) + "\n", style="italic dim")
    return text


class ModeColumn(Vertical):
    """The answer of one mode (zero/one/few): streamed text, then the label bars."""

    def __init__(self, mode: str) -> None:
        super().__init__(id=f"prompt-col-{mode}", classes="prompt-col")
        self.mode = mode
        self.answer = ""

    def compose(self) -> ComposeResult:
        yield Static(t(f"prompt.mode_{self.mode}"), classes="prompt-col-title")
        with VerticalScroll(classes="prompt-col-body"):
            yield Static("", id=f"prompt-answer-{self.mode}", classes="prompt-answer", markup=False)
            yield Static("", id=f"prompt-bars-{self.mode}", classes="prompt-bars", markup=False)
            yield Static("", id=f"prompt-error-{self.mode}", classes="prompt-error", markup=False)

    def _part(self, name: str) -> Static:
        return self.query_one(f"#prompt-{name}-{self.mode}", Static)

    def start(self) -> None:
        self.answer = ""
        self.add_class("-running")
        self.remove_class("-idle")
        self._part("answer").update(Content(t("prompt.waiting")))
        self._part("bars").update("")
        self._part("error").update("")

    def set_text(self, text: str) -> None:
        self.answer = text
        self._part("answer").update(safe(text or "…"))

    def finish(self, text: str, scores: LabelScores | None, note: str) -> None:
        self.remove_class("-running")
        self.answer = text
        self._part("answer").update(safe(text) if text else Content(t("prompt.empty_answer")))
        if scores is not None:
            self._part("bars").update(label_bars(scores))
        elif note:
            self._part("bars").update(Text(visible(note), style="italic dim"))

    def fail(self, message: str, partial: str = "") -> None:
        self.remove_class("-running")
        if partial:
            self.answer = partial
            self._part("answer").update(safe(partial))
        elif not self.answer:
            self._part("answer").update("")
        self._part("error").update(safe(message))

    def clear(self) -> None:
        self.answer = ""
        self.remove_class("-running")
        self.add_class("-idle")
        for part in ("answer", "bars", "error"):
            self._part(part).update("")


class ExampleList(SelectionList[int]):
    """The task's example bank: checked examples go into the prompt, in the order shown."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+up", "move(-1)", t("prompt.move_up"), id="prompt.move_up"),
        Binding("ctrl+down", "move(1)", t("prompt.move_down"), id="prompt.move_down"),
    ]

    class Moved(Message):
        def __init__(self, index: int, step: int) -> None:
            super().__init__()
            self.index = index
            self.step = step

    def show(self, task: PromptTask, chosen: list[int], enabled: bool) -> None:
        """Refill the list: chosen examples first, numbered in prompt order, then the others."""
        highlighted = self.highlighted
        order = [*chosen, *(i for i in range(len(task.examples)) if i not in chosen)]
        self.clear_options()
        selections: list[Any] = []
        for i in order:
            item = task.examples[i]
            given = visible(
                " / ".join(item.fields.values()).replace("\n", " "), keep_newlines=False
            )
            number = f"{chosen.index(i) + 1}. " if i in chosen else "   "
            label = Text(number, style="bold")
            label.append(f"#{i + 1} {given} → ")
            label.append(visible(item.answer, keep_newlines=False), style="bold")
            selections.append(Selection(label, i, i in chosen))
        self.add_options(selections)
        self.disabled = not enabled
        if highlighted is not None and self.option_count:
            self.highlighted = min(highlighted, self.option_count - 1)

    def action_move(self, step: int) -> None:
        if self.highlighted is None:
            return
        value = self.get_option_at_index(self.highlighted).value
        self.post_message(self.Moved(int(value), step))
