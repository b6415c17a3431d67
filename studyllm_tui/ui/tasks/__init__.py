"""The タスク tab: one panel per task of the seed's table, run in background workers."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, ContentSwitcher, OptionList, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from studyllm_tui.core.i18n import language, t
from studyllm_tui.core.jobs import Cancelled, Progress
from studyllm_tui.core.models.registry import TASKS
from studyllm_tui.core.models.task_options import out_of_range
from studyllm_tui.ui.pane import Pane, describe_failure
from studyllm_tui.ui.progress import describe_progress
from studyllm_tui.ui.tasks.panel import TaskPanel

__all__ = ["TaskPanel", "TasksPane"]


SHORT_HEIGHT = 30  # rows of the pane below which the layout is compact


class TasksPane(Pane):
    """A list of tasks on the left, the chosen task's panel on the right."""

    HELP_KEY: ClassVar[str] = "tasks.help"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+enter", "run_task", t("tasks.run"), priority=True, id="tasks.run"),
        Binding("ctrl+j", "run_task", t("tasks.run"), show=False, priority=True, id="tasks.run_j"),
        Binding("ctrl+l", "focus_list", t("tasks.list"), id="tasks.list"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_task = next(iter(TASKS))
        self.worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        from studyllm_tui.core.hub import is_cached

        config = self.study_app.config
        lang = language()
        with Horizontal(id="tasks-body"):
            yield OptionList(
                *[Option(spec.text("title", lang), id=task) for task, spec in TASKS.items()],
                id="tasks-list",
            )
            with ContentSwitcher(initial=f"panel-{self.current_task}", id="tasks-switcher"):
                for task, spec in TASKS.items():
                    model_id = config.models.get(task) or spec.model
                    yield TaskPanel(task, model_id, is_cached(model_id))

    def on_resize(self) -> None:
        # A short terminal (80x24) keeps the model card to its first lines (it scrolls) and
        # the inputs small, so that the result stays on screen.
        self.set_class(self.size.height < SHORT_HEIGHT, "-short")

    def panel(self, task: str | None = None) -> TaskPanel:
        return self.query_one(f"#panel-{task or self.current_task}", TaskPanel)

    def focus_default(self) -> None:
        self.query_one("#tasks-list", OptionList).focus()

    def action_focus_list(self) -> None:
        self.focus_default()

    def select_task(self, task: str, focus_input: bool = False) -> None:
        if task not in TASKS:
            return
        self.current_task = task
        self.query_one("#tasks-switcher", ContentSwitcher).current = f"panel-{task}"
        options = self.query_one("#tasks-list", OptionList)
        index = list(TASKS).index(task)
        if options.highlighted != index:
            options.highlighted = index
        if focus_input:
            self.panel(task).query(TextArea).first().focus()

    @on(OptionList.OptionHighlighted, "#tasks-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.select_task(event.option.id)

    @on(OptionList.OptionSelected, "#tasks-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.select_task(event.option.id, focus_input=True)

    def show_target(self, target: str) -> None:
        _, _, task = target.partition("/")
        if task in TASKS:
            self.select_task(task, focus_input=True)

    # -- running ---------------------------------------------------------------------------

    @on(Button.Pressed, "#run")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_run_task()

    def action_run_task(self) -> None:
        panel = self.panel()
        inputs = panel.inputs()
        options = panel.options()
        problem = out_of_range(panel.task_id, options)
        if problem:
            panel.set_status(problem)
            return
        panel.set_notice("")
        panel.set_status(t("tasks.status_starting"), busy=True)
        self.worker = self.run_in_background(panel, inputs, options)

    def cancel_or_back(self) -> bool:
        if self.worker is not None and self.worker.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        ):
            self.worker.cancel()
            self.panel().set_status(t("tasks.status_cancelling"), busy=True)
            return True
        if not isinstance(self.app.focused, OptionList):
            self.focus_default()
            return True
        return False

    @work(thread=True, exclusive=True, group="tasks:run", exit_on_error=False)
    def run_in_background(
        self, panel: TaskPanel, inputs: list[str], options: dict[str, Any]
    ) -> None:
        from studyllm_tui.core.models import get_manager
        from studyllm_tui.core.models.runners import TaskInputError, run_loaded

        worker = get_current_worker()
        cancel = worker.cancelled_event

        def status(text: str, fraction: float | None = None, busy: bool = False) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(panel.set_status, text, fraction, busy)

        def progress(report: Progress) -> None:
            status(describe_progress(report), report.fraction, report.fraction is None)

        from studyllm_tui.core.models.runners import _input_count_error

        problem = _input_count_error(panel.task_id, len(inputs))
        if problem:
            self.app.call_from_thread(panel.set_status, t("tasks.status_error", message=problem))
            return
        try:
            manager = get_manager(self.study_app.config)
            loaded = manager.load(panel.task_id, progress=progress, cancel=cancel)
            status(t("tasks.status_running", device=loaded.device), busy=True)
            if panel.task_id == "generate":
                self._stream(panel, loaded, inputs[0], options, cancel)
            else:
                result = run_loaded(loaded, inputs, options, cancel)
                if worker.is_cancelled:
                    raise Cancelled
                self.app.call_from_thread(panel.show_result, result, inputs)
            status(t("tasks.status_done", model=loaded.model_id), 1.0)
            self.app.call_from_thread(self._mark_cached, panel)
        except Cancelled:
            self.app.call_from_thread(panel.set_status, t("tasks.status_cancelled"))
        except TaskInputError as error:
            self.app.call_from_thread(
                panel.set_status, t("tasks.status_error", message=describe_failure(error))
            )
        # anything else (no model, a broken folder, out of memory ...) reaches show_failure

    def _stream(
        self, panel: TaskPanel, loaded: Any, prompt: str, options: dict[str, Any], cancel: Any
    ) -> None:
        from studyllm_tui.core.models.generation import GenerationSettings, generate_steps
        from studyllm_tui.core.models.runners import TaskInputError

        if not prompt.strip():
            raise TaskInputError(t("tasks.empty_prompt"))
        settings = GenerationSettings(
            max_new_tokens=max(1, int(options.get("max_new_tokens", 30))),
            temperature=max(0.0, float(options.get("temperature", 1.0))),
            top_k=max(0, int(options.get("top_k", 50))),
            top_p=float(options.get("top_p", 1.0)),
            seed=options.get("seed"),
        )
        truncated: list[bool] = []
        self.app.call_from_thread(panel.start_stream)
        for step in generate_steps(
            loaded, prompt, settings, cancel=cancel, show_candidates=8, truncated=truncated
        ):
            if truncated and truncated[0] and step.index == 0:
                self.app.call_from_thread(panel.set_notice, t("tasks.truncated"))
            self.app.call_from_thread(panel.show_step, step, settings.temperature)

    def _mark_cached(self, panel: TaskPanel) -> None:
        if not panel.cached:
            panel.cached = True
            panel.query_one("#card").update(panel.card())  # type: ignore[attr-defined]

    def show_failure(self, group: str, message: str) -> None:
        if group == "tasks:run":  # on the panel's own status line, where the person looks
            self.panel().set_status(t("tasks.status_error", message=message))
            return
        super().show_failure(group, message)
