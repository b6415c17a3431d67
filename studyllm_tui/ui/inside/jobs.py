"""The Inside pane's state, status line and workers (the pane itself is in pane.py).

All model work runs here in workers (group ``inside:<what>``) that report progress and stop
on Escape; threads hand their results to the pane with ``call_from_thread``.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.content import Content
from textual.widgets import DataTable, Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Cancelled, Progress
from studyllm_tui.ui.inside import views
from studyllm_tui.ui.inside.heatmap import HeatMap
from studyllm_tui.ui.pane import Pane

_STAGES = {"resolve", "download", "load", "run", "lens"}


class InsideBase(Pane):
    """What the views share: the loaded model, the last pass, and the jobs that fill them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.view = "attention"
        self.layer_index = 0
        self.head: int | None = None  # None: the mean over heads
        self.loaded: Any = None
        self.run: Any = None  # core.inspect.attention.ForwardRun of the last text
        self.lens: Any = None
        self.model_positions = False
        self.positions_column = "dim"
        self.worker: Worker[None] | None = None
        self.ready_text = ""  # what the status line says when nothing is under a cursor
        self.run_text = ""  # the text of ``run`` (the field may have changed since)

    def worker_idle(self) -> bool:
        return self.worker is None or self.worker.state not in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        )

    def show_view(self, view: str) -> None:
        raise NotImplementedError

    def view_widget(self) -> str:
        raise NotImplementedError

    # -- status --------------------------------------------------------------------------

    def set_status(self, text: str, fraction: float | None = None, busy: bool = False) -> None:
        self.query_one("#inside-status", Static).update(Content(text))
        bar = self.query_one("#inside-progress", ProgressBar)
        bar.display = busy or (fraction is not None and fraction < 1)
        if bar.display:
            bar.update(total=None if fraction is None else 100, progress=(fraction or 0) * 100)

    def _progress(self, report: Progress) -> None:
        stage = t(f"inside.stage_{report.stage}") if report.stage in _STAGES else report.stage
        text = t("inside.status_loading", stage=stage, detail=report.detail)
        self.set_status(text, report.fraction, report.fraction is None)

    @property
    def text(self) -> str:
        return self.query_one("#inside-text", Input).value

    # -- workers -------------------------------------------------------------------------

    def _report(self) -> Any:
        worker = get_current_worker()

        def progress(report: Progress) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._progress, report)

        return worker, progress

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self.app.call_from_thread(self.set_status, t("inside.status_cancelled"))
            return
        lines = str(error).strip().splitlines()
        message = lines[0][:300] if lines else type(error).__name__
        self.app.call_from_thread(self.set_status, t("inside.status_error", message=message))

    @work(thread=True, exclusive=True, group="inside:run", exit_on_error=False)
    def compute(self, model: str, text: str) -> None:
        from studyllm_tui.core.inspect import load_model
        from studyllm_tui.core.inspect.attention import run_forward

        worker, progress = self._report()
        config = self.study_app.config
        try:
            loaded = load_model(
                model,
                device=config.device,
                memory_budget_mb=config.memory_budget_mb,
                progress=progress,
                cancel=worker.cancelled_event,
            )
            run = run_forward(loaded, text, progress=progress, cancel=worker.cancelled_event)
            if worker.is_cancelled:
                raise Cancelled
            self.app.call_from_thread(self._computed, loaded, run, text)
        except Exception as error:
            self._failed(error)

    def _computed(self, loaded: Any, run: Any, text: str) -> None:
        self.loaded, self.run, self.lens, self.run_text = loaded, run, None, text
        self.layer_index = min(self.layer_index, run.num_layers - 1)
        if self.head is not None and self.head >= run.num_heads:
            self.head = None
        kind = t("inside.kind_decoder") if loaded.causal else t("inside.kind_encoder")
        self.ready_text = t(
            "inside.status_ready",
            model=loaded.model_id,
            kind=kind,
            layers=run.num_layers,
            heads=run.num_heads,
            tokens=len(run.tokens),
            device=loaded.device,
        )
        self.set_status(self.ready_text)
        tokens = self.query_one("#embeddings-tokens", OptionList)
        tokens.clear_options()
        tokens.add_options(
            [Option(Content(f"{i:>3} {token}"), id=str(i)) for i, token in enumerate(run.tokens)]
        )
        self.show_view(self.view)
        self.query_one(self.view_widget()).focus()

    @work(thread=True, exclusive=True, group="inside:lens", exit_on_error=False)
    def compute_lens(self, loaded: Any, text: str) -> None:
        from studyllm_tui.core.inspect.lens import logit_lens

        worker, progress = self._report()
        try:
            result = logit_lens(loaded, text, progress=progress, cancel=worker.cancelled_event)
            if worker.is_cancelled:
                raise Cancelled
            self.app.call_from_thread(self._lens_done, result)
        except Exception as error:
            self._failed(error)

    def _lens_done(self, result: Any) -> None:
        self.lens = result
        views.fill_lens_table(self.query_one("#view-logit-lens", DataTable), result)
        self.set_status(t("inside.lens_embeddings"))

    def draw_positions(self) -> None:
        from studyllm_tui.core.inspect.positions import sinusoidal

        if self.model_positions and self.loaded is not None:
            self.worker = self.compute_positions(self.loaded)
            return
        data = views.positions_map(sinusoidal(views.POSITIONS, views.DIMS))
        self._positions_ready(
            data,
            t("inside.positions_sinusoidal", length=views.POSITIONS, dims=views.DIMS),
            t("inside.formula_sinusoidal"),
            "dim",
        )

    @work(thread=True, exclusive=True, group="inside:positions", exit_on_error=False)
    def compute_positions(self, loaded: Any) -> None:
        from studyllm_tui.core.inspect.positions import (
            LEARNED,
            ROTARY,
            learned_similarity,
            position_kind,
            rotary,
        )

        try:
            kind = position_kind(loaded)
            if kind == LEARNED:
                data = views.positions_map(learned_similarity(loaded, views.POSITIONS))
                title = t("inside.positions_learned", model=loaded.model_id)
                args = (data, title, t("inside.formula_learned"), "position")
            elif kind == ROTARY:
                rope = rotary(loaded.config)
                data = views.positions_map(rope.table(views.POSITIONS))
                title = t("inside.positions_rotary", model=loaded.model_id)
                args = (data, title, views.rotary_formula(rope), "pair")
            else:
                raise ValueError(t("inside.err_not_learned", model=loaded.model_id))
            self.app.call_from_thread(self._positions_ready, *args)
        except Exception as error:
            self._failed(error)

    def _positions_ready(self, data: Any, title: str, formula: str, column: str) -> None:
        self.positions_column = column
        self.query_one("#inside-title", Static).update(Content(title))
        self.query_one("#positions-formula", Static).update(Content(formula))
        self.query_one("#positions-map", HeatMap).set_data(data)

    @work(thread=True, exclusive=True, group="inside:embed", exit_on_error=False)
    def compute_nearest(self, loaded: Any, token: str, token_id: int) -> None:
        from studyllm_tui.core.inspect.embeddings import nearest_tokens

        try:
            nearest = nearest_tokens(loaded, token_id, 20)
            lines = [t("inside.embeddings_nearest", token=token, id=token_id), ""]
            lines += [
                t(
                    "inside.embeddings_row",
                    rank=rank,
                    similarity=f"{n.similarity:.4f}",
                    token=n.token,
                    id=n.id,
                )
                for rank, n in enumerate(nearest, 1)
            ]
            self.app.call_from_thread(
                self.query_one("#embeddings-result", Static).update, Content("\n".join(lines))
            )
        except Exception as error:
            self._failed(error)
