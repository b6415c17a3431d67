"""``studyllm-tui run TASK [--model ID_OR_PATH] [--json] [OPTIONS] INPUT...``.

The options are the task panel's fields (core.models.task_options), with the same defaults.
"""

from __future__ import annotations

import argparse
from typing import Any

from studyllm_tui.cli import fail, out, print_json
from studyllm_tui.cli._args import count_arg, number_arg, text_arg
from studyllm_tui.cli._output import ProgressLine
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import t
from studyllm_tui.core.models.registry import TASKS
from studyllm_tui.core.models.task_options import (
    TASK_OPTIONS,
    TaskOption,
    out_of_range,
    resolve_options,
)

METAVARS = {
    "temperature": "T", "top_k": "K", "top_p": "P", "preset": "NAME", "pooling": "NAME", "seed": "N",
}  # fmt: skip


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help=t("cli.help_run"), description=t("cli.help_run_description")
    )
    parser.add_argument("task", metavar="TASK", choices=list(TASKS), help=", ".join(TASKS))
    parser.add_argument(
        "--model", dest="model", metavar="ID_OR_PATH", type=text_arg, help=t("cli.help_run_model")
    )
    parser.add_argument("--json", action="store_true", help=t("cli.help_json"))
    for name, options in _options_by_name().items():
        first = options[0]
        where = ", ".join(f"{task} {option.default}" for task, option in _tasks_of(name))
        parser.add_argument(
            first.flag,
            dest=f"opt_{name}",
            type=_parser_of(options),
            metavar=METAVARS.get(name, "N" if first.kind is int else "X"),
            help=f"{t(f'cli.help_run_opt_{name}')} [{where}]",
        )
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", type=text_arg, help=t("cli.help_run_inputs")
    )
    parser.set_defaults(func=run)


def _options_by_name() -> dict[str, list[TaskOption]]:
    """Each option name with its definitions across the tasks (``top_k`` is in three)."""
    found: dict[str, list[TaskOption]] = {}
    for options in TASK_OPTIONS.values():
        for option in options:
            found.setdefault(option.name, []).append(option)
    return found


def _tasks_of(name: str) -> list[tuple[str, TaskOption]]:
    return [(task, o) for task, options in TASK_OPTIONS.items() for o in options if o.name == name]


def _parser_of(options: list[TaskOption]) -> Any:
    """The widest range any task allows; :func:`_given_options` applies the task's own."""
    first = options[0]
    if first.choices:
        return _choice_arg(first.choices)
    low, high = min(o.low for o in options), max(o.high for o in options)
    return count_arg(int(low), int(high)) if first.kind is int else number_arg(low, high)


def _choice_arg(choices: tuple[str, ...]) -> Any:
    def parse(text: str) -> str:
        if text not in choices:
            raise argparse.ArgumentTypeError(
                t("cli.err_run_choice", value=text, choices=", ".join(choices))
            )
        return text

    parse.__name__ = "choice"
    return parse


def _given_options(args: argparse.Namespace) -> tuple[dict[str, Any], str | None]:
    """The options given on the command line, or a usage message when one is not the task's."""
    given = {
        name: getattr(args, f"opt_{name}")
        for name in _options_by_name()
        if getattr(args, f"opt_{name}", None) is not None
    }
    own = {option.name for option in TASK_OPTIONS.get(args.task, ())}
    for name in given:
        if name not in own:
            tasks = ", ".join(task for task, _ in _tasks_of(name))
            flag = _options_by_name()[name][0].flag
            return given, t("cli.err_run_option_task", flag=flag, tasks=tasks, task=args.task)
    return given, out_of_range(args.task, given, cli=True)


def _text(task: str, data: dict[str, Any]) -> str:
    if task in ("sentiment", "nli"):
        lines = [f"{t('cli.run_label')}: {data['label']}"]
        lines += [f"  {label:<14} {score:.4f}" for label, score in data["scores"].items()]
        return "\n".join(lines)
    if task == "sts":
        return t("cli.run_sts_score", score=f"{data['score']:.4f}")
    if task == "embed":
        return "\n".join(" ".join(f"{v:6.3f}" for v in row) for row in data["similarity"])
    if task == "ner":
        if not data["entities"]:
            return t("cli.run_no_entities")
        return "\n".join(
            f"{e['start']:>4}-{e['end']:<4} {e['type']:<10} {e['score']:.3f}  {e['text']}"
            for e in data["entities"]
        )
    if task in ("summarize", "generate"):
        return str(data["text"])
    return "\n".join(f"{c['score']:.4f}  {c['token']}" for c in data["candidates"])


def run(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.hub import ModelNotAvailable
    from studyllm_tui.core.jobs import Cancelled
    from studyllm_tui.core.models.runners import TaskInputError, run_task
    from studyllm_tui.core.models.source import ModelLoadError

    given, problem = _given_options(args)
    if problem:
        return fail(t("cli.usage_error", message=problem, prog="studyllm-tui run"), code=2)
    options = resolve_options(args.task, given)
    progress = ProgressLine()
    try:
        data = run_task(
            args.task, list(args.inputs), config=config, model=args.model, options=options,
            progress=progress,
        )  # fmt: skip
    except (ModelNotAvailable, ModelLoadError, TaskInputError) as error:
        progress.clear()
        return fail(error)
    except Cancelled:
        progress.clear()
        return fail(t("cli.cancelled"))
    except Exception as error:  # a model that breaks at run time: one line, no traceback
        progress.clear()
        detail = " ".join(str(error).split())[:300]
        return fail(t("cli.run_failed", task=args.task, kind=type(error).__name__, detail=detail))
    progress.clear()
    if args.json:
        print_json(data)
    else:
        out(_text(args.task, data))
    return 0
