"""A step-by-step BPE / WordPiece trainer for teaching (the book's §3.6 toy corpus).

BPE: start from single characters; at every step count each adjacent pair of symbols over the
corpus (a word seen ``n`` times counts ``n`` times) and merge the most frequent pair everywhere.

WordPiece: the same, but a word's non-initial characters carry ``##`` and the pair chosen is the
one with the highest score ``freq(ab) / (freq(a) x freq(b))``: pairs whose parts are seldom seen
apart win over pairs of merely common symbols.

Ties. Every symbol gets an id: the starting symbols in code-point order, then each merged
symbol in the order it was made. BPE breaks a tie in count by taking the pair with the smaller
(id of left, id of right) - the rule of the ``tokenizers`` library's ``BpeTrainer``, so the
merge sequences agree. WordPiece breaks a tie in score by the higher pair count, then the same
id rule.

The segmentation shown for each word is the training-time one (the merges applied in order).
A trained WordPiece model encodes new words differently - greedy longest match from the left.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import check_cancelled

TOY_CORPUS = {"たのしい": 6, "たのしさ": 2, "うつくしい": 4, "うつくしさ": 1}
TOY_CORPUS_TEXT = "".join(f"{word}\t{count}\n" for word, count in TOY_CORPUS.items())
MAX_WORDS = 20_000
MAX_WORD_CHARS = 100
# Every merge recounts the corpus's symbols: the most frequent words are kept up to this many
# characters in all, so that one merge takes well under a second on any input.
MAX_TOTAL_CHARS = 200_000
PREFIX = "##"

MAX_COUNT_DIGITS = 18  # a count of up to 10**18 (a longer number is not a count)
_COUNT_LINE = re.compile(r"^(\S+)(?:\t+| +|\s*[×x*]\s*)(\d{1,18})\s*$")


class CorpusError(ValueError):
    """The corpus cannot be read; the message names the line."""


def parse_corpus(text: str) -> tuple[dict[str, int], str]:
    """Word counts from ``WORD<TAB>COUNT`` lines, or from plain text (MeCab words, counted).

    Returns the counts and ``"counts"`` or ``"text"``. A text with a TAB in it is read as
    counts, and a line that is not ``WORD<TAB>COUNT`` is then an error naming the line.
    """
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise CorpusError(t("tokenizer.bpe_err_empty"))
    matches = [(n, line, _COUNT_LINE.match(line)) for n, line in lines]
    if "\t" in text or all(match for _, _, match in matches):
        counts: dict[str, int] = {}
        for n, line, match in matches:
            if match is None:
                raise CorpusError(t("tokenizer.bpe_err_line", line=n, start=repr(line[:40])))
            word, count = match.group(1), int(match.group(2))
            if count <= 0:
                raise CorpusError(t("tokenizer.bpe_err_count", line=n))
            counts[word] = counts.get(word, 0) + count
        return _limit(counts), "counts"
    from studyllm_tui.core.tokenizers.mecab import words

    counted = Counter(
        word for word in words(text) if not all(_is_punctuation(char) for char in word)
    )
    if not counted:
        raise CorpusError(t("tokenizer.bpe_err_no_words"))
    return _limit(dict(counted)), "text"


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PSZC"


def _limit(counts: dict[str, int]) -> dict[str, int]:
    """Words cut to ``MAX_WORD_CHARS``; the most frequent ones kept, within the totals."""
    cut: dict[str, int] = {}
    for word, count in counts.items():
        short = word[:MAX_WORD_CHARS]
        cut[short] = cut.get(short, 0) + count
    if len(cut) <= MAX_WORDS and sum(map(len, cut)) <= MAX_TOTAL_CHARS:
        return cut
    kept: dict[str, int] = {}
    total = 0
    for word, count in sorted(cut.items(), key=lambda item: -item[1]):
        if len(kept) >= MAX_WORDS or total + len(word) > MAX_TOTAL_CHARS:
            break
        kept[word] = count
        total += len(word)
    return kept


@dataclass(frozen=True)
class PairRow:
    left: str
    right: str
    count: int
    score: float | None = None  # WordPiece only

    @property
    def pair(self) -> tuple[str, str]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Step:
    """Merge number ``number`` (from 1): the pair chosen and the table it was chosen from."""

    number: int
    chosen: PairRow
    merged: str
    table: tuple[PairRow, ...]


def join_symbols(left: str, right: str, wordpiece: bool) -> str:
    if wordpiece and right.startswith(PREFIX):
        return left + right[len(PREFIX) :]
    return left + right


def initial_split(word: str, wordpiece: bool) -> list[str]:
    if not wordpiece:
        return list(word)
    return [word[0], *(PREFIX + char for char in word[1:])] if word else []


def apply_merge(symbols: list[str], pair: tuple[str, str], merged: str) -> list[str]:
    """Merge every occurrence of ``pair`` in ``symbols``, left to right, without overlaps."""
    out: list[str] = []
    i = 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == pair[0] and symbols[i + 1] == pair[1]:
            out.append(merged)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


class Stepper:
    """Steps through BPE (or WordPiece) training on word counts, forward and back."""

    def __init__(
        self, counts: dict[str, int], *, wordpiece: bool = False, table_size: int = 10
    ) -> None:
        self.counts = dict(counts)
        self.wordpiece = wordpiece
        self.table_size = table_size
        self.words = list(self.counts)
        self.alphabet = sorted(
            {symbol for word in self.words for symbol in initial_split(word, wordpiece)}
        )
        self.ids = {symbol: index for index, symbol in enumerate(self.alphabet)}
        self.steps: list[Step] = []
        self._frontier = [initial_split(word, wordpiece) for word in self.words]
        self._finished = False

    @property
    def finished(self) -> bool:
        """True when no pair is left to merge (every word is one symbol)."""
        if not self._finished and not self._pairs()[0]:
            self._finished = True
        return self._finished

    # -- counting --------------------------------------------------------------------------

    def _pairs(self) -> tuple[Counter[tuple[str, str]], Counter[str]]:
        pairs: Counter[tuple[str, str]] = Counter()
        symbols: Counter[str] = Counter()
        for word, split in zip(self.words, self._frontier, strict=True):
            count = self.counts[word]
            for symbol in split:
                symbols[symbol] += count
            for pair in pairwise(split):
                pairs[pair] += count
        return pairs, symbols

    def _ranked(self) -> list[PairRow]:
        pairs, symbols = self._pairs()
        rows = [
            PairRow(
                a,
                b,
                count,
                count / (symbols[a] * symbols[b]) if self.wordpiece else None,
            )
            for (a, b), count in pairs.items()
        ]
        ids = self.ids
        if self.wordpiece:
            rows.sort(key=lambda r: (-(r.score or 0.0), -r.count, ids[r.left], ids[r.right]))
        else:
            rows.sort(key=lambda r: (-r.count, ids[r.left], ids[r.right]))
        return rows

    def candidates(self) -> tuple[PairRow, ...]:
        """The top pairs now (before the next merge), best first."""
        return tuple(self._ranked()[: self.table_size])

    # -- stepping --------------------------------------------------------------------------

    def forward(self) -> Step | None:
        """Make the next merge; None when nothing is left to merge."""
        ranked = self._ranked()
        if not ranked:
            self._finished = True
            return None
        chosen = ranked[0]
        merged = join_symbols(chosen.left, chosen.right, self.wordpiece)
        if merged not in self.ids:
            self.ids[merged] = len(self.ids)
        self._frontier = [apply_merge(split, chosen.pair, merged) for split in self._frontier]
        step = Step(len(self.steps) + 1, chosen, merged, tuple(ranked[: self.table_size]))
        self.steps.append(step)
        return step

    def run(self, merges: int, cancel: threading.Event | None = None) -> list[Step]:
        """Make up to ``merges`` more merges (fewer when the corpus runs out of pairs)."""
        made = []
        for _ in range(merges):
            check_cancelled(cancel)
            step = self.forward()
            if step is None:
                break
            made.append(step)
        return made

    def ensure(self, count: int, cancel: threading.Event | None = None) -> int:
        """Make sure ``count`` merges are known; returns how many there are (maybe fewer)."""
        if count > len(self.steps):
            self.run(count - len(self.steps), cancel)
        return min(count, len(self.steps))

    # -- the state after k merges ----------------------------------------------------------

    def merges(self, k: int | None = None) -> list[tuple[str, str]]:
        steps = self.steps if k is None else self.steps[:k]
        return [step.chosen.pair for step in steps]

    def vocab(self, k: int | None = None) -> list[str]:
        """The starting symbols, then the merged symbols of the first ``k`` merges."""
        steps = self.steps if k is None else self.steps[:k]
        seen = dict.fromkeys(self.alphabet)
        for step in steps:
            seen.setdefault(step.merged)
        return list(seen)

    def segmentation(
        self, k: int | None = None, words: Iterable[str] | None = None
    ) -> dict[str, list[str]]:
        """How each word is split after the first ``k`` merges (training-time segmentation)."""
        steps = self.steps if k is None else self.steps[:k]
        out = {}
        for word in self.words if words is None else words:
            split = initial_split(word, self.wordpiece)
            for step in steps:
                if len(split) < 2:
                    break
                split = apply_merge(split, step.chosen.pair, step.merged)
            out[word] = split
        return out
