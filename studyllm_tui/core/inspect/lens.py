"""The logit lens: what each layer's residual stream would predict as the next token.

``output_hidden_states=True`` gives ``layers + 1`` states: the embeddings, then the stream
after each block. In transformers' decoders (Llama family, GPT-2 ...) the LAST state has
already been through the final norm. So, as TransformerLens does, every earlier state goes
through the model's own final norm and then its own LM head, and the last row ("output") is
the model's real logits, never a second norm over an already normed state.

Rows: ``layer`` k (0 .. layers-1) is the stream entering block k+1 (0 = the embeddings);
``"output"`` is the stream after all blocks = softmax of the model's logits. Its argmax is
the token greedy decoding picks next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studyllm_tui.core.i18n import t
from studyllm_tui.core.inspect.attention import run_forward
from studyllm_tui.core.inspect.loading import InspectError, InspectModel
from studyllm_tui.core.inspect.tokens import token_labels
from studyllm_tui.core.jobs import Progress, ProgressCallback, check_cancelled, no_progress

OUTPUT = "output"
_NORM_NAMES = ("norm", "ln_f", "final_layer_norm", "final_layernorm", "final_norm")


@dataclass(frozen=True)
class Guess:
    token: str
    id: int
    prob: float


@dataclass(frozen=True)
class LensRow:
    layer: int | str  # an int, or OUTPUT
    top: list[list[Guess]]  # per position, best first


@dataclass(frozen=True)
class LensResult:
    model_id: str
    tokens: list[str]
    rows: list[LensRow]

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model_id,
            "tokens": self.tokens,
            "layers": [
                {
                    "layer": row.layer,
                    "top": [
                        [{"token": g.token, "id": g.id, "prob": g.prob} for g in position]
                        for position in row.top
                    ],
                }
                for row in self.rows
            ],
        }


def final_norm(model: Any) -> Any:
    """The model's own final norm (Llama ``model.norm``, GPT-2 ``transformer.ln_f`` ...)."""
    import torch

    base = getattr(model, "base_model", model)
    for owner in (base, getattr(base, "decoder", None)):
        for name in _NORM_NAMES:
            module = getattr(owner, name, None) if owner is not None else None
            if isinstance(module, torch.nn.Module):
                return module
    raise InspectError(t("inside.err_no_norm", architecture=type(model).__name__))


def lm_head(model: Any) -> Any:
    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    if head is None:
        raise InspectError(t("inside.err_no_head", architecture=type(model).__name__))
    return head


def _top(tokenizer: Any, probs: Any, k: int) -> list[list[Guess]]:
    values, indices = probs.topk(k, dim=-1)
    rows = []
    for position_values, position_ids in zip(values.tolist(), indices.tolist(), strict=True):
        labels = token_labels(tokenizer, position_ids)
        rows.append(
            [
                Guess(label, int(i), float(p))
                for label, i, p in zip(labels, position_ids, position_values, strict=True)
            ]
        )
    return rows


def logit_lens(
    loaded: InspectModel,
    text: str,
    *,
    top_k: int = 5,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
) -> LensResult:
    """Top-``top_k`` next-token guesses of every layer at every position, and the real output."""
    import torch

    if not loaded.causal:
        raise InspectError(t("inside.err_lens_encoder", model=loaded.model_id))
    report = progress or no_progress
    norm, head = final_norm(loaded.model), lm_head(loaded.model)
    run = run_forward(loaded, text, hidden_states=True, progress=progress, cancel=cancel)
    assert run.hidden_states is not None and run.logits is not None
    k = max(1, min(int(top_k), int(run.logits.shape[-1])))
    states = run.hidden_states[:-1]  # the last one is already normed: the output row covers it
    rows = []
    with torch.inference_mode():
        for layer, state in enumerate(states):
            check_cancelled(cancel)
            report(Progress("lens", layer, len(states) + 1, f"{layer}"))
            probs = torch.softmax(head(norm(state)).float(), dim=-1)
            rows.append(LensRow(layer, _top(loaded.tokenizer, probs, k)))
        probs = torch.softmax(run.logits.float(), dim=-1)
        rows.append(LensRow(OUTPUT, _top(loaded.tokenizer, probs, k)))
    report(Progress("lens", len(states) + 1, len(states) + 1, OUTPUT))
    return LensResult(loaded.model_id, run.tokens, rows)
