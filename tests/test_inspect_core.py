# ruff: noqa: F811  (pytest fixtures imported from tests.inspect_fixtures)
"""core/inspect on tiny random models: the numbers are the model's own, and the formulas hold."""

from __future__ import annotations

import math
import threading
from typing import Any

import pytest

from studyllm_tui.core.inspect import InspectError, load_model
from studyllm_tui.core.inspect.attention import attention_matrix, run_forward
from studyllm_tui.core.inspect.embeddings import nearest_tokens
from studyllm_tui.core.inspect.lens import OUTPUT, final_norm, lm_head, logit_lens
from studyllm_tui.core.inspect.positions import (
    LEARNED,
    ROTARY,
    learned_similarity,
    position_kind,
    rotary,
    sinusoidal,
)
from studyllm_tui.core.jobs import Cancelled
from tests.inspect_fixtures import InspectModels, inspect_models  # noqa: F401
from tests.tiny_models import tiny_config, tiny_models  # noqa: F401

TEXT = "日本の首都は東京です。"


def _reference(folder, causal: bool):  # type: ignore[no-untyped-def]
    import transformers

    auto = transformers.AutoModelForCausalLM if causal else transformers.AutoModel
    model = auto.from_pretrained(folder, attn_implementation="eager", trust_remote_code=False)
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder, trust_remote_code=False)
    return model.eval(), tokenizer


@pytest.mark.parametrize("name", ["gpt2", "llama", "bert"])
def test_attention_is_the_models_own(inspect_models: InspectModels, name: str) -> None:
    import torch

    folder = getattr(inspect_models, name)
    loaded = load_model(str(folder), device="cpu")
    assert loaded.causal == (name != "bert")
    run = run_forward(loaded, TEXT)
    model, tokenizer = _reference(folder, loaded.causal)
    ids = tokenizer(TEXT, return_tensors="pt")
    assert run.ids == ids["input_ids"][0].tolist()
    with torch.no_grad():
        expected = model(**ids, output_attentions=True).attentions
    assert run.attentions.shape == (len(expected), expected[0].shape[1], len(run.ids), len(run.ids))
    for layer, tensor in enumerate(expected):
        assert torch.allclose(run.attentions[layer], tensor[0], atol=1e-6)
    for layer in range(run.num_layers):
        for head in [None, *range(run.num_heads)]:
            matrix = attention_matrix(run, layer, head)
            for i, row in enumerate(matrix):
                assert math.isclose(sum(row), 1.0, abs_tol=1e-5)
                if loaded.causal:
                    assert all(value == 0.0 for value in row[i + 1 :])
    if not loaded.causal:  # an encoder attends both ways
        assert attention_matrix(run, 0, 0)[0][-1] > 0
    mean = attention_matrix(run, 1, None)
    head_maps = [attention_matrix(run, 1, h) for h in range(run.num_heads)]
    assert math.isclose(mean[2][1], sum(m[2][1] for m in head_maps) / run.num_heads, rel_tol=1e-5)


def test_bad_layer_and_head_and_text(inspect_models: InspectModels) -> None:
    loaded = load_model(str(inspect_models.gpt2), device="cpu")
    run = run_forward(loaded, "abc")
    with pytest.raises(InspectError, match="3"):
        attention_matrix(run, 3, None)
    with pytest.raises(InspectError):
        attention_matrix(run, 0, 4)
    with pytest.raises(InspectError):
        run_forward(loaded, "   ")
    with pytest.raises(InspectError):
        run_forward(loaded, "ab " * 200)  # more tokens than its 128 positions


def test_cancel_stops_the_pass(inspect_models: InspectModels) -> None:
    loaded = load_model(str(inspect_models.llama), device="cpu")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        run_forward(loaded, TEXT, cancel=cancel)


def test_model_loads_once(inspect_models: InspectModels) -> None:
    first = load_model(str(inspect_models.llama), device="cpu")
    assert load_model(str(inspect_models.llama), device="cpu") is first


def test_a_model_over_the_budget_unloads_only_the_oldest_task_models(
    inspect_models: InspectModels, tiny_config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studyllm_tui.core.inspect.loading import forget_model
    from studyllm_tui.core.models import manager as manager_module

    tasks = manager_module.ModelManager()
    tasks.configure(tiny_config)
    tasks.memory_budget_mb = 4096
    monkeypatch.setattr(manager_module, "_manager", tasks)
    for task in ("sentiment", "nli", "sts"):
        tasks.load(task)
    forget_model()
    size = load_model(str(inspect_models.gpt2), device="cpu").size_bytes
    forget_model()
    oldest = next(iter(tasks.models.values())).size_bytes
    budget_mb = (tasks.used_bytes + size - oldest + 1) / (1024 * 1024)  # one has to go
    load_model(str(inspect_models.gpt2), device="cpu", memory_budget_mb=budget_mb)  # type: ignore[arg-type]
    assert [key[0] for key in tasks.models] == ["nli", "sts"]  # not all of them, as before


@pytest.mark.parametrize("name", ["gpt2", "llama"])
def test_logit_lens_output_is_the_models_softmax(inspect_models: InspectModels, name: str) -> None:
    import torch

    folder = getattr(inspect_models, name)
    loaded = load_model(str(folder), device="cpu")
    result = logit_lens(loaded, TEXT, top_k=5)
    layers = loaded.num_layers
    assert [row.layer for row in result.rows] == [*range(layers), OUTPUT]
    model, tokenizer = _reference(folder, True)
    ids = tokenizer(TEXT, return_tensors="pt")
    with torch.no_grad():
        out = model(**ids, output_hidden_states=True)
        probs = torch.softmax(out.logits[0].float(), dim=-1)
        greedy = model.generate(**ids, max_new_tokens=1, do_sample=False)[0, -1].item()
    output = result.rows[-1]
    for position, guesses in enumerate(output.top):
        values, indices = probs[position].topk(5)
        assert [g.id for g in guesses] == indices.tolist()
        for guess, value in zip(guesses, values.tolist(), strict=True):
            assert math.isclose(guess.prob, value, rel_tol=1e-5, abs_tol=1e-7)
    assert output.top[-1][0].id == greedy
    # Earlier rows: the model's own final norm then its own head.
    norm, head = final_norm(model), lm_head(model)
    with torch.no_grad():
        for layer in range(layers):
            expected = torch.softmax(head(norm(out.hidden_states[layer][0])), dim=-1)
            top = expected[-1].topk(5)
            assert [g.id for g in result.rows[layer].top[-1]] == top.indices.tolist()
        # The last state is already normed: norming it again gives other numbers, which the
        # output row must not show (this would catch a lens that norms every state).
        twice = torch.softmax(head(norm(out.hidden_states[-1][0])), dim=-1)
    assert not torch.allclose(twice, probs, atol=1e-3)
    assert torch.allclose(torch.softmax(head(out.hidden_states[-1][0]), dim=-1), probs, atol=1e-6)
    json = result.to_json()
    assert json["layers"][-1]["layer"] == "output" and len(json["layers"]) == layers + 1
    assert json["tokens"] == result.tokens


def test_logit_lens_refuses_an_encoder(inspect_models: InspectModels) -> None:
    loaded = load_model(str(inspect_models.bert), device="cpu")
    with pytest.raises(InspectError, match="エンコーダ"):
        logit_lens(loaded, TEXT)


def test_sinusoidal_is_the_formula() -> None:
    table = sinusoidal(50, 16)
    assert len(table) == 50 and all(len(row) == 16 for row in table)
    for pos in (0, 1, 7, 49):
        for i in range(8):
            angle = pos / 10000 ** (2 * i / 16)
            assert math.isclose(table[pos][2 * i], math.sin(angle), abs_tol=1e-12)
            assert math.isclose(table[pos][2 * i + 1], math.cos(angle), abs_tol=1e-12)
    assert table[1][0] == math.sin(1.0) and table[1][1] == math.cos(1.0)
    with pytest.raises(InspectError):
        sinusoidal(0, 16)
    with pytest.raises(InspectError):
        sinusoidal(4, 1)


def test_model_positions(inspect_models: InspectModels) -> None:
    gpt2 = load_model(str(inspect_models.gpt2), device="cpu")
    assert position_kind(gpt2) == LEARNED
    similarity = learned_similarity(gpt2, 6)
    assert len(similarity) == 6
    for p in range(6):
        assert math.isclose(similarity[p][p], 1.0, abs_tol=1e-5)
        for q in range(6):
            assert math.isclose(similarity[p][q], similarity[q][p], abs_tol=1e-6)
    llama = load_model(str(inspect_models.llama), device="cpu")
    assert position_kind(llama) == ROTARY
    rope = rotary(llama.config)
    assert rope.base == 500.0 and rope.head_dim == 8 and rope.rotary_dims == 8
    assert rope.theta == [500.0 ** (-2 * i / 8) for i in range(4)]
    assert rope.table(3)[2][1] == math.cos(2 * rope.theta[1])


def test_nearest_tokens_is_cosine(inspect_models: InspectModels) -> None:
    import torch

    loaded = load_model(str(inspect_models.bert), device="cpu")
    run = run_forward(loaded, TEXT)
    token_id = run.ids[1]
    nearest = nearest_tokens(loaded, token_id, 5)
    weight = loaded.model.get_input_embeddings().weight.detach()
    cos = torch.nn.functional.cosine_similarity(weight, weight[token_id][None], dim=-1)
    cos[token_id] = -2
    assert [n.id for n in nearest] == cos.topk(5).indices.tolist()
    assert all(n.id != token_id for n in nearest)
    sims = [n.similarity for n in nearest]
    assert sims == sorted(sims, reverse=True)
    with pytest.raises(InspectError):
        nearest_tokens(loaded, 10**9)


def test_token_labels(inspect_models: InspectModels) -> None:
    bert = load_model(str(inspect_models.bert), device="cpu")
    assert run_forward(bert, TEXT).tokens[0] == "[CLS]"
    gpt2 = load_model(str(inspect_models.gpt2), device="cpu")
    tokens = run_forward(gpt2, "Hello world 東").tokens
    text = "".join(token for token in tokens if not token.startswith("<"))
    assert text.replace("␣", " ") == "Hello world "  # spaces shown as ␣, pieces in order
    assert all("\ufffd" not in token for token in tokens)
    assert any(token.startswith("<") and token.endswith(">") for token in tokens)  # bytes of 東
