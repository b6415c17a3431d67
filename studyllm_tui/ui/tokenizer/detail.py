"""The one-line description of the token under the cursor (the live splitter's detail line)."""

from __future__ import annotations

from studyllm_tui.core.i18n import t
from studyllm_tui.core.tokenizers import Tokenization
from studyllm_tui.core.tokenizers.base import Token, show_bytes, visible

__all__ = ["token_detail"]


def _plain(result: Tokenization, index: int) -> Token:
    """Token ``index`` without its features (they are still being worked out)."""
    info = result.info(index)
    start, end = result.spans[index]
    return Token(info.piece, result.token_id(index), start, end, info.display, info.kind, info.data)


def token_detail(name: str, result: Tokenization, index: int) -> tuple[Token, str]:
    """Token ``index`` of ``result`` (split by tokenizer ``name``) and its detail line: id,
    piece, the text it covers, its bytes, span and kind, and MeCab's features once known
    (``…`` while they are being worked out)."""
    token = result.token(index) if result.features_ready(index) else _plain(result, index)
    text = result.text
    data = token.data if token.data is not None else text[token.start : token.end].encode()
    detail = t(
        "tokenizer.detail",
        name=name,
        index=index + 1,
        id="-" if token.id is None else token.id,
        piece=visible(token.piece),
        text=visible(text[token.start : token.end]),
        bytes=show_bytes(data) if data else "<>",
        start=token.start,
        end=token.end,
        kind=t(f"tokenizer.kind_{token.kind}"),
    )
    if result.has_feature_columns and not token.features:
        detail += "  …"
    if token.features:
        detail += "  " + t(
            "tokenizer.detail_mecab",
            pos=visible(token.features.get("pos", "")),
            reading=visible(token.features.get("reading", "")) or "-",
            lemma=visible(token.features.get("lemma", "")) or "-",
        )
    return token, detail
