"""Readable labels for token ids: one label per id, nothing merged, nothing hidden.

A byte-level BPE (GPT-2, SmolLM2) splits a Japanese character into pieces of its UTF-8
bytes; such a piece has no text of its own, so it is shown as its bytes (``<e8 87>``) rather
than as ``�``. A leading space shows as ``␣``. Control characters are made visible.
"""

from __future__ import annotations

from typing import Any

from studyllm_tui.core.models.token_text import byte_decoder
from studyllm_tui.core.safetext import visible

SPACE = "␣"


def is_byte_level(tokenizer: Any) -> bool:
    backend = getattr(tokenizer, "backend_tokenizer", None)
    decoder = getattr(backend, "decoder", None)
    return type(decoder).__name__ == "ByteLevel"


def _label_from_bytes(piece: str) -> str | None:
    """The text of a byte-level piece, or None when its bytes are not whole characters."""
    table = byte_decoder()
    if not piece or any(char not in table for char in piece):
        return piece
    try:
        return bytes(table[char] for char in piece).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _hex(piece: str) -> str:
    table = byte_decoder()
    return "<" + " ".join(f"{table[char]:02x}" for char in piece) + ">"


def token_labels(tokenizer: Any, ids: list[int]) -> list[str]:
    """One display label per id (special tokens included, as the tokenizer names them)."""
    pieces = tokenizer.convert_ids_to_tokens(list(ids))
    byte_level = is_byte_level(tokenizer)
    special = set(getattr(tokenizer, "all_special_tokens", []) or [])
    labels = []
    for piece in pieces:
        piece = "" if piece is None else str(piece)
        if byte_level and piece not in special:
            text = _label_from_bytes(piece)
            if text is None:
                labels.append(_hex(piece))
                continue
            piece = text
        piece = piece.replace("▁", SPACE).replace(" ", SPACE)
        labels.append(visible(piece, keep_newlines=False, keep_tabs=False) or "∅")
    return labels
