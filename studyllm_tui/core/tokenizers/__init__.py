"""Tokenizer adapters: MeCab, GPT-2, locally trained ones and any Hugging Face tokenizer.

Every adapter returns a :class:`Tokenization` whose tokens carry character spans into the
text, ids, and (for byte-level tokenizers) the UTF-8 bytes each token stands for.
"""

from studyllm_tui.core.tokenizers.base import (
    Token,
    Tokenization,
    TokenizerAdapter,
    TokenizerError,
    readable_bytes,
)
from studyllm_tui.core.tokenizers.registry import (
    BUILTIN,
    DEFAULT_SELECTION,
    clean_text,
    load_tokenizer,
    tokenize,
)

__all__ = [
    "BUILTIN",
    "DEFAULT_SELECTION",
    "Token",
    "Tokenization",
    "TokenizerAdapter",
    "TokenizerError",
    "clean_text",
    "load_tokenizer",
    "readable_bytes",
    "tokenize",
]
