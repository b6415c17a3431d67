"""core/inspect on real small models: SmolLM2-135M (GGUF, Llama) and all-MiniLM-L6-v2 (BERT).

The numbers must be the model's own: attention equals transformers' ``output_attentions``
for the same ids, the logit lens's output row equals the model's softmax and its top token is
greedy decoding's next token, and real learned positions are nearer for nearer positions.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from studyllm_tui.core.inspect import DECODER, ENCODER, load_model
from studyllm_tui.core.inspect.attention import attention_matrix, run_forward
from studyllm_tui.core.inspect.embeddings import nearest_tokens
from studyllm_tui.core.inspect.lens import logit_lens
from studyllm_tui.core.inspect.loading import forget_model
from studyllm_tui.core.inspect.positions import (
    LEARNED,
    ROTARY,
    learned_similarity,
    position_kind,
    rotary,
)

TEXT = "The capital of France is"


@pytest.fixture
def smollm2_loaded(smollm2_gguf: Path):  # type: ignore[no-untyped-def]
    loaded = load_model(str(smollm2_gguf), device="cpu")
    yield loaded
    forget_model()  # a second 540 MB copy: free it for the other tests


def test_smollm2_attention_and_logit_lens(smollm2: tuple[Any, Any], smollm2_loaded: Any) -> None:
    import torch

    model, tokenizer = smollm2
    loaded = smollm2_loaded
    assert loaded.kind == DECODER  # a GGUF config names no architecture: found by model type
    run = run_forward(loaded, TEXT)
    ids = tokenizer(TEXT, return_tensors="pt")
    assert run.ids == ids["input_ids"][0].tolist()
    with torch.no_grad():
        out = model(**ids, output_attentions=True)
    assert run.attentions.shape == (30, 9, len(run.ids), len(run.ids))
    for layer in (0, 14, 29):
        assert torch.allclose(run.attentions[layer], out.attentions[layer][0], atol=1e-5)
        matrix = attention_matrix(run, layer, None)
        for i, row in enumerate(matrix):
            assert math.isclose(sum(row), 1.0, abs_tol=1e-4)
            assert all(value == 0.0 for value in row[i + 1 :])
    lens = logit_lens(loaded, TEXT, top_k=5)
    assert [row.layer for row in lens.rows] == [*range(30), "output"]
    probs = torch.softmax(out.logits[0].float(), dim=-1)
    for position, guesses in enumerate(lens.rows[-1].top):
        values, indices = probs[position].topk(5)
        assert [g.id for g in guesses] == indices.tolist()
        assert all(
            math.isclose(g.prob, v, rel_tol=1e-4, abs_tol=1e-6)
            for g, v in zip(guesses, values.tolist(), strict=True)
        )
    with torch.no_grad():
        greedy = model.generate(**ids, max_new_tokens=1, do_sample=False)[0, -1].item()
    assert lens.rows[-1].top[-1][0].id == greedy
    assert lens.rows[-1].top[-1][0].token == "␣Paris"
    rope = rotary(loaded.config)
    assert position_kind(loaded) == ROTARY
    assert (rope.base, rope.head_dim, rope.rotary_dims) == (100000.0, 64, 64)
    assert rope.theta[1] == 100000.0 ** (-2 / 64)


def test_minilm_attention_positions_embeddings(minilm_dir: Path) -> None:
    import torch
    import transformers

    loaded = load_model(str(minilm_dir), device="cpu")
    assert loaded.kind == ENCODER
    run = run_forward(loaded, "the cat sat on the mat")
    assert run.tokens[0] == "[CLS]" and run.tokens[-1] == "[SEP]"
    reference = transformers.AutoModel.from_pretrained(
        minilm_dir, attn_implementation="eager", trust_remote_code=False
    ).eval()
    with torch.no_grad():
        expected = reference(torch.tensor([run.ids]), output_attentions=True).attentions
    assert run.attentions.shape == (6, 12, len(run.ids), len(run.ids))
    for layer, tensor in enumerate(expected):
        assert torch.allclose(run.attentions[layer], tensor[0], atol=1e-5)
    for row in attention_matrix(run, 3, 5):
        assert math.isclose(sum(row), 1.0, abs_tol=1e-5)
    assert attention_matrix(run, 0, None)[0][-1] > 0  # an encoder looks both ways
    assert position_kind(loaded) == LEARNED
    similarity = learned_similarity(loaded, 128)
    assert similarity[10][11] > similarity[10][60] > similarity[10][120] - 1  # nearness learned
    assert similarity[10][11] > similarity[10][100]
    king = loaded.tokenizer.convert_tokens_to_ids("king")
    neighbours = [n.token for n in nearest_tokens(loaded, king, 10)]
    assert "kings" in neighbours or "queen" in neighbours, neighbours
    forget_model()
