"""Find a model's files: a local folder, the Hugging Face cache, or a download from the Hub.

Nothing here waits on a dead network: the local cache is looked at first, and the Hub is only
asked when a short connection check succeeds (and ``HF_HUB_OFFLINE`` is not set). Downloads go
into the standard Hugging Face cache (``HF_HOME`` / ``HF_HUB_CACHE`` respected), so other tools
share them. huggingface_hub is imported inside the functions that use it.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Progress, ProgressCallback, check_cancelled

DEFAULT_ENDPOINT = "https://huggingface.co"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
_TRUE = {"1", "on", "yes", "true"}
WEIGHT_PATTERNS = ("*.safetensors", "pytorch_model*.bin")


class ModelNotAvailable(Exception):
    """The model is neither on disk nor downloadable now. The message says what to do.

    ``offline`` is True when the reason is that the Hub cannot be reached (or offline mode).
    """

    def __init__(self, message: str, *, offline: bool = False) -> None:
        super().__init__(message)
        self.offline = offline


def endpoint() -> str:
    """The Hub's base URL (``HF_ENDPOINT``), read from the environment on every call."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).strip().rstrip("/")


def endpoint_host() -> str:
    url = urlparse(endpoint())
    return url.netloc or url.path or "huggingface.co"


def hub_cache_dir() -> Path:
    """The Hugging Face hub cache, read from the environment on every call."""
    for name in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(name):
            return Path(os.environ[name]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "huggingface" / "hub"


def offline_mode() -> bool:
    """True when the environment forbids talking to the Hub."""
    return any(
        os.environ.get(name, "").strip().lower() in _TRUE
        for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


_reachable: dict[str, tuple[float, bool]] = {}
_REACHABLE_TTL_S = 30.0


def hub_reachable(timeout: float = 1.5) -> bool:
    """Whether the Hub can be reached now: False at once when offline mode is set."""
    if offline_mode():
        return False
    base = endpoint()
    cached = _reachable.get(base)
    now = time.monotonic()
    if cached is not None and now - cached[0] < _REACHABLE_TTL_S:
        return cached[1]
    try:
        url = urlparse(base)
        host = url.hostname or "huggingface.co"
        port = url.port or (80 if url.scheme == "http" else 443)
    except ValueError:  # a port that is not a number
        _reachable[base] = (now, False)
        return False
    try:
        # Every address of the host is tried (a loopback endpoint: 127.0.0.1 or ::1).
        with socket.create_connection((host, port), timeout=timeout):
            ok = True
    except OSError:
        ok = False
    _reachable[base] = (now, ok)
    return ok


def reachable_known() -> bool | None:
    """The last answer of :func:`hub_reachable` (no probe): None when not asked recently."""
    if offline_mode():
        return False
    cached = _reachable.get(endpoint())
    if cached is None or time.monotonic() - cached[0] >= _REACHABLE_TTL_S:
        return None
    return cached[1]


def looks_like_path(model: str) -> bool:
    """A model string that names a folder or a ``.gguf`` file rather than a Hub id."""
    if model.strip().lower().endswith(".gguf"):
        return True
    if model.startswith(("/", "./", "../", "~", ".\\", "..\\")) or "\\" in model:
        return True
    return Path(model).expanduser().exists() or not _HUB_ID.match(model)


def _complete(folder: Path) -> bool:
    """A snapshot folder with a config and every weight file (all shards of an index)."""
    if not (folder / "config.json").is_file():
        return False
    for index_name in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
        index = folder / index_name
        if index.is_file():
            try:
                shards = set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values())
            except (OSError, ValueError, KeyError, TypeError):
                return False
            return all((folder / shard).is_file() for shard in shards)
    return any(next(folder.glob(pattern), None) is not None for pattern in WEIGHT_PATTERNS)


def cached_path(model: str) -> Path | None:
    """The complete cached snapshot of Hub id ``model``, or None."""
    cache = hub_cache_dir()
    repo_dir = cache / f"models--{model.replace('/', '--')}"
    if not repo_dir.is_dir():
        return None
    try:
        from huggingface_hub import snapshot_download

        folder = Path(snapshot_download(model, cache_dir=cache, local_files_only=True))
    except Exception:
        folder = None
    if folder is not None and _complete(folder):
        return folder
    # A snapshot written file by file (our downloads) without a refs entry for the revision.
    snapshots = sorted(
        (p for p in (repo_dir / "snapshots").glob("*") if p.is_dir()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    return next((p for p in snapshots if _complete(p)), None)


def is_cached(model: str) -> bool:
    """True when ``model`` (Hub id or folder) can be loaded without the network."""
    if looks_like_path(model):
        path = Path(model.strip()).expanduser()
        if path.suffix.lower() == ".gguf":
            return path.is_file()
        return path.is_dir() and any(path.iterdir())
    return cached_path(model) is not None


# Where an "offline" message is shown decides what it advises.
CONTEXTS = ("task", "download", "tokenizer", "prompt", "model")


def not_available_message(model: str, context: str = "task", task: str | None = None) -> str:
    """Why ``model`` cannot be had now (not on disk, Hub unreachable) and what to do, worded
    for where it is shown: a task (``run``, the tasks tab), ``download`` itself, the tokenizer
    lab, the prompt lab, or a model field of its own (inside the model, tuning)."""
    if context not in CONTEXTS:
        context = "task"
    return t(
        f"hub.offline_{context}",
        model=model,
        cache=hub_cache_dir(),
        endpoint=endpoint_host(),
        task=task or "TASK",
    )


def not_cached_message(model: str, context: str = "task", task: str | None = None) -> str:
    """``model`` is not in the cache and this call may not download it."""
    key = "hub.not_cached_tokenizer" if context == "tokenizer" else "hub.not_cached"
    return t(key, model=model, task=task or "TASK")


def format_bytes(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(size) < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"  # pragma: no cover


def format_duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


def resolve(
    model: str,
    *,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
    download: bool = True,
    allow_patterns: Any = None,
    context: str = "task",
    task: str | None = None,
) -> Path:
    """The local folder holding ``model``'s files, downloading them when needed and allowed.

    ``context`` (one of :data:`CONTEXTS`) and ``task`` word the message when it cannot be had.
    """
    model = model.strip()
    if not model:
        raise ModelNotAvailable(t("hub.no_model"))
    if looks_like_path(model):
        folder = Path(model).expanduser()
        if not folder.is_dir():
            raise ModelNotAvailable(t("hub.no_folder", model=model))
        if not any(folder.iterdir()):
            raise ModelNotAvailable(t("hub.empty_folder", model=model))
        return folder.resolve()
    found = cached_path(model)
    if found is not None:
        return found
    if not download:
        raise ModelNotAvailable(not_cached_message(model, context, task))
    check_cancelled(cancel)
    if progress is not None:
        progress(Progress("connect", detail=endpoint_host()))
    if not hub_reachable():
        raise ModelNotAvailable(not_available_message(model, context, task), offline=True)
    from studyllm_tui.core.hub_download import download_model

    return download_model(model, progress=progress, cancel=cancel, allow_patterns=allow_patterns)


def describe_progress(progress: Progress) -> str:
    """One status line for ``progress`` in the UI language (stage names from the catalogue).

    ``connect`` names the Hub's host, ``download`` its byte counts, ``load`` the part being
    read; a stage without a catalogue entry is shown as it is.
    """
    key = f"hub.stage_{progress.stage}"
    stage = t(key)
    if stage == key:
        stage = progress.stage
    detail = progress.detail
    part_key = f"hub.part_{detail}"
    if progress.stage == "load" and detail and t(part_key) != part_key:
        detail = t(part_key)
    fraction = progress.fraction
    percent = f" {fraction * 100:.0f}%" if fraction is not None and progress.stage != "load" else ""
    return f"{stage}{percent} {detail}".strip()


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
