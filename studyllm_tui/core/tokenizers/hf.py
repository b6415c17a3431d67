"""Any Hugging Face tokenizer, by Hub id or local folder (loaded with ``transformers``).

A Hub id is found in a local folder or the Hugging Face cache first; otherwise it is
downloaded (tokenizer files only) when the Hub can be reached, else a clear message comes at
once (``core.hub`` never waits on a dead network).

No code from a tokenizer folder ever runs: a folder (or cached Hub snapshot) whose configs ask
for custom code (``auto_map``, ...) is refused by ``core.models.source.refuse_custom_code``
before transformers is imported, and the load itself passes ``trust_remote_code=False``, so
transformers refuses instead of asking "run the custom code? [y/N]" on the terminal.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Progress, ProgressCallback, check_cancelled
from studyllm_tui.core.tokenizers.base import Token, Tokenization, TokenizerError, clamp_spans
from studyllm_tui.core.tokenizers.encoding import PieceTable, token_from_piece

TOKENIZER_FILES = [
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab*",
    "merges.txt",
    "spiece.model",
    "*.model",
    "special_tokens_map.json",
    "added_tokens.json",
    "config.json",
]
_MARKERS = ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "vocab.json", "spiece.model")

PRESETS = (
    "cl-tohoku/bert-base-japanese-v3",
    "abeja/gpt2-large-japanese",
    "retrieva-jp/t5-large-long",
    "FacebookAI/roberta-base",
    "microsoft/deberta-v3-base",
    "FacebookAI/xlm-roberta-base",
    "google-bert/bert-base-multilingual-cased",
    "google/mt5-base",
)


def _has_tokenizer(folder: Path) -> bool:
    return any((folder / marker).is_file() for marker in _MARKERS) or any(folder.glob("*.model"))


def cached_tokenizer_folder(model: str) -> Path | None:
    """The newest cached snapshot of Hub id ``model`` that holds tokenizer files."""
    from studyllm_tui.core.hub import hub_cache_dir

    snapshots = hub_cache_dir() / f"models--{model.replace('/', '--')}" / "snapshots"
    if not snapshots.is_dir():
        return None
    found = [p for p in snapshots.iterdir() if p.is_dir() and _has_tokenizer(p)]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def tokenizer_folder(
    model: str, *, progress: ProgressCallback | None = None, cancel: threading.Event | None = None
) -> Path:
    """The local folder of ``model``'s tokenizer: a folder, the cache, or a download.

    Raises TokenizerError when the folder would need custom code to load.
    """
    folder = _tokenizer_folder(model, progress=progress, cancel=cancel)
    _refuse_custom_code(folder, model.strip())
    return folder


def _refuse_custom_code(folder: Path, model: str) -> None:
    from studyllm_tui.core.models.source import ModelLoadError, refuse_custom_code

    try:
        refuse_custom_code(folder, model)
    except ModelLoadError as error:
        raise TokenizerError(str(error)) from error


def _tokenizer_folder(
    model: str, *, progress: ProgressCallback | None, cancel: threading.Event | None
) -> Path:
    from studyllm_tui.core.hub import ModelNotAvailable, looks_like_path, resolve

    model = model.strip()
    if not model:
        raise TokenizerError(t("tokenizer.hf_no_name"))
    if looks_like_path(model):
        folder = Path(model).expanduser()
        if not folder.is_dir():
            raise TokenizerError(t("tokenizer.hf_no_folder", model=model))
        if not _has_tokenizer(folder):
            raise TokenizerError(t("tokenizer.hf_no_files", model=model))
        return folder
    cached = cached_tokenizer_folder(model)
    if cached is not None:
        return cached
    try:
        return resolve(
            model,
            progress=progress,
            cancel=cancel,
            allow_patterns=TOKENIZER_FILES,
            context="tokenizer",
        )
    except ModelNotAvailable as error:  # worded for the tokenizer lab (context above)
        raise TokenizerError(str(error)) from error


def _is_byte_level(tokenizer: Any) -> bool:
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return False
    try:
        state = json.loads(backend.to_str())
    except (ValueError, AttributeError):
        return False
    return "ByteLevel" in json.dumps(
        [state.get("pre_tokenizer"), state.get("decoder")], ensure_ascii=False
    )


class HfTokenizer:
    """A ``transformers`` tokenizer; fast ones give offsets, slow ones are aligned to the text."""

    def __init__(self, name: str, folder: Path) -> None:
        _refuse_custom_code(folder, name)
        from transformers import AutoTokenizer

        try:
            # trust_remote_code=False: transformers refuses instead of asking on the terminal.
            self.tokenizer: Any = AutoTokenizer.from_pretrained(
                str(folder), trust_remote_code=False
            )
        except Exception as error:  # transformers raises many kinds; say what failed
            first = str(error).strip().splitlines()
            detail = first[0][:200] if first else type(error).__name__
            raise TokenizerError(t("tokenizer.hf_load_failed", name=name, detail=detail)) from error
        self.name = name
        self.backend = getattr(self.tokenizer, "backend_tokenizer", None)
        self.byte_level = _is_byte_level(self.tokenizer)
        self.unk_token = getattr(self.tokenizer, "unk_token", None)
        self.table = (
            PieceTable(self.backend, byte_level=self.byte_level, unk_token=self.unk_token)
            if self.backend is not None
            else None
        )
        self.kind = type(self.tokenizer).__name__
        self.vocab_size = len(self.tokenizer)

    @property
    def label(self) -> str:
        """What it is, in the UI language: name, class and vocabulary size."""
        vocab = f"{self.vocab_size:,}"
        return t("tokenizer.label_hf", name=self.name, kind=self.kind, vocab=vocab)

    def raw(self, text: str) -> object:
        if self.backend is not None:
            return self.backend.encode(text, add_special_tokens=False)
        return self.tokenizer.tokenize(text)

    def tokenize(self, text: str) -> Tokenization:
        if self.backend is not None and self.table is not None:
            encoding = self.backend.encode(text, add_special_tokens=False)
            return self.table.tokenization(self.name, text, encoding)
        return Tokenization(self.name, text, clamp_spans(self._aligned(text), len(text)))

    def _aligned(self, text: str) -> list[Token]:
        """Spans for a tokenizer without offsets: find each piece in the text, in order."""
        import unicodedata

        pieces = self.tokenizer.tokenize(text)
        ids = self.tokenizer.convert_tokens_to_ids(pieces)
        folded = unicodedata.normalize("NFKC", text).lower()
        same_length = len(folded) == len(text)
        tokens = []
        cursor = 0
        for piece, token_id in zip(pieces, ids, strict=True):
            core = piece.removeprefix("##").lstrip("▁Ġ")
            start = end = cursor
            if core and piece != self.unk_token:
                haystack = folded if same_length else text
                at = haystack.find(
                    core.lower() if same_length else core, cursor, cursor + 64 + len(core)
                )
                if at >= 0:
                    start, end = at, at + len(core)
            elif piece == self.unk_token:
                while start < len(text) and text[start].isspace():
                    start += 1
                end = min(start + 1, len(text))
            tokens.append(
                token_from_piece(
                    piece,
                    token_id,
                    start,
                    end,
                    byte_level=self.byte_level,
                    unk_token=self.unk_token,
                    text=text,
                )
            )
            cursor = end
        return tokens


def load_hf(
    name: str, *, progress: ProgressCallback | None = None, cancel: threading.Event | None = None
) -> HfTokenizer:
    folder = tokenizer_folder(name, progress=progress, cancel=cancel)
    check_cancelled(cancel)
    if progress is not None:
        progress(Progress("load", detail=name))
    return HfTokenizer(name, folder)
