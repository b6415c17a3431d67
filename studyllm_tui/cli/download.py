"""``studyllm-tui download [TASK ...] [--all]``: fetch task models into the HF cache."""

from __future__ import annotations

import argparse
import sys
import threading

from studyllm_tui.cli import fail
from studyllm_tui.core.config import Config
from studyllm_tui.core.models.registry import TASKS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "download", help="download task models into the Hugging Face cache"
    )
    parser.add_argument("tasks", nargs="*", metavar="TASK", help=", ".join(TASKS))
    parser.add_argument("--all", action="store_true", help="every task's model")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core import hub
    from studyllm_tui.core.jobs import Cancelled, Progress

    tasks = list(TASKS) if args.all else list(dict.fromkeys(args.tasks))
    if not tasks:
        return fail("name the tasks to download (e.g. `download sentiment ner`) or give --all")
    unknown = [task for task in tasks if task not in TASKS]
    if unknown:
        return fail(f"unknown task {unknown[0]!r}; choose from {', '.join(TASKS)}")
    models = list(dict.fromkeys(config.models.get(task) or TASKS[task].model for task in tasks))
    cancel = threading.Event()
    failures = 0
    for model in models:
        if hub.looks_like_path(model):
            print(f"{model}: a local folder, nothing to download")
            continue
        if hub.is_cached(model):
            print(f"{model}: already in the cache ({hub.cached_path(model)})")
            continue

        def report(progress: Progress, model: str = model) -> None:
            fraction = progress.fraction
            percent = f"{fraction * 100:5.1f}%" if fraction is not None else "     "
            line = f"{model}: {progress.stage} {percent} {progress.detail}"
            end = "\r" if sys.stderr.isatty() else "\n"
            sys.stderr.write(line[:110].ljust(110) + end if end == "\r" else line + end)
            sys.stderr.flush()

        try:
            folder = hub.resolve(model, progress=report, cancel=cancel, context="download")
        except hub.ModelNotAvailable as error:
            if sys.stderr.isatty():
                sys.stderr.write("\n")
            failures += 1
            fail(str(error))
            continue
        except (Cancelled, KeyboardInterrupt):
            cancel.set()
            return fail("download cancelled; run the command again to resume")
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        print(f"{model}: {folder}")
    return 1 if failures else 0
