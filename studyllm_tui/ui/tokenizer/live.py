"""The live splitter: type, and every selected tokenizer's split updates beside the others."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Input, Select, Static, TextArea
from textual.worker import get_current_worker

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Cancelled, Progress
from studyllm_tui.core.tokenizers import (
    DEFAULT_SELECTION,
    Tokenization,
    TokenizerAdapter,
    TokenizerError,
    load_tokenizer,
    tokenize,
)
from studyllm_tui.core.tokenizers.hf import PRESETS
from studyllm_tui.ui.cells import cell, safe_line
from studyllm_tui.ui.pane import ReportsFailures, WorkerFailed, describe_failure
from studyllm_tui.ui.progress import describe_progress
from studyllm_tui.ui.textarea import SafeTextArea
from studyllm_tui.ui.tokenizer.detail import token_detail
from studyllm_tui.ui.tokenizer.row import TokenRow

BOOK_SENTENCE = "自然言語処理にディープラーニングを使う"
PRESET_TEXTS = (
    BOOK_SENTENCE,
    "大規模言語モデルは、次の単語を予測する練習を何度も繰り返します。",
    "吾輩は猫である。名前はまだ無い。",
    "Tokenizers split text into pieces: GPT-2 sees bytes.",
    "ｶﾀｶﾅ と 全角ＡＢＣ、絵文字👨‍👩‍👧 と e\u0301",
)
DEBOUNCE_S = 0.04


def _row_id(index: int) -> str:
    return f"tok-row-{index}"


class LiveSplitter(ReportsFailures, Vertical):
    """Text on top, one row of chips per tokenizer below, details of the token under focus."""

    def __init__(self, names: list[str] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.names = list(dict.fromkeys(names or DEFAULT_SELECTION))
        self.adapters: dict[str, TokenizerAdapter] = {}
        self._generation = 0
        self._applied = 0
        self._timer: Timer | None = None
        self._active_row: TokenRow | None = None
        self._own_selection: object = None
        self._detail_of: tuple[Tokenization, int] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="tok-toolbar"):
            yield Select(
                [(text, text) for text in PRESET_TEXTS],
                prompt=t("tokenizer.preset_prompt"),
                id="tok-preset",
                allow_blank=True,
            )
            yield Input(
                placeholder=t("tokenizer.add_placeholder"),
                id="tok-add",
                suggester=SuggestFromList(PRESETS, case_sensitive=False),
            )
            yield Checkbox(t("tokenizer.show_ids"), id="tok-ids")
            yield Checkbox(t("tokenizer.mecab_table"), id="tok-table-toggle")
        yield SafeTextArea(BOOK_SENTENCE, id="tok-text", soft_wrap=True)
        yield Static(Content(t("tokenizer.legend")), id="tok-legend")
        yield Static("", id="tok-detail", markup=False)
        with VerticalScroll(id="tok-rows"):
            for index, name in enumerate(self.names):
                yield TokenRow(name, id=_row_id(index))
        table: DataTable[str] = DataTable(id="tok-mecab-table", zebra_stripes=True)
        table.display = False
        yield table

    def on_resize(self) -> None:
        """Small terminals (80x24): one-line toolbar, a shorter text box, no legend."""
        width, height = self.screen.size
        narrow, short = width < 110, height < 36
        self.set_class(narrow, "-narrow")
        self.set_class(short, "-short")
        for widget in self.query("#tok-toolbar > *"):
            widget.compact = narrow or short  # type: ignore[attr-defined]
        placeholder = "tokenizer.add_placeholder_short" if narrow else "tokenizer.add_placeholder"
        self.query_one("#tok-add", Input).placeholder = t(placeholder)
        self.query_one("#tok-text", TextArea).compact = short

    def on_mount(self) -> None:
        table = self.query_one("#tok-mecab-table", DataTable)
        table.add_columns(
            *(t(f"tokenizer.col_{c}") for c in ("surface", "pos", "reading", "lemma", "span"))
        )
        for name in self.names:
            self._load(name)

    # -- loading -------------------------------------------------------------------------

    def rows(self) -> list[TokenRow]:
        return list(self.query(TokenRow))

    def row_for(self, name: str) -> TokenRow | None:
        return next((row for row in self.rows() if row.tokenizer_name == name), None)

    def _load(self, name: str) -> None:
        self.run_worker(
            lambda: self._load_in_thread(name),
            thread=True,
            exclusive=True,
            group=f"tokenizer:load:{name}",
            exit_on_error=False,
        )

    def _load_in_thread(self, name: str) -> None:
        worker = get_current_worker()

        def progress(report: Progress) -> None:
            self.app.call_from_thread(self._loading, name, describe_progress(report))

        try:
            adapter = load_tokenizer(name, progress=progress, cancel=worker.cancelled_event)
        except Cancelled:
            self.app.call_from_thread(self._failed, name, t("tokenizer.cancelled"))
            return
        except TokenizerError as error:
            self.app.call_from_thread(self._failed, name, str(error))
            return
        # anything else (a broken folder ...) ends the worker: _load_failed shows it on the row
        self.app.call_from_thread(self._loaded, name, adapter)

    def on_worker_failed(self, event: WorkerFailed) -> None:
        name = event.group.removeprefix("tokenizer:load:")
        if event.group.startswith("tokenizer:load:") and self.row_for(name) is not None:
            event.stop()
            self._failed(name, event.message)

    def _loading(self, name: str, what: str) -> None:
        row = self.row_for(name)
        if row is not None:
            row.set_label(t("tokenizer.loading_stage", name=name, stage=what))

    def _failed(self, name: str, message: str) -> None:
        row = self.row_for(name)
        if row is not None:
            row.set_error(message)

    def _loaded(self, name: str, adapter: TokenizerAdapter) -> None:
        self.adapters[name] = adapter
        row = self.row_for(name)
        if row is not None:
            row.set_label(self.describe(adapter))
        self.retokenize(now=True)

    @staticmethod
    def describe(adapter: TokenizerAdapter) -> str:
        chars = getattr(adapter, "trained_chars", None)
        if chars is not None:
            return t(
                "tokenizer.trained_label",
                title=adapter.label.split(",")[0],
                chars=f"{chars:,}",
                vocab=f"{adapter.vocab_size:,}",  # type: ignore[attr-defined]
            )
        return adapter.label

    def add_tokenizer(self, name: str) -> None:
        name = name.strip()
        if not name:
            return
        if name in self.names:
            self.notify(t("tokenizer.already_shown", name=name), markup=False)
            return
        self.names.append(name)
        row = TokenRow(name, id=_row_id(len(self.names) - 1))
        row.show_ids = self.query_one("#tok-ids", Checkbox).value
        self.query_one("#tok-rows", VerticalScroll).mount(row)
        self._load(name)

    def cancel_loads(self) -> bool:
        running = [
            w for w in self.workers if w.group.startswith("tokenizer:load:") and w.is_running
        ]
        for worker in running:
            worker.cancel()
        return bool(running)

    # -- tokenizing ----------------------------------------------------------------------

    @property
    def text(self) -> str:
        return self.query_one("#tok-text", TextArea).text

    @on(TextArea.Changed, "#tok-text")
    def _text_changed(self) -> None:
        self.retokenize()

    def retokenize(self, now: bool = False) -> None:
        """Tokenize the text again off the UI thread; a newer request supersedes this one."""
        self._generation += 1
        if self._timer is not None:
            self._timer.stop()
        if now:
            self._start(self._generation)
        else:
            generation = self._generation
            self._timer = self.set_timer(DEBOUNCE_S, lambda: self._start(generation))

    def _start(self, generation: int) -> None:
        if generation != self._generation:
            return
        text = self.text
        adapters = dict(self.adapters)
        focus = self._cursor_offset()
        table = self.query_one("#tok-mecab-table", DataTable).display
        self.run_worker(
            lambda: self._tokenize_in_thread(generation, text, adapters, focus, table),
            thread=True,
            exclusive=True,
            group="tokenizer:live",
            exit_on_error=False,
        )

    def _tokenize_in_thread(
        self,
        generation: int,
        text: str,
        adapters: dict[str, TokenizerAdapter],
        focus: int,
        table: bool,
    ) -> None:
        worker = get_current_worker()
        results: dict[str, Tokenization | str] = {}
        for name, adapter in adapters.items():
            if worker.is_cancelled:
                return
            try:
                result = tokenize(adapter, text, focus=focus)
                if table and name == "mecab":  # the table shows every morpheme's features
                    result.prepare_features()
                results[name] = result
            except Exception as error:  # shown on its row: one tokenizer never takes down the rest
                results[name] = t("tokenizer.failed", error=describe_failure(error))
        if not worker.is_cancelled:
            self.app.call_from_thread(self._apply, generation, results)

    def _apply(self, generation: int, results: dict[str, Tokenization | str]) -> None:
        if generation < self._applied:  # a stale result never replaces a newer one
            return
        self._applied = generation
        for name, result in results.items():
            row = self.row_for(name)
            if row is None:
                continue
            if isinstance(result, str):
                row.set_error(result)
            else:
                row.error = None
                row.set_result(result)
        self._fill_table(results.get("mecab"))
        self._cursor_moved()

    def _fill_table(self, result: Tokenization | str | None) -> None:
        table = self.query_one("#tok-mecab-table", DataTable)
        if not table.display:
            return
        table.clear()
        if not isinstance(result, Tokenization):
            return
        for index in range(min(len(result), 2000)):
            features = result.features(index)
            start, end = result.spans[index]
            table.add_row(
                cell(result.info(index).display),
                cell(features.get("pos", "")),
                cell(features.get("reading", "")),
                cell(features.get("lemma", "")),
                f"{start}-{end}",
            )

    # -- the token under the cursor ------------------------------------------------------

    @on(TextArea.SelectionChanged, "#tok-text")
    def _cursor_moved(self) -> None:
        area = self.query_one("#tok-text", TextArea)
        if area.selection == self._own_selection:  # we selected a token's span ourselves
            return
        self._active_row = None
        offset = self._cursor_offset()
        for row in self.rows():
            row.selected = None
            row.set_span((offset, offset))
        shown = next((r for r in self.rows() if r.result is not None), None)
        if shown is None or shown.result is None:
            return
        if shown.result.text != self.text:
            return  # an edit: the new split is on its way, and _apply comes back here
        found = shown.result.tokens_at(offset, offset)
        if not found and offset > 0:  # at the end of the text: the token just before
            found = shown.result.tokens_at(offset - 1, offset - 1)
        if found:
            self._show_detail(shown, found[0], highlight=False)
        else:  # no token at all (empty text): describe nothing stale
            self._detail_of = None
            self.query_one("#tok-detail", Static).update("")

    def _cursor_offset(self) -> int:
        area = self.query_one("#tok-text", TextArea)
        document: Any = area.document
        return int(document.get_index_from_location(area.cursor_location))

    @on(TokenRow.TokenSelected)
    def _token_selected(self, event: TokenRow.TokenSelected) -> None:
        self._active_row = event.row
        self._show_detail(event.row, event.index, highlight=True)

    def _show_detail(self, row: TokenRow, index: int, *, highlight: bool) -> None:
        result = row.result
        assert result is not None
        self._detail_of = (result, index)
        if not result.features_ready(index):
            # another MeCab pass is needed for this token's features: make it off the UI thread
            self._features_later(row, result, index, highlight)
        token, detail = token_detail(row.tokenizer_name, result, index)
        self.query_one("#tok-detail", Static).update(safe_line(detail))
        if highlight:
            for other in self.rows():
                other.set_span(None if other is row else (token.start, token.end))
            area = self.query_one("#tok-text", TextArea)
            document: Any = area.document
            self._own_selection = type(area.selection)(
                document.get_location_from_index(token.start),
                document.get_location_from_index(token.end),
            )
            area.selection = self._own_selection

    def _features_later(
        self, row: TokenRow, result: Tokenization, index: int, highlight: bool
    ) -> None:
        def work() -> None:
            result.prepare_features()
            self.app.call_from_thread(shown, row, result, index, highlight)

        def shown(row: TokenRow, result: Tokenization, index: int, highlight: bool) -> None:
            if self._detail_of == (result, index) and row.result is result:
                self._show_detail(row, index, highlight=False)

        self.run_worker(
            work, thread=True, exclusive=True, group="tokenizer:features", exit_on_error=False
        )

    # -- toolbar -------------------------------------------------------------------------

    @on(Select.Changed, "#tok-preset")
    def _preset(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#tok-text", TextArea).text = event.value

    @on(Input.Submitted, "#tok-add")
    def _add(self, event: Input.Submitted) -> None:
        self.add_tokenizer(event.value)
        event.input.value = ""

    @on(Checkbox.Changed, "#tok-ids")
    def _toggle_ids(self, event: Checkbox.Changed) -> None:
        for row in self.rows():
            row.show_ids = event.value
            row.refresh_chips()

    @on(Checkbox.Changed, "#tok-table-toggle")
    def _toggle_table(self, event: Checkbox.Changed) -> None:
        table = self.query_one("#tok-mecab-table", DataTable)
        table.display = event.value
        if event.value:
            self.retokenize(now=True)
