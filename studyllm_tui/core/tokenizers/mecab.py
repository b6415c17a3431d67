"""MeCab (fugashi + unidic-lite): morphemes with part of speech, reading and lemma.

One pass of the tagger gives each morpheme's surface, span and raw feature string; the
feature string is split into part of speech, reading and lemma only when someone looks (the
token under the cursor, the table view, the CLI's JSON). Building fugashi's feature tuples for
every morpheme would cost three times the analysis itself.
"""

from __future__ import annotations

import csv
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from studyllm_tui.core.tokenizers.base import Tokenization

_LOCK = threading.Lock()
_TAGGER: Any = None
_FIELDS: dict[str, int] = {}
_LAST: Analysis | None = None
_UNKNOWN_NODE = 1  # MeCab's MECAB_UNK_NODE: a word the dictionary does not have
# MeCab crashes (SIGSEGV) on one call of roughly 550,000 characters, and its cost per call
# grows faster than the text on long runs of one kind of character: it is fed pieces of at
# most this many characters, cut at a line end, else a sentence end, else a space.
PIECE_CHARS = 1_000
_SENTENCE_ENDS = "。．！？!?…"


def tagger() -> Any:
    """One shared ``fugashi.Tagger`` (it finds unidic-lite by itself)."""
    global _TAGGER
    with _LOCK:
        if _TAGGER is None:
            import fugashi

            tag = fugashi.Tagger()
            fields = type(tag("語")[0].feature)._fields
            _FIELDS.update({name: fields.index(name) for name in ("pos1", "pos2", "kana", "lemma")})
            _TAGGER = tag
        return _TAGGER


def _clean(value: Any) -> str:
    return "" if value is None or value == "*" else str(value)


def parse_features(raw: str) -> tuple[str, str, str]:
    """``(part of speech, reading, lemma)`` from MeCab's comma-separated feature string."""
    fields = raw.split(",") if '"' not in raw else next(csv.reader([raw]))

    def field(name: str) -> str:
        index = _FIELDS[name]
        return _clean(fields[index]) if index < len(fields) else ""

    pos = "-".join(p for p in (field("pos1"), field("pos2")) if p)
    return pos, field("kana"), field("lemma")


@dataclass(slots=True)
class Morpheme:
    surface: str
    start: int
    end: int
    pos: str
    reading: str
    lemma: str
    unknown: bool


class Analysis:
    """One MeCab pass over a text, as columns: surfaces and character spans.

    The features (part of speech, reading, lemma) of the token at ``focus`` (the cursor) are
    read in the same pass; the others come from a second pass, made once, the first time one
    is asked for (the table view, the CLI's JSON, a cursor moved to another token).
    """

    __slots__ = ("_focus", "_full", "_lock", "spans", "surfaces", "text")

    def __init__(
        self,
        text: str,
        surfaces: list[str],
        spans: list[tuple[int, int]],
        focus: tuple[int, str, bool] | None = None,
    ) -> None:
        self.text = text
        self.surfaces = surfaces
        self.spans = spans
        self._focus = focus  # (index, raw features, unknown)
        self._full: list[tuple[str, bool]] | None = None
        self._lock = threading.Lock()

    def has_features(self, index: int) -> bool:
        """Whether ``features(index)`` is at hand without another MeCab pass."""
        return self._full is not None or (self._focus is not None and self._focus[0] == index)

    def all_features(self) -> list[tuple[str, bool]]:
        """``(raw features, unknown)`` of every morpheme (the second pass, made once)."""
        with self._lock:
            if self._full is None:
                full: list[tuple[str, bool]] = []
                tag = tagger()
                for _, segment in pieces(self.text):
                    if segment.strip():
                        with _LOCK:
                            full += [
                                (node.feature_raw, node.stat == _UNKNOWN_NODE)
                                for node in tag(segment)
                            ]
                if len(full) != len(self.spans):  # not expected: the same text, the same nodes
                    full = (full + [("", False)] * len(self.spans))[: len(self.spans)]
                self._full = full
            return self._full

    def features(self, index: int) -> dict[str, str]:
        focus = self._focus
        if focus is not None and focus[0] == index and self._full is None:
            raw, unknown = focus[1], focus[2]
        else:
            raw, unknown = self.all_features()[index]
        pos, reading, lemma = parse_features(raw)
        found = {"pos": pos, "reading": reading, "lemma": lemma}
        if unknown:
            found["unknown_word"] = "true"
        return found


def _joins(text: str, at: int) -> bool:
    """Whether ``text[at - 1]`` and ``text[at]`` belong to one visible character."""
    char, before = text[at], text[at - 1]
    if before == "\u200d" or char == "\u200d":  # zero width joiner (emoji sequences)
        return True
    if 0xDC00 <= ord(char) <= 0xDFFF and 0xD800 <= ord(before) <= 0xDBFF:  # surrogate pair
        return True
    if 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF:  # variation selector
        return True
    return unicodedata.category(char) in ("Mn", "Mc", "Me") or 0x1F3FB <= ord(char) <= 0x1F3FF


def _cut(text: str, start: int, limit: int) -> int:
    """Where the piece starting at ``start`` ends: at most ``limit`` characters on."""
    end = start + limit
    if end >= len(text):
        return len(text)
    floor = start + limit // 2  # never a piece shorter than half the limit (bounded count)
    for found in (
        text.rfind("\n", floor, end),
        max(text.rfind(mark, floor, end) for mark in _SENTENCE_ENDS),
        max(text.rfind(space, floor, end) for space in " \t\u3000"),
    ):
        if found >= 0 and not _joins(text, found + 1):
            return found + 1
    cut = end
    while cut > floor and _joins(text, cut):
        cut -= 1
    return cut if cut > floor else end


def pieces(text: str, limit: int = PIECE_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, piece)``: ``text`` cut into what MeCab is given in one call.

    MeCab reads a C string, so the text is first cut at NUL characters (which are dropped);
    each part is then cut into pieces of at most ``limit`` characters, at a line end, else a
    sentence end, else a space, else between two characters (never inside a surrogate pair,
    a combining sequence or an emoji sequence). The pieces and the NULs make up the text.
    """
    offset = 0
    for segment in text.split("\x00") if "\x00" in text else [text]:
        start = 0
        while True:
            end = _cut(segment, start, limit)
            yield offset + start, segment[start:end]
            if end >= len(segment):
                break
            start = end
        offset += len(segment) + 1


def analyse(text: str, focus: int | None = None) -> Analysis:
    """Every morpheme of ``text``: surface and character span; features on demand.

    ``focus`` (a character offset, the cursor) names the morpheme whose features are read in
    this pass. Whitespace, which MeCab skips, is counted from each node's ``white_space``. The
    last result is kept: the MeCab row and WordPiece-over-MeCab share one analysis.
    """
    global _LAST
    last = _LAST
    if last is not None and last.text == text:
        return last
    tag = tagger()
    surfaces: list[str] = []
    spans: list[tuple[int, int]] = []
    add_surface, add_span = surfaces.append, spans.append
    found_focus: tuple[int, str, bool] | None = None
    for offset, segment in pieces(text):
        if segment.strip():
            first = len(spans)
            position = offset
            with _LOCK:  # a node is only valid until the tagger runs again: read it now
                for node in tag(segment):
                    surface = node.surface
                    position += len(node.white_space)
                    end = position + len(surface)
                    if focus is not None and position <= focus < end:
                        found_focus = (len(spans), node.feature_raw, node.stat == _UNKNOWN_NODE)
                    add_surface(surface)
                    add_span((position, end))
                    position = end
            if position > offset + len(segment) or text[position : offset + len(segment)].strip():
                # not expected (MeCab's surfaces are slices of its input): find them instead
                del surfaces[first:], spans[first:]
                _find_spans(segment, offset, surfaces, spans)
                found_focus = None
    found = Analysis(text, surfaces, spans, found_focus)
    _LAST = found
    return found


def _find_spans(
    segment: str, offset: int, surfaces: list[str], spans: list[tuple[int, int]]
) -> None:
    cursor = 0
    tag = tagger()
    with _LOCK:
        nodes = [node.surface for node in tag(segment)]
    for surface in nodes:
        at = segment.find(surface, cursor)
        if at < 0:  # keep spans in order and inside the text regardless
            at = cursor
        cursor = min(at + len(surface), len(segment))
        surfaces.append(surface)
        spans.append((offset + at, offset + cursor))


def morphemes(text: str) -> list[Morpheme]:
    """Every morpheme of ``text`` with its character span, part of speech, reading and lemma."""
    found = analyse(text)
    out = []
    for index, (surface, (start, end)) in enumerate(zip(found.surfaces, found.spans, strict=True)):
        features = found.features(index)
        out.append(
            Morpheme(
                surface,
                start,
                end,
                features["pos"],
                features["reading"],
                features["lemma"],
                "unknown_word" in features,
            )
        )
    return out


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """``(surface, start, end)`` of every morpheme."""
    found = analyse(text)
    return [(surface, s, e) for surface, (s, e) in zip(found.surfaces, found.spans, strict=True)]


def words(text: str) -> list[str]:
    """The surface forms MeCab splits ``text`` into (for word counts and WordPiece)."""
    return list(analyse(text).surfaces)


class MecabTokenizer:
    """Morphological analysis: a dictionary and a cost model, not a learned vocabulary."""

    name = "mecab"
    accepts_focus = True
    byte_level = False

    def __init__(self) -> None:
        tag = tagger()
        info = tag.dictionary_info[0] if tag.dictionary_info else {}
        self.entries = int(info.get("size", 0))

    @property
    def label(self) -> str:
        """What it is, in the UI language."""
        from studyllm_tui.core.i18n import t

        return t("tokenizer.label_mecab", entries=f"{self.entries:,}")

    def raw(self, text: str) -> tuple[list[str], list[tuple[int, int]]]:
        """What a plain fugashi script does for the surfaces and their character offsets."""
        surfaces: list[str] = []
        spans: list[tuple[int, int]] = []
        tag = tagger()
        for offset, piece in pieces(text):  # one call on a long text would crash MeCab
            position = offset
            for node in tag(piece):
                surface = node.surface
                position += len(node.white_space)
                surfaces.append(surface)
                spans.append((position, position + len(surface)))
                position += len(surface)
        return surfaces, spans

    def tokenize(self, text: str, focus: int | None = None) -> Tokenization:
        """Morphemes as tokens; ``focus`` (the cursor) names the one whose features come now."""
        found = analyse(text, focus)
        return Tokenization(self.name, text, spans=found.spans, features=found)
