"""``studyllm-tui download [TASK ...] [--all]``: fetch task models into the HF cache."""

from __future__ import annotations

import argparse
import threading

from studyllm_tui.cli import fail, out
from studyllm_tui.cli._output import ProgressLine
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import t
from studyllm_tui.core.models.registry import TASKS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("download", help=t("cli.help_download"))
    parser.add_argument("tasks", nargs="*", metavar="TASK", help=", ".join(TASKS))
    parser.add_argument("--all", action="store_true", help=t("cli.help_download_all"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core import hub
    from studyllm_tui.core.jobs import Cancelled

    tasks = list(TASKS) if args.all else list(dict.fromkeys(args.tasks))
    if not tasks:
        return fail(t("cli.download_name_tasks"), 2)
    unknown = [task for task in tasks if task not in TASKS]
    if unknown:
        return fail(t("cli.err_unknown_task", task=unknown[0], choices=", ".join(TASKS)), 2)
    models = list(dict.fromkeys(config.models.get(task) or TASKS[task].model for task in tasks))
    cancel = threading.Event()
    failures = 0
    for model in models:
        if hub.looks_like_path(model):
            out(t("cli.download_local_folder", model=model))
            continue
        if hub.is_cached(model):
            out(t("cli.download_cached", model=model, folder=hub.cached_path(model)))
            continue
        if not hub.hub_reachable():
            # Not hub's advice ("run studyllm-tui download"): this is that command.
            failures += 1
            fail(t("cli.download_offline", model=model, cache=hub.hub_cache_dir()))
            continue
        progress = ProgressLine(model)
        try:
            folder = hub.resolve(model, progress=progress, cancel=cancel, context="download")
        except hub.ModelNotAvailable as error:
            progress.clear()
            failures += 1
            fail(error)
            continue
        except (Cancelled, KeyboardInterrupt):
            cancel.set()
            progress.clear()
            return fail(t("cli.download_cancelled"))
        progress.clear()
        out(f"{model}: {folder}")
    return 1 if failures else 0
