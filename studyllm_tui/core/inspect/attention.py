"""One forward pass that keeps what the views need, and the attention maps taken from it.

``attentions`` is one tensor ``(layers, heads, tokens, tokens)``: ``[l, h, i, j]`` is the
weight with which token i attends to token j in head h of layer l (rows sum to 1; a
decoder's causal mask makes every j > i exactly 0). These are the model's own
``output_attentions``, for the input ids exactly as its tokenizer gives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studyllm_tui.core.i18n import t
from studyllm_tui.core.inspect.loading import InspectError, InspectModel, layer_watch
from studyllm_tui.core.inspect.tokens import token_labels
from studyllm_tui.core.jobs import Progress, ProgressCallback, check_cancelled, no_progress

MAX_TOKENS = 512  # above this a token x token map is unreadable and the pass is slow


@dataclass
class ForwardRun:
    """What one pass over a text gave: its tokens and the model's own outputs."""

    model_id: str
    causal: bool
    ids: list[int]
    tokens: list[str]
    attentions: Any  # torch.Tensor (layers, heads, seq, seq), float32, on CPU
    hidden_states: tuple[Any, ...] | None = None  # each (seq, hidden), on the model's device
    logits: Any = None  # (seq, vocab) for a causal LM

    @property
    def num_layers(self) -> int:
        return int(self.attentions.shape[0])

    @property
    def num_heads(self) -> int:
        return int(self.attentions.shape[1])


def encode(loaded: InspectModel, text: str) -> list[int]:
    """The ids of ``text`` exactly as the model's tokenizer gives them (special tokens too)."""
    if not text.strip():
        raise InspectError(t("inside.err_empty_text"))
    ids = [int(i) for i in loaded.tokenizer(text)["input_ids"]]
    limit = min(MAX_TOKENS, loaded.max_positions or MAX_TOKENS)
    if len(ids) > limit:
        raise InspectError(t("inside.err_too_long", count=len(ids), limit=limit))
    return ids


def run_forward(
    loaded: InspectModel,
    text: str,
    *,
    hidden_states: bool = False,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
) -> ForwardRun:
    """Run the model once on ``text`` with ``output_attentions=True``."""
    import torch

    report = progress or no_progress
    ids = encode(loaded, text)
    check_cancelled(cancel)
    inputs = torch.tensor([ids], device=loaded.device)

    def on_layer(done: int, total: int) -> None:
        report(
            Progress("run", done, total, t("inside.progress_layer", layer=done + 1, total=total))
        )

    with torch.inference_mode(), layer_watch(loaded.model, on_layer, cancel):
        out = loaded.model(
            input_ids=inputs,
            attention_mask=torch.ones_like(inputs),
            output_attentions=True,
            output_hidden_states=hidden_states,
        )
    check_cancelled(cancel)
    if not out.attentions or out.attentions[0] is None:
        raise InspectError(t("inside.err_no_attentions", model=loaded.model_id))
    attentions = torch.stack([a[0] for a in out.attentions]).float().cpu()
    report(Progress("run", loaded.num_layers, loaded.num_layers, ""))
    logits = getattr(out, "logits", None) if loaded.causal else None
    return ForwardRun(
        model_id=loaded.model_id,
        causal=loaded.causal,
        ids=ids,
        tokens=token_labels(loaded.tokenizer, ids),
        attentions=attentions,
        hidden_states=tuple(h[0] for h in out.hidden_states) if hidden_states else None,
        logits=logits[0] if logits is not None else None,
    )


def attention_matrix(run: ForwardRun, layer: int, head: int | None) -> list[list[float]]:
    """``[i][j]``: weight of token i on token j in ``layer`` (one head, or the mean over heads)."""
    if not 0 <= layer < run.num_layers:
        raise InspectError(t("inside.err_layer", layer=layer, last=run.num_layers - 1))
    if head is not None and not 0 <= head < run.num_heads:
        raise InspectError(t("inside.err_head", head=head, last=run.num_heads - 1))
    maps = run.attentions[layer]
    matrix = maps.mean(dim=0) if head is None else maps[head]
    return [[float(v) for v in row] for row in matrix.tolist()]
