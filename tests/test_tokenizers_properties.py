"""Property tests: spans in order and inside the text; byte-level bytes rebuild the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyllm_tui.core.tokenizers import load_tokenizer, tokenize

NAMES = ("mecab", "gpt2", "wordpiece-ja", "unigram-ja", "bpe-ja")
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("あいうえおアイウエオ漢字言語ｶﾞ゙\u200d\u0301 \n\t\x00[]"),
    ),
    max_size=40,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_spans_are_in_order_and_inside_the_text(text):
    for name in NAMES:
        result = tokenize(load_tokenizer(name), text)
        previous = (0, 0)
        for token in result.tokens:
            assert 0 <= token.start <= token.end <= len(text), (name, token)
            assert (token.start, token.end) >= previous, (name, token)
            previous = (token.start, token.end)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_byte_level_tokens_join_to_the_utf8_of_the_text(text):
    for name in ("gpt2", "bpe-ja"):
        adapter = load_tokenizer(name)
        assert adapter.byte_level
        result = tokenize(adapter, text)
        assert b"".join(token.data or b"" for token in result.tokens) == text.encode("utf-8")
        assert all("\ufffd" not in token.display for token in result.tokens if "\ufffd" not in text)
