"""Download a model's files from the Hub into the standard cache, with progress, cancel,
resume and a check of every file against the Hub's hashes.

huggingface_hub does the transfer: within one call it resumes a file whose connection broke
(a Range request), but a cancelled or failed file is deleted, so a later run fetches that file
from its start (the files already complete are kept); it checks sizes only. This module picks the files, adds up progress over all of them, honours
cancellation between chunks, and verifies content (sha256 for LFS files, the git blob id for
the others), removing a corrupt file from the cache. The endpoint is read from ``HF_ENDPOINT``
on every call and passed explicitly, since huggingface_hub reads it once at import.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from studyllm_tui.core.hub import (
    ModelNotAvailable,
    _short,
    endpoint,
    format_bytes,
    format_duration,
    hub_cache_dir,
)
from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Cancelled, Progress, ProgressCallback, check_cancelled

# Files never needed to run a model with PyTorch.
_NEVER = (
    "*.h5", "*.msgpack", "*.onnx", "*.onnx_data", "*.ot", "*.tflite", "*.gguf", "*.mlmodel",
    "tf_model*", "flax_model*", "rust_model*", "*.ckpt*", "optimizer*", "scheduler*",
    "training_args*", "rng_state*", "trainer_state*", ".gitattributes",
)  # fmt: skip
_TORCH_WEIGHTS = ("pytorch_model*.bin", "pytorch_model*.bin.index.json", "*.pt", "*.pth")
# huggingface_hub reads a body in pieces of constants.DOWNLOAD_CHUNK_SIZE (10 MB) and reports
# progress once per piece; progress is where a cancel takes effect, so pieces are kept small.
CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class RemoteFile:
    """A file of a Hub repository: its size and the hashes the Hub gives for it."""

    name: str
    size: int
    sha256: str | None = None  # LFS files: sha256 of the content (also their ETag)
    blob_id: str | None = None  # git blob id (sha1 of "blob SIZE\0" + content)


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
    """The files of a Hub model with their sizes and hashes (needs the network)."""
    from huggingface_hub import HfApi

    info = HfApi(endpoint=endpoint()).model_info(model, files_metadata=True)
    files = []
    for sibling in info.siblings or []:
        lfs = getattr(sibling, "lfs", None)
        sha256 = getattr(lfs, "sha256", None) if lfs is not None else None
        files.append(
            RemoteFile(
                sibling.rfilename,
                int(sibling.size or 0),
                str(sha256).lower() if sha256 else None,
                getattr(sibling, "blob_id", None),
            )
        )
    return files


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


_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX40 = re.compile(r"^[0-9a-f]{40}$")


def _digests(file: Path, cancel: Any = None) -> tuple[str, str]:
    """sha256 of ``file``'s content and its git blob id (sha1 of ``blob SIZE\\0`` + content)."""
    import hashlib

    sha256 = hashlib.sha256()
    blob = hashlib.sha1(f"blob {file.stat().st_size}\0".encode())
    with file.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            check_cancelled(cancel)
            sha256.update(chunk)
            blob.update(chunk)
    return sha256.hexdigest(), blob.hexdigest()


def verify_file(local: Path, remote: RemoteFile, cancel: Any = None) -> bool:
    """Whether a downloaded file holds what the Hub says it holds.

    huggingface_hub checks only the size. The Hub gives a sha256 for LFS files (weights) and
    a git blob id for the others; the cache names each blob after its ETag, which is one of
    the two. Every hash that is known must match.
    """
    blob_name = Path(os.path.realpath(local)).name.lower()
    expected_sha256 = remote.sha256 or (blob_name if _HEX64.match(blob_name) else None)
    expected_blob = remote.blob_id or (blob_name if _HEX40.match(blob_name) else None)
    if expected_sha256 is None and expected_blob is None:
        return True
    sha256, blob = _digests(local, cancel)
    if expected_sha256 is not None and sha256 != expected_sha256.lower():
        return False
    if remote.sha256 is None and expected_blob is not None:
        return blob == expected_blob.lower()
    return True


def _discard(local: Path) -> None:
    """Remove a bad download from the cache (the blob and the snapshot's link to it)."""
    target = Path(os.path.realpath(local))
    for path in (local, target):
        with contextlib.suppress(OSError):
            path.unlink()


def download_model(
    model: str,
    *,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
    allow_patterns: Any = None,
) -> Path:
    """Download ``model`` from the Hub into the HF cache, file by file; return the snapshot.

    Files already in the cache are not fetched again; every file is checked against the
    Hub's hashes, and a corrupt one is removed and reported.
    """
    from huggingface_hub import constants as hf_constants
    from huggingface_hub import hf_hub_download
    from huggingface_hub.utils import logging as hf_logging

    if hf_constants.DOWNLOAD_CHUNK_SIZE > CHUNK_BYTES:
        hf_constants.DOWNLOAD_CHUNK_SIZE = CHUNK_BYTES
    # Its retry warnings ("Trying to resume download...") would print over the CLI's progress
    # line and the TUI; failures reach the person as this module's one-line messages.
    hf_logging.set_verbosity_error()
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
            local = Path(
                hf_hub_download(
                    model,
                    remote.name,
                    cache_dir=hub_cache_dir(),
                    tqdm_class=bar,
                    etag_timeout=5,
                    endpoint=endpoint(),
                )
            )
        except Cancelled:
            raise
        except Exception as error:
            raise ModelNotAvailable(
                t("hub.download_failed", model=model, file=remote.name, error=_short(error))
            ) from error
        if not verify_file(local, remote, cancel):
            _discard(local)
            raise ModelNotAvailable(t("hub.corrupt", model=model, file=remote.name))
        folder = local.parent
    assert folder is not None
    meter.done = meter.total
    meter.report()
    return folder
