"""``studyllm-tui models [--json]``: each task's model, whether it is cached, size, licence."""

from __future__ import annotations

import argparse
from typing import Any

from studyllm_tui.cli import print_json
from studyllm_tui.core.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("models", help="each task's model: cached or not, size, licence")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def model_rows(config: Config) -> list[dict[str, Any]]:
    from studyllm_tui.core.hub import is_cached, looks_like_path
    from studyllm_tui.core.i18n import language
    from studyllm_tui.core.models.card import availability, gguf_fields
    from studyllm_tui.core.models.registry import TASKS

    rows = []
    for task, spec in TASKS.items():
        model = config.models.get(task) or spec.model
        default = model == spec.model
        state = availability(model)
        gguf = gguf_fields(model)
        rows.append(
            {
                "task": task,
                "title": spec.text("title", language()),
                "model": model,
                "default": default,
                "local_folder": looks_like_path(model),
                "cached": is_cached(model),
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


def run(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.hub import format_bytes

    rows = model_rows(config)
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        cached = row["state_text"]
        size = format_bytes(row["size_bytes"]) if row["size_bytes"] else "?"
        licence = row["licence"] or "see the model card"
        print(f"{row['task']:<10} {row['model']:<55} {size:>9}  {licence}  [{cached}]")
        if row["gguf"]:
            print(f"{'':<10} {row['gguf']['summary']}")
    return 0
