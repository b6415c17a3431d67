"""Turn a ``tokenizers`` library encoding into :class:`Token` objects (shared by adapters)."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from studyllm_tui.core.tokenizers.base import (
    PieceInfo,
    Token,
    Tokenization,
    TokenKind,
    byte_level_bytes,
    checked_spans,
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


class PieceTable:
    """Per-vocabulary-id display info of one ``tokenizers.Tokenizer`` (computed once per id)."""

    def __init__(self, tokenizer: Any, *, byte_level: bool, unk_token: str | None) -> None:
        self.tokenizer = tokenizer
        self.byte_level = byte_level
        self.unk_token = unk_token
        self._plain: dict[int, PieceInfo] = {}
        self._special: dict[int, PieceInfo] = {}
        self._lock = threading.Lock()

    def _make(self, token_id: int, special: bool) -> PieceInfo:
        piece = self.tokenizer.id_to_token(token_id)
        piece = "" if piece is None else piece
        display, kind, data = classify(piece, self.byte_level, special, self.unk_token)
        info = PieceInfo(piece, display, kind, data)
        with self._lock:
            (self._special if special else self._plain)[token_id] = info
        return info

    def infos(self, ids: list[int], special: list[int] | None = None) -> list[PieceInfo]:
        """The info of every id (``special``: the encoding's special-tokens mask, if any set)."""
        plain = self._plain
        if special is None:
            try:
                return [plain[token_id] for token_id in ids]
            except KeyError:
                return [plain.get(token_id) or self._make(token_id, False) for token_id in ids]
        return [
            (self._special.get(token_id) or self._make(token_id, True))
            if flag
            else (plain.get(token_id) or self._make(token_id, False))
            for token_id, flag in zip(ids, special, strict=True)
        ]

    def tokenization(self, name: str, text: str, encoding: Any) -> Tokenization:
        """The columns of a ``tokenizers.Encoding`` whose offsets index ``text``."""
        ids = encoding.ids
        mask = encoding.special_tokens_mask
        infos = self.infos(ids, mask if any(mask) else None)
        return Tokenization(
            name, text, spans=checked_spans(encoding.offsets, len(text)), ids=ids, infos=infos
        )


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
