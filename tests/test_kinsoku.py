"""Japanese line breaking (禁則処理) in core, and its use by everything the TUI wraps."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studyllm_tui.core.textwrap_ja import NO_END, NO_START, cell_width, line_breaks, wrap

SENTENCE = (
    "大規模言語モデル（LLM）は、次の単語を予測する練習を何度も繰り返します。"
    "「トークン」とは、文を細かく分けたもの（例: サブワード）です。ちょっと待ってください。"
)


def check_lines(lines: list[str], width: int) -> None:
    for index, line in enumerate(lines):
        assert cell_width(line) <= width, (width, line)
        if index:
            assert line[0] not in NO_START, (width, lines)
        if index < len(lines) - 1:
            assert line[-1] not in NO_END, (width, lines)


def test_no_line_starts_with_closing_marks_or_small_kana_at_any_width() -> None:
    for width in range(8, 60):
        lines = wrap(SENTENCE, width)
        check_lines(lines, width)
        assert "".join(lines).replace(" ", "") == SENTENCE.replace(" ", "")


def test_latin_words_are_not_broken_and_japanese_breaks_anywhere_allowed() -> None:
    assert wrap("GPT-2 の語彙は 50257 です。", 12) == ["GPT-2 の語彙", "は 50257 で", "す。"]
    assert wrap("あいう。", 6) == ["あい", "う。"]  # not "あいう" + a line starting with 。
    assert wrap("言って（例）", 8) == ["言って", "（例）"]  # no line ends with （
    assert wrap("ちょっと", 4) == ["ちょ", "っと"] or wrap("ちょっと", 4) == ["ち", "ょっと"]


def test_english_text_breaks_like_rich() -> None:
    from rich._wrap import divide_line

    text = "Tokenizers split text into pieces: GPT-2 sees bytes, not characters."
    for width in range(11, 40):  # (rich folds a too-long word its own way)
        assert line_breaks(text, width) == divide_line(text, width)


def test_a_unit_wider_than_the_line_is_folded() -> None:
    lines = wrap("（" + "あ" * 12 + "）", 8)
    assert all(cell_width(line) <= 8 for line in lines)
    assert "".join(lines) == "（" + "あ" * 12 + "）"


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=list("あいうカナ漢字。、）（「」ーっゃ abcXYZ12.,"), max_size=80),
    st.integers(min_value=6, max_value=40),
)
def test_every_line_fits_and_nothing_is_lost(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(cell_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_textual_and_rich_wrap_with_it() -> None:
    import rich.text
    import textual.content
    import textual.document._wrapped_document as wrapped_document

    from studyllm_tui.ui.linebreak import install

    install()
    for module in (textual.content, rich.text):
        assert hasattr(module.divide_line, "__wrapped__"), module  # the hook is in place
    assert hasattr(wrapped_document.compute_wrap_offsets, "__wrapped__")
    assert wrapped_document.compute_wrap_offsets("あいう。", 6, 4) == [2]
    content = textual.content.Content(SENTENCE)
    for width in (20, 21, 30):
        lines = [line.plain.rstrip() for line in content.wrap(width)]
        check_lines(lines, width)
