"""Glossary Markdown for the terminal: no early line breaks after Latin words, code untouched."""

from __future__ import annotations

from textual.content import Content

from studyllm_tui.core.glossary.display import compact_cjk_spaces


def test_spaces_between_latin_and_japanese_are_dropped() -> None:
    assert compact_cjk_spaces("BERT 系が使う BPE と同じ") == "BERT系が使うBPEと同じ"
    assert compact_cjk_spaces("**BPE** と WordPiece の違い") == "**BPE** とWordPieceの違い"
    # emphasis that ends after punctuation needs its space to stay emphasis
    assert compact_cjk_spaces("**f(b)** が最大") == "**f(b)** が最大"
    assert compact_cjk_spaces("English words stay apart") == "English words stay apart"
    assert compact_cjk_spaces("日本語 の 間") == "日本語 の 間"  # only Latin/Japanese pairs


def test_code_lists_and_headings_are_kept() -> None:
    text = "## 例 A\n- BPE: 出現回数\n1. MeCab で分割\n`a b` と `x y`\n```\nfoo 日本 bar\n```"
    assert compact_cjk_spaces(text) == (
        "## 例A\n- BPE: 出現回数\n1. MeCabで分割\n\n`a b`と`x y`\n```\nfoo 日本 bar\n```"
    )


def test_wrapping_no_longer_strands_a_latin_word() -> None:
    text = "BERT 系が使うサブワード分割法。「隣接ペアを結合して語彙に加える」の繰り返し"
    first = str(Content(compact_cjk_spaces(text)).wrap(40)[0])
    assert first.startswith("BERT系が使う") and len(first) > 10
    from rich._wrap import divide_line  # Rich's own breaker (the app installs its Japanese one)

    assert divide_line(text, 40)[0] == len("BERT ")  # what happened without it: BERT alone


def test_a_paragraph_after_a_list_is_not_glued_into_its_last_item() -> None:
    """The XLM-R entry: "Hub ID: ..." right after the bullets became part of the last one."""
    body = (
        "前文\n- 事前学習: MLM\n- サイズ: base\n  続き\nHub ID: `xlm-roberta-base`\n本書 3.6 の例"
    )
    out = compact_cjk_spaces(body).split("\n")
    assert out == [
        "前文",
        "- 事前学習: MLM",
        "- サイズ: base",
        "  続き",
        "",
        "Hub ID: `xlm-roberta-base`",
        "本書3.6の例",
    ]
