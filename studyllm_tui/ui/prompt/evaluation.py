"""The prompt lab's 評価 view: a dev-set run per mode in a worker, accuracy and wrong items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static
from textual.worker import get_current_worker

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Cancelled
from studyllm_tui.core.prompts import (
    MODES,
    Backend,
    BackendError,
    ModeResult,
    PromptError,
    PromptTask,
    evaluate,
)
from studyllm_tui.core.safetext import visible
from studyllm_tui.ui.cells import pad, safe_line
from studyllm_tui.ui.pane import ReportsFailures
from studyllm_tui.ui.prompt.widgets import bar

if TYPE_CHECKING:
    from studyllm_tui.ui.prompt import PromptLab


def summary(task: PromptTask, results: dict[str, ModeResult]) -> Text:
    """Accuracy per mode, as bars (and the mean character F1 for headline-like tasks)."""
    text = Text()
    for mode, result in results.items():
        text.append(pad(t(f"prompt.mode_{mode}"), 12), style="bold")
        text.append(bar(result.accuracy, 20), style="green")
        text.append(f" {result.accuracy:6.1%} ({result.correct}/{result.total})")
        if task.metric == "char_f1":
            text.append("  " + t("prompt.mean_char_f1", score=f"{result.mean_score:.2f}"))
        text.append("  " + t(f"prompt.method_{result.method.replace('-', '_')}"), style="dim")
        text.append("\n")
        if result.note:
            text.append(f"  {visible(result.note)}\n", style="italic dim")
    return text


def wrong_items(results: dict[str, ModeResult]) -> Text:
    text = Text()
    for mode, result in results.items():
        examples = ", ".join(f"#{i + 1}" for i in result.examples) or "—"
        text.append(
            t(
                "prompt.wrong_title",
                mode=t(f"prompt.mode_{mode}"),
                count=len(result.wrong),
                examples=examples,
            )
            + "\n",
            style="bold underline",
        )
        for item in result.wrong:
            query = visible(item.query.replace("\n", " / "), keep_newlines=False)
            text.append(f"  #{item.index + 1} ", style="bold")
            text.append(query)
            text.append("\n     " + t("prompt.expected") + " ")
            text.append(visible(item.expected, keep_newlines=False), style="green")
            text.append("  " + t("prompt.predicted") + " ")
            text.append(visible(item.predicted, keep_newlines=False), style="red")
            text.append("\n")
        text.append("\n")
    return text


class EvaluationView(ReportsFailures, Vertical):
    def compose(self) -> ComposeResult:
        yield Static(t("prompt.eval_hint"), id="prompt-eval-summary", markup=False)
        with VerticalScroll(id="prompt-eval-wrong-box"):
            yield Static("", id="prompt-eval-wrong", markup=False)

    def clear(self) -> None:
        self.query_one("#prompt-eval-summary", Static).update(t("prompt.eval_hint"))
        self.query_one("#prompt-eval-wrong", Static).update("")

    def show_error(self, message: str) -> None:
        self.query_one("#prompt-eval-summary", Static).update(safe_line(message))
        self.query_one("#prompt-eval-wrong", Static).update("")

    def show(self, task: PromptTask, results: dict[str, ModeResult]) -> None:
        self.query_one("#prompt-eval-summary", Static).update(summary(task, results))
        self.query_one("#prompt-eval-wrong", Static).update(wrong_items(results))

    @work(thread=True, exclusive=True, group="prompt:evaluate", exit_on_error=False)
    def run(
        self,
        lab: PromptLab,
        backend: Backend,
        task: PromptTask,
        examples: dict[str, list[int]],
        fmt: str,
        seed: int,
    ) -> None:
        worker = get_current_worker()
        cancel = worker.cancelled_event
        call = self.app.call_from_thread
        report = lab.progress_callback(worker)
        try:
            call(lab.set_status, t("prompt.loading", model=backend.describe()), None)
            backend.prepare(report, cancel)
            call(lab.refresh_prompt)

            def progress(p: Any) -> None:
                if not worker.is_cancelled:
                    call(
                        lab.set_status,
                        t(
                            "prompt.evaluating",
                            detail=p.detail,
                            done=int(p.done),
                            total=int(p.total or 0),
                        ),
                        p.fraction,
                    )

            results = evaluate(
                task,
                backend,
                MODES,
                seed=seed,
                fmt=fmt,
                examples=examples,
                progress=progress,
                cancel=cancel,
            )
        except Cancelled:
            call(lab.set_status, t("prompt.cancelled"))
            return
        except (BackendError, PromptError) as error:
            call(lab.set_status, str(error))
            call(self.show_error, str(error))
            return
        call(self.show, task, results)
        call(lab.set_status, t("prompt.eval_done", count=len(task.dev)))
