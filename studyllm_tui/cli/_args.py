"""Argument parsing for the command line: one-line usage errors and checked argument types.

:class:`CliParser` is the parser class of the top level and of every sub-command (argparse
gives sub-parsers their parent's class): a usage error is one line on stderr in the UI
language, exit code 2. The ``*_arg`` types reject what a command could only get wrong later
(a negative ``--limit``, a number too large for C, text that is not valid UTF-8, an unknown task
in ``--model TASK=ID``) with a message naming the argument.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from studyllm_tui.core.i18n import t
from studyllm_tui.core.models.task_options import MAX_SEED

# Large enough for anything a person asks for, small enough for C code (rapidfuzz, torch).
MAX_COUNT = 1_000_000


# argparse's own words (it looks each up through ``argparse._`` when it needs it) -> catalogue key.
_ARGPARSE_WORDS = {
    "usage: ": "argparse_usage",
    "positional arguments": "argparse_positionals",
    "options": "argparse_options",
    "show this help message and exit": "argparse_help",
    "argument %(argument_name)s: %(message)s": "argparse_argument",
    "unrecognized arguments: %s": "argparse_unrecognized",
    "the following arguments are required: %s": "argparse_required",
    "expected one argument": "argparse_one",
    "expected at least one argument": "argparse_at_least_one",
    "expected at most one argument": "argparse_at_most_one",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse_choice",
    "invalid %(type)s value: %(value)r": "argparse_invalid",
    "ambiguous option: %(option)s could match %(matches)s": "argparse_ambiguous",
    "not allowed with argument %s": "argparse_not_allowed",
    "ignored explicit argument %r": "argparse_ignored",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "argparse_unknown_parser",
}


def _argparse_words(text: str) -> str:
    key = _ARGPARSE_WORDS.get(text)
    return t(f"cli.{key}") if key else text


def speak_argparse_in_ui_language() -> None:
    """Let argparse's own messages and help headings come from the catalogue too.

    argparse looks each of its phrases up through the module's ``_`` (gettext) at the moment
    it needs it; this points that at the catalogue, in the language set when it is asked.
    Phrases not in the catalogue stay as argparse writes them.
    """
    argparse._ = _argparse_words  # type: ignore[attr-defined]


class CellHelpFormatter(argparse.HelpFormatter):
    """Help wrapped in terminal cells with Japanese line-breaking rules (argparse counts len())."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        from studyllm_tui.linebreak import wrap

        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        from studyllm_tui.linebreak import wrap

        return "\n".join(indent + line for line in wrap(text, width))


class CliParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: ``studyllm-tui: MESSAGE (see PROG --help)``.

    Help is wrapped by :class:`CellHelpFormatter` (sub-parsers get it too).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", CellHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        from studyllm_tui.cli._output import safe

        line = t("cli.usage_error", message=message, prog=self.prog)
        sys.stderr.write("studyllm-tui: " + safe(line, one_line=True) + "\n")
        sys.exit(2)


def _integer(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.err_not_integer", value=text)) from None


def count_arg(minimum: int = 1, maximum: int = MAX_COUNT) -> Callable[[str], int]:
    """An integer from ``minimum`` to ``maximum`` (a count, a limit)."""

    def parse(text: str) -> int:
        value = _integer(text)
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(
                t("cli.err_out_of_range", value=text, low=minimum, high=maximum)
            )
        return value

    parse.__name__ = "count"
    return parse


def number_arg(low: float, high: float) -> Callable[[str], float]:
    """A finite number from ``low`` to ``high`` (a temperature, a learning rate, a fraction)."""

    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(t("cli.err_not_number", value=text)) from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                t("cli.err_number_out_of_range", value=text, low=low, high=high)
            )
        return value

    parse.__name__ = "number"
    return parse


positive_int = count_arg(1)
non_negative_int = count_arg(0)
seed_int = count_arg(0, MAX_SEED)


def text_arg(text: str) -> str:
    """Text given on the command line, refused when it holds bytes that are not UTF-8.

    Python hands such bytes over as lone surrogates (``surrogateescape``); no tokenizer can
    read them, and printing them fails.
    """
    bad = next((c for c in text if 0xD800 <= ord(c) <= 0xDFFF), None)
    if bad is not None:
        from studyllm_tui.cli._output import safe

        raise argparse.ArgumentTypeError(t("cli.err_not_utf8", value=safe(text, one_line=True)))
    return text


def model_override_arg(text: str) -> str:
    """``TASK=ID_OR_PATH`` for ``--model``: the task must be one of the app's tasks."""
    from studyllm_tui.core.models.registry import TASKS

    task, sep, model = text.partition("=")
    if not sep or not task.strip() or not model.strip():
        raise argparse.ArgumentTypeError(t("cli.err_model_override", value=text))
    if task.strip() not in TASKS:
        raise argparse.ArgumentTypeError(
            t("cli.err_unknown_task", task=task, choices=", ".join(TASKS))
        )
    return text_arg(text)


def early_language(argv: list[str], default: str) -> str:
    """The ``--lang`` of ``argv`` before it is parsed (usage errors speak it too), else ``default``."""
    from studyllm_tui.core.config import LANGUAGES

    for index, item in enumerate(argv):
        if item == "--":
            break
        value: Any = None
        if item == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif item.startswith("--lang="):
            value = item.partition("=")[2]
        if value in LANGUAGES:
            return str(value)
    return default


def early_config_path(argv: list[str]) -> str | None:
    """The ``--config PATH`` of ``argv`` before it is parsed, if any."""
    for index, item in enumerate(argv):
        if item == "--":
            break
        if item == "--config" and index + 1 < len(argv):
            return argv[index + 1]
        if item.startswith("--config="):
            return item.partition("=")[2]
    return None
