"""Nearest tokens in a model's input embedding matrix (cosine similarity)."""

from __future__ import annotations

from dataclasses import dataclass

from studyllm_tui.core.i18n import t
from studyllm_tui.core.inspect.loading import InspectError, InspectModel
from studyllm_tui.core.inspect.tokens import token_labels


@dataclass(frozen=True)
class Neighbour:
    token: str
    id: int
    similarity: float


def nearest_tokens(loaded: InspectModel, token_id: int, k: int = 10) -> list[Neighbour]:
    """The ``k`` tokens whose input embeddings are closest (cosine) to ``token_id``'s,
    itself excluded, best first."""
    import torch

    table = loaded.extras.get("unit_embeddings")
    if table is None:
        weight = loaded.model.get_input_embeddings().weight
        with torch.inference_mode():
            table = torch.nn.functional.normalize(weight.float(), dim=-1)
        loaded.extras["unit_embeddings"] = table
    vocab = int(table.shape[0])
    if not 0 <= token_id < vocab:
        raise InspectError(t("inside.err_token_id", id=token_id, last=vocab - 1))
    k = max(1, min(int(k), vocab - 1))
    with torch.inference_mode():
        scores = table @ table[token_id]
        scores[token_id] = -2.0  # never its own neighbour
        values, indices = scores.topk(k)
    ids = [int(i) for i in indices.tolist()]
    labels = token_labels(loaded.tokenizer, ids)
    return [
        Neighbour(label, i, float(v))
        for label, i, v in zip(labels, ids, values.tolist(), strict=True)
    ]
