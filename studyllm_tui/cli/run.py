"""``studyllm-tui run TASK [--model ID_OR_PATH] [--json] INPUT...``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from studyllm_tui.cli import fail, print_json
from studyllm_tui.core.config import Config
from studyllm_tui.core.models.registry import TASKS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run a task's model on text",
        description="Run one of the book's task models. nli and sts take two inputs, embed "
        "two or more, the others one.",
    )
    parser.add_argument("task", metavar="TASK", choices=list(TASKS), help=", ".join(TASKS))
    parser.add_argument(
        "--model", dest="model", metavar="ID_OR_PATH", help="Hub id or local model folder"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("inputs", nargs="+", metavar="INPUT")
    parser.set_defaults(func=run)


def _progress_printer() -> Any:
    from studyllm_tui.core.jobs import Progress

    interactive = sys.stderr.isatty()
    last = [""]

    def report(progress: Progress) -> None:
        if not interactive:
            return
        fraction = progress.fraction
        percent = f" {fraction * 100:5.1f}%" if fraction is not None else ""
        line = f"\r{progress.stage}{percent} {progress.detail}"[:100]
        if line != last[0]:
            sys.stderr.write(line.ljust(100))
            sys.stderr.flush()
            last[0] = line

    return report


def _text(task: str, data: dict[str, Any]) -> str:
    if task in ("sentiment", "nli"):
        lines = [f"label: {data['label']}"]
        lines += [f"  {label:<14} {score:.4f}" for label, score in data["scores"].items()]
        return "\n".join(lines)
    if task == "sts":
        return f"score: {data['score']:.4f}  (0 = unrelated … 5 = same meaning)"
    if task == "embed":
        return "\n".join(" ".join(f"{v:6.3f}" for v in row) for row in data["similarity"])
    if task == "ner":
        if not data["entities"]:
            return "(no entities)"
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
    from studyllm_tui.core.models.manager import ModelLoadError
    from studyllm_tui.core.models.runners import TaskInputError, run_task

    progress = _progress_printer()
    try:
        data = run_task(
            args.task, list(args.inputs), config=config, model=args.model, progress=progress
        )
    except (ModelNotAvailable, ModelLoadError, TaskInputError) as error:
        _clear_progress()
        return fail(str(error))
    except Cancelled:
        _clear_progress()
        return fail("cancelled")
    except Exception as error:  # a model that breaks at run time: one line, no traceback
        _clear_progress()
        return fail(f"{args.task} failed: {type(error).__name__}: {str(error).strip()[:300]}")
    _clear_progress()
    if args.json:
        print_json(data)
    else:
        print(_text(args.task, data))
    return 0


def _clear_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r" + " " * 100 + "\r")
        sys.stderr.flush()
