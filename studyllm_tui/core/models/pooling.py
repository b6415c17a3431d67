"""Sentence-embedding pooling: the model's own choice, and the pooling itself.

A sentence-transformers folder says how its token vectors become one sentence vector:
``modules.json`` lists a ``sentence_transformers.models.Pooling`` module whose folder (usually
``1_Pooling``) holds ``config.json`` with ``pooling_mode_cls_token``,
``pooling_mode_mean_tokens`` ... all-MiniLM-L6-v2 uses mean pooling over the attention mask;
the book's SimCSE model (chapter 8) has no such file and uses the [CLS] vector, which stays the
default. Using the wrong one still gives vectors, just worse ones: a real-model test checks it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# What the user may ask for; "model" means the model's own choice.
MODES = ("model", "cls", "mean", "max", "mean_sqrt_len", "lasttoken")
DEFAULT = "cls"
_POOLING_TYPE = "sentence_transformers.models.Pooling"
_CONFIG_KEYS = (  # sentence-transformers' flags, in its order of precedence for one mode
    ("pooling_mode_cls_token", "cls"),
    ("pooling_mode_mean_tokens", "mean"),
    ("pooling_mode_max_tokens", "max"),
    ("pooling_mode_mean_sqrt_len_tokens", "mean_sqrt_len"),
    ("pooling_mode_lasttoken", "lasttoken"),
)
_MAX_BYTES = 1 << 20


def _read_json(file: Path) -> Any:
    try:
        if not file.is_file() or file.stat().st_size > _MAX_BYTES:
            return None
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _pooling_folders(folder: Path) -> list[Path]:
    """The Pooling module folders ``modules.json`` names, else the usual ``1_Pooling``."""
    modules = _read_json(folder / "modules.json")
    found = []
    if isinstance(modules, list):
        for module in modules:
            if isinstance(module, dict) and module.get("type") == _POOLING_TYPE:
                path = str(module.get("path") or "")
                candidate = (folder / path).resolve()
                if path and candidate.is_relative_to(folder.resolve()):
                    found.append(candidate)
    return found or [folder / "1_Pooling"]


def model_pooling(folder: Path | None) -> str:
    """The pooling the model in ``folder`` was trained with (``cls`` when it does not say)."""
    if folder is None:
        return DEFAULT
    for pooling_folder in _pooling_folders(Path(folder)):
        config = _read_json(pooling_folder / "config.json")
        if not isinstance(config, dict):
            continue
        mode = config.get("pooling_mode")
        if isinstance(mode, str) and mode in MODES[1:]:
            return mode
        for key, name in _CONFIG_KEYS:
            if config.get(key) is True:
                return name
    return DEFAULT


def choose(requested: str | None, folder: Path | None) -> str:
    """The pooling to use: ``requested`` unless it is empty or ``model``."""
    if not requested or requested == "model":
        return model_pooling(folder)
    return requested


def pool(hidden: Any, attention_mask: Any, mode: str) -> Any:
    """Sentence vectors ``(batch, dim)`` from token vectors ``(batch, seq, dim)``.

    Padding is left out by ``attention_mask`` for every mode (right padding assumed for
    ``lasttoken``, as the tokenizers the app loads pad on the right).
    """
    import torch

    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    if mode == "cls":
        return hidden[:, 0]
    if mode == "max":
        return hidden.masked_fill(mask == 0, float("-inf")).max(dim=1).values
    if mode == "lasttoken":
        last = attention_mask.sum(dim=1).clamp(min=1) - 1
        return hidden[torch.arange(hidden.shape[0], device=hidden.device), last]
    summed = (hidden * mask).sum(dim=1)
    counts = mask.sum(dim=1).clamp(min=1)
    if mode == "mean_sqrt_len":
        return summed / counts.sqrt()
    if mode == "mean":
        return summed / counts
    raise ValueError(mode)
