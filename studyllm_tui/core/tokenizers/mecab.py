"""MeCab (fugashi + unidic-lite): morphemes with part of speech, reading and lemma."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from studyllm_tui.core.tokenizers.base import Token, Tokenization

_LOCK = threading.Lock()
_TAGGER: Any = None
_LAST: tuple[str, list[Morpheme]] | None = None


def tagger() -> Any:
    """One shared ``fugashi.Tagger`` (it finds unidic-lite by itself)."""
    global _TAGGER
    with _LOCK:
        if _TAGGER is None:
            import fugashi

            _TAGGER = fugashi.Tagger()
        return _TAGGER


def _clean(value: Any) -> str:
    return "" if value is None or value == "*" else str(value)


@dataclass(slots=True)
class Morpheme:
    surface: str
    start: int
    end: int
    pos: str
    reading: str
    lemma: str
    unknown: bool


def morphemes(text: str) -> list[Morpheme]:
    """Every morpheme of ``text`` with its character span, part of speech, reading and lemma.

    MeCab reads a C string, so the text is cut at NUL characters and each piece tagged alone;
    whitespace (which MeCab drops) is skipped when the spans are worked out.
    """
    global _LAST
    last = _LAST
    if last is not None and last[0] == text:
        return last[1]
    tag = tagger()
    found: list[Morpheme] = []
    offset = 0
    for segment in text.split("\x00"):
        cursor = 0
        if not segment.strip():
            offset += len(segment) + 1
            continue
        with _LOCK:  # a node is only valid until the tagger runs again: read it now
            nodes = [(node.surface, node.feature, node.is_unk) for node in tag(segment)]
        for surface, feature, unknown in nodes:
            pos = "-".join(p for p in (_clean(feature.pos1), _clean(feature.pos2)) if p)
            reading, lemma = (
                _clean(getattr(feature, "kana", None)),
                _clean(getattr(feature, "lemma", None)),
            )
            at = segment.find(surface, cursor) if surface else -1
            if at < 0:  # not expected; keep spans in order and inside the text regardless
                at = cursor
            end = min(at + len(surface), len(segment))
            found.append(Morpheme(surface, offset + at, offset + end, pos, reading, lemma, unknown))
            cursor = end
        offset += len(segment) + 1
    _LAST = (text, found)  # the MeCab row and WordPiece-over-MeCab share one analysis
    return found


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """``(surface, start, end)`` of every morpheme (no features: faster than morphemes)."""
    last = _LAST
    if last is not None and last[0] == text:
        return [(m.surface, m.start, m.end) for m in last[1]]
    tag = tagger()
    found: list[tuple[str, int, int]] = []
    offset = 0
    for segment in text.split("\x00"):
        if segment.strip():
            with _LOCK:
                surfaces = [node.surface for node in tag(segment)]
            cursor = 0
            for surface in surfaces:
                at = segment.find(surface, cursor) if surface else -1
                at = cursor if at < 0 else at
                cursor = min(at + len(surface), len(segment))
                found.append((surface, offset + at, offset + cursor))
        offset += len(segment) + 1
    return found


def words(text: str) -> list[str]:
    """The surface forms MeCab splits ``text`` into (for word counts and WordPiece)."""
    return [surface for surface, _, _ in word_spans(text)]


class MecabTokenizer:
    """Morphological analysis: a dictionary and a cost model, not a learned vocabulary."""

    name = "mecab"
    byte_level = False

    def __init__(self) -> None:
        tag = tagger()
        info = tag.dictionary_info[0] if tag.dictionary_info else {}
        self.label = f"MeCab (fugashi + unidic-lite, {info.get('size', 0):,} entries)"

    def raw(self, text: str) -> object:
        return [(node.surface, node.feature) for node in tagger()(text)]

    def tokenize(self, text: str) -> Tokenization:
        tokens = []
        for m in morphemes(text):
            tokens.append(
                Token(
                    piece=m.surface,
                    id=None,
                    start=m.start,
                    end=m.end,
                    display=m.surface,
                    features={
                        "pos": m.pos,
                        "reading": m.reading,
                        "lemma": m.lemma,
                        **({"unknown_word": "true"} if m.unknown else {}),
                    },
                )
            )
        return Tokenization(self.name, text, tuple(tokens))
