"""Positional encodings (book chapter 2): sinusoidal, learned, and rotary.

- Sinusoidal ("Attention Is All You Need"): ``PE(pos, 2i) = sin(pos / 10000^(2i/d))``,
  ``PE(pos, 2i+1) = cos(pos / 10000^(2i/d))``, added to the token embeddings.
- Learned (BERT, GPT-2): one trained vector per position, added to the token embeddings; the
  cosine similarity of those vectors shows what the model learned about nearness.
- Rotary (Llama family, RoPE): nothing is added; the query and key vectors of every head are
  rotated, dimension pair i by the angle ``pos * theta_i`` with ``theta_i = base^(-2i/d)``, so
  the attention score depends on the distance between two tokens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from studyllm_tui.core.i18n import t
from studyllm_tui.core.inspect.loading import InspectError, InspectModel

SINUSOIDAL_BASE = 10000.0
MAX_LENGTH = 4096
MAX_DIMS = 4096
LEARNED, ROTARY, NONE = "learned", "rotary", "none"


def sinusoidal(length: int, dims: int, base: float = SINUSOIDAL_BASE) -> list[list[float]]:
    """``[pos][d]``: even d = sin(pos / base^(d/dims)), odd d = cos(pos / base^((d-1)/dims))."""
    if not 1 <= length <= MAX_LENGTH:
        raise InspectError(t("inside.err_length", value=length, limit=MAX_LENGTH))
    if not 2 <= dims <= MAX_DIMS:
        raise InspectError(t("inside.err_dims", value=dims, limit=MAX_DIMS))
    rates = [1.0 / base ** ((d - d % 2) / dims) for d in range(dims)]
    return [
        [
            math.sin(pos * rate) if d % 2 == 0 else math.cos(pos * rate)
            for d, rate in enumerate(rates)
        ]
        for pos in range(length)
    ]


def _position_embedding(model: Any) -> Any:
    import torch

    base = getattr(model, "base_model", model)
    for name, module in base.named_modules():
        if isinstance(module, torch.nn.Embedding) and name.rsplit(".", 1)[-1] in (
            "position_embeddings",
            "wpe",
            "embed_positions",
        ):
            return module
    return None


def position_kind(loaded: InspectModel) -> str:
    """How this model knows where a token is: LEARNED, ROTARY or NONE (of these three)."""
    if _position_embedding(loaded.model) is not None:
        return LEARNED
    if any(name.endswith("rotary_emb") for name, _ in loaded.model.named_modules()):
        return ROTARY
    return NONE


def learned_similarity(loaded: InspectModel, length: int) -> list[list[float]]:
    """``[p][q]``: cosine similarity of the learned vectors of positions p and q."""
    import torch

    module = _position_embedding(loaded.model)
    if module is None:
        raise InspectError(t("inside.err_not_learned", model=loaded.model_id))
    length = max(1, min(int(length), int(module.weight.shape[0])))
    with torch.inference_mode():
        vectors = torch.nn.functional.normalize(module.weight[:length].float(), dim=-1)
        return [[float(v) for v in row] for row in (vectors @ vectors.T).cpu().tolist()]


@dataclass(frozen=True)
class Rotary:
    """RoPE as configured: ``theta[i] = base^(-2i/rotary_dims)`` for pair i of a head."""

    base: float
    head_dim: int
    rotary_dims: int
    rope_type: str
    theta: list[float]

    def table(self, length: int) -> list[list[float]]:
        """``[pos][i] = cos(pos * theta_i)``: the rotation each pair gets at each position."""
        return [[math.cos(pos * th) for th in self.theta] for pos in range(length)]


def rotary(config: Any) -> Rotary:
    """Read the base (``rope_parameters['rope_theta']`` in transformers 5, else
    ``rope_theta``) and the rotated dimensions of one head from a model config."""
    params = getattr(config, "rope_parameters", None) or {}
    if isinstance(params, dict) and "full_attention" in params:  # per-layer-type parameters
        params = params["full_attention"] or {}
    base = params.get("rope_theta") if isinstance(params, dict) else None
    base = float(base or getattr(config, "rope_theta", None) or SINUSOIDAL_BASE)
    rope_type = str((params.get("rope_type") if isinstance(params, dict) else None) or "default")
    heads = int(config.num_attention_heads)
    head_dim = int(getattr(config, "head_dim", None) or config.hidden_size // heads)
    factor = (params.get("partial_rotary_factor") if isinstance(params, dict) else None) or getattr(
        config, "partial_rotary_factor", 1.0
    )
    dims = int(head_dim * float(factor or 1.0))
    dims -= dims % 2
    theta = [base ** (-2 * i / dims) for i in range(dims // 2)]
    return Rotary(base, head_dim, dims, rope_type, theta)
