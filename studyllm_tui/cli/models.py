"""``studyllm-tui models [--json]``: each task's model, whether it is cached, size, licence."""

from __future__ import annotations

import argparse
from typing import Any

from studyllm_tui.cli import out, print_json
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("models", help=t("cli.help_models"))
    parser.add_argument("--json", action="store_true", help=t("cli.help_json"))
    parser.set_defaults(func=run)


def model_rows(config: Config) -> list[dict[str, Any]]:
    from studyllm_tui.core.hub import is_cached, looks_like_path
    from studyllm_tui.core.i18n import language
    from studyllm_tui.core.models.card import availability, gguf_fields
    from studyllm_tui.core.models.registry import TASKS
    from studyllm_tui.core.models.source import local_folder, weights_format

    rows = []
    for task, spec in TASKS.items():
        model = config.models.get(task) or spec.model
        default = model == spec.model
        cached = is_cached(model)
        folder = local_folder(model) if cached else None
        state = availability(model)
        gguf = gguf_fields(model)
        rows.append(
            {
                "task": task,
                "title": spec.text("title", language()),
                "model": model,
                "default": default,
                "local_folder": looks_like_path(model),
                "cached": cached,
                "weights": weights_format(folder) if folder is not None else None,
                "state": state.state,
                "state_text": state.text,
                "gguf": gguf,
                "size_bytes": spec.size_bytes if default else gguf.get("disk_bytes") if gguf else None,
                "params": spec.params if default else gguf.get("params") if gguf else None,
                "licence": spec.licence if default else None,
                "how_to_read": spec.text("how_to_read", language()),
            }
        )
    return rows


def _pad(text: str, width: int) -> str:
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def run(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.hub import format_bytes

    rows = model_rows(config)
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        state = t("cli.models_cached") if row["cached"] else t("cli.models_not_cached")
        if row["local_folder"]:
            state = t("cli.models_folder") if row["cached"] else t("cli.models_missing_folder")
        size = format_bytes(row["size_bytes"]) if row["size_bytes"] else "?"
        licence = row["licence"] or t("cli.models_see_card")
        line = f"{_pad(row['task'], 10)} {_pad(row['model'], 55)} {_pad(state, 14)} {size:>9}  {licence}"
        out(line)
        if row["weights"] == "pickle":
            out(" " * 11 + t("tasks.pickle_only"))
        if row["gguf"]:
            out(" " * 11 + row["gguf"]["summary"])
    return 0
