"""``studyllm-tui run TASK [--model ID_OR_PATH] [--json] INPUT...``."""

from __future__ import annotations

import argparse
from typing import Any

from studyllm_tui.cli import fail, out, print_json
from studyllm_tui.cli._args import text_arg
from studyllm_tui.cli._output import ProgressLine
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import t
from studyllm_tui.core.models.registry import TASKS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help=t("cli.help_run"), description=t("cli.help_run_description")
    )
    parser.add_argument("task", metavar="TASK", choices=list(TASKS), help=", ".join(TASKS))
    parser.add_argument(
        "--model", dest="model", metavar="ID_OR_PATH", type=text_arg, help=t("cli.help_run_model")
    )
    parser.add_argument("--json", action="store_true", help=t("cli.help_json"))
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", type=text_arg, help=t("cli.help_run_inputs")
    )
    parser.set_defaults(func=run)


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

    progress = ProgressLine()
    try:
        data = run_task(
            args.task, list(args.inputs), config=config, model=args.model, progress=progress
        )
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
