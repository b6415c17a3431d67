"""Where a model's files are, and whether they may be loaded at all.

Every place that loads a model (task panels, prompt lab, inside-the-model, tuning, Hub
tokenizers) starts here: :func:`resolve_source` turns what the user typed (a Hub id, a local
folder, or a ``.gguf`` file) into a :class:`ModelSource`, refusing a folder that would need
custom code before anything from transformers is imported. ``pretrained_kwargs()`` gives the
keyword arguments every ``from_pretrained`` call of that source must pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studyllm_tui.core import hub
from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import ProgressCallback

# Files whose ``auto_map`` (or a custom tokenizer class in code) would make transformers import
# Python from the model folder.
CODE_CONFIGS = (
    "config.json",
    "tokenizer_config.json",
    "processor_config.json",
    "preprocessor_config.json",
    "feature_extractor_config.json",
    "image_processor_config.json",
    "generation_config.json",
)
_MAX_CONFIG_BYTES = 4 * 1024 * 1024


class ModelLoadError(Exception):
    """A model that cannot be used here. The message says why and what to do."""


@dataclass(frozen=True)
class ModelSource:
    """A model on disk: ``path`` is its folder; ``gguf_file`` names the file when it is GGUF."""

    model_id: str
    path: Path
    gguf_file: str | None = None

    @property
    def is_gguf(self) -> bool:
        return self.gguf_file is not None

    def pretrained_kwargs(self) -> dict[str, Any]:
        """What every ``from_pretrained(self.path, ...)`` of this source passes."""
        kwargs: dict[str, Any] = {"trust_remote_code": False}
        if self.gguf_file is not None:
            kwargs["gguf_file"] = self.gguf_file
        return kwargs


def is_gguf_path(model: str) -> bool:
    return model.strip().lower().endswith(".gguf")


def custom_code_reason(folder: Path) -> str | None:
    """Why loading ``folder`` would run code from it (the file and key), or None."""
    for name in CODE_CONFIGS:
        file = folder / name
        try:
            if not file.is_file() or file.stat().st_size > _MAX_CONFIG_BYTES:
                continue
            data = json.loads(file.read_text(encoding="utf-8", errors="replace"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        if data.get("auto_map"):
            return f"{name}: auto_map"
        tokenizer_class = data.get("tokenizer_class")
        if isinstance(tokenizer_class, (list, tuple)):
            return f"{name}: tokenizer_class {tokenizer_class!r}"
    if any(folder.glob("*.py")):
        py = sorted(p.name for p in folder.glob("*.py"))[0]
        if _mentions_module(folder, py.removesuffix(".py")):
            return f"{py}"
    return None


def _mentions_module(folder: Path, module: str) -> bool:
    """Whether a config of ``folder`` refers to ``module`` (``module.Class`` style)."""
    for name in CODE_CONFIGS:
        file = folder / name
        try:
            if file.is_file() and f'"{module}.' in file.read_text(
                encoding="utf-8", errors="replace"
            ):
                return True
        except OSError:
            continue
    return False


def refuse_custom_code(folder: Path, model_id: str) -> None:
    """Raise ModelLoadError when ``folder`` needs custom code (nothing of it is imported)."""
    reason = custom_code_reason(folder)
    if reason is not None:
        raise ModelLoadError(t("tasks.err_custom_code", model=model_id, reason=reason))


def resolve_source(
    model: str,
    *,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
    download: bool = True,
    context: str = "task",
    task: str | None = None,
) -> ModelSource:
    """The files of ``model`` (Hub id, folder or ``.gguf`` file), checked for custom code.

    Raises :class:`hub.ModelNotAvailable` when they are not on disk and cannot be fetched now
    (worded for ``context``, one of ``hub.CONTEXTS``, and ``task``), and
    :class:`ModelLoadError` when loading them would run code from the model.
    """
    model = model.strip()
    if is_gguf_path(model):
        file = Path(model).expanduser()
        if not file.is_file():
            raise hub.ModelNotAvailable(t("hub.no_gguf", model=model))
        return ModelSource(model, file.resolve().parent, file.name)
    folder = hub.resolve(
        model, progress=progress, cancel=cancel, download=download, context=context, task=task
    )
    refuse_custom_code(folder, model)
    return ModelSource(model, folder)


def weights_format(folder: Path) -> str | None:
    """How the weights in ``folder`` are stored: ``"safetensors"``, ``"gguf"``, ``"pickle"``.

    ``"pickle"`` means only PyTorch pickle files (``pytorch_model.bin``): transformers loads
    them with ``torch.load(weights_only=True)``, which refuses code, but the format itself can
    carry code, so the app says so. None when the folder holds no weights it knows.
    """
    try:
        names = [p.name for p in folder.iterdir() if p.is_file()]
    except OSError:
        return None
    if any(name.endswith(".safetensors") for name in names):
        return "safetensors"
    if any(name.lower().endswith(".gguf") for name in names):
        return "gguf"
    if any(name.endswith((".bin", ".pt", ".pth", ".ckpt")) for name in names):
        return "pickle"
    return None


def local_folder(model: str) -> Path | None:
    """The folder of ``model`` when it is on this machine (a folder, a ``.gguf``, the cache)."""
    model = model.strip()
    if is_gguf_path(model):
        file = Path(model).expanduser()
        return file.parent if file.is_file() else None
    if hub.looks_like_path(model):
        folder = Path(model).expanduser()
        return folder if folder.is_dir() else None
    return hub.cached_path(model)
