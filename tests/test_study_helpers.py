"""A small glossary and clock for the study tests (never the shipped glossary)."""

from __future__ import annotations

from datetime import datetime, timezone

from studyllm_tui.core.glossary import Glossary, Term

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)


def term(term_id: str, ja: str, en: str, category: str, body: str, **extra: object) -> Term:
    return Term(
        id=term_id,
        ja=ja,
        reading="よみ",
        en=en,
        category=category,
        summary=extra.pop("summary", f"{ja}の要約。"),  # type: ignore[arg-type]
        body=body,
        **extra,  # type: ignore[arg-type]
    )


def small_glossary() -> Glossary:
    terms = [
        term(
            "attention",
            "注意機構",
            "Attention",
            "architecture",
            "注意機構は系列の各位置が他の位置をどれだけ参照するかを重みで決める仕組みである。Transformer の中心にある。",
            aliases=("アテンション",),
            summary="アテンションとも呼ばれ、入力のどこに注目するかを重みで決める仕組み。",
        ),
        term("transformer", "トランスフォーマー", "Transformer", "architecture",
             "Transformer は自己注意を積み重ねたモデルで、2017 年に提案された。"),
        term("ffn", "フィードフォワード層", "Feed-forward network", "architecture",
             "各位置に同じ全結合層を適用する。フィードフォワード層は Transformer の各ブロックにある。"),
        term("layer-norm", "層正規化", "Layer normalization", "architecture",
             "層正規化は各位置のベクトルを平均 0、分散 1 に正規化する。"),
        term("residual", "残差結合", "Residual connection", "architecture",
             "入力を出力に足し合わせる。深いネットワークの学習を安定させる。"),
        term("bpe", "バイト対符号化", "Byte-pair encoding", "tokenization",
             "BPE は頻出する文字の対を繰り返し併合して語彙を作る。",
             aliases=("BPE",)),
        term("wordpiece", "WordPiece", "WordPiece", "tokenization",
             "WordPiece は BERT が使うサブワード分割の方式である。"),
        term("top-p", "top-p サンプリング", "Top-p sampling", "decoding",
             "確率の高い順に累積確率が p を超えるまでの候補から選ぶ。"),
    ]
    return Glossary(terms={t.id: t for t in terms})
