"""Command line: the TUI by default, sub-commands for scripting.

Each ``studyllm_tui/cli/<name>.py`` module defines ``register(subparsers)``; every module
there is found and registered, so a new sub-command is one new module. Sub-command modules
import their heavy work inside the function that runs it.

Errors are one line on stderr in the UI language, never a traceback: usage errors exit with 2
(:class:`~studyllm_tui.cli._args.CliParser`), everything a command raises with 1
(:func:`run_command`).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path

from studyllm_tui import __version__, cli
from studyllm_tui.cli._args import (
    CliParser,
    early_config_path,
    early_language,
    model_override_arg,
    speak_argparse_in_ui_language,
)
from studyllm_tui.cli._output import fail, warn
from studyllm_tui.core import paths
from studyllm_tui.core.config import LANGUAGES, Config, load_config
from studyllm_tui.core.i18n import set_language, t
from studyllm_tui.core.problems import Problem


def build_parser() -> argparse.ArgumentParser:
    parser = CliParser(prog="studyllm-tui", description=t("cli.description"))
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help=t("cli.argparse_version"),
    )
    parser.add_argument("--lang", choices=LANGUAGES, help=t("cli.help_lang"))
    parser.add_argument(
        "--config", type=Path, metavar="PATH", help=t("cli.help_config", path=paths.config_file())
    )
    parser.add_argument(
        "--model",
        dest="model_overrides",
        action="append",
        default=[],
        type=model_override_arg,
        metavar="TASK=ID_OR_PATH",
        help=t("cli.help_model"),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(cli.__path__), key=lambda m: m.name):
        if not module_info.name.startswith("_"):
            module = importlib.import_module(f"{cli.__name__}.{module_info.name}")
            module.register(subparsers)
    return parser


def load_settings(args: argparse.Namespace) -> tuple[Config, list[Problem]]:
    """The config file's settings, then the command line's on top."""
    config, problems = load_config(args.config or paths.config_file())
    if args.lang:
        config.lang = args.lang
    set_language(config.lang)
    if args.config and not args.config.exists():
        problems.append(Problem(args.config, 0, t("cli.config_missing")))
    for item in args.model_overrides:
        task, sep, model = item.partition("=")
        if not sep or not task or not model:
            problems.append(Problem(Path("--model"), 0, t("cli.err_model_override", value=item)))
            continue
        config.models[task.strip()] = model.strip()
    return config, problems


def _set_early_language(argv: list[str]) -> None:
    """Speak the UI language from the start, so that usage errors and --help use it too."""
    config_path = early_config_path(argv)
    lang = "ja"
    try:
        config, _ = load_config(Path(config_path) if config_path else paths.config_file())
        lang = config.lang
    except Exception:  # a config that cannot be read is reported once parsing is done
        pass
    set_language(early_language(argv, lang if lang in LANGUAGES else "ja"))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _set_early_language(argv)
    speak_argparse_in_ui_language()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        config, problems = load_settings(args)
        from studyllm_tui.app import StudyApp

        StudyApp(config, problems).run()
        return 0
    return run_command(args)


def run_command(args: argparse.Namespace) -> int:
    """Run the chosen sub-command; whatever it raises becomes one line on stderr."""
    try:
        config, problems = load_settings(args)
        for problem in problems:
            warn(problem)
        return int(args.func(args, config) or 0)
    except KeyboardInterrupt:
        return fail(t("cli.interrupted"), 130)
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except Exception as error:
        return fail(error_line(error))


def error_line(error: BaseException) -> str:
    """The one line that tells the person what went wrong.

    Exceptions defined by the app carry a message written for the person; others get their
    kind and first line, in a sentence of the UI language.
    """
    from studyllm_tui.core.jobs import Cancelled

    if isinstance(error, Cancelled):
        return t("cli.cancelled")
    if isinstance(error, UnicodeDecodeError):
        return t("cli.err_not_utf8_input", byte=error.object[error.start : error.start + 1].hex())
    if isinstance(error, OSError) and error.strerror:
        if error.filename is not None:
            return t("cli.err_os_file", file=error.filename, reason=error.strerror)
        return t("cli.err_os", reason=error.strerror)
    if isinstance(error, MemoryError):
        return t("cli.err_memory")
    own = any(cls.__module__.startswith("studyllm_tui.") for cls in type(error).__mro__)
    lines = str(error).strip().splitlines()
    if own and lines:
        return " ".join(line.strip() for line in lines)
    detail = lines[0][:300] if lines else ""
    return t("cli.err_unexpected", kind=type(error).__name__, detail=detail)


def _silence_stdout() -> None:
    """After a closed pipe (``| head``), let the interpreter's final flush find nowhere to fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
