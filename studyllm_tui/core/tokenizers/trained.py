"""Three tokenizers trained locally on the Japanese corpus that ships with the project.

- ``wordpiece-ja``: MeCab words, then WordPiece (like cl-tohoku/bert-base-japanese-v3).
- ``unigram-ja``: the Unigram model of SentencePiece on raw sentences (like T5 / abeja's).
- ``bpe-ja``: byte-level BPE (like GPT-2, but with a Japanese vocabulary).

Training takes tens of milliseconds; the result is cached in the user cache folder under a
name that includes a hash of the corpus and the settings, so an edited corpus retrains.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studyllm_tui.core.jobs import Progress, ProgressCallback, check_cancelled, no_progress
from studyllm_tui.core.tokenizers.base import Tokenization, checked_spans
from studyllm_tui.core.tokenizers.encoding import PieceTable

TRAINING_VERSION = 2
WORDPIECE_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@dataclass(frozen=True)
class TrainedSpec:
    name: str
    title: str
    vocab_size: int
    file: str


SPECS = {
    "wordpiece-ja": TrainedSpec("wordpiece-ja", "WordPiece over MeCab", 1100, "tokenizer.json"),
    "unigram-ja": TrainedSpec(
        "unigram-ja", "Unigram (SentencePiece-style)", 1200, "tokenizer.json"
    ),
    "bpe-ja": TrainedSpec("bpe-ja", "byte-level BPE", 1500, "tokenizer.json"),
}


def corpus_files() -> list[Path]:
    from studyllm_tui.core import paths

    return sorted(
        p for p in paths.package_data_dir("corpus").glob("*.txt") if p.name != "README.txt"
    )


def corpus_lines() -> list[str]:
    """The shipped corpus, one sentence (line) per item, blank lines dropped."""
    from studyllm_tui.core.files import CORPUS_LIMIT, read_text_file

    lines: list[str] = []
    for file in corpus_files():
        lines += [line.strip() for line in read_text_file(file, CORPUS_LIMIT).splitlines()]
    return [line for line in lines if line]


def _cache_folder(spec: TrainedSpec, lines: list[str]) -> Path:
    from studyllm_tui.core import paths

    digest = hashlib.sha256(
        json.dumps([TRAINING_VERSION, spec.vocab_size, lines], ensure_ascii=False).encode()
    ).hexdigest()[:12]
    return paths.cache_dir() / "tokenizers" / f"{spec.name}-{digest}"


def _train_wordpiece(lines: list[str], spec: TrainedSpec) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    from studyllm_tui.core.tokenizers.mecab import words

    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=100))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(
        vocab_size=spec.vocab_size, special_tokens=WORDPIECE_SPECIALS, show_progress=False
    )
    tokenizer.train_from_iterator((" ".join(words(line)) for line in lines), trainer)
    return tokenizer


def _train_bpe(lines: list[str], spec: TrainedSpec) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=spec.vocab_size,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=["<|endoftext|>"],
        show_progress=False,
    )
    tokenizer.train_from_iterator(lines, trainer)
    return tokenizer


def _train_unigram(lines: list[str], spec: TrainedSpec) -> Any:
    """The Unigram language model algorithm of SentencePiece, as the tokenizers library has it.

    As in SentencePiece: NFKC normalisation, spaces become ``▁`` (and one is put before the
    text), no pre-splitting into words.
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.Unigram())
    tokenizer.normalizer = normalizers.NFKC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.UnigramTrainer(
        vocab_size=spec.vocab_size,
        special_tokens=["<unk>"],
        unk_token="<unk>",
        show_progress=False,
    )
    tokenizer.train_from_iterator(lines, trainer)
    return tokenizer


_LOCK = threading.Lock()


def load_or_train(
    name: str,
    *,
    progress: ProgressCallback = no_progress,
    cancel: threading.Event | None = None,
    lines: list[str] | None = None,
) -> TrainedTokenizer:
    """The trained tokenizer ``name`` from the cache, training it first if needed."""
    spec = SPECS[name]
    lines = corpus_lines() if lines is None else lines
    chars = sum(len(line) for line in lines)
    folder = _cache_folder(spec, lines)
    path = folder / spec.file
    with _LOCK:
        check_cancelled(cancel)
        if not path.is_file():
            progress(Progress("train", 0, 1, spec.title))
            trainer: Callable[..., Any] = {
                "wordpiece-ja": _train_wordpiece,
                "bpe-ja": _train_bpe,
                "unigram-ja": _train_unigram,
            }[name]
            result = trainer(lines, spec)
            check_cancelled(cancel)
            folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            partial.write_text(result.to_str(), encoding="utf-8")
            partial.replace(path)
            (folder / "corpus.json").write_text(
                json.dumps({"characters": chars, "sentences": len(lines)}), encoding="utf-8"
            )
            progress(Progress("train", 1, 1, spec.title))
    return TokenizersLibTokenizer(spec, path, chars)


class TrainedTokenizer:
    name: str
    label: str
    byte_level: bool
    trained_chars: int
    vocab_size: int

    def tokenize(self, text: str) -> Tokenization:  # pragma: no cover - abstract
        raise NotImplementedError

    def raw(self, text: str) -> object:  # pragma: no cover - abstract
        raise NotImplementedError


class TokenizersLibTokenizer(TrainedTokenizer):
    """WordPiece-over-MeCab or byte-level BPE, run by the ``tokenizers`` library."""

    def __init__(self, spec: TrainedSpec, path: Path, chars: int) -> None:
        from tokenizers import Tokenizer

        self.name = spec.name
        self.tokenizer = Tokenizer.from_file(str(path))
        self.byte_level = spec.name == "bpe-ja"
        self.mecab_words = spec.name == "wordpiece-ja"
        self.trained_chars = chars
        self.vocab_size = self.tokenizer.get_vocab_size()
        self.table = PieceTable(
            self.tokenizer,
            byte_level=self.byte_level,
            unk_token="[UNK]" if self.mecab_words else None,
        )
        self.label = (
            f"{spec.title}, trained locally on {chars:,} characters, vocabulary {self.vocab_size:,}"
        )

    def raw(self, text: str, words: list[str] | None = None) -> object:
        """The bare library calls for the same information: pieces, ids and offsets.

        WordPiece-over-MeCab needs MeCab's words: pass ``words`` when they are at hand (the
        benchmark passes those of the plain MeCab call on the same keystroke, as the lab shares
        one analysis between the two rows); the word ids place each piece in its word.
        """
        if self.mecab_words:
            if words is None:
                from studyllm_tui.core.tokenizers.mecab import MecabTokenizer

                words = MecabTokenizer().raw(text)[0]
            encoding = self.tokenizer.encode(words, is_pretokenized=True)
            return encoding.tokens, encoding.ids, encoding.offsets, encoding.word_ids
        encoding = self.tokenizer.encode(text)
        return encoding.tokens, encoding.ids, encoding.offsets

    def tokenize(self, text: str) -> Tokenization:
        if not self.mecab_words:
            return self.table.tokenization(self.name, text, self.tokenizer.encode(text))
        from studyllm_tui.core.tokenizers.mecab import analyse

        found = analyse(text)
        if not found.surfaces:
            return Tokenization(self.name, text, spans=[], ids=[], infos=[])
        encoding = self.tokenizer.encode(found.surfaces, is_pretokenized=True)
        ids = encoding.ids
        starts = [start for start, _ in found.spans]
        spans = [
            (base + start, base + end)
            for base, (start, end) in zip(
                [starts[word] if word is not None else 0 for word in encoding.word_ids],
                encoding.offsets,
                strict=True,
            )
        ]
        return Tokenization(
            self.name,
            text,
            spans=checked_spans(spans, len(text)),
            ids=ids,
            infos=self.table.infos(ids),
        )
