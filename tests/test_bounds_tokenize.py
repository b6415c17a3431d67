"""Tokenizing is bounded: MeCab only ever gets short pieces, and work grows with the text.

These are structural checks (the size of every MeCab call, how many calls) rather than timings;
benchmarks/tokenize_scaling.py prints the times for 1k to 1M characters.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyllm_tui.core.tokenizers import mecab
from studyllm_tui.core.tokenizers.mecab import PIECE_CHARS, MecabTokenizer, analyse, pieces

ROOT = Path(__file__).resolve().parent.parent

LONG_TEXTS = {
    "one-hiragana-word": "あ" * 30_000,
    "one-katakana-word": "ア" * 30_000,
    "one-latin-word": "a" * 30_000,
    "one-kanji-word": "漢" * 30_000,
    "digits": "7" * 30_000,
    "sentences-no-newline": "今日は良い天気です。" * 3_000,
    "spaces-only-between": "word " * 6_000,
    "combining-marks": ("e" + "\u0301" * 3) * 7_500,
    "emoji-zwj": "👩\u200d👩\u200d👧" * 6_000,
    "nul-separated": ("あいう\x00" * 7_500),
    "lines": "一行目です\n" * 5_000,
}


class _CountingTagger:
    """Wraps the real tagger, noting the length of every text it is given."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.lengths: list[int] = []
        self.dictionary_info = real.dictionary_info

    def __call__(self, text: str) -> Any:
        self.lengths.append(len(text))
        return self.real(text)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> _CountingTagger:
    wrapper = _CountingTagger(mecab.tagger())
    monkeypatch.setattr(mecab, "_TAGGER", wrapper)
    monkeypatch.setattr(mecab, "_LAST", None)
    return wrapper


@pytest.mark.parametrize("name", list(LONG_TEXTS))
def test_mecab_never_gets_more_than_a_piece(counting: _CountingTagger, name: str) -> None:
    text = LONG_TEXTS[name]
    found = analyse(text)
    assert max(counting.lengths) <= PIECE_CHARS
    # pieces are at least half the limit (except the last of each NUL-separated part)
    assert len(counting.lengths) <= len(text) // (PIECE_CHARS // 2) + text.count("\x00") + 1
    # spans are exact slices of the text, in order
    last = 0
    for surface, (start, end) in zip(found.surfaces, found.spans, strict=True):
        assert text[start:end] == surface and start >= last
        last = end
    # the second pass (features) goes through the same pieces
    counting.lengths.clear()
    found.all_features()
    assert counting.lengths and max(counting.lengths) <= PIECE_CHARS


def test_the_raw_call_is_bounded_too(counting: _CountingTagger) -> None:
    surfaces, spans = MecabTokenizer().raw("あ" * 5_000)
    assert max(counting.lengths) <= PIECE_CHARS
    assert "".join(surfaces) == "あ" * 5_000 and spans[-1][1] == 5_000


def test_pieces_prefer_line_then_sentence_then_space() -> None:
    text = "あ" * 700 + "\n" + "い" * 200 + "。" + "う" * 50 + " " + "え" * 500
    cuts = [offset for offset, _ in pieces(text)]
    assert cuts[1] == 701  # after the newline
    text = "あ" * 700 + "。" + "い" * 200 + " " + "え" * 500
    assert [offset for offset, _ in pieces(text)][1] == 701  # after the sentence end
    text = "あ" * 700 + " " + "え" * 500
    assert [offset for offset, _ in pieces(text)][1] == 701  # after the space


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "あ", "\u0301", "\u200d", "👩", "\ufe0f", "🏽", " ", "。", "\n"]),
        min_size=0,
        max_size=300,
    ),
    st.integers(min_value=4, max_value=40),
)
def test_pieces_rebuild_the_text_and_never_split_a_character(chars: list[str], limit: int) -> None:
    text = "".join(chars)
    found = list(pieces(text, limit))
    assert "".join(piece for _, piece in found) == text
    for offset, piece in found:
        assert text[offset : offset + len(piece)] == piece
        assert len(piece) <= limit
        end = offset + len(piece)
        if 0 < end < len(text) and not _forced(text, offset, limit):
            assert not mecab._joins(text, end), (text, offset, piece)


def _forced(text: str, offset: int, limit: int) -> bool:
    """Only a joined sequence longer than half the limit may be cut (there is no other place)."""
    end = offset + limit
    return all(mecab._joins(text, k) for k in range(offset + limit // 2 + 1, end + 1))


def test_six_hundred_thousand_characters_do_not_crash_mecab(tmp_path: Path) -> None:
    """It used to die with SIGSEGV from about 550,000 characters; a crash fails this test."""
    file = tmp_path / "big.txt"
    file.write_text("今日は良い天気ですね私は学校へ行きますよ" * 30_000, encoding="utf-8")
    script = (
        "import sys\n"
        "from studyllm_tui.core.tokenizers.mecab import analyse\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "found = analyse(text)\n"
        "assert found.spans[-1][1] == len(text) == 600_000, found.spans[-1]\n"
        "print(len(found.spans))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(file)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert int(done.stdout) > 100_000


def test_the_bpe_corpus_is_bounded_and_keeps_the_most_frequent_words() -> None:
    """Every merge recounts the corpus: its size is what bounds the time of one merge."""
    from studyllm_tui.core.bpe import MAX_TOTAL_CHARS, MAX_WORD_CHARS, MAX_WORDS, _limit

    counts = {f"{n:05d}" + "あ" * 200: 1 for n in range(30_000)}
    counts["いい"] = 1_000
    kept = _limit(counts)
    assert "いい" in kept
    assert len(kept) <= MAX_WORDS and sum(map(len, kept)) <= MAX_TOTAL_CHARS
    assert max(map(len, kept)) <= MAX_WORD_CHARS
    # words cut to the same first 100 characters add up their counts
    assert _limit({"a" * 150: 2, "a" * 120: 3}) == {"a" * 100: 5}
