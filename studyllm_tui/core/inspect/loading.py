"""Load one model for inspection (eager attention) and keep it while it is being looked at.

The task manager keys its models by task; inspection needs any model, decoder or encoder,
loaded with ``attn_implementation="eager"`` (SDPA, the default, returns no attention weights).
So this module keeps its own cache of ONE model: asking for another model drops the first.
When the task models and this one together exceed the memory budget, the task models are
unloaded (they load again when next used).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Progress, ProgressCallback, check_cancelled, no_progress

DECODER = "decoder"  # a causal LM: predicts the next token, attends only to the left
ENCODER = "encoder"  # BERT and friends: attends both ways

DEFAULT_ENCODER = "cl-tohoku/bert-base-japanese-v3"


class InspectError(Exception):
    """A request that cannot be answered for this model or input; the message says why."""


@dataclass
class InspectModel:
    """A model loaded for inspection with its tokenizer."""

    model_id: str
    model: Any
    tokenizer: Any
    kind: str
    device: str
    size_bytes: int
    extras: dict[str, Any] = field(default_factory=dict)  # cached derived tensors

    @property
    def config(self) -> Any:
        return self.model.config

    @property
    def causal(self) -> bool:
        return self.kind == DECODER

    @property
    def num_layers(self) -> int:
        return int(self.config.num_hidden_layers)

    @property
    def num_heads(self) -> int:
        return int(self.config.num_attention_heads)

    @property
    def max_positions(self) -> int | None:
        for name in ("max_position_embeddings", "n_positions"):
            value = getattr(self.config, name, None)
            if isinstance(value, int) and value > 0:
                return value
        return None


def default_model(kind: str, config: Any = None) -> str:
    """The book's BERT for encoders; the configured generation model for decoders."""
    if kind == ENCODER:
        return DEFAULT_ENCODER
    from studyllm_tui.core.models.registry import TASKS

    models = dict(getattr(config, "models", {}) or {})
    return str(models.get("generate") or TASKS["generate"].model)


_CAUSAL_SUFFIXES = ("ForCausalLM", "LMHeadModel")


def model_kind(config: Any, model_id: str) -> str:
    """DECODER when the config describes a causal LM, else ENCODER; encoder-decoders refused."""
    if getattr(config, "is_encoder_decoder", False):
        raise InspectError(t("inside.err_seq2seq", model=model_id))
    architectures = list(getattr(config, "architectures", None) or [])
    if architectures:
        causal = any(a.endswith(_CAUSAL_SUFFIXES) for a in architectures)
        return DECODER if causal else ENCODER
    # A GGUF file's config names no architecture: go by the model type.
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
        MODEL_FOR_MASKED_LM_MAPPING_NAMES,
    )

    model_type = getattr(config, "model_type", "")
    if model_type in MODEL_FOR_MASKED_LM_MAPPING_NAMES:
        return ENCODER
    return DECODER if model_type in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES else ENCODER


_cache_lock = threading.Lock()
_cached: InspectModel | None = None


def cached_model() -> InspectModel | None:
    return _cached


def forget_model() -> None:
    """Drop the cached model and free its memory."""
    global _cached
    with _cache_lock:
        _cached = None
    gc.collect()


def load_model(
    model: str,
    *,
    device: str = "auto",
    memory_budget_mb: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
) -> InspectModel:
    """``model`` (Hub id, folder or ``.gguf`` file) with eager attention, loaded once.

    Raises ``hub.ModelNotAvailable`` (not on disk, cannot download now), ``ModelLoadError``
    (custom code, broken files) or :class:`InspectError`.
    """
    global _cached
    model = model.strip()
    if not model:
        raise InspectError(t("inside.err_no_model"))
    with _cache_lock:
        if _cached is not None and _cached.model_id == model:
            return _cached
    report = progress or no_progress
    from studyllm_tui.core.models.gguf_load import parse_once
    from studyllm_tui.core.models.source import resolve_source

    source = resolve_source(model, progress=report, cancel=cancel, context="model")
    check_cancelled(cancel)
    forget_model()  # one model at a time: free the old one before loading the next
    with parse_once(source):
        loaded = _load(model, source, device, report)
    check_cancelled(cancel)
    _keep_within_budget(loaded.size_bytes, memory_budget_mb)
    with _cache_lock:
        _cached = loaded
    return loaded


def _load(model_id: str, source: Any, device: str, report: ProgressCallback) -> InspectModel:
    import transformers

    from studyllm_tui.core.models.manager import ModelLoadError, _quiet_transformers, choose_device

    _quiet_transformers()
    kwargs = source.pretrained_kwargs()
    report(Progress("load", 0, 3, "config"))
    try:
        config = transformers.AutoConfig.from_pretrained(source.path, **kwargs)
    except Exception as error:
        raise ModelLoadError(t("inside.err_load", model=model_id, reason=_short(error))) from error
    kind = model_kind(config, model_id)
    report(Progress("load", 1, 3, "tokenizer"))
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(source.path, **kwargs)
    except Exception as error:
        raise ModelLoadError(t("inside.err_load", model=model_id, reason=_short(error))) from error
    report(Progress("load", 2, 3, "weights"))
    auto_class: Any = (
        transformers.AutoModelForCausalLM if kind == DECODER else transformers.AutoModel
    )
    try:
        network = auto_class.from_pretrained(
            source.path, config=config, attn_implementation="eager", **kwargs
        )
    except Exception as error:
        raise ModelLoadError(t("inside.err_load", model=model_id, reason=_short(error))) from error
    target = choose_device(device)
    network.to(target)
    network.eval()
    size = sum(p.numel() * p.element_size() for p in network.parameters())
    report(Progress("load", 3, 3, target))
    return InspectModel(model_id, network, tokenizer, kind, target, int(size))


def _keep_within_budget(size_bytes: int, memory_budget_mb: int | None) -> None:
    """Unload the least recently used task models, only as many as it takes for them and this
    model together to fit in the budget."""
    if memory_budget_mb is None:
        return
    from studyllm_tui.core.models.manager import get_manager

    get_manager().make_room(size_bytes, memory_budget_mb)


def _short(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


def layer_modules(model: Any) -> list[Any]:
    """The model's transformer blocks, in order (the first ModuleList of that length)."""
    import torch

    count = int(model.config.num_hidden_layers)
    for _, module in model.named_modules():
        if isinstance(module, torch.nn.ModuleList) and len(module) == count:
            return list(module)
    return []


@contextmanager
def layer_watch(
    model: Any, on_layer: Callable[[int, int], None], cancel: Any = None
) -> Iterator[None]:
    """Call ``on_layer(done, total)`` as each block starts and stop the forward pass
    (raise ``Cancelled``) as soon as ``cancel`` is set."""
    blocks = layer_modules(model)
    total = len(blocks)
    handles = []

    def hook_for(index: int) -> Callable[..., None]:
        def hook(*_: Any) -> None:
            check_cancelled(cancel)
            on_layer(index, total)

        return hook

    for index, block in enumerate(blocks):
        handles.append(block.register_forward_pre_hook(hook_for(index)))
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()
