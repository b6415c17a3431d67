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
import threading
import time
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Cancelled, Progress, ProgressCallback, check_cancelled

DEFAULT_ENDPOINT = "https://huggingface.co"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
_TRUE = {"1", "on", "yes", "true"}

# Files never needed to run a model with PyTorch.
_NEVER = (
    "*.h5", "*.msgpack", "*.onnx", "*.onnx_data", "*.ot", "*.tflite", "*.gguf", "*.mlmodel",
    "tf_model*", "flax_model*", "rust_model*", "*.ckpt*", "optimizer*", "scheduler*",
    "training_args*", "rng_state*", "trainer_state*", ".gitattributes",
)  # fmt: skip
_TORCH_WEIGHTS = ("pytorch_model*.bin", "pytorch_model*.bin.index.json", "*.pt", "*.pth")
WEIGHT_PATTERNS = ("*.safetensors", "pytorch_model*.bin")


class ModelNotAvailable(Exception):
    """The model is neither on disk nor downloadable now. The message says what to do."""


@dataclass(frozen=True)
class RemoteFile:
    name: str
    size: int


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
    endpoint = os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT
    cached = _reachable.get(endpoint)
    now = time.monotonic()
    if cached is not None and now - cached[0] < _REACHABLE_TTL_S:
        return cached[1]
    url = urlparse(endpoint)
    host = url.hostname or "huggingface.co"
    port = url.port or (80 if url.scheme == "http" else 443)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            ok = True
    except OSError:
        ok = False
    _reachable[endpoint] = (now, ok)
    return ok


def looks_like_path(model: str) -> bool:
    """A model string that names a folder rather than a Hub id."""
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
        folder = Path(model).expanduser()
        return folder.is_dir() and any(folder.iterdir())
    return cached_path(model) is not None


def not_available_message(model: str) -> str:
    return t("hub.not_available", model=model, cache=hub_cache_dir())


def choose_files(files: list[RemoteFile], allow_patterns: Any = None) -> list[RemoteFile]:
    """The files worth downloading: top-level, PyTorch only, safetensors over .bin."""
    chosen = [f for f in files if "/" not in f.name and not any(fnmatch(f.name, p) for p in _NEVER)]
    if any(fnmatch(f.name, "*.safetensors") for f in chosen):
        chosen = [f for f in chosen if not any(fnmatch(f.name, p) for p in _TORCH_WEIGHTS)]
    if allow_patterns:
        patterns = [allow_patterns] if isinstance(allow_patterns, str) else list(allow_patterns)
        chosen = [f for f in chosen if any(fnmatch(f.name, p) for p in patterns)]
    return chosen


def remote_files(model: str) -> list[RemoteFile]:
    """The files of a Hub model with their sizes (needs the network)."""
    from huggingface_hub import HfApi

    info = HfApi().model_info(model, files_metadata=True)
    return [RemoteFile(s.rfilename, int(s.size or 0)) for s in info.siblings or []]


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


class _Meter:
    """Adds up the bytes of every file of one download and reports progress."""

    def __init__(self, model: str, total: int, progress: ProgressCallback | None, cancel: Any):
        self.model = model
        self.total = total
        self.done = 0
        self.progress = progress
        self.cancel = cancel
        self.started = time.monotonic()
        self.last_report = 0.0
        self.lock = threading.Lock()

    def add(self, n: float) -> None:
        check_cancelled(self.cancel)
        with self.lock:
            self.done += int(n)
            now = time.monotonic()
            if now - self.last_report < 0.1 and self.done < self.total:
                return
            self.last_report = now
        self.report()

    def report(self) -> None:
        if self.progress is None:
            return
        elapsed = max(1e-6, time.monotonic() - self.started)
        speed = self.done / elapsed
        detail = f"{format_bytes(self.done)} / {format_bytes(self.total)}"
        if self.done and speed > 0:
            left = (self.total - self.done) / speed
            detail += f"  {format_bytes(speed)}/s  {format_duration(left)}"
        self.progress(Progress("download", self.done, self.total or None, detail))


def _bar_class(meter: _Meter) -> type:
    from tqdm.auto import tqdm

    class MeterBar(tqdm):
        """A silent progress bar that feeds the meter and checks for cancellation."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.pop("name", None)
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            meter.add(n or 0)
            return None

    return MeterBar


def download_model(
    model: str,
    *,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
    allow_patterns: Any = None,
) -> Path:
    """Download ``model`` from the Hub into the HF cache, file by file; return the snapshot."""
    from huggingface_hub import hf_hub_download

    try:
        files = choose_files(remote_files(model), allow_patterns)
    except Exception as error:
        raise ModelNotAvailable(t("hub.cannot_list", model=model, error=_short(error))) from error
    if not files:
        raise ModelNotAvailable(t("hub.no_files", model=model))
    files.sort(key=lambda f: (f.name != "config.json", f.size))
    meter = _Meter(model, sum(f.size for f in files), progress, cancel)
    meter.report()
    bar = _bar_class(meter)
    folder: Path | None = None
    for remote in files:
        check_cancelled(cancel)
        try:
            local = hf_hub_download(
                model, remote.name, cache_dir=hub_cache_dir(), tqdm_class=bar, etag_timeout=5
            )
        except Cancelled:
            raise
        except Exception as error:
            raise ModelNotAvailable(
                t("hub.download_failed", model=model, file=remote.name, error=_short(error))
            ) from error
        folder = Path(local).parent
    assert folder is not None
    meter.done = meter.total
    meter.report()
    return folder


def resolve(
    model: str,
    *,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
    download: bool = True,
    allow_patterns: Any = None,
) -> Path:
    """The local folder holding ``model``'s files, downloading them when needed and allowed."""
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
        raise ModelNotAvailable(t("hub.not_cached", model=model))
    check_cancelled(cancel)
    if progress is not None:
        progress(Progress("connect", detail="huggingface.co"))
    if not hub_reachable():
        raise ModelNotAvailable(not_available_message(model))
    return download_model(model, progress=progress, cancel=cancel, allow_patterns=allow_patterns)


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
