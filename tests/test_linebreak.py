"""studyllm_tui.linebreak: wrapping in terminal cells with the basic Japanese line-breaking rules."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from studyllm_tui.linebreak import NO_END, NO_START, wrap


def test_english_breaks_at_spaces() -> None:
    assert wrap("the quick brown fox jumps over the lazy dog", 12) == [
        "the quick",
        "brown fox",
        "jumps over",
        "the lazy dog",
    ]


def test_japanese_breaks_between_characters_by_cells() -> None:
    assert wrap("あいうえおかきくけこ", 10) == ["あいうえお", "かきくけこ"]
    assert wrap("あいうえおかきくけこ", 9) == ["あいうえ", "おかきく", "けこ"]


def test_no_line_starts_with_closing_punctuation_or_ends_with_an_opening_bracket() -> None:
    assert wrap("あいうえおかきくけこ。", 10) == ["あいうえお", "かきくけ", "こ。"]
    assert wrap("あいうえ「かきくけこ」", 10) == ["あいうえ", "「かきくけ", "こ」"]
    assert wrap("Anki には .tsv）。これは", 10)[1].startswith(".tsv")


def test_a_word_wider_than_the_line_is_cut() -> None:
    assert wrap("x" * 30, 12) == ["x" * 12, "x" * 12, "x" * 6]


_SEGMENT = st.tuples(
    st.sampled_from(["", "「", "（", "ab "]),
    st.text(alphabet=st.sampled_from(list("あいうカタ漢字")), min_size=1, max_size=6),
    st.sampled_from(["", "。", "、", "」", "）", " "]),
).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(_SEGMENT, max_size=12).map("".join), st.integers(min_value=6, max_value=30))
def test_lines_fit_keep_every_character_and_follow_the_rules(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for before, after in itertools.pairwise(lines):
        assert after[:1] not in NO_START, lines
        assert before[-1:] not in NO_END, lines
