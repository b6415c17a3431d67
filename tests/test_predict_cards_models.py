# ruff: noqa: F811  (pytest fixtures imported from tests.tiny_models)
"""'Predict the model' study cards run the real task runner (on tiny models here)."""

from __future__ import annotations

import pytest

from studyllm_tui.core.config import Config
from studyllm_tui.core.study.predict import PredictionUnavailable, predict_cards, run_prediction
from tests.tiny_models import tiny_models  # noqa: F401

pytestmark = pytest.mark.slow


def test_sentiment_and_nli_cards_run_their_models(tiny_models) -> None:
    config = Config(models=tiny_models.models(), device="cpu")
    cards = {card.task: card for card in predict_cards()}
    assert {"sentiment", "nli"} <= set(cards)
    sentiment = run_prediction(cards["sentiment"], config)
    assert sentiment.label in ("positive", "negative")
    assert set(sentiment.scores) == {"positive", "negative"}
    assert abs(sum(sentiment.scores.values()) - 1) < 1e-5
    nli = run_prediction(cards["nli"], config)
    assert set(nli.scores) == {"entailment", "contradiction", "neutral"}
    assert nli.label == max(nli.scores, key=nli.scores.__getitem__)


def test_card_without_the_model_says_why(tmp_path) -> None:
    card = next(card for card in predict_cards() if card.task == "sentiment")
    config = Config(models={"sentiment": str(tmp_path / "missing")}, device="cpu")
    with pytest.raises(PredictionUnavailable, match="missing"):
        run_prediction(card, config)
