"""Control characters from untrusted text are shown, never sent to the terminal."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from studyllm_tui.core.safetext import is_clean, visible


def test_escape_sequences_become_visible() -> None:
    hostile = "ok\x1b]0;pwned\x07 \x1b]52;c;Zm9v\x07\x1b[2J\x9b31m\u202eevil"
    shown = visible(hostile)
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "\u202e" not in shown
    assert shown.startswith("ok␛]0;pwned␇ ␛]52;c;Zm9v␇␛[2J<U+009B>31m<U+202E>evil")


def test_newlines_and_tabs_kept_unless_one_line() -> None:
    assert visible("a\nb\tc") == "a\nb\tc"
    assert visible("a\nb\tc", keep_newlines=False) == "a␊b␉c"
    assert visible("a\tb", keep_tabs=False) == "a␉b"
    assert visible("a\r\nb") == "a␍\nb"


def test_japanese_and_markup_untouched() -> None:
    text = "自然言語処理 [bold]literal[/bold] ##ニング ▁の Ġx"
    assert visible(text) == text
    assert is_clean(text)


@given(st.text())
def test_nothing_unsafe_survives(text: str) -> None:
    shown = visible(text, keep_newlines=False)
    assert all(not (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F) for c in shown)
    assert is_clean(visible(text))
