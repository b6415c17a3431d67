"""Running a prompt once (answer + label scores) and over a task's dev set (accuracy per mode)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Progress, ProgressCallback, check_cancelled, no_progress
from studyllm_tui.core.prompts.assemble import AssembledPrompt, assemble, select_examples
from studyllm_tui.core.prompts.backend import (
    Answer,
    Backend,
    BackendError,
    ScoringUnavailable,
    generate_answer,
)
from studyllm_tui.core.prompts.model import Item, PromptTask, char_f1, normalize_answer

CHAR_F1_PASS = 0.5


def run_prompt(
    backend: Backend,
    task: PromptTask,
    prompt: AssembledPrompt,
    *,
    seed: int = 0,
    scores: bool = True,
    cancel: threading.Event | None = None,
    on_text: Callable[[str], None] | None = None,
) -> Answer:
    """The answer (streamed to ``on_text``) and, for labelled tasks, each label's probability.

    When the backend cannot score labels, ``answer.scores`` stays None and ``scores_note`` says why.
    """
    answer = generate_answer(
        backend,
        prompt,
        max_new_tokens=task.max_new_tokens,
        stop=task.stop,
        seed=seed,
        cancel=cancel,
        on_text=on_text,
    )
    if scores and task.labels:
        try:
            answer.scores = backend.score_labels(prompt, task.labels, cancel)
        except ScoringUnavailable as error:
            answer.scores_note = str(error)
    return answer


def label_in_text(text: str, labels: tuple[str, ...]) -> str:
    """The label a generated answer names: the one it starts with, else the first it contains."""
    norm = normalize_answer(text)
    for label in labels:
        if norm.startswith(normalize_answer(label)):
            return label
    found = [(norm.find(normalize_answer(label)), label) for label in labels]
    found = [(i, label) for i, label in found if i >= 0]
    return min(found)[1] if found else ""


@dataclass(frozen=True)
class ItemResult:
    index: int  # position in the dev set
    query: str
    expected: str
    predicted: str
    correct: bool
    score: float  # 1/0, or the character F1 for char_f1 tasks


@dataclass
class ModeResult:
    mode: str
    examples: tuple[int, ...]
    method: str  # "label-scores", "generated"
    results: list[ItemResult] = field(default_factory=list)
    note: str = ""

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def correct(self) -> int:
        return sum(1 for r in self.results if r.correct)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def mean_score(self) -> float:
        return sum(r.score for r in self.results) / self.total if self.total else 0.0

    @property
    def wrong(self) -> list[ItemResult]:
        return [r for r in self.results if not r.correct]


def judge(task: PromptTask, item: Item, predicted: str) -> tuple[bool, float]:
    if task.metric == "char_f1":
        score = max(char_f1(predicted, answer) for answer in item.answers())
        return score >= CHAR_F1_PASS, score
    if task.metric == "label":
        ok = predicted == item.answer
    else:
        ok = normalize_answer(predicted) in {normalize_answer(a) for a in item.answers()}
    return ok, 1.0 if ok else 0.0


def evaluate(
    task: PromptTask,
    backend: Backend,
    modes: tuple[str, ...] | list[str],
    *,
    k: int = 3,
    seed: int = 0,
    fmt: str = "plain",
    examples: dict[str, list[int]] | None = None,
    limit: int | None = None,
    progress: ProgressCallback = no_progress,
    cancel: threading.Event | None = None,
) -> dict[str, ModeResult]:
    """Each mode over the dev set, the same examples for every item (seeded, or ``examples``)."""
    if not task.dev:
        raise BackendError(t("prompt.err_no_dev_set", task=task.id), "no_dev")
    if limit is not None and limit < 1:
        raise BackendError(t("prompt.err_bad_limit", limit=limit), "limit")
    dev = task.dev[:limit] if limit is not None else task.dev
    total = len(dev) * len(modes)
    done = 0
    use_scores = task.metric == "label"
    note = ""
    results: dict[str, ModeResult] = {}
    for mode in modes:
        chosen = (examples or {}).get(mode)
        if chosen is None:
            chosen = select_examples(task, mode, k, seed)
        method = "label-scores" if use_scores else "generated"
        result = results[mode] = ModeResult(mode, tuple(chosen), method, note=note)
        for index, item in enumerate(dev):
            check_cancelled(cancel)
            progress(Progress("evaluate", done, total, f"{mode} {index + 1}/{len(dev)}"))
            prompt = assemble(task, item.fields, mode, chosen, fmt)
            predicted = ""
            if use_scores:
                try:
                    predicted = backend.score_labels(prompt, task.labels, cancel).best()
                except ScoringUnavailable as error:
                    use_scores = False
                    note = str(error)
                    result.method, result.note = "generated", note
            if not use_scores:
                answer = generate_answer(
                    backend,
                    prompt,
                    max_new_tokens=task.max_new_tokens,
                    stop=task.stop,
                    seed=seed,
                    cancel=cancel,
                )
                predicted = label_in_text(answer.text, task.labels) if task.labels else answer.text
                if task.labels and not predicted:
                    predicted = answer.text or "∅"
            ok, score = judge(task, item, predicted)
            result.results.append(
                ItemResult(index, prompt.query, item.answer, predicted, ok, score)
            )
            done += 1
    progress(Progress("evaluate", done, total))
    return results
