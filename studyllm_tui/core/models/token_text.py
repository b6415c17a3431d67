"""From generated token ids to readable text, one token at a time.

A byte-level BPE (GPT-2) or byte-fallback (``<0xE3>``) tokenizer may split one character's
UTF-8 bytes over several tokens. :class:`TextTracker` shows new text only once its characters
are complete; bytes that can never be UTF-8 are shown as ``<ff>``, never as U+FFFD, and
:func:`token_label` names a single token the same way (the tokenizer lab's notation).
"""

from __future__ import annotations

import codecs
import unicodedata
from functools import cache
from typing import Any

REPLACEMENT = "\ufffd"


@cache
def byte_decoder() -> dict[str, int]:
    """GPT-2's byte-to-unicode table, reversed (to show the bytes of a partial character)."""
    from studyllm_tui.core.tokenizers.base import BYTE_TO_CHAR

    return {char: byte for byte, char in BYTE_TO_CHAR.items()}


def _visible(char: str) -> str:
    if char == "\n":
        return "↵"
    if char == "\t":
        return "⇥"
    if unicodedata.category(char) in ("Cc", "Cf"):
        return f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}"
    return char


def _show_bytes(data: bytes) -> str:
    """Bytes that are not (yet) a character, as ``<e3 81>`` (the tokenizer lab's notation)."""
    return "<" + " ".join(f"{byte:02x}" for byte in data) + ">" if data else ""


def _could_complete(data: bytes) -> bool:
    """Whether ``data`` (1-3 bytes) is the start of a valid UTF-8 character."""
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=False) == ""
    except UnicodeDecodeError:
        return False


def split_utf8(data: bytes, final: bool = False) -> tuple[str, bytes]:
    """Decode ``data`` as far as it goes: the text (bytes that can never be UTF-8 shown as
    ``<ff>``) and the incomplete character at the end that later bytes may still complete
    (shown as bytes too when ``final``). Never produces U+FFFD."""
    out: list[str] = []
    bad = bytearray()
    i = 0
    while i < len(data):
        for size in (1, 2, 3, 4):
            try:
                char = data[i : i + size].decode("utf-8")
            except UnicodeDecodeError:
                continue
            break
        else:
            char = ""
        if char:
            out.append(_show_bytes(bytes(bad)) + char)
            bad.clear()
            i += len(char.encode("utf-8"))
            continue
        rest = data[i:]
        if len(rest) < 4 and _could_complete(rest):
            if not final:
                out.append(_show_bytes(bytes(bad)))
                return "".join(out), rest
            bad += rest
            break
        bad.append(data[i])
        i += 1
    out.append(_show_bytes(bytes(bad)))
    return "".join(out), b""


def token_bytes(tokenizer: Any, token_id: int) -> bytes | None:
    """The bytes behind a byte-level BPE token or a ``<0xE3>`` byte-fallback token; None for
    a token that is not bytes (a SentencePiece piece, an added token)."""
    raw = tokenizer.convert_ids_to_tokens(token_id) or ""
    if len(raw) == 6 and raw.startswith("<0x") and raw.endswith(">"):
        try:
            return bytes([int(raw[3:5], 16)])
        except ValueError:
            return None
    table = byte_decoder()
    if raw and all(char in table for char in raw):
        return bytes(table[char] for char in raw)
    return None


def token_label(tokenizer: Any, token_id: int) -> str:
    """A readable form of one token; bytes that are only part of a character show as ``<e3>``."""
    text = tokenizer.decode([token_id], skip_special_tokens=False)
    if text and REPLACEMENT not in text:
        return "".join(_visible(char) for char in text)
    data = token_bytes(tokenizer, token_id)
    if data is not None:
        shown, _ = split_utf8(data, final=True)
        return "".join(_visible(char) for char in shown)
    raw = tokenizer.convert_ids_to_tokens(token_id) or ""
    return raw or text.replace(REPLACEMENT, "<?>")


class TextTracker:
    """Incremental detokenisation: new text only once its characters are complete.

    The ids not yet shown are decoded together; while their text ends in an incomplete
    character nothing is shown. Bytes that can never form UTF-8 (a random or tiny byte-level
    model emits them) are shown as ``<ff>`` rather than U+FFFD.
    """

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.special = {int(i) for i in getattr(tokenizer, "all_special_ids", []) or []}
        self.ids: list[int] = []
        self.prefix = 0
        self.read = 0

    def _decode(self, ids: list[int]) -> str:
        return str(self.tokenizer.decode(ids, skip_special_tokens=True))

    def _as_bytes(self, ids: list[int]) -> bytes | None:
        """The bytes of ``ids`` when every one of them is a byte token; None otherwise."""
        parts = []
        for token_id in ids:
            if token_id in self.special:
                continue
            data = token_bytes(self.tokenizer, token_id)
            if data is None:
                return None
            parts.append(data)
        return b"".join(parts)

    def _readable(self, before: str, after: str, final: bool) -> str | None:
        """The new text when ``after`` holds U+FFFD: byte tokens shown as ``<ff>``; None
        while the last character may still be completed by the next token."""
        data = self._as_bytes(self.ids[self.read :])
        if data is None:
            if after.endswith(REPLACEMENT) and not final:
                return None
            return after[len(before) :].replace(REPLACEMENT, "<?>")
        shown, rest = split_utf8(data, final=final)
        return None if rest else shown

    def _step(self, final: bool) -> str:
        before = self._decode(self.ids[self.prefix : self.read])
        after = self._decode(self.ids[self.prefix :])
        if REPLACEMENT not in after:
            if len(after) <= len(before):
                if final:
                    self.prefix = self.read = len(self.ids)
                return ""
            self.prefix, self.read = self.read, len(self.ids)
            return after[len(before) :]
        shown = self._readable(before, after, final)
        if shown is None:
            return ""
        self.prefix = self.read = len(self.ids)
        return shown

    def add(self, token_id: int) -> str:
        self.ids.append(token_id)
        return self._step(final=False)

    def flush(self) -> str:
        return self._step(final=True)
