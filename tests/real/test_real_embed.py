"""embed on the real all-MiniLM-L6-v2 through the app's runner: meaning, and the model's own
(mean) pooling, which tiny random models cannot check."""

from __future__ import annotations

from typing import Any

import pytest

from studyllm_tui.core.models.runners import run_embeddings, run_loaded

SENTENCES = [
    "A man is playing a guitar.",
    "Someone is playing an instrument.",
    "The stock market fell sharply today.",
]


def _reference(loaded: Any, sentences: list[str]) -> tuple[list[list[float]], list[list[float]]]:
    """Cosine matrices computed by hand as sentence-transformers does: mean over the attention
    mask (the model's 1_Pooling config), and [CLS] for comparison."""
    import torch

    tokenizer, model = loaded.tokenizer, loaded.model
    encoded = tokenizer(sentences, padding=True, truncation=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**encoded).last_hidden_state
    mask = encoded["attention_mask"].unsqueeze(-1).float()
    mean = (hidden * mask).sum(1) / mask.sum(1)
    out = []
    for vectors in (mean, hidden[:, 0]):
        unit = torch.nn.functional.normalize(vectors, dim=-1)
        out.append((unit @ unit.T).tolist())
    return out[0], out[1]


def test_paraphrase_scores_higher_than_an_unrelated_sentence(minilm_app: Any) -> None:
    result = run_loaded(minilm_app, SENTENCES)
    sim = result.similarity
    assert result.pooling == "mean" and result.dimensions == 384
    assert sim[0][1] > sim[0][2] + 0.3
    assert sim[0][1] > 0.5 and sim[0][2] < 0.2


def test_embed_uses_the_models_mean_pooling_not_cls(minilm_app: Any) -> None:
    mean, cls = _reference(minilm_app, SENTENCES)
    result = run_embeddings(minilm_app, SENTENCES)
    for i in range(3):
        for j in range(3):
            assert result.similarity[i][j] == pytest.approx(mean[i][j], abs=1e-4)
    # CLS pooling gives a clearly different matrix on this model: this test fails with it.
    assert max(abs(mean[i][j] - cls[i][j]) for i in range(3) for j in range(3)) > 0.05
    forced = run_embeddings(minilm_app, SENTENCES, "cls")
    assert forced.similarity[0][1] == pytest.approx(cls[0][1], abs=1e-4)
