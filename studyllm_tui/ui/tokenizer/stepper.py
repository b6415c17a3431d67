"""The BPE / WordPiece stepper: a word-count corpus, merge by merge, forward and back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, DataTable, Input, Static, TextArea
from textual.worker import get_current_worker

from studyllm_tui.core.bpe import TOY_CORPUS_TEXT, CorpusError, PairRow, Stepper, parse_corpus
from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Cancelled
from studyllm_tui.ui.cells import cell, safe
from studyllm_tui.ui.pane import ReportsFailures, WorkerFailed
from studyllm_tui.ui.textarea import SafeTextArea

SHOWN_WORDS = 300


@dataclass(frozen=True)
class StepView:
    """What the screen shows after ``position`` merges."""

    position: int
    known: int
    finished: bool
    table: tuple[PairRow, ...]
    chosen: PairRow | None
    merged: str
    vocab: list[str]
    segmentation: dict[str, list[str]]
    counts: dict[str, int]


def view_of(stepper: Stepper, position: int) -> StepView:
    if position > 0:
        step = stepper.steps[position - 1]
        table, chosen, merged = step.table, step.chosen, step.merged
    else:
        table, chosen, merged = stepper.candidates(), None, ""
    words = stepper.words[:SHOWN_WORDS]
    return StepView(
        position,
        len(stepper.steps),
        stepper.finished and position == len(stepper.steps),
        table,
        chosen,
        merged,
        stepper.vocab(position),
        stepper.segmentation(position, words),
        {word: stepper.counts[word] for word in words},
    )


class BpeStepperView(ReportsFailures, Vertical):
    """Edit the corpus, then step: the pair table, the vocabulary, every word's split."""

    BINDINGS = [
        Binding("alt+right", "step(1)", t("tokenizer.key_step"), id="tokenizer.step"),
        Binding("alt+left", "step(-1)", t("tokenizer.key_back"), id="tokenizer.back"),
        Binding("ctrl+j,ctrl+enter", "reset", t("tokenizer.key_reset"), id="tokenizer.reset"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stepper: Stepper | None = None
        self.position = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="bpe-top"):
            yield SafeTextArea(TOY_CORPUS_TEXT, id="bpe-corpus")
            with Vertical(id="bpe-controls"):
                yield Checkbox(t("tokenizer.wordpiece_mode"), id="bpe-wordpiece")
                with Horizontal(classes="bpe-buttons"):
                    yield Button(t("tokenizer.reset"), id="bpe-reset", variant="primary")
                    yield Button("◀", id="bpe-back")
                    yield Button("▶", id="bpe-forward")
                with Horizontal(classes="bpe-buttons"):
                    yield Input("10", id="bpe-n", type="integer", max_length=5)
                    yield Button(t("tokenizer.jump"), id="bpe-jump")
        yield Static("", id="bpe-status", markup=False)
        with Horizontal(id="bpe-bottom"):
            pairs: DataTable[str] = DataTable(id="bpe-pairs", cursor_type="row")
            yield pairs
            words: DataTable[str] = DataTable(id="bpe-words", zebra_stripes=True)
            yield words
        yield Static("", id="bpe-vocab", markup=False)

    def on_mount(self) -> None:
        self.query_one("#bpe-words", DataTable).add_columns(
            t("tokenizer.col_word"), t("tokenizer.col_count"), t("tokenizer.col_pieces")
        )
        self.action_reset()

    # -- actions -------------------------------------------------------------------------

    def action_reset(self) -> None:
        text = self.query_one("#bpe-corpus", TextArea).text
        wordpiece = self.query_one("#bpe-wordpiece", Checkbox).value
        self._run(lambda: self._build(text, wordpiece, 0))

    def action_step(self, delta: int) -> None:
        self.go_to(self.position + delta)

    def go_to(self, position: int) -> None:
        if self.stepper is None:
            return
        stepper = self.stepper
        self._run(lambda: self._advance(stepper, max(0, position)))

    @on(Button.Pressed, "#bpe-reset")
    def _reset_pressed(self) -> None:
        self.action_reset()

    @on(Button.Pressed, "#bpe-back")
    def _back_pressed(self) -> None:
        self.action_step(-1)

    @on(Button.Pressed, "#bpe-forward")
    def _forward_pressed(self) -> None:
        self.action_step(1)

    @on(Button.Pressed, "#bpe-jump")
    @on(Input.Submitted, "#bpe-n")
    def _jump(self) -> None:
        value = self.query_one("#bpe-n", Input).value
        try:
            count = int(value)
        except ValueError:
            self.notify(t("tokenizer.bad_number"), severity="warning")
            return
        self.go_to(self.position + count)

    @on(Checkbox.Changed, "#bpe-wordpiece")
    def _mode_changed(self) -> None:
        self.action_reset()

    def cancel(self) -> bool:
        running = [w for w in self.workers if w.group == "tokenizer:bpe" and w.is_running]
        for worker in running:
            worker.cancel()
        return bool(running)

    # -- work in a thread ----------------------------------------------------------------

    def _run(self, job: Callable[[], None]) -> None:
        self.run_worker(
            job, thread=True, exclusive=True, group="tokenizer:bpe", exit_on_error=False
        )

    def _build(self, text: str, wordpiece: bool, position: int) -> None:
        try:
            counts, _ = parse_corpus(text)
        except CorpusError as error:
            self.app.call_from_thread(self._show_error, str(error))
            return
        stepper = Stepper(counts, wordpiece=wordpiece)
        self._advance(stepper, position)

    def _advance(self, stepper: Stepper, position: int) -> None:
        worker = get_current_worker()
        try:
            reached = stepper.ensure(position, worker.cancelled_event)
            view = view_of(stepper, reached)
        except Cancelled:
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, stepper, view)

    # -- showing -------------------------------------------------------------------------

    def on_worker_failed(self, event: WorkerFailed) -> None:
        if event.group == "tokenizer:bpe":
            event.stop()
            self._show_error(event.message)
            self.notify(event.message, severity="error", markup=False)

    def _show_error(self, message: str) -> None:
        self.query_one("#bpe-status", Static).update(safe(message))

    def _show(self, stepper: Stepper, view: StepView) -> None:
        self.stepper = stepper
        self.position = view.position
        wordpiece = stepper.wordpiece
        if view.chosen is not None:
            status = t(
                "tokenizer.bpe_status",
                step=view.position,
                left=view.chosen.left,
                right=view.chosen.right,
                merged=view.merged,
                count=view.chosen.count,
            )
            if view.chosen.score is not None:
                status += "  " + t("tokenizer.bpe_score", score=f"{view.chosen.score:.4f}")
        else:
            status = t("tokenizer.bpe_start", words=len(stepper.words))
        if view.finished:
            status += "  " + t("tokenizer.bpe_finished")
        self.query_one("#bpe-status", Static).update(safe(status))
        pairs = self.query_one("#bpe-pairs", DataTable)
        pairs.clear(columns=True)
        columns = [t("tokenizer.col_rank"), t("tokenizer.col_pair"), t("tokenizer.col_count")]
        if wordpiece:
            columns.append(t("tokenizer.col_score"))
        pairs.add_columns(*columns)
        for rank, row in enumerate(view.table, 1):
            chosen = view.chosen is not None and row == view.chosen
            style = "bold #000000 on #ffee58" if chosen else ""
            cells = [
                cell(f"{'▶' if chosen else ' '}{rank}", style),
                cell(f"{row.left} + {row.right}", style),
                cell(str(row.count), style),
            ]
            if wordpiece:
                cells.append(cell(f"{row.score or 0:.4f}", style))
            pairs.add_row(*cells)
        words = self.query_one("#bpe-words", DataTable)
        words.clear()
        for word, pieces in view.segmentation.items():
            words.add_row(cell(word), str(view.counts[word]), cell(" ".join(pieces)))
        vocab = view.vocab
        self.query_one("#bpe-vocab", Static).update(
            safe(t("tokenizer.bpe_vocab", size=len(vocab)) + " " + " ".join(vocab[-400:]))
        )
