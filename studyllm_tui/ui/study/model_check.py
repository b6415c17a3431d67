"""The study tab's model check: run a 'predict the model' card's task model in a worker and
show what it says next to the card's answer.

``StudyPane`` (pane.py) builds on ``ModelCheck`` and supplies the card and its rendering.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Cancelled, Progress
from studyllm_tui.core.safetext import visible
from studyllm_tui.core.study import CardSpec
from studyllm_tui.core.study.cards import KIND_PREDICT
from studyllm_tui.core.study.predict import Prediction, PredictionUnavailable, run_prediction
from studyllm_tui.ui.pane import Pane, describe_failure
from studyllm_tui.ui.progress import describe_progress


class ModelCheck(Pane):
    """Runs the current card's model once it is revealed; Escape cancels it."""

    model_text: Text | None
    _model_worker: Worker[Prediction] | None

    if TYPE_CHECKING:

        @property
        def card(self) -> CardSpec | None: ...

        def render_card(self) -> None: ...

    def action_run_model(self) -> None:
        card = self.card
        if card is None or card.kind != KIND_PREDICT:
            return
        self.model_text = Text(t("study.model_running"), style="italic")
        self.render_card()
        self._model_worker = self.run_model(card)

    @work(thread=True, exclusive=True, group="study:predict", exit_on_error=False)
    def run_model(self, card: CardSpec) -> Prediction:
        worker = get_current_worker()

        def progress(report: Progress) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.model_progress, card.id, report)

        return run_prediction(
            card, self.study_app.config, progress=progress, cancel=worker.cancelled_event
        )

    def model_progress(self, card_id: str, report: Progress) -> None:
        if self.card is None or self.card.id != card_id:
            return
        stage = describe_progress(report)
        self.model_text = Text(f"{t('study.model_running')} {stage}", style="italic")
        self.query_one("#study-model", Static).update(self.model_text)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "study:predict" or worker is not self._model_worker:
            return
        card = self.card
        if event.state == WorkerState.SUCCESS and isinstance(worker.result, Prediction):
            if card is not None:
                self.model_text = self.prediction_text(card, worker.result)
        elif event.state == WorkerState.ERROR:
            error = worker.error
            if isinstance(error, PredictionUnavailable):
                message = str(error)
            elif isinstance(error, Cancelled):
                message = t("study.model_cancelled")
            else:
                shown = describe_failure(error) if error is not None else "-"
                message = t("study.model_failed", error=shown)
            self.model_text = Text(message, style="yellow")
        elif event.state == WorkerState.CANCELLED:
            self.model_text = Text(t("study.model_cancelled"), style="dim")
        else:
            return
        self.query_one("#study-model", Static).update(self.model_text or "")

    def show_failure(self, group: str, message: str) -> None:
        if group != "study:predict":  # the model check shows its failure below the card
            super().show_failure(group, message)

    def prediction_text(self, card: CardSpec, prediction: Prediction) -> Text:
        text = Text()
        label_shown = visible(prediction.label, keep_newlines=False)
        text.append(t("study.model_says", label=label_shown), style="bold")
        text.append("\n")
        for label, score in sorted(prediction.scores.items(), key=lambda item: -item[1]):
            text.append(f"  {visible(label, keep_newlines=False)}: {score:.4f}\n")
        agrees = prediction.label == card.choices[card.correct]
        text.append(t("study.model_agrees" if agrees else "study.model_differs"), style="dim")
        return text

    def cancel_model(self) -> bool:
        worker = self._model_worker
        if worker is not None and worker.state in (WorkerState.PENDING, WorkerState.RUNNING):
            worker.cancel()
            self._model_worker = None
            return True
        self._model_worker = None
        return False
