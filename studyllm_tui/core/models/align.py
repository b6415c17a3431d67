"""Map a slow tokenizer's tokens back to character spans of the text the person typed.

The Japanese BERT tokenizer gives no offsets: it NFKC-normalises, splits into MeCab words and
WordPiece subwords (``##`` marks a continuation) and may emit ``[UNK]``. We normalise one
character at a time (remembering where each normalised character came from), find each token
in the normalised text in order, and map the spans back to the original text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Normalized:
    """NFKC text plus, for each of its characters, the index of the original character."""

    text: str
    origin: list[int]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original-text span covering normalised characters [start, end)."""
        if start >= end:
            position = self.origin[start] if start < len(self.origin) else len(self.original)
            return position, position
        first = self.origin[start]
        last = self.origin[end - 1]
        return first, last + 1


def normalize(text: str) -> Normalized:
    """NFKC per character, keeping the way back to the original positions."""
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        normalized = unicodedata.normalize("NFKC", char)
        pieces.append(normalized)
        origin.extend([index] * len(normalized))
    return Normalized("".join(pieces), origin, text)


def align_tokens(
    text: str, tokens: list[str], *, unk_token: str = "[UNK]", special: frozenset[str] = frozenset()
) -> list[tuple[int, int] | None]:
    """Character spans in ``text`` (normalised) for each token; None for special tokens.

    Matching ignores case differences. A token that cannot be found (``[UNK]`` or a piece the
    tokenizer changed) takes the characters up to where the next token is found.
    """
    lowered = text.lower()
    spans: list[tuple[int, int] | None] = [None] * len(tokens)
    cursor = 0
    pending: list[int] = []  # tokens waiting for the next match to know where they end

    def close_pending(end: int) -> None:
        nonlocal cursor
        if not pending:
            return
        start = cursor
        while start < end and text[start].isspace():
            start += 1
        # Share the unknown stretch between the waiting tokens, one character at least each.
        count = len(pending)
        length = max(0, end - start)
        for number, index in enumerate(pending):
            a = start + length * number // count
            b = start + length * (number + 1) // count
            spans[index] = (a, max(a, b)) if length else (start, start)
        pending.clear()
        cursor = max(cursor, end)

    for index, token in enumerate(tokens):
        if token in special and token != unk_token:
            continue
        if token == unk_token:
            pending.append(index)
            continue
        piece = token[2:] if token.startswith("##") and len(token) > 2 else token
        piece = piece.lower()
        found = lowered.find(piece, cursor)
        if found < 0:
            pending.append(index)
            continue
        close_pending(found)
        spans[index] = (found, found + len(piece))
        cursor = found + len(piece)
    if pending:
        close_pending(len(text))
    return spans
