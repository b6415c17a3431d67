"""What the command line writes: every line goes through here, made safe for the terminal.

Text the app did not write itself (model output, server answers, glossary files, paths the
user typed) may hold control characters; :func:`out` and :func:`err` show them with
:func:`~studyllm_tui.core.safetext.visible`, so no escape sequence reaches the terminal.
Bytes that are not UTF-8 (a file name or an argument read with ``surrogateescape``) are shown
as ``\\xff`` instead of failing to print. Errors are one line: :func:`fail`.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, TextIO

from studyllm_tui.core.safetext import visible

PREFIX = "studyllm-tui: "
_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters JSON leaves as they are (ensure_ascii=False) that a terminal still acts on:
# C1 controls and the bidi / line-separator characters ``visible`` shows.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"<U+{code:04X}>"


def safe(text: object, *, one_line: bool = False) -> str:
    """``text`` as it may be printed: control characters and undecodable bytes made visible."""
    shown = _SURROGATE.sub(_surrogate, str(text))
    return visible(shown, keep_newlines=not one_line)


def out(text: object = "", *, end: str = "\n", file: TextIO | None = None) -> None:
    """Print ``text`` (with control characters made visible) on stdout."""
    stream = file if file is not None else sys.stdout
    stream.write(safe(text) + end)


def err(text: object = "", *, end: str = "\n") -> None:
    """Print ``text`` (control characters made visible) on stderr."""
    sys.stderr.write(safe(text) + end)
    sys.stderr.flush()


def fail(message: object, code: int = 1) -> int:
    """Print ``studyllm-tui: message`` as one line on stderr and return ``code``."""
    sys.stderr.write(PREFIX + safe(message, one_line=True).strip() + "\n")
    sys.stderr.flush()
    return code


def warn(message: object) -> None:
    """A one-line warning on stderr (the command goes on)."""
    fail(message)


def _escape_json(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def print_json(data: Any, *, line: bool = False) -> None:
    """JSON on stdout, UTF-8 as is (Japanese stays readable), nothing a terminal acts on.

    JSON escapes C0 controls itself; C1 and bidi controls are escaped too (``\\u009b``), which
    keeps the document valid and its strings the same. ``line=True`` writes one JSON line
    (JSON Lines: an event stream) and flushes it.
    """
    text = json.dumps(data, ensure_ascii=False, indent=None if line else 2)
    text = _SURROGATE.sub(_escape_json, _JSON_UNSAFE.sub(_escape_json, text))
    sys.stdout.write(text + "\n")
    if line:
        sys.stdout.flush()


class ProgressLine:
    """Progress on one line of stderr, redrawn in place; only on a terminal.

    When stderr is not a terminal (a pipe, a log, a test) nothing is written, so a failing
    command still leaves exactly one line there.
    """

    WIDTH = 100

    def __init__(self, label: str = "") -> None:
        self.label = label
        self.interactive = sys.stderr.isatty()
        self.last = ""

    def __call__(self, progress: Any) -> None:
        if not self.interactive:
            return
        line = safe(self.describe(progress), one_line=True)
        line = _fit(line, self.WIDTH)
        if line != self.last:
            sys.stderr.write("\r" + line + " " * max(0, self.WIDTH - _cells(line)))
            sys.stderr.flush()
            self.last = line

    def describe(self, progress: Any) -> str:
        """The line for ``progress``: stage and part names in the UI language, as in the app."""
        from studyllm_tui.core.hub import describe_progress

        prefix = f"{self.label}: " if self.label else ""
        return prefix + describe_progress(progress)

    def clear(self) -> None:
        if self.interactive and self.last:
            sys.stderr.write("\r" + " " * self.WIDTH + "\r")
            sys.stderr.flush()
            self.last = ""


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, never through a wide character."""
    from rich.cells import set_cell_size

    return set_cell_size(text, width).rstrip() if _cells(text) > width else text
