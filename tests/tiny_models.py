"""Tiny random models (hidden 32, 2 layers) saved to folders, for tests of the real loading code.

Each ``build_*`` function writes a model folder that ``from_pretrained(folder)`` and the app's
ModelManager load exactly like a downloaded Hub snapshot: BERT with a Japanese
``BertJapaneseTokenizer`` (MeCab + WordPiece over a small vocab.txt), T5 with a SentencePiece
model trained here, GPT-2 with a byte-level BPE trained here. Weights are random (seeded), so
tests check shapes, labels, offsets and plumbing, never what a real model would say.

Fixtures: ``tiny_models`` (session scope) builds every folder once and returns a
:class:`TinyModels`; ``tiny_config`` gives a Config that points every task at them.
Import them in a test module with ``from tests.tiny_models import tiny_models, tiny_config``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SENTENCES = [
    "今日は良い天気です。",
    "この映画はとても面白かった。",
    "この商品は最悪でした。星4つです。",
    "大谷翔平はロサンゼルスで野球をしている。",
    "株式会社ABCは東京都に本社を置く。",
    "自然言語処理にディープラーニングを使う。",
    "猫が窓の外を見ている。",
    "犬が公園を走っている。",
    "日本の首都は東京です。",
    "大規模言語モデルは次の単語を予測する。",
    "トヨタ自動車は新しい車を発表した。",
    "京都大学で国際会議が開かれた。",
    "富士山は日本で一番高い山です。",
    "おむつを替える。オムツを替える。",
    "彼は毎朝コーヒーを飲む。",
    "Hello world, this is a test.",
    "1234567890 ABCDEFG abcdefg !?.,",
]

SENTIMENT_LABELS = ["positive", "negative"]
NLI_LABELS = ["entailment", "contradiction", "neutral"]
NER_TYPES = [
    "その他の組織名",
    "イベント名",
    "人名",
    "地名",
    "政治的組織名",
    "施設名",
    "法人名",
    "製品名",
]
NER_LABELS = ["O"] + [f"{p}-{t}" for t in NER_TYPES for p in ("B", "I")]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _bert_vocab() -> list[str]:
    import fugashi

    tagger = fugashi.Tagger()
    vocab: list[str] = list(SPECIALS)
    seen = set(vocab)

    def add(token: str) -> None:
        if token and token not in seen:
            seen.add(token)
            vocab.append(token)

    for sentence in SENTENCES:
        for word in tagger(sentence):
            add(word.surface)
    for sentence in SENTENCES:
        for char in sentence:
            if not char.isspace():
                add(char)
                add(f"##{char}")
    return vocab


def build_bert_tokenizer(folder: Path) -> Path:
    """Write a BertJapaneseTokenizer (MeCab unidic_lite + WordPiece) into ``folder``."""
    from transformers import BertJapaneseTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    vocab_file = folder / "vocab.txt"
    vocab_file.write_text("\n".join(_bert_vocab()) + "\n", encoding="utf-8")
    tokenizer = BertJapaneseTokenizer(
        str(vocab_file),
        do_lower_case=False,
        word_tokenizer_type="mecab",
        subword_tokenizer_type="wordpiece",
        mecab_kwargs={"mecab_dic": "unidic_lite"},
    )
    tokenizer.save_pretrained(folder)
    return folder


def _bert_config(vocab_size: int, **extra: object):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=512,
        **extra,
    )


def _vocab_size(folder: Path) -> int:
    return len((folder / "vocab.txt").read_text(encoding="utf-8").splitlines())


def build_tiny_bert_classifier(folder: Path, labels: list[str], seed: int = 0) -> Path:
    """A BertForSequenceClassification with these labels (one label = regression, like JSTS)."""
    import torch
    from transformers import BertForSequenceClassification

    build_bert_tokenizer(folder)
    torch.manual_seed(seed)
    extra: dict[str, object] = {
        "id2label": dict(enumerate(labels)),
        "label2id": {label: i for i, label in enumerate(labels)},
    }
    if len(labels) == 1:
        extra["problem_type"] = "regression"
    config = _bert_config(_vocab_size(folder), num_labels=len(labels), **extra)
    BertForSequenceClassification(config).save_pretrained(folder)
    return folder


def build_tiny_bert_sts(folder: Path, seed: int = 0) -> Path:
    return build_tiny_bert_classifier(folder, ["LABEL_0"], seed=seed)


def build_tiny_bert_ner(folder: Path, seed: int = 0) -> Path:
    """A BertForTokenClassification with the 17 BIO labels of the book's NER model."""
    import torch
    from transformers import BertForTokenClassification

    build_bert_tokenizer(folder)
    torch.manual_seed(seed)
    config = _bert_config(
        _vocab_size(folder),
        num_labels=len(NER_LABELS),
        id2label=dict(enumerate(NER_LABELS)),
        label2id={label: i for i, label in enumerate(NER_LABELS)},
    )
    BertForTokenClassification(config).save_pretrained(folder)
    return folder


def build_tiny_bert_encoder(folder: Path, seed: int = 0) -> Path:
    """A plain BertModel, like the SimCSE sentence-embedding model."""
    import torch
    from transformers import BertModel

    build_bert_tokenizer(folder)
    torch.manual_seed(seed)
    BertModel(_bert_config(_vocab_size(folder))).save_pretrained(folder)
    return folder


def build_tiny_bert_mlm(folder: Path, seed: int = 0) -> Path:
    """A BertForMaskedLM, like cl-tohoku/bert-base-japanese-v3."""
    import torch
    from transformers import BertForMaskedLM

    build_bert_tokenizer(folder)
    torch.manual_seed(seed)
    BertForMaskedLM(_bert_config(_vocab_size(folder))).save_pretrained(folder)
    return folder


def build_sentencepiece(folder: Path, vocab_size: int = 300) -> Path:
    """Train a SentencePiece unigram model (T5 ids: pad 0, eos 1, unk 2) as folder/spiece.model."""
    import io

    import sentencepiece as spm

    folder.mkdir(parents=True, exist_ok=True)
    stream = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(SENTENCES * 3),
        model_writer=stream,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        minloglevel=2,
    )
    (folder / "spiece.model").write_bytes(stream.getvalue())
    return folder


def build_tiny_t5(folder: Path, seed: int = 0) -> Path:
    """A T5ForConditionalGeneration with a SentencePiece tokenizer, like the book's summariser."""
    import torch
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    build_sentencepiece(folder)
    tokenizer = T5Tokenizer.from_pretrained(folder)
    tokenizer.save_pretrained(folder)
    torch.manual_seed(seed)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=32,
        d_kv=8,
        d_ff=37,
        num_layers=2,
        num_decoder_layers=2,
        num_heads=4,
        decoder_start_token_id=0,
        pad_token_id=0,
        eos_token_id=1,
    )
    T5ForConditionalGeneration(config).save_pretrained(folder)
    return folder


def build_gpt2_tokenizer(folder: Path) -> Path:
    """A byte-level BPE tokenizer trained here (GPT-2 style, Japanese splits into byte tokens)."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import GPT2TokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        SENTENCES * 3, vocab_size=400, min_frequency=1, special_tokens=["<|endoftext|>"]
    )
    tokenizer = GPT2TokenizerFast(
        tokenizer_object=bpe,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
    )
    tokenizer.save_pretrained(folder)
    return folder


def build_tiny_gpt2(
    folder: Path,
    seed: int = 0,
    *,
    layers: int = 2,
    heads: int = 2,
    positions: int = 256,
    adjust: Callable[[Any], None] | None = None,
) -> Path:
    """A GPT2LMHeadModel (causal LM) with a byte-level BPE tokenizer; ``adjust`` may change
    the random model before it is saved."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast

    build_gpt2_tokenizer(folder)
    tokenizer = GPT2TokenizerFast.from_pretrained(folder)
    torch.manual_seed(seed)
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_embd=32,
        n_layer=layers,
        n_head=heads,
        n_positions=positions,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    model = GPT2LMHeadModel(config)
    if adjust is not None:
        adjust(model)
    model.save_pretrained(folder)
    return folder


@dataclass(frozen=True)
class TinyModels:
    root: Path
    sentiment: Path
    nli: Path
    sts: Path
    embed: Path
    ner: Path
    summarize: Path
    generate: Path
    fill_mask: Path

    def models(self) -> dict[str, str]:
        """Config.models pointing each task at its tiny model."""
        return {
            "sentiment": str(self.sentiment),
            "nli": str(self.nli),
            "sts": str(self.sts),
            "embed": str(self.embed),
            "ner": str(self.ner),
            "summarize": str(self.summarize),
            "generate": str(self.generate),
            "fill-mask": str(self.fill_mask),
        }


def build_all(root: Path) -> TinyModels:
    """Every tiny model, one folder per task, under ``root``."""
    return TinyModels(
        root=root,
        sentiment=build_tiny_bert_classifier(root / "sentiment", SENTIMENT_LABELS),
        nli=build_tiny_bert_classifier(root / "nli", NLI_LABELS),
        sts=build_tiny_bert_sts(root / "sts"),
        embed=build_tiny_bert_encoder(root / "embed"),
        ner=build_tiny_bert_ner(root / "ner"),
        summarize=build_tiny_t5(root / "summarize"),
        generate=build_tiny_gpt2(root / "generate"),
        fill_mask=build_tiny_bert_mlm(root / "fill-mask"),
    )


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> TinyModels:
    return build_all(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture
def tiny_config(tiny_models: TinyModels):
    from studyllm_tui.core.config import Config

    return Config(models=tiny_models.models(), memory_budget_mb=4096, device="cpu")
