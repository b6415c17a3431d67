"""A small glossary written to YAML for tests (independent of the shipped content)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

SMALL_GLOSSARY = dedent(
    """\
    terms:
      - id: fine-tuning
        ja: ファインチューニング
        reading: ふぁいんちゅーにんぐ
        en: fine-tuning
        aliases: [微調整, FT]
        category: tuning
        summary: 事前学習済みモデルを下流タスクのデータで微調整すること。
        summary_en: Adapting a pretrained model with data of the downstream task.
        body: |
          事前学習したモデルの重みから学習を続ける。
        related: [transfer-learning, token]
        book: 第5章
      - id: transfer-learning
        ja: 転移学習
        reading: てんいがくしゅう
        en: transfer learning
        category: pretraining
        summary: あるタスクで学習したモデルを別のタスクに生かすこと。
        body: 転移学習の説明。
        related: [fine-tuning]
      - id: token
        ja: トークン
        reading: とーくん
        en: token
        aliases: [Token]
        category: tokenization
        summary: モデルが扱うテキストの基本単位。
        body: "例: `[bold]` も文字どおり。"
        related: []
        try: tokenizer
      - id: bert
        ja: BERT
        reading: ばーと
        en: BERT
        category: models
        summary: エンコーダだけの Transformer。
        body: マスク言語モデリングで事前学習する。
        related: [token]
    """
)


def write_glossary(folder: Path, text: str = SMALL_GLOSSARY, name: str = "small.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
