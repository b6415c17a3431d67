"""Loading a ``.gguf`` file through transformers without its avoidable costs.

transformers reads a GGUF file three times for one model (config, tokenizer and weights each
build a fresh ``gguf.GGUFReader``, whose Python-level parse of a 49,152-entry vocabulary takes
seconds), draws its own tqdm bar on stderr whatever the progress setting, and builds gguf's
tensor-name table once per sub-module of the model (794 times for SmolLM2-135M). Loading
SmolLM2 took 40 s on two cores, about 2 s of it the actual dequantizing.

:func:`parse_once` wraps the loads of one source so that the file is parsed once and shared
(the reader only reads: it memory-maps the file) and the name tables are built once per
architecture; :func:`quiet_bar` silences the bar. Every load of a ``.gguf`` (task panels and
prompt lab through the manager, inside-the-model, tuning) goes through both.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from studyllm_tui.core.models.source import ModelSource

__all__ = ["parse_once", "quiet_bar"]

_lock = threading.Lock()
_depth = 0
_readers: dict[tuple[str, str], Any] = {}
_originals: dict[str, Any] = {}


@contextmanager
def parse_once(source: ModelSource) -> Iterator[None]:
    """Inside this block every ``gguf.GGUFReader`` of the same file is the same object, and
    gguf's tensor-name tables are built once.

    Nothing changes for a source that is not a ``.gguf`` file. Blocks may nest and may run in
    several threads at once; gguf is itself again, and the shared readers are dropped, when
    the last block ends.
    """
    if not source.is_gguf:
        yield
        return
    import gguf

    global _depth
    with _lock:
        if _depth == 0:
            _patch(gguf)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                for name, original in _originals.items():
                    setattr(gguf, name, original)
                _originals.clear()
                _readers.clear()


def _patch(gguf: Any) -> None:
    """Called with ``_lock`` held, by the first block only."""
    reader_class = _originals["GGUFReader"] = gguf.GGUFReader
    _originals["get_tensor_name_map"] = gguf.get_tensor_name_map

    def shared_reader(path: Any, mode: str = "r") -> Any:
        key = (os.path.realpath(os.fspath(path)), mode)
        with _lock:
            reader = _readers.get(key)
        if reader is None:
            reader = reader_class(path, mode)
            with _lock:
                reader = _readers.setdefault(key, reader)
        return reader

    gguf.GGUFReader = shared_reader
    # the table for (architecture, number of blocks) is only ever read
    gguf.get_tensor_name_map = functools.lru_cache(maxsize=8)(gguf.get_tensor_name_map)


def quiet_bar() -> None:
    """transformers' GGUF loader draws its own tqdm bar on stderr whatever the progress-bar
    setting (it would print over the CLI's one-line output and the TUI): make it silent."""
    try:
        from transformers import modeling_gguf_pytorch_utils as gguf_utils
    except ImportError:  # pragma: no cover - a transformers without GGUF support
        return
    bar = getattr(gguf_utils, "tqdm", None)
    if bar is None or getattr(bar, "_studyllm_silent", False):
        return

    def silent(*args: Any, **kwargs: Any) -> Any:
        kwargs["disable"] = True
        return bar(*args, **kwargs)

    silent._studyllm_silent = True  # type: ignore[attr-defined]
    gguf_utils.tqdm = silent
