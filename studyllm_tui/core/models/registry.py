"""The seed's task table: each task's default model, how to read its output, size and licence."""

from __future__ import annotations

from dataclasses import dataclass, field

# What kind of model a task needs; the manager checks a model's config against it.
SEQUENCE_CLASSIFICATION = "sequence-classification"
TOKEN_CLASSIFICATION = "token-classification"
ENCODER = "encoder"
SEQ2SEQ = "seq2seq"
CAUSAL_LM = "causal-lm"
MASKED_LM = "masked-lm"


@dataclass(frozen=True)
class TaskSpec:
    """One task: which model runs it by default and how a person reads what it says."""

    id: str
    title: dict[str, str]
    model: str
    kind: str
    how_to_read: dict[str, str]
    params: str
    size_bytes: int
    licence: str
    max_length: int
    min_inputs: int = 1
    max_inputs: int | None = 1
    input_names: tuple[str, ...] = ("text",)
    labels: tuple[str, ...] = ()
    book: str = ""
    examples: tuple[str, ...] = field(default_factory=tuple)

    def text(self, field_name: str, lang: str) -> str:
        values: dict[str, str] = getattr(self, field_name)
        return values.get(lang) or values["ja"]


_BERT_LICENCE = "Apache-2.0"
_BERT_SIZE = 445_000_000

TASKS: dict[str, TaskSpec] = {
    "sentiment": TaskSpec(
        id="sentiment",
        title={"ja": "感情分析", "en": "Sentiment analysis"},
        model="llm-book/bert-base-japanese-v3-marc_ja",
        kind=SEQUENCE_CLASSIFICATION,
        how_to_read={
            "ja": "ラベル positive / negative の確率（softmax、合計 1）。大きい方が予測です。"
            "確率は確信度であって正しさの保証ではありません（「星4つ」を足すだけで否定的な"
            "レビューが positive に変わる近道学習の例があります）。",
            "en": "Probabilities of the labels positive / negative (softmax, sum to 1); the "
            "larger one is the prediction. A probability is confidence, not correctness (adding "
            "「星4つ」 flips a negative review to positive: shortcut learning).",
        },
        params="111M",
        size_bytes=_BERT_SIZE,
        licence=_BERT_LICENCE,
        max_length=512,
        labels=("positive", "negative"),
        book="5.2 (MARC-ja)",
        examples=("この映画は最高に面白かった。",),
    ),
    "nli": TaskSpec(
        id="nli",
        title={"ja": "自然言語推論", "en": "Natural language inference"},
        model="llm-book/bert-base-japanese-v3-jnli",
        kind=SEQUENCE_CLASSIFICATION,
        how_to_read={
            "ja": "前提文から仮説文が言えるか: entailment（含意）/ contradiction（矛盾）/ "
            "neutral（中立）の確率（softmax、合計 1）。表記ゆれ（おむつ／オムツ）でも矛盾と"
            "判定する誤りが知られています。",
            "en": "Does the premise support the hypothesis: probabilities of entailment / "
            "contradiction / neutral (softmax, sum to 1). A known error: spelling variants "
            "(おむつ／オムツ) judged a contradiction.",
        },
        params="111M",
        size_bytes=_BERT_SIZE,
        licence=_BERT_LICENCE,
        max_length=128,
        min_inputs=2,
        max_inputs=2,
        input_names=("premise", "hypothesis"),
        labels=("entailment", "contradiction", "neutral"),
        book="5.4 (JNLI)",
        examples=("男性がギターを弾いている。", "人が楽器を演奏している。"),
    ),
    "sts": TaskSpec(
        id="sts",
        title={"ja": "意味的類似度", "en": "Semantic textual similarity"},
        model="llm-book/bert-base-japanese-v3-jsts",
        kind=SEQUENCE_CLASSIFICATION,
        how_to_read={
            "ja": "2文の意味の近さを 0〜5 で表す回帰値（5 がほぼ同じ意味、0 が無関係）。"
            '確率ではありません（function_to_apply="none" でそのまま出した値）。範囲外に'
            "少しはみ出すこともあります。",
            "en": "How close in meaning two sentences are, a regression value on 0-5 (5 = same "
            "meaning, 0 = unrelated). Not a probability (the raw output, "
            'function_to_apply="none"); it can fall slightly outside the range.',
        },
        params="111M",
        size_bytes=_BERT_SIZE,
        licence=_BERT_LICENCE,
        max_length=128,
        min_inputs=2,
        max_inputs=2,
        input_names=("sentence1", "sentence2"),
        book="5.4 (JSTS)",
        examples=(
            "川べりでサーフボードを持った人たちがいます。",
            "トイレの壁に黒いタオルがかけられています。",
        ),
    ),
    "embed": TaskSpec(
        id="embed",
        title={"ja": "文埋め込み", "en": "Sentence embeddings"},
        model="llm-book/bert-base-japanese-v3-unsup-simcse-jawiki",
        kind=ENCODER,
        how_to_read={
            "ja": "各文を 768 次元のベクトルにし（[CLS] プーリング、L2 正規化）、コサイン類似度を"
            "行列で表示します。1 に近いほど似た意味。値そのものより、文の組どうしの大小を比べて"
            "読みます（言い換え 0.86 と無関係 0.46 など）。",
            "en": "Each sentence becomes a 768-dim vector ([CLS] pooling, L2-normalised); the "
            "matrix shows cosine similarities. Closer to 1 = closer meaning. Compare pairs "
            "against each other rather than reading absolute values (paraphrase 0.86 vs 0.46).",
        },
        params="111M",
        size_bytes=_BERT_SIZE,
        licence=_BERT_LICENCE,
        max_length=128,
        min_inputs=2,
        max_inputs=None,
        input_names=("sentences",),
        book="8 (SimCSE)",
        examples=(
            "川べりでサーフボードを持った人たちがいます。",
            "サーファーたちが川べりに立っています。",
            "トイレの壁に黒いタオルがかけられています。",
        ),
    ),
    "ner": TaskSpec(
        id="ner",
        title={"ja": "固有表現認識", "en": "Named entity recognition"},
        model="llm-book/bert-base-japanese-v3-ner-wikipedia-dataset",
        kind=TOKEN_CLASSIFICATION,
        how_to_read={
            "ja": "トークンごとに BIO ラベル（B-=始まり、I-=続き、O=対象外）を予測し、続く"
            "トークンをまとめて固有表現にします（8 種類）。スコアはまとめたトークンの確率の"
            "平均です。入力は NFKC 正規化してからモデルに渡します。",
            "en": "Each token gets a BIO label (B- begins, I- continues, O outside); runs of "
            "tokens form entities of 8 types. The score is the mean token probability. Input is "
            "NFKC-normalised before the model sees it.",
        },
        params="111M",
        size_bytes=_BERT_SIZE,
        licence=_BERT_LICENCE,
        max_length=512,
        book="6 (ストックマーク Wikipedia NER)",
        examples=(
            "大谷翔平は岩手県水沢市出身のプロ野球選手で、ロサンゼルス・ドジャースに所属している。",
        ),
    ),
    "summarize": TaskSpec(
        id="summarize",
        title={"ja": "要約生成", "en": "Summarisation"},
        model="llm-book/t5-base-long-livedoor-news-corpus",
        kind=SEQ2SEQ,
        how_to_read={
            "ja": "記事から見出しを生成します（T5、記事は 512 トークンまで）。デコード方法で"
            "結果が変わります: 貪欲法は毎回同じ、ビーム探索は確率の高い系列、サンプリングは"
            "温度・top-k・top-p で多様さを調整（シードで再現）。",
            "en": "Generates a headline from an article (T5; article up to 512 tokens). The "
            "decoding method changes the result: greedy is deterministic, beam search finds "
            "likely sequences, sampling varies with temperature / top-k / top-p (seeded).",
        },
        params="248M",
        size_bytes=990_000_000,
        licence="CC-BY-SA-4.0",
        max_length=512,
        input_names=("article",),
        book="7 (livedoor ニュース)",
        examples=(
            "大規模言語モデルの入門書が発売された。本書では、Transformer の仕組みから、"
            "ファインチューニングや指示チューニング、検索拡張生成までを、実際に動かせる"
            "コードとともに解説している。",
        ),
    ),
    "generate": TaskSpec(
        id="generate",
        title={"ja": "テキスト生成", "en": "Text generation"},
        model="abeja/gpt2-large-japanese",
        kind=CAUSAL_LM,
        how_to_read={
            "ja": "プロンプトの続きを 1 トークンずつ生成します。各ステップで次トークン候補の確率"
            "分布から選びます。温度が低いほど分布が尖り（0 で貪欲法）、高いほど平らになります。"
            "top-k / top-p は候補を絞ります。",
            "en": "Continues the prompt one token at a time, choosing from the next-token "
            "distribution. Lower temperature sharpens it (0 = greedy), higher flattens it; "
            "top-k / top-p cut the candidates.",
        },
        params="0.76B",
        size_bytes=3_040_000_000,
        licence="MIT",
        max_length=1024,
        input_names=("prompt",),
        book="1",
        examples=("人とAIが協調するためには、",),
    ),
    "fill-mask": TaskSpec(
        id="fill-mask",
        title={"ja": "穴埋め（MLM）", "en": "Fill-mask (MLM)"},
        model="cl-tohoku/bert-base-japanese-v3",
        kind=MASKED_LM,
        how_to_read={
            "ja": "[MASK] の位置に入るトークンの候補と確率（語彙全体の softmax）。BERT の"
            "事前学習（マスク言語モデリング）そのものです。## で始まる候補は単語の途中の"
            "サブワードです。",
            "en": "Candidate tokens for the [MASK] position with probabilities (softmax over "
            "the vocabulary): BERT's pre-training objective itself. Candidates starting with "
            "## are word-internal subwords.",
        },
        params="111M",
        size_bytes=_BERT_SIZE,
        licence=_BERT_LICENCE,
        max_length=512,
        book="3",
        examples=("東北大学で[MASK]の研究をしています。",),
    ),
}

TASK_IDS = tuple(TASKS)
