"""Find a tokenizer by name: ``mecab``, ``gpt2``, the locally trained ones, or any HF one."""

from __future__ import annotations

import threading

from studyllm_tui.core.jobs import ProgressCallback, no_progress
from studyllm_tui.core.tokenizers.base import Tokenization, TokenizerAdapter

BUILTIN = ("mecab", "gpt2", "wordpiece-ja", "unigram-ja", "bpe-ja")
DEFAULT_SELECTION = BUILTIN

_LOCK = threading.Lock()
_LOADED: dict[str, TokenizerAdapter] = {}


def is_loaded(name: str) -> bool:
    return name in _LOADED


def load_tokenizer(
    name: str,
    *,
    progress: ProgressCallback = no_progress,
    cancel: threading.Event | None = None,
) -> TokenizerAdapter:
    """The tokenizer ``name``, loaded (or trained) once per process.

    Raises :class:`~studyllm_tui.core.tokenizers.base.TokenizerError` with a message for the
    person when it cannot be had (unknown name, missing folder, not cached while offline).
    """
    name = name.strip()
    found = _LOADED.get(name)
    if found is not None:
        return found
    adapter: TokenizerAdapter
    if name == "mecab":
        from studyllm_tui.core.tokenizers.mecab import MecabTokenizer

        adapter = MecabTokenizer()
    elif name == "gpt2":
        from studyllm_tui.core.tokenizers.gpt2 import Gpt2Tokenizer

        adapter = Gpt2Tokenizer()
    elif name in ("wordpiece-ja", "unigram-ja", "bpe-ja"):
        from studyllm_tui.core.tokenizers.trained import load_or_train

        adapter = load_or_train(name, progress=progress, cancel=cancel)
    else:
        from studyllm_tui.core.tokenizers.hf import load_hf

        adapter = load_hf(name, progress=progress, cancel=cancel)
    with _LOCK:
        return _LOADED.setdefault(name, adapter)


def clean_text(text: str) -> str:
    """``text`` with lone surrogates (which no tokenizer can read) replaced, length kept."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text


def tokenize(adapter: TokenizerAdapter, text: str, focus: int | None = None) -> Tokenization:
    """Tokenize ``text`` (lone surrogates replaced first; the length stays the same).

    ``focus`` (the cursor's character offset) lets MeCab read the features of the morpheme
    there in the same pass; the others are worked out when first asked for.
    """
    text = clean_text(text)
    if focus is not None and getattr(adapter, "accepts_focus", False):
        return adapter.tokenize(text, focus)  # type: ignore[call-arg]
    return adapter.tokenize(text)
