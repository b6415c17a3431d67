"""Turn a ``tokenizers`` library encoding into :class:`Token` objects (shared by adapters)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from studyllm_tui.core.tokenizers.base import (
    Token,
    TokenKind,
    byte_level_bytes,
    readable_bytes,
    show_bytes,
)


def _byte_fallback(piece: str) -> int | None:
    """SentencePiece byte-fallback pieces look like ``<0xE3>``."""
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        try:
            return int(piece[3:5], 16)
        except ValueError:
            return None
    return None


@lru_cache(maxsize=200_000)
def classify(
    piece: str, byte_level: bool, special: bool, unk_token: str | None
) -> tuple[str, TokenKind, bytes | None]:
    """``(display, kind, bytes)`` of a vocabulary piece (cached: vocabularies are finite)."""
    kind: TokenKind = "word"
    data: bytes | None = None
    display = piece
    if special:
        kind = "unknown" if piece == unk_token else "special"
    elif unk_token is not None and piece == unk_token:
        kind = "unknown"
    elif byte_level:
        data = byte_level_bytes(piece)
        if data is not None:
            shown = readable_bytes(data)
            display = ("Ġ" + shown[1:]) if shown.startswith(" ") else shown
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                kind = "byte"  # only part of a character
            else:
                kind = "space_marker" if data.startswith(b" ") else "word"
    elif (byte := _byte_fallback(piece)) is not None:
        data = bytes([byte])
        display = show_bytes(data)
        kind = "byte"
    elif piece.startswith("##"):
        kind = "continuation"
    elif piece.startswith("▁"):
        kind = "space_marker"
    return display, kind, data


def token_from_piece(
    piece: str,
    token_id: int | None,
    start: int,
    end: int,
    *,
    byte_level: bool,
    special: bool = False,
    unk_token: str | None = None,
    text: str = "",
) -> Token:
    """Classify and display one vocabulary piece."""
    display, kind, data = classify(piece, byte_level, special, unk_token)
    return Token(piece, token_id, start, end, display, kind, data)


def tokens_from_encoding(
    encoding: Any, *, byte_level: bool, unk_token: str | None, text: str
) -> list[Token]:
    """Tokens of a ``tokenizers.Encoding`` (its offsets are character offsets into ``text``)."""
    special = encoding.special_tokens_mask
    if not any(special):
        special = [0] * len(encoding.ids)
    tokens = []
    for piece, token_id, (start, end), is_special in zip(
        encoding.tokens, encoding.ids, encoding.offsets, special, strict=True
    ):
        display, kind, data = classify(piece, byte_level, bool(is_special), unk_token)
        tokens.append(Token(piece, token_id, start, end, display, kind, data))
    return tokens
