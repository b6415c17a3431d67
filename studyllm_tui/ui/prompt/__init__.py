"""The プロンプト tab: the same task asked zero-, one- and few-shot, side by side, and measured."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.widgets import (
    Button,
    Collapsible,
    Input,
    Label,
    ProgressBar,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from studyllm_tui.core.i18n import language, t
from studyllm_tui.core.prompts import (
    FORMATS,
    MODES,
    AssembledPrompt,
    Backend,
    BackendError,
    PromptError,
    PromptTask,
    assemble,
    load_prompt_tasks,
    select_examples,
)
from studyllm_tui.core.safetext import visible
from studyllm_tui.ui.cells import safe_line
from studyllm_tui.ui.prompt.evaluation import EvaluationView
from studyllm_tui.ui.prompt.runs import PromptRuns
from studyllm_tui.ui.prompt.widgets import ExampleList, ModeColumn
from studyllm_tui.ui.textarea import SafeTextArea

__all__ = ["PromptLab"]

PREFERRED_ORDER = ("sentiment", "nli", "quiz", "headline", "topic")
NARROW = 110  # terminal columns below which the answers stack instead of side by side
SHORT = 30  # terminal rows below which the left column is packed to fit without scrolling


class PromptLab(PromptRuns):
    """Input, mode, k and examples on the left; the exact prompt and the answers on the right."""

    HELP_KEY = "prompt.help"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+enter", "run", t("prompt.run"), priority=True, id="prompt.run"),
        Binding("ctrl+j", "run", t("prompt.run"), show=False, priority=True, id="prompt.run_j"),
        Binding("ctrl+o", "compare", t("prompt.compare"), id="prompt.compare"),
        # priority: text fields use ctrl+e for "end of line" (the End key still does that)
        Binding("ctrl+e", "evaluate", t("prompt.evaluate"), priority=True, id="prompt.evaluate"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        library = load_prompt_tasks()
        order = {task_id: i for i, task_id in enumerate(PREFERRED_ORDER)}
        self.tasks: dict[str, PromptTask] = dict(
            sorted(
                library.tasks.items(), key=lambda item: (order.get(item[0], len(order)), item[0])
            )
        )
        self.problems = library.problems
        self.current: PromptTask = next(iter(self.tasks.values())) if self.tasks else None  # type: ignore[assignment]
        self.chosen: list[int] = []
        self._backend: Backend | None = None
        self._backend_key: tuple[str, ...] = ()
        self._building_fields = True  # until load_task has built the input fields
        self._focus_after_build = False

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        settings = self.study_app.config.prompt
        with Vertical(id="prompt-left"):
            yield Select(
                [(task.title(language()), task.id) for task in self.tasks.values()],
                value=self.current.id if self.current else Select.BLANK,
                allow_blank=False,
                id="prompt-task",
                compact=True,
            )
            yield Select(
                [(t(f"prompt.mode_{m}"), m) for m in MODES],
                value="few",
                allow_blank=False,
                id="prompt-mode",
                compact=True,
            )
            yield Select(
                [(t(f"prompt.format_{f}"), f) for f in FORMATS],
                value="plain",
                allow_blank=False,
                id="prompt-format",
                compact=True,
            )
            with Horizontal(classes="prompt-row"):
                yield Label("k", classes="prompt-label")
                yield Input(
                    "3", type="integer", id="prompt-k", classes="prompt-number", compact=True
                )
                yield Label(t("prompt.seed"), classes="prompt-label")
                yield Input(
                    "0", type="integer", id="prompt-seed", classes="prompt-number", compact=True
                )
            # the input and the run keys come first: at 80x24 they are on screen from the start
            # (a field scrolled out of view is blurred by Textual, and the focus was lost)
            yield Label(t("prompt.input_title"), classes="prompt-section")
            yield Vertical(id="prompt-inputs")
            with Horizontal(classes="prompt-buttons"):
                yield Button(t("prompt.run"), id="prompt-run", variant="primary", compact=True)
                yield Button(t("prompt.compare"), id="prompt-compare", compact=True)
                yield Button(t("prompt.evaluate"), id="prompt-evaluate", compact=True)
            yield Label(t("prompt.examples_title"), classes="prompt-section")
            yield ExampleList(id="prompt-examples")
            with Collapsible(title=t("prompt.backend_title"), id="prompt-backend-box"):
                yield Select(
                    [(t("prompt.backend_local"), "local"), (t("prompt.backend_remote"), "remote")],
                    value=settings.backend,
                    allow_blank=False,
                    id="prompt-backend",
                    compact=True,
                )
                yield Input(
                    settings.model, placeholder=t("prompt.model_placeholder"), id="prompt-model"
                )
                yield Input(
                    settings.endpoint, placeholder="http://localhost:8000/v1", id="prompt-endpoint"
                )
                yield Input(
                    settings.endpoint_model,
                    placeholder=t("prompt.endpoint_model_placeholder"),
                    id="prompt-endpoint-model",
                )
        with Vertical(id="prompt-right"):
            yield Static("", id="prompt-prompt-title", markup=False)
            yield SafeTextArea(
                "", read_only=True, id="prompt-view", soft_wrap=True, show_line_numbers=False
            )
            yield Static("", id="prompt-status", markup=False)
            yield ProgressBar(id="prompt-progress", show_eta=False)
            with TabbedContent(id="prompt-results"):
                with (
                    TabPane(t("prompt.answers_tab"), id="prompt-answers-tab"),
                    Container(id="prompt-columns"),
                ):
                    for mode in MODES:
                        yield ModeColumn(mode)
                with TabPane(t("prompt.evaluation_tab"), id="prompt-eval-tab"):
                    yield EvaluationView(id="prompt-eval")

    def on_resize(self) -> None:
        """Below 110 columns (80x24) the answer columns stack and scroll, whole lines each;
        below 30 rows the left column is packed so that it fits (it does not scroll away)."""
        self.set_class(self.screen.size.width < NARROW, "-narrow")
        self.set_class(self.screen.size.height < SHORT, "-short")

    async def on_mount(self) -> None:
        self.query_one("#prompt-progress", ProgressBar).display = False
        if not self.tasks:
            self._building_fields = False
            self.set_status(t("prompt.no_tasks"))
            return
        await self.load_task(self.current)
        if self.problems:
            self.notify(
                "\n".join(str(p) for p in self.problems[:5]),
                title=t("prompt.task_problems"),
                severity="warning",
                timeout=10,
                markup=False,
            )

    def focus_default(self) -> None:
        if self._building_fields:  # the fields are being rebuilt: focus the new ones
            self._focus_after_build = True
            return
        areas = self.query("#prompt-inputs TextArea")
        if areas:
            areas.first().focus()

    # -- state -----------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return str(self.query_one("#prompt-mode", Select).value)

    @property
    def fmt(self) -> str:
        return str(self.query_one("#prompt-format", Select).value)

    def _int(self, widget_id: str, default: int) -> int:
        try:
            return int(self.query_one(widget_id, Input).value)
        except ValueError:
            return default

    @property
    def k(self) -> int:
        return self._int("#prompt-k", 3)

    @property
    def seed(self) -> int:
        return self._int("#prompt-seed", 0)

    async def load_task(self, task: PromptTask) -> None:
        self._building_fields = True
        try:
            await self._build_fields(task)
        finally:
            self._building_fields = False
        if self._focus_after_build:
            self._focus_after_build = False
            self.focus_default()

    async def _build_fields(self, task: PromptTask) -> None:
        self.current = task
        box = self.query_one("#prompt-inputs", Vertical)
        await box.remove_children()
        areas = []
        for name in task.fields:
            area = SafeTextArea("", id=f"prompt-input-{name}", classes="prompt-input", soft_wrap=True)
            area.border_title = (
                t(f"prompt.field_{name}")
                if name != "input"
                else task.input_format.split("{")[0].rstrip("：:") or name
            )
            areas.append(area)
        await box.mount_all(areas)
        k_input = self.query_one("#prompt-k", Input)
        if self.k > task.max_k():
            k_input.value = str(min(3, task.max_k()))
        self.reseed()
        self.query_one("#prompt-eval", EvaluationView).clear()
        for column in self.query(ModeColumn):
            column.clear()

    def reseed(self) -> None:
        """Choose this mode's examples by the seed (k for few-shot)."""
        try:
            self.chosen = select_examples(self.current, self.mode, self.k, self.seed)
        except PromptError as error:
            self.set_status(str(error))
            return
        self.show_examples()

    def show_examples(self) -> None:
        self.query_one(ExampleList).show(self.current, self.chosen, enabled=self.mode != "zero")
        self.refresh_prompt()

    def inputs(self) -> list[str]:
        return [
            self.query_one(f"#prompt-input-{name}", TextArea).text for name in self.current.fields
        ]

    def build(self, mode: str, strict: bool = True) -> AssembledPrompt:
        """The prompt for ``mode``: the chosen examples for the current mode, else seeded ones."""
        if mode == self.mode:
            examples = self.chosen
        elif mode == "zero":
            examples = []
        elif mode == "one":
            examples = self.chosen[:1] or select_examples(self.current, "one", seed=self.seed)
        else:
            examples = (
                self.chosen
                if len(self.chosen) >= 2
                else select_examples(
                    self.current, "few", max(2, min(self.k, self.current.max_k())), self.seed
                )
            )
        values = self.inputs()
        if not strict:
            values = [v if v.strip() else "…" for v in values]
        return assemble(self.current, values, mode, examples, self.fmt)

    def refresh_prompt(self) -> None:
        """Show the exact prompt of the current mode and its token count."""
        title = self.query_one("#prompt-prompt-title", Static)
        view = self.query_one("#prompt-view", TextArea)
        try:
            prompt = self.build(self.mode, strict=False)
        except PromptError as error:
            title.update(safe_line(str(error)))
            return
        backend = (
            self._backend
            if self._backend is not None and self._backend_key == self.backend_key()
            else None
        )
        text, count = prompt.text, None
        if backend is not None:
            try:
                text, count = backend.render(prompt), backend.count_tokens(prompt)
            except BackendError as error:
                text = f"{prompt.text}\n\n({error})"
        text = visible(text)  # examples, the input and a chat template come from files
        if view.text != text:
            view.load_text(text)
        tokens = (
            t("prompt.tokens", count=count) if count is not None else t("prompt.tokens_unknown")
        )
        title.update(
            Content(f"{t('prompt.prompt_title', mode=t(f'prompt.mode_{self.mode}'))} — {tokens}")
        )

    def set_status(self, text: str, fraction: float | None = None) -> None:
        self.query_one("#prompt-status", Static).update(safe_line(text))
        bar = self.query_one("#prompt-progress", ProgressBar)
        bar.display = fraction is not None
        if fraction is not None:
            bar.update(total=100, progress=fraction * 100)

    # -- events ----------------------------------------------------------------------------

    @on(Select.Changed, "#prompt-task")
    async def _task_changed(self, event: Select.Changed) -> None:
        task = self.tasks.get(str(event.value))
        if task is not None and task is not self.current:
            await self.load_task(task)

    @on(Select.Changed, "#prompt-mode")
    @on(Input.Changed, "#prompt-k")
    @on(Input.Changed, "#prompt-seed")
    def _selection_changed(self) -> None:
        if self.current is not None:
            self.reseed()

    @on(Select.Changed, "#prompt-format")
    @on(TextArea.Changed, ".prompt-input")
    def _prompt_changed(self) -> None:
        self.refresh_prompt()

    @on(SelectionList.SelectionToggled, "#prompt-examples")
    def _example_toggled(self, event: SelectionList.SelectionToggled) -> None:
        index = int(event.selection.value)
        if index in self.chosen:
            self.chosen.remove(index)
        elif self.mode == "one":
            self.chosen = [index]
        else:
            self.chosen.append(index)
        if self.mode == "few" and len(self.chosen) >= 2:
            with self.prevent(Input.Changed):
                self.query_one("#prompt-k", Input).value = str(len(self.chosen))
        self.show_examples()

    @on(ExampleList.Moved)
    def _example_moved(self, event: ExampleList.Moved) -> None:
        if event.index not in self.chosen:
            return
        at = self.chosen.index(event.index)
        to = at + event.step
        if 0 <= to < len(self.chosen):
            self.chosen[at], self.chosen[to] = self.chosen[to], self.chosen[at]
            self.show_examples()
            self.query_one(ExampleList).highlighted = to

    @on(Input.Changed, "#prompt-model, #prompt-endpoint, #prompt-endpoint-model")
    @on(Select.Changed, "#prompt-backend")
    def _backend_changed(self) -> None:
        self.refresh_prompt()

    @on(Button.Pressed, "#prompt-run")
    def _run_pressed(self) -> None:
        self.action_run()

    @on(Button.Pressed, "#prompt-compare")
    def _compare_pressed(self) -> None:
        self.action_compare()

    @on(Button.Pressed, "#prompt-evaluate")
    def _evaluate_pressed(self) -> None:
        self.action_evaluate()
