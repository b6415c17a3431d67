"""Command line: the TUI by default, sub-commands for scripting.

Each ``studyllm_tui/cli/<name>.py`` module defines ``register(subparsers)``; every module
there is found and registered, so a new sub-command is one new module. Sub-command modules
import their heavy work inside the function that runs it.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from studyllm_tui import __version__, cli
from studyllm_tui.core import paths
from studyllm_tui.core.config import LANGUAGES, Config, load_config
from studyllm_tui.core.i18n import set_language
from studyllm_tui.core.problems import Problem


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studyllm-tui",
        description="Study large language models the way 大規模言語モデル入門 teaches them.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, help="UI language (default: config, else ja)")
    parser.add_argument(
        "--config", type=Path, metavar="PATH", help=f"config file (default: {paths.config_file()})"
    )
    parser.add_argument(
        "--model",
        dest="model_overrides",
        action="append",
        default=[],
        metavar="TASK=ID_OR_PATH",
        help="use another model for a task (Hub id or local folder); may repeat",
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
    if args.config and not args.config.exists():
        problems.append(Problem(args.config, 0, "no such file; using defaults"))
    if args.lang:
        config.lang = args.lang
    for item in args.model_overrides:
        task, sep, model = item.partition("=")
        if not sep or not task or not model:
            problems.append(Problem(Path("--model"), 0, f"expected TASK=ID_OR_PATH, got {item!r}"))
            continue
        config.models[task] = model
    set_language(config.lang)
    return config, problems


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    config, problems = load_settings(args)
    if args.command is None:
        from studyllm_tui.app import StudyApp

        StudyApp(config, problems).run()
        return 0
    for problem in problems:
        print(f"studyllm-tui: {problem}", file=sys.stderr)
    try:
        return int(args.func(args, config) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
