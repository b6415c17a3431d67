"""The チューニング tab (F8): fine-tune a model in a worker thread and watch it learn.

The form (form.py) builds a TuneSettings; the worker runs it in a child process
(core/tuning/process.py: the ``tune`` CLI, so training never holds this process's GIL), passes
the worker's cancel event, and appends the run's events to a queue; a timer drains the queue a few times a
second and redraws the curves and status (results.py). Escape stops at the next step, leaving a
checkpoint. After a run, the before/after table and "use this model" buttons appear.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Button, Input, ProgressBar, Select, Static
from textual.worker import Worker, get_current_worker
from textual_plotext import PlotextPlot

from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible
from studyllm_tui.core.tuning.monitor import RunMonitor, format_count, format_eta
from studyllm_tui.core.tuning.settings import CLASSIFY_BASE
from studyllm_tui.ui.pane import Pane, describe_keys
from studyllm_tui.ui.tuning.form import FormError, TuningForm, core_method
from studyllm_tui.ui.tuning.results import draw_curves, render_done

__all__ = ["TuningPane"]

REDRAW_S = 0.3  # the curves and status are redrawn at most this often
NARROW_WIDTH = 110
TARGETS = {"classify": "classify-full", "sft": "sft", "dpo": "dpo"}


def _bindings() -> list[BindingType]:
    return [
        Binding("ctrl+enter", "start", t("tuning.start_key"), priority=True, id="tuning.start"),
        Binding("ctrl+j", "start", t("tuning.start_key"), show=False, priority=True, id="tuning.start_j"),
        Binding("ctrl+t", "count", t("tuning.count"), id="tuning.count"),
    ]


class TuningPane(Pane):
    HELP_KEY: ClassVar[str] = "tuning.help"
    BINDINGS: ClassVar[list[BindingType]] = _bindings()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        describe_keys(self, _bindings())
        self.worker: Worker[None] | None = None
        self.events: deque[tuple[dict[str, Any], float]] = deque()
        self.monitor = RunMonitor()
        self.base_edited = False
        self.redraws = 0
        self.done: dict[str, Any] | None = None
        self._timer: Timer | None = None
        self._count_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="tuning-scroll"), Horizontal(id="tuning-body"):
            yield TuningForm(id="tuning-form")
            with VerticalScroll(id="tuning-right"):
                yield Static(t("tuning.idle"), id="tuning-status", markup=False)
                yield ProgressBar(total=100, show_eta=False, id="tuning-progress")  # idle: still
                with Horizontal(id="tuning-plots"):
                    yield PlotextPlot(id="tuning-loss-plot")
                    yield PlotextPlot(id="tuning-eval-plot")
                yield Static("", id="tuning-result")
                with Horizontal(id="tuning-use", classes="tuning-row"):
                    yield Button(t("tuning.use_tasks"), id="tuning-use-tasks", compact=True)
                    yield Button(t("tuning.use_prompt"), id="tuning-use-prompt", compact=True)

    def on_mount(self) -> None:
        self.form.fill_defaults("classify-full")
        self.form.field("out").value = self._default_out("classify-full")
        self.query_one("#tuning-use").display = False
        self._timer = self.set_interval(REDRAW_S, self._drain, pause=True)
        draw_curves(*self._plots(), self.monitor)
        self._inspect_data("bundled")

    def on_unmount(self) -> None:
        # Quitting the app stops a run too: the child is told to stop and keeps a checkpoint
        # (and if the app dies instead, the child sees its stdin end and does the same).
        if self.worker is not None:
            self.worker.cancel()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")

    @property
    def form(self) -> TuningForm:
        return self.query_one(TuningForm)

    def focus_default(self) -> None:
        self.query_one("#tuning-method", Select).focus()

    def show_target(self, target: str) -> None:
        _, _, method = target.partition("/")
        choice = TARGETS.get(method)
        if choice is not None:
            self.query_one("#tuning-method", Select).value = choice
        self.focus_default()

    # -- form events ---------------------------------------------------------------------

    def _default_base(self, choice: str) -> str:
        if core_method(choice) == "classify":
            return CLASSIFY_BASE
        from studyllm_tui.core.models.registry import TASKS

        return self.study_app.config.models.get("generate") or TASKS["generate"].model

    def _default_out(self, choice: str) -> str:
        from studyllm_tui.core.paths import data_dir

        return str(data_dir() / "tuned" / choice)

    @on(Select.Changed, "#tuning-method")
    def _method_changed(self, event: Select.Changed) -> None:
        choice = str(event.value)
        self.form.fill_defaults(choice)
        if not self.base_edited:
            self.form.field("base").value = self._default_base(choice)
            self.base_edited = False
        self.form.field("out").value = self._default_out(choice)
        self._inspect_data(self.form.field("data").value)
        self._schedule_count()

    @on(Input.Changed, "#tuning-base")
    def _base_changed(self, event: Input.Changed) -> None:
        self.base_edited = event.value.strip() not in (CLASSIFY_BASE, self._default_base("sft"))
        self._schedule_count()

    @on(Input.Changed, "#tuning-lora")
    def _lora_changed(self) -> None:
        self._schedule_count()

    @on(Input.Changed, "#tuning-data")
    def _data_changed(self, event: Input.Changed) -> None:
        self._inspect_data(event.value)

    def _schedule_count(self) -> None:
        if self._count_timer is not None:
            self._count_timer.stop()
        self._count_timer = self.set_timer(0.8, self._auto_count)

    def _auto_count(self) -> None:
        """Count parameters on its own only when the base is on disk (no download)."""
        from studyllm_tui.core import hub

        base = self.form.field("base").value.strip()
        if base and (Path(base).expanduser().exists() or hub.is_cached(base)):
            self.action_count()
        else:
            self.query_one("#tuning-params", Static).update(t("tuning.params_unknown"))

    @work(thread=True, exclusive=True, group="tuning:data", exit_on_error=False)
    def _inspect_data(self, data: str) -> None:
        """Column names of a local file (for the column choice) or what the data will be."""
        from studyllm_tui.core.tuning import data as tuning_data

        data = data.strip()
        method = core_method(self.form.choice)
        hint, names = "", []
        if data == tuning_data.BUNDLED:
            hint = t(f"tuning.bundled_{method}")
        elif data and Path(data).expanduser().suffix.lower() in tuning_data.SUFFIXES:
            try:
                rows = tuning_data.read_rows(data)
                names = tuning_data.columns(rows)
                hint = t("tuning.file_rows", rows=len(rows), columns=", ".join(names))
            except tuning_data.TuneDataError as error:
                hint = str(error)
        elif data:
            hint = t("tuning.hub_dataset")
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_data_hint, hint, names)

    def _show_data_hint(self, hint: str, names: list[str]) -> None:
        from studyllm_tui.core.tuning.data import LABEL_COLUMNS, TEXT_COLUMNS, guess_column

        self.query_one("#tuning-data-hint", Static).update(Text(visible(hint)))
        self.form.set_columns(names, guess_column(names, TEXT_COLUMNS), guess_column(names, LABEL_COLUMNS))

    # -- parameter count -------------------------------------------------------------------

    @on(Button.Pressed, "#tuning-count")
    def _count_pressed(self) -> None:
        self.action_count()

    def action_count(self) -> None:
        try:
            settings = self.form.settings()
        except FormError as error:
            self.query_one("#tuning-params", Static).update(Text(str(error)))
            return
        self.query_one("#tuning-params", Static).update(t("tuning.counting"))
        self._count(settings)

    @work(thread=True, exclusive=True, group="tuning:count", exit_on_error=False)
    def _count(self, settings: Any) -> None:
        from studyllm_tui.core.tuning import count_trainable

        worker = get_current_worker()
        try:
            trainable, total = count_trainable(settings, worker.cancelled_event)
            text = t("tuning.params", trainable=format_count(trainable), total=format_count(total),
                     percent=100 * trainable / max(1, total))
        except Exception as error:
            text = t("tuning.params_error", message=_one_line(error))
        if not worker.is_cancelled:
            self.app.call_from_thread(self.query_one("#tuning-params", Static).update, Text(visible(text)))

    # -- training --------------------------------------------------------------------------

    @on(Button.Pressed, "#tuning-start")
    def _start_pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        if self.running:
            return
        try:
            settings = self.form.settings()
        except FormError as error:
            self._status(str(error))
            return
        self.events.clear()
        self.monitor = RunMonitor()
        self.done = None
        self.query_one("#tuning-result", Static).update("")
        self.query_one("#tuning-use").display = False
        draw_curves(*self._plots(), self.monitor)
        self._status(t("tuning.loading", base=settings.base))
        self.query_one("#tuning-progress", ProgressBar).update(total=None, progress=0)
        self.add_class("-running")
        assert self._timer is not None
        self._timer.resume()
        self.worker = self._train(settings)

    @property
    def running(self) -> bool:
        """A run is on (from start until its worker has posted its last event)."""
        return self.has_class("-running")

    def cancel_or_back(self) -> bool:
        if self.running and self.worker is not None and not self.worker.is_cancelled:
            self.worker.cancel()
            self._status(t("tuning.stopping"))
            return True
        return False

    @work(thread=True, exclusive=True, group="tuning:train", exit_on_error=False)
    def _train(self, settings: Any) -> None:
        from studyllm_tui.core.jobs import Cancelled
        from studyllm_tui.core.tuning.common import last_checkpoint
        from studyllm_tui.core.tuning.process import run_subprocess

        cancel: threading.Event = get_current_worker().cancelled_event

        def emit(event: dict[str, Any]) -> None:
            self.events.append((event, time.monotonic()))

        try:
            run_subprocess(settings, emit, cancel)
        except Cancelled:
            found = last_checkpoint(settings.out)
            message = t("tuning.cancelled", checkpoint=found) if found else t("tuning.cancelled_none")
            self.events.append(({"event": "stopped", "message": message}, time.monotonic()))
        except Exception as error:
            self.events.append(({"event": "error", "message": _one_line(error)}, time.monotonic()))
        finally:
            self.events.append(({"event": "end"}, time.monotonic()))

    def _plots(self) -> tuple[PlotextPlot, PlotextPlot]:
        return self.query_one("#tuning-loss-plot", PlotextPlot), self.query_one("#tuning-eval-plot", PlotextPlot)

    def _drain(self) -> None:
        """Apply the queued events and redraw once (runs every REDRAW_S while training)."""
        if not self.events:
            return
        curves = ended = False
        final: dict[str, Any] | None = None
        while self.events:
            event, when = self.events.popleft()
            if event["event"] in ("stopped", "error"):
                final = event
                continue
            if event["event"] == "end":
                ended = True
                continue
            self.monitor.feed(event, when)
            curves = curves or event["event"] in ("log", "eval")
        if curves:
            draw_curves(*self._plots(), self.monitor)
            self.redraws += 1
        self._show_progress()
        if self.monitor.done is not None:
            self._show_done(self.monitor.done)
        if final is not None:
            self._status(final["message"])
        if ended:
            self._finish()

    def _finish(self) -> None:
        self.remove_class("-running")
        if self._timer is not None:
            self._timer.pause()

    def _show_progress(self) -> None:
        m = self.monitor
        if m.total_steps:
            self.query_one("#tuning-progress", ProgressBar).update(total=m.total_steps, progress=m.step)
        rate = m.steps_per_second
        self._status(t(
            "tuning.progress", step=m.step, total=m.total_steps or "?", epoch=m.epoch,
            rate=f"{rate:.2f}" if rate else "–", eta=format_eta(m.eta_seconds), lr=m.lr,
            trainable=format_count(m.trainable), params=format_count(m.total_params),
        ))

    def _show_done(self, done: dict[str, Any]) -> None:
        self.done = done
        self._status(t("tuning.finished", out=visible(done["out"], keep_newlines=False)))
        result = self.query_one("#tuning-result", Static)
        result.update(render_done(done))
        self.query_one("#tuning-use").display = True
        self.call_after_refresh(result.scroll_visible, animate=False)

    def _status(self, text: str) -> None:
        self.query_one("#tuning-status", Static).update(Text(text))

    # -- use the tuned model ---------------------------------------------------------------

    @on(Button.Pressed, "#tuning-use-tasks")
    def _use_in_tasks(self) -> None:
        if self.done is None:
            return
        task = "sentiment" if self.done["method"] == "classify" else "generate"
        folder = str(self.done["out"])
        self.study_app.config.models[task] = folder
        from studyllm_tui.ui.tasks.panel import TaskPanel

        for panel in self.app.query(TaskPanel):
            if panel.task_id == task:
                panel.model_id = folder
                panel.query_one("#card", Static).update(panel.card())
        self.notify(t("tuning.used_tasks", task=task, out=folder))

    @on(Button.Pressed, "#tuning-use-prompt")
    def _use_in_prompt(self) -> None:
        if self.done is None:
            return
        folder = str(self.done["out"])
        prompt = self.study_app.config.prompt
        prompt.model, prompt.backend = folder, "local"
        for field in self.app.query("#prompt-model").results(Input):
            field.value = folder
        for select in self.app.query("#prompt-backend").results(Select):
            select.value = "local"
        self.notify(t("tuning.used_prompt", out=folder))


def _one_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else type(error).__name__)[:300]
