"""Reading a file a person gave or can edit, with bounded time and memory. Use it for every such read.

Only regular files are read (a FIFO, a device such as ``/dev/zero``, a directory or a socket is
refused before any byte is read), and never more than ``limit`` bytes: the read itself stops one
byte past the limit, so a file whose size ``stat`` misreports (``/proc`` files say 0) is still
bounded. Text must be UTF-8; an invalid byte is reported with its line.

    text = read_text_file(path, TEXT_LIMIT)        # glossary, config, prompts, catalogue
    text = read_text_file(path, CORPUS_LIMIT)      # a corpus given to bpe / tokenize
    text = read_stdin_text(CORPUS_LIMIT)           # ``-``: standard input, same rules

Every failure is a :class:`FileReadError`: ``str(error)`` is one line, ``FILE[:LINE]: reason``,
in the UI language; ``error.reason`` is the reason without the file (for a ``Problem``).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from studyllm_tui.core.i18n import t

MB = 1024 * 1024
TEXT_LIMIT = 10 * MB  # glossary files, the config, prompt tasks, catalogue files
CORPUS_LIMIT = 50 * MB  # texts given to bpe / tokenize
_CHUNK = 1024 * 1024


class FileReadError(ValueError):
    """A file that cannot be read as asked; the message is one line for the person."""

    def __init__(self, path: Path | str, reason: str, line: int = 0) -> None:
        self.path = Path(path)
        self.reason = reason
        self.line = line
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {reason}")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return t("files.kind_directory")
    if stat.S_ISFIFO(mode):
        return t("files.kind_fifo")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return t("files.kind_device")
    if stat.S_ISSOCK(mode):
        return t("files.kind_socket")
    return t("files.kind_other")


def _read_bounded(handle: BinaryIO | int, limit: int, path: Path | str) -> bytes:
    """At most ``limit`` bytes from an open file; FileReadError when there are more."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        want = min(_CHUNK, limit + 1 - total)
        chunk = os.read(handle, want) if isinstance(handle, int) else handle.read(want)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise FileReadError(path, t("files.too_big", limit=_size(limit)))
    return b"".join(chunks)


def read_bytes_file(path: Path | str, limit: int = TEXT_LIMIT) -> bytes:
    """The bytes of the regular file ``path``, refusing anything else or anything bigger."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not wait; regular files ignore it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise FileReadError(path, t("files.missing")) from None
    except IsADirectoryError:
        raise FileReadError(path, t("files.not_regular", kind=t("files.kind_directory"))) from None
    except OSError as error:
        raise FileReadError(path, t("files.unreadable", reason=_reason(error))) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileReadError(path, t("files.not_regular", kind=_kind(info.st_mode)))
        if info.st_size > limit:  # known too big; a size that lies (/proc) is caught by the read
            raise FileReadError(path, t("files.too_big", limit=_size(limit)))
        try:
            return _read_bounded(fd, limit, path)
        except OSError as error:
            raise FileReadError(path, t("files.unreadable", reason=_reason(error))) from None
    finally:
        os.close(fd)


def decode_utf8(data: bytes, path: Path | str) -> str:
    """``data`` as UTF-8 (a leading BOM dropped); FileReadError naming the line of a bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FileReadError(
            path, t("files.bad_utf8", byte=f"0x{data[error.start]:02x}", offset=error.start), line
        ) from None


def read_text_file(path: Path | str, limit: int = TEXT_LIMIT) -> str:
    """The UTF-8 text of the regular file ``path`` (at most ``limit`` bytes)."""
    return decode_utf8(read_bytes_file(path, limit), path)


def read_stdin_text(limit: int = CORPUS_LIMIT, stream: BinaryIO | None = None) -> str:
    """Standard input as UTF-8 text, at most ``limit`` bytes (reported as ``-``)."""
    source = stream if stream is not None else getattr(sys.stdin, "buffer", None)
    if source is None:  # stdin replaced by a text stream (tests, embedding): no bytes to check
        text = sys.stdin.read(limit + 1)
        if len(text) > limit:
            raise FileReadError("-", t("files.too_big", limit=_size(limit)))
        return text
    try:
        data = _read_bounded(source, limit, "-")
    except OSError as error:
        raise FileReadError("-", t("files.unreadable", reason=_reason(error))) from None
    return decode_utf8(data, "-")


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _size(limit: int) -> str:
    return f"{limit / MB:g} MB" if limit >= MB else f"{limit:,} bytes"
