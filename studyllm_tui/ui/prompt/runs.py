"""The prompt lab's runs: the backend it talks to, the run/compare/evaluate actions, and the
worker that asks each mode's prompt and streams the answers into the columns.

``PromptLab`` (``__init__.py``) builds on ``PromptRuns`` and supplies the state it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import Input, Select, TabbedContent
from textual.worker import Worker, WorkerState, get_current_worker

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Cancelled, Progress
from studyllm_tui.core.prompts import (
    MODES,
    AssembledPrompt,
    Backend,
    BackendError,
    PromptError,
    PromptTask,
    StreamInterrupted,
    make_backend,
    run_prompt,
)
from studyllm_tui.ui.pane import Pane
from studyllm_tui.ui.progress import describe_progress
from studyllm_tui.ui.prompt.evaluation import EvaluationView
from studyllm_tui.ui.prompt.widgets import ModeColumn


class PromptRuns(Pane):
    """The lab's actions and background work; the lab's state (task, mode, examples) is its own."""

    current: PromptTask
    chosen: list[int]
    _backend: Backend | None
    _backend_key: tuple[str, ...]

    if TYPE_CHECKING:

        @property
        def mode(self) -> str: ...

        @property
        def fmt(self) -> str: ...

        @property
        def seed(self) -> int: ...

        def build(self, mode: str, strict: bool = True) -> AssembledPrompt: ...

        def refresh_prompt(self) -> None: ...

        def set_status(self, text: str, fraction: float | None = None) -> None: ...

    def backend_key(self) -> tuple[str, ...]:
        return (
            str(self.query_one("#prompt-backend", Select).value),
            self.query_one("#prompt-model", Input).value.strip(),
            self.query_one("#prompt-endpoint", Input).value.strip(),
            self.query_one("#prompt-endpoint-model", Input).value.strip(),
        )

    def backend(self) -> Backend:
        key = self.backend_key()
        if self._backend is None or key != self._backend_key:
            kind, model, endpoint, endpoint_model = key
            self._backend = make_backend(
                self.study_app.config,
                backend=kind,
                model=model,
                endpoint=endpoint,
                endpoint_model=endpoint_model,
            )
            self._backend_key = key
        return self._backend

    def start(self, modes: list[str]) -> None:
        try:
            prompts = [(mode, self.build(mode)) for mode in modes]
            backend = self.backend()
        except (PromptError, BackendError) as error:
            self.set_status(str(error))
            self.notify(str(error), severity="warning", markup=False)
            return
        self.query_one("#prompt-results", TabbedContent).active = "prompt-answers-tab"
        columns = {column.mode: column for column in self.query(ModeColumn)}
        for mode in modes:
            columns[mode].start()
        self.run_modes(backend, self.current, prompts, self.seed, columns)

    def action_run(self) -> None:
        self.start([self.mode])

    def action_compare(self) -> None:
        self.start(list(MODES))

    def action_evaluate(self) -> None:
        try:
            backend = self.backend()
        except BackendError as error:
            self.set_status(str(error))
            return
        if not self.current.dev:
            self.set_status(t("prompt.no_dev"))
            return
        self.query_one("#prompt-results", TabbedContent).active = "prompt-eval-tab"
        view = self.query_one("#prompt-eval", EvaluationView)
        view.clear()
        examples = {self.mode: list(self.chosen)}
        for mode in MODES:
            if mode != self.mode:
                examples[mode] = list(self.build(mode, strict=False).examples)
        view.run(self, backend, self.current, examples, self.fmt, self.seed)

    def cancel_or_back(self) -> bool:
        cancelled = False
        for worker in self.workers:
            if worker.group.startswith("prompt:") and worker.state in (
                WorkerState.PENDING,
                WorkerState.RUNNING,
            ):
                worker.cancel()
                cancelled = True
        if cancelled:
            self.set_status(t("prompt.cancelled"))
        return cancelled

    # -- background work -------------------------------------------------------------------

    def progress_callback(self, worker: Worker[Any]) -> Any:
        def report(progress: Progress) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(
                    self.set_status, describe_progress(progress), progress.fraction
                )

        return report

    @work(thread=True, exclusive=True, group="prompt:run", exit_on_error=False)
    def run_modes(
        self,
        backend: Backend,
        task: PromptTask,
        prompts: list[tuple[str, AssembledPrompt]],
        seed: int,
        columns: dict[str, ModeColumn],
    ) -> None:
        worker = get_current_worker()
        cancel = worker.cancelled_event
        call = self.app.call_from_thread
        try:
            call(self.set_status, t("prompt.loading", model=backend.describe()), None)
            backend.prepare(self.progress_callback(worker), cancel)
        except Cancelled:
            return
        # any other failure (a model that cannot load ...) reaches show_failure
        call(self.refresh_prompt)
        for mode, prompt in prompts:
            if worker.is_cancelled:
                return
            call(
                self.set_status,
                t("prompt.running", mode=t(f"prompt.mode_{mode}"), model=backend.describe()),
            )
            column = columns[mode]
            try:
                answer = run_prompt(
                    backend,
                    task,
                    prompt,
                    seed=seed,
                    cancel=cancel,
                    on_text=_streamer(self, column),
                )
            except Cancelled:
                call(column.fail, t("prompt.cancelled"))
                return
            except StreamInterrupted as error:
                call(column.fail, str(error), error.partial)
                continue
            except (BackendError, PromptError) as error:
                call(column.fail, str(error))
                continue
            call(column.finish, answer.text, answer.scores, answer.scores_note)
        call(self.refresh_prompt)
        call(self.set_status, t("prompt.done", model=backend.describe()))

    def show_failure(self, group: str, message: str) -> None:
        """A run or an evaluation failed: on the status line, in every column still waiting,
        in the evaluation view, and as a notification."""
        self.set_status(message)
        for column in self.query(ModeColumn):
            if column.has_class("-running"):
                column.fail(message)
        if group == "prompt:evaluate":
            self.query_one("#prompt-eval", EvaluationView).show_error(message)
        super().show_failure(group, message)


def _streamer(lab: PromptRuns, column: ModeColumn) -> Callable[[str], None]:
    """Hands the answer so far to ``column`` on the UI thread."""

    def show(text: str) -> None:
        lab.app.call_from_thread(column.set_text, text)

    return show
