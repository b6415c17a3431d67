"""Load models for tasks: resolve the files, check the architecture, keep an LRU in a budget.

torch and transformers are imported inside the methods. ``trust_remote_code`` is never
enabled and safetensors are preferred when a folder has them.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Progress, ProgressCallback, check_cancelled
from studyllm_tui.core.models.gguf_load import parse_once, quiet_bar
from studyllm_tui.core.models.registry import (
    CAUSAL_LM,
    ENCODER,
    MASKED_LM,
    SEQ2SEQ,
    SEQUENCE_CLASSIFICATION,
    TASKS,
    TOKEN_CLASSIFICATION,
    TaskSpec,
)
from studyllm_tui.core.models.source import ModelLoadError, ModelSource, resolve_source


@dataclass
class LoadedModel:
    """A model ready to run: its weights, tokenizer and where they came from."""

    task: str
    model_id: str
    path: Path
    model: Any
    tokenizer: Any
    device: str
    size_bytes: int
    source: ModelSource | None = None

    @property
    def spec(self) -> TaskSpec:
        return TASKS[self.task]

    @property
    def max_length(self) -> int:
        """The longest input the model takes (the task's limit or the model's, if smaller)."""
        limits = [self.spec.max_length]
        config = self.model.config
        for name in ("max_position_embeddings", "n_positions"):
            value = getattr(config, name, None)
            if isinstance(value, int) and value > 0:
                limits.append(value)
        return min(limits)


_AUTO_CLASSES = {
    SEQUENCE_CLASSIFICATION: "AutoModelForSequenceClassification",
    TOKEN_CLASSIFICATION: "AutoModelForTokenClassification",
    ENCODER: "AutoModel",
    SEQ2SEQ: "AutoModelForSeq2SeqLM",
    CAUSAL_LM: "AutoModelForCausalLM",
    MASKED_LM: "AutoModelForMaskedLM",
}
_ARCH_SUFFIXES = {
    SEQUENCE_CLASSIFICATION: ("ForSequenceClassification",),
    TOKEN_CLASSIFICATION: ("ForTokenClassification",),
    SEQ2SEQ: ("ForConditionalGeneration", "ForSeq2SeqLM"),
    CAUSAL_LM: ("ForCausalLM", "LMHeadModel"),
    MASKED_LM: ("ForMaskedLM", "ForPreTraining"),
}


def check_architecture(task: str, config: Any, model_id: str, gguf: bool = False) -> None:
    """Raise ModelLoadError when ``config`` describes a model that cannot run ``task``.

    A config read from a ``.gguf`` file names no architecture; transformers reads GGUF
    language models only (decoders as ``…ForCausalLM``, T5 as encoder-decoder), so that is
    what such a file holds.
    """
    spec = TASKS[task]
    architectures = list(getattr(config, "architectures", None) or [])
    encoder_decoder = bool(getattr(config, "is_encoder_decoder", False))
    if gguf and not architectures:
        base = type(config).__name__.removesuffix("Config")
        architectures = [
            f"{base}ForConditionalGeneration" if encoder_decoder else f"{base}ForCausalLM"
        ]
    problem = ""
    if spec.kind == ENCODER:
        if encoder_decoder or any(a.endswith(_ARCH_SUFFIXES[CAUSAL_LM]) for a in architectures):
            problem = t("tasks.problem_not_encoder")
    elif spec.kind == SEQ2SEQ:
        if not encoder_decoder:
            problem = t("tasks.problem_not_encoder_decoder")
    elif not architectures:
        problem = t("tasks.problem_no_architecture")
    elif not any(a.endswith(_ARCH_SUFFIXES[spec.kind]) for a in architectures):
        problem = t("tasks.problem_is_architecture", architectures=", ".join(architectures))
    if not problem and task == "sts" and getattr(config, "num_labels", 1) != 1:
        problem = t("tasks.problem_not_regression", count=config.num_labels)
    if not problem and task == "nli" and getattr(config, "num_labels", 3) != 3:
        problem = t("tasks.problem_not_three_labels", count=config.num_labels)
    if problem:
        raise ModelLoadError(
            t(
                "tasks.err_wrong_architecture",
                model=model_id,
                task=task,
                problem=problem,
                kind=t(f"tasks.kind_{spec.kind.replace('-', '_')}"),
            )
        )


def choose_device(setting: str = "auto") -> str:
    """cuda, then mps, then cpu for ``auto``; an explicit choice that is not there is an error."""
    import torch

    cuda = torch.cuda.is_available()
    mps = bool(getattr(torch.backends, "mps", None)) and torch.backends.mps.is_available()
    if setting == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if setting == "cuda" and not cuda:
        raise ModelLoadError(t("tasks.err_no_cuda"))
    if setting == "mps" and not mps:
        raise ModelLoadError(t("tasks.err_no_mps"))
    return setting


def _quiet_transformers() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    quiet_bar()


class ModelManager:
    """Loads task models and keeps the recently used ones within a memory budget."""

    def __init__(self, memory_budget_mb: int = 4096, device: str = "auto") -> None:
        self.memory_budget_mb = memory_budget_mb
        self.device_setting = device
        self.models: OrderedDict[tuple[str, str], LoadedModel] = OrderedDict()
        self.overrides: dict[str, str] = {}
        self._lock = threading.RLock()
        self._load_locks: dict[tuple[str, str], threading.Lock] = {}

    def configure(self, config: Any) -> None:
        """Take budget, device and model overrides from a Config."""
        self.memory_budget_mb = int(getattr(config, "memory_budget_mb", self.memory_budget_mb))
        self.device_setting = str(getattr(config, "device", self.device_setting) or "auto")
        self.overrides = dict(getattr(config, "models", {}) or {})

    def model_id_for(self, task: str, model: str | None = None) -> str:
        if task not in TASKS:
            raise ModelLoadError(t("tasks.err_unknown_task", task=task, choices=", ".join(TASKS)))
        return model or self.overrides.get(task) or TASKS[task].model

    @property
    def used_bytes(self) -> int:
        with self._lock:
            return sum(m.size_bytes for m in self.models.values())

    def get_loaded(self, task: str, model: str | None = None) -> LoadedModel | None:
        key = (task, self.model_id_for(task, model))
        with self._lock:
            return self.models.get(key)

    def load(
        self,
        task: str,
        model: str | None = None,
        progress: ProgressCallback | None = None,
        cancel: Any = None,
        context: str = "task",
    ) -> LoadedModel:
        """The model for ``task`` (``model`` overrides config and default), loading it if needed.

        ``context`` words the message when it cannot be had (``hub.CONTEXTS``: ``task`` for
        ``run`` and the tasks tab, ``prompt`` for the prompt lab, ...).
        """
        model_id = self.model_id_for(task, model)
        key = (task, model_id)
        with self._lock:
            loaded = self.models.get(key)
            if loaded is not None:
                self.models.move_to_end(key)
                return loaded
            load_lock = self._load_locks.setdefault(key, threading.Lock())
        with load_lock:
            with self._lock:
                loaded = self.models.get(key)
                if loaded is not None:
                    self.models.move_to_end(key)
                    return loaded
            source = resolve_source(
                model_id, progress=progress, cancel=cancel, context=context, task=task
            )
            check_cancelled(cancel)
            with parse_once(source):
                loaded = self._load_from(task, source, progress)
            check_cancelled(cancel)
            with self._lock:
                self.models[key] = loaded
                self._evict(keep=key)
            return loaded

    def _load_from(
        self, task: str, source: ModelSource, progress: ProgressCallback | None
    ) -> LoadedModel:
        """Config, tokenizer and weights of ``source`` (a folder or one ``.gguf`` file)."""
        report = progress or (lambda _: None)
        model_id, path = source.model_id, source.path
        shown = path / source.gguf_file if source.gguf_file else path
        kwargs = source.pretrained_kwargs()
        report(Progress("load", 0, 3, "config"))
        import transformers

        _quiet_transformers()
        spec = TASKS[task]
        try:
            config = transformers.AutoConfig.from_pretrained(path, **kwargs)
        except Exception as error:
            raise ModelLoadError(
                t("tasks.err_bad_config", model=model_id, path=shown, reason=_short(error))
            ) from error
        check_architecture(task, config, model_id, gguf=source.is_gguf)
        device = choose_device(self.device_setting)
        report(Progress("load", 1, 3, "tokenizer"))
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(path, **kwargs)
        except Exception as error:
            raise ModelLoadError(
                t("tasks.err_bad_tokenizer", model=model_id, path=shown, reason=_short(error))
            ) from error
        report(Progress("load", 2, 3, "weights"))
        auto_class = getattr(transformers, _AUTO_CLASSES[spec.kind])
        extra: dict[str, Any] = {}
        if not source.is_gguf and any(path.glob("*.safetensors")):
            extra["use_safetensors"] = True
        try:
            model = auto_class.from_pretrained(path, config=config, **kwargs, **extra)
        except Exception as error:
            raise ModelLoadError(
                t("tasks.err_bad_weights", model=model_id, path=shown, reason=_short(error))
            ) from error
        model.to(device)
        model.eval()
        size = sum(p.numel() * p.element_size() for p in model.parameters())
        size += sum(b.numel() * b.element_size() for b in model.buffers())
        report(Progress("load", 3, 3, device))
        return LoadedModel(task, model_id, path, model, tokenizer, device, int(size), source)

    def _evict(self, keep: tuple[str, str]) -> None:
        budget = self.memory_budget_mb * 1024 * 1024
        evicted = False
        while self.used_bytes > budget and len(self.models) > 1:
            key = next(iter(self.models))
            if key == keep:
                self.models.move_to_end(key)
                key = next(iter(self.models))
                if key == keep:
                    break
            self.models.pop(key)
            evicted = True
        if evicted:
            _free_memory()

    def make_room(self, size_bytes: int, budget_mb: float | None = None) -> int:
        """Unload the least recently used models until they and ``size_bytes`` more fit in
        ``budget_mb`` (the manager's own budget when None); how many were unloaded. For a
        model held outside the manager (inside-the-model's) that shares the memory."""
        budget = (self.memory_budget_mb if budget_mb is None else budget_mb) * 1024 * 1024
        unloaded = 0
        with self._lock:
            while self.models and self.used_bytes + size_bytes > budget:
                self.models.popitem(last=False)
                unloaded += 1
        if unloaded:
            _free_memory()
        return unloaded

    def unload(self, task: str | None = None) -> None:
        """Forget loaded models (all of them, or those of one task) and free their memory."""
        with self._lock:
            for key in [k for k in self.models if task is None or k[0] == task]:
                self.models.pop(key)
        _free_memory()


def _free_memory() -> None:
    gc.collect()
    try:
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    except Exception:  # pragma: no cover - freeing is best effort
        pass


def _short(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


_manager: ModelManager | None = None
_manager_lock = threading.Lock()


def get_manager(config: Any = None) -> ModelManager:
    """The process's one ModelManager, configured from ``config`` when given."""
    global _manager
    with _manager_lock:
        if _manager is None:
            _manager = ModelManager()
        if config is not None:
            _manager.configure(config)
        return _manager
