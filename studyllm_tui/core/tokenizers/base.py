"""What every tokenizer adapter returns: tokens with their text, id, character span and bytes.

An adapter wraps one real tokenizer (MeCab, GPT-2's byte-level BPE, a locally trained one, a
Hugging Face tokenizer) behind :class:`TokenizerAdapter`. Spans are character offsets into the
text that was tokenized, in order, never outside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

TokenKind = Literal["word", "continuation", "space_marker", "byte", "special", "unknown"]

# GPT-2's byte <-> printable character table (the "Ġ" for a space, "Ċ" for a newline ...).


def _bytes_to_unicode() -> dict[int, str]:
    keep = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    chars = keep[:]
    extra = 0
    for byte in range(256):
        if byte not in keep:
            keep.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {byte: chr(char) for byte, char in zip(keep, chars, strict=True)}


BYTE_TO_CHAR = _bytes_to_unicode()
CHAR_TO_BYTE = {char: byte for byte, char in BYTE_TO_CHAR.items()}


def byte_level_bytes(piece: str) -> bytes | None:
    """The bytes behind a byte-level BPE vocabulary string (``Ġ`` is a space); None if not one."""
    try:
        return bytes(CHAR_TO_BYTE[char] for char in piece)
    except KeyError:
        return None


def visible(text: str) -> str:
    """A token on one line: ↵ for a newline, every other control or reordering character as a
    visible stand-in (␀, ␛, ␉, ``<U+202E>`` ...; see :func:`studyllm_tui.core.safetext.visible`)."""
    if text.isprintable():
        return text
    from studyllm_tui.core.safetext import visible as safe

    return safe(text.replace("\n", "↵"), keep_newlines=False)


def show_bytes(data: bytes) -> str:
    """Bytes as ``<e3 81>``."""
    return "<" + " ".join(f"{byte:02x}" for byte in data) + ">"


def readable_bytes(data: bytes) -> str:
    """Decode ``data`` as UTF-8, showing any bytes that are only part of a character as ``<e3 81>``.

    Never produces U+FFFD: a byte-level token that splits a character is shown as its bytes.
    """
    out: list[str] = []
    i = 0
    while i < len(data):
        # the longest valid UTF-8 sequence starting here (1-4 bytes)
        for size in (1, 2, 3, 4):
            chunk = data[i : i + size]
            try:
                out.append(chunk.decode("utf-8"))
            except UnicodeDecodeError:
                continue
            i += size
            break
        else:
            j = i + 1
            # gather the run of bytes that do not start a valid character here
            while j < len(data) and not _starts_char(data, j):
                j += 1
            out.append(show_bytes(data[i:j]))
            i = j
    return "".join(out)


def _starts_char(data: bytes, i: int) -> bool:
    for size in (1, 2, 3, 4):
        try:
            data[i : i + size].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    return False


@dataclass(slots=True)
class Token:
    """One token. ``start``/``end`` are character offsets into the tokenized text.

    ``piece`` is the string as it stands in the vocabulary (``##ing``, ``▁の``, ``ãģĵ``);
    ``display`` is what a person should see (byte pieces that split a character as ``<e3 81>``).
    ``data`` holds the UTF-8 bytes a byte-level token stands for (None for other tokenizers).
    """

    piece: str
    id: int | None
    start: int
    end: int
    display: str
    kind: TokenKind = "word"
    data: bytes | None = None
    features: dict[str, str] = field(default_factory=dict)

    def to_json(self, text: str) -> dict[str, object]:
        item: dict[str, object] = {
            "text": text[self.start : self.end],
            "piece": self.piece,
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "bytes": self.data.hex() if self.data is not None else None,
            "kind": self.kind,
        }
        if self.features:
            item.update(self.features)
        return item


@dataclass(frozen=True, slots=True)
class PieceInfo:
    """How one vocabulary entry is shown: the same for every occurrence, so adapters cache it."""

    piece: str
    display: str
    kind: TokenKind = "word"
    data: bytes | None = None


Span = tuple[int, int]


class FeatureSource(Protocol):
    """Extra fields of tokens (MeCab's part of speech, reading, lemma), possibly worked out late."""

    def features(self, index: int) -> dict[str, str]: ...

    def has_features(self, index: int) -> bool:
        """Whether ``features(index)`` is cheap now."""
        ...

    def all_features(self) -> object:
        """Work out every token's features now (so later calls are cheap)."""
        ...


class _ListedFeatures:
    def __init__(self, listed: list[dict[str, str]]) -> None:
        self.listed = listed

    def features(self, index: int) -> dict[str, str]:
        return self.listed[index]

    def has_features(self, index: int) -> bool:
        return True

    def all_features(self) -> object:
        return self.listed


class Tokenization:
    """A tokenizer's result on one text, kept as columns (spans, ids, piece infos).

    Building a :class:`Token` object per token costs more than the tokenizer itself on a long
    text, and the live view only needs the columns; ``tokens`` builds the objects on first use
    (for the CLI's JSON and for tests). ``infos`` is None when each token shows its own text
    (MeCab); ``features`` gives a token's extra fields (MeCab's part of speech ...) on demand.
    """

    __slots__ = ("_features", "_infos", "_tokens", "ids", "spans", "text", "tokenizer")

    def __init__(
        self,
        tokenizer: str,
        text: str,
        tokens: Sequence[Token] | None = None,
        *,
        spans: Sequence[Span] = (),
        ids: Sequence[int | None] | None = None,
        infos: Sequence[PieceInfo] | None = None,
        features: FeatureSource | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.text = text
        self._tokens: tuple[Token, ...] | None = None
        if tokens is not None:
            self._tokens = tuple(tokens)
            spans = [(token.start, token.end) for token in self._tokens]
            ids = [token.id for token in self._tokens]
            infos = [
                PieceInfo(token.piece, token.display, token.kind, token.data)
                for token in self._tokens
            ]
            by_index = [token.features for token in self._tokens]
            if any(by_index):
                features = _ListedFeatures(by_index)
        self.spans: Sequence[Span] = spans
        self.ids = ids
        self._infos = infos
        self._features = features

    def __len__(self) -> int:
        return len(self.spans)

    def __repr__(self) -> str:
        return f"Tokenization({self.tokenizer!r}, {len(self.text)} characters, {len(self)} tokens)"

    @property
    def chars_per_token(self) -> float:
        return len(self.text) / len(self.spans) if self.spans else 0.0

    def info(self, index: int) -> PieceInfo:
        """Piece, display string, kind and bytes of token ``index``."""
        if self._infos is not None:
            return self._infos[index]
        start, end = self.spans[index]
        surface = self.text[start:end]
        return PieceInfo(surface, surface)

    def token_id(self, index: int) -> int | None:
        return None if self.ids is None else self.ids[index]

    def features(self, index: int) -> dict[str, str]:
        return {} if self._features is None else self._features.features(index)

    @property
    def has_feature_columns(self) -> bool:
        return self._features is not None

    def features_ready(self, index: int) -> bool:
        """Whether token ``index``'s features are at hand (else ``features`` does more work)."""
        return self._features is None or self._features.has_features(index)

    def prepare_features(self) -> None:
        """Work out every token's features now (off the UI thread, before a table is filled)."""
        if self._features is not None:
            self._features.all_features()

    def token(self, index: int) -> Token:
        """Token ``index`` as an object (with its features)."""
        if self._tokens is not None:
            return self._tokens[index]
        info = self.info(index)
        start, end = self.spans[index]
        return Token(
            info.piece,
            self.token_id(index),
            start,
            end,
            info.display,
            info.kind,
            info.data,
            self.features(index),
        )

    @property
    def tokens(self) -> tuple[Token, ...]:
        if self._tokens is None:
            self._tokens = tuple(self.token(index) for index in range(len(self.spans)))
        return self._tokens

    def tokens_at(self, start: int, end: int) -> list[int]:
        """Indexes of the tokens whose spans overlap ``[start, end)`` (or touch a point)."""
        found = []
        if start == end:
            for index, (first, last) in enumerate(self.spans):
                if first <= start < last or first == last == start:
                    found.append(index)
                elif first > start:
                    break
        else:
            for index, (first, last) in enumerate(self.spans):
                if first < end and start < last:
                    found.append(index)
                elif first >= end:
                    break
        return found


class TokenizerAdapter(Protocol):
    """One tokenizer, loaded and ready."""

    name: str
    byte_level: bool

    @property
    def label(self) -> str:
        """What it is, e.g. "GPT-2 byte-level BPE, vocabulary 50,257"."""
        ...

    def tokenize(self, text: str) -> Tokenization: ...

    def raw(self, text: str) -> object:
        """The bare library call (what the benchmark compares against)."""
        ...


def describe(adapter: TokenizerAdapter) -> str:
    """What a tokenizer is, in the UI language (a locally trained one with its corpus size)."""
    chars = getattr(adapter, "trained_chars", None)
    if chars is None:
        return adapter.label
    from studyllm_tui.core.i18n import t

    title = t(f"tokenizer.title_{adapter.name.replace('-', '_')}")
    return t(
        "tokenizer.trained_label",
        title=title,
        chars=f"{chars:,}",
        vocab=f"{getattr(adapter, 'vocab_size', 0):,}",
    )


class TokenizerError(Exception):
    """A tokenizer cannot be loaded; the message says why and what to do."""


def char_offsets(text: str) -> list[int]:
    """``result[b]`` = the character index that UTF-8 byte offset ``b`` of ``text`` falls in."""
    table: list[int] = []
    for index, char in enumerate(text):
        table.extend([index] * len(char.encode("utf-8", "surrogatepass")))
    table.append(len(text))
    return table


def clamp_spans(tokens: Iterable[Token], length: int) -> tuple[Token, ...]:
    """Make spans non-decreasing and inside ``[0, length]`` (defensive; adapters aim for exact)."""
    out = tuple(tokens)
    last = 0
    for token in out:
        if not (last <= token.start <= token.end <= length):
            token.start = min(max(token.start, last), length)
            token.end = min(max(token.end, token.start), length)
        last = token.start
    return out


def checked_spans(spans: list[Span], length: int) -> list[Span]:
    """``spans`` if they are non-decreasing and inside ``[0, length]``, else a corrected copy."""
    last = 0
    for start, end in spans:
        if not (last <= start <= end <= length):
            break
        last = start
    else:
        return spans
    fixed = []
    last = 0
    for start, end in spans:
        start = min(max(start, last), length)
        fixed.append((start, min(max(end, start), length)))
        last = start
    return fixed
