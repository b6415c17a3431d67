"""'Predict the model' cards: the error analyses of the book's chapter 5.

The expected answers are what the book reports for the fine-tuned models (the companion
notebooks ``chapter05/5-3-sentiment-analysis-analysis.ipynb`` and ``5-4-nli-analysis.ipynb``).
Where the model is on this machine, :func:`run_prediction` runs it on the same inputs; it
never invents a result.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import ProgressCallback, check_cancelled
from studyllm_tui.core.study.cards import KIND_PREDICT, CardSpec

SENTIMENT_LABELS = ("positive", "negative")
NLI_LABELS = ("entailment", "contradiction", "neutral")

_PAPER_CASE_REVIEW = (
    "まず，紙ジャケット仕様とありますが，正確には紙ケースです．そのケースはちょうどCD２枚組用の"
    "ハードケースがぴったり入りそうな紙ケースなのですが，その中にケースより一回り小さな写真集と"
    "歌詞カードが入っています．中がすかすかなんですが，私だけでしょうか？これで3780円ですか？？？"
    "他のシリーズが出来が良いだけに，なんか残念で☆４つにさせて頂きました"
)


@dataclass(frozen=True)
class BookCase:
    """One example from the book with the label the book's model predicted."""

    name: str
    task: str  # "sentiment" or "nli"
    inputs: tuple[str, ...]
    labels: tuple[str, ...]
    book_label: str
    book_score: float
    gold: str  # the dataset's label ("" when the example is not from the dataset)
    explain_key: str


BOOK_CASES = (
    BookCase(
        name="marc-star4",
        task="sentiment",
        inputs=("絶対に買わないで。最悪です。星４つ。",),
        labels=SENTIMENT_LABELS,
        book_label="positive",
        book_score=0.9945,
        gold="",
        explain_key="study.explain_marc_star4",
    ),
    BookCase(
        name="marc-star4-removed",
        task="sentiment",
        inputs=(_PAPER_CASE_REVIEW.replace("☆４つ", ""),),
        labels=SENTIMENT_LABELS,
        book_label="negative",
        book_score=0.9759,
        gold="negative",
        explain_key="study.explain_marc_removed",
    ),
    BookCase(
        name="jnli-omutsu",
        task="nli",
        inputs=(
            "おむつをした赤ちゃんが便座の上に立っています。",
            "オムツをした赤ちゃんが便座の上に立っています。",
        ),
        labels=NLI_LABELS,
        book_label="contradiction",
        book_score=0.9997,
        gold="entailment",
        explain_key="study.explain_jnli_omutsu",
    ),
    BookCase(
        name="jnli-bear",
        task="nli",
        inputs=("クマがコンクリートの上に座っています。", "クマが壁にもたれて座っています。"),
        labels=NLI_LABELS,
        book_label="contradiction",
        book_score=0.9995,
        gold="neutral",
        explain_key="study.explain_jnli_bear",
    ),
)
_MODEL_NAMES = {
    "sentiment": "llm-book/bert-base-japanese-v3-marc_ja",
    "nli": "llm-book/bert-base-japanese-v3-jnli",
}


def case_for(card: CardSpec) -> BookCase | None:
    name = card.id.removeprefix("predict/")
    return next((case for case in BOOK_CASES if case.name == name), None)


def _question(case: BookCase) -> str:
    if case.task == "sentiment":
        return t("study.q_predict_sentiment", model=_MODEL_NAMES[case.task], text=case.inputs[0])
    return t(
        "study.q_predict_nli",
        model=_MODEL_NAMES[case.task],
        premise=case.inputs[0],
        hypothesis=case.inputs[1],
    )


def predict_cards(lang: str = "ja") -> list[CardSpec]:
    cards = []
    for index, case in enumerate(BOOK_CASES):
        detail = t(case.explain_key)
        if case.gold:
            detail = f"{t('study.gold_label', label=case.gold)}\n{detail}"
        cards.append(
            CardSpec(
                id=f"predict/{case.name}",
                kind=KIND_PREDICT,
                term_id="",
                category="tasks",
                order=5 + index * 20,
                prompt=_question(case),
                answer=t("study.book_result", label=case.book_label, score=case.book_score),
                choices=case.labels,
                correct=case.labels.index(case.book_label),
                detail=detail,
                task=case.task,
                inputs=case.inputs,
            )
        )
    return cards


class PredictionUnavailable(Exception):
    """The model cannot be run here; the message says why and what to do."""


@dataclass(frozen=True)
class Prediction:
    label: str
    scores: dict[str, float]


def run_prediction(
    card: CardSpec,
    config: Any,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> Prediction:
    """Run the card's model on its inputs (in a worker thread: this loads a model)."""
    if not card.task:
        raise PredictionUnavailable(t("study.no_model_for_card"))
    check_cancelled(cancel)
    try:
        from studyllm_tui.core.hub import ModelNotAvailable
        from studyllm_tui.core.models.runners import run_task
    except ImportError as error:
        raise PredictionUnavailable(t("study.runner_missing", error=str(error))) from error
    try:
        result = run_task(
            card.task, list(card.inputs), config=config, progress=progress, cancel=cancel
        )
    except ModelNotAvailable as error:
        raise PredictionUnavailable(str(error)) from error
    check_cancelled(cancel)
    label = result.get("label") if isinstance(result, dict) else None
    if not isinstance(label, str):
        raise PredictionUnavailable(t("study.model_odd_result", result=repr(result)[:200]))
    raw_scores = result.get("scores") or {}
    scores = {str(k): float(v) for k, v in dict(raw_scores).items()}
    return Prediction(label=label, scores=scores)
