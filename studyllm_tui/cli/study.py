"""``studyllm-tui study due|stats|export|import``."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from studyllm_tui.cli import fail, print_json
from studyllm_tui.core.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("study", help="spaced repetition: what is due, statistics, backups")
    commands = parser.add_subparsers(dest="study_command", metavar="ACTION", required=True)

    due = commands.add_parser("due", help="the cards due now and today's new cards")
    due.add_argument("--json", action="store_true", help="print JSON")
    due.set_defaults(func=run_due)

    stats = commands.add_parser("stats", help="reviews per day, retention, due forecast")
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(func=run_stats)

    export = commands.add_parser(
        "export", help="write progress, bookmarks and notes to FILE (.json; .tsv for Anki)"
    )
    export.add_argument("file", type=Path, metavar="FILE")
    export.add_argument(
        "--format",
        choices=("json", "anki"),
        help="json (everything, re-importable) or anki (cards as TSV); default from the suffix",
    )
    export.set_defaults(func=run_export)

    importer = commands.add_parser("import", help="merge a JSON export into the database")
    importer.add_argument("file", type=Path, metavar="FILE")
    importer.set_defaults(func=run_import)


def _open() -> Any:
    """The study store, reporting on stderr a database that had to be moved aside."""
    from studyllm_tui.core.study import default_store, take_recovery
    from studyllm_tui.core.study.store import StoreError

    try:
        store = default_store()
    except (StoreError, OSError) as error:
        raise SystemExit(fail(f"cannot open the study database: {error}")) from error
    recovery = take_recovery()
    if recovery is not None:
        print(
            f"studyllm-tui: the study database {recovery.original} could not be opened "
            f"({recovery.reason}); it was moved to {recovery.moved_to} and a fresh one started",
            file=sys.stderr,
        )
    return store


def _cards(config: Config) -> list[Any]:
    from studyllm_tui.core.glossary import load_glossary
    from studyllm_tui.core.study import generate_cards

    return generate_cards(load_glossary(), config.lang)


def run_due(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.study import build_queue

    store = _open()
    now = datetime.now(timezone.utc)
    specs = _cards(config)
    queue = build_queue(specs, store, now, config.study.new_per_day)
    rows = store.cards()
    due = [
        {
            "card_id": spec.id,
            "kind": spec.kind,
            "term_id": spec.term_id,
            "category": spec.category,
            "due": rows[spec.id].card.due.isoformat() if spec.id in rows else None,
            "prompt": spec.prompt,
        }
        for spec in queue.due
    ]
    if args.json:
        print_json(
            {
                "now": now.isoformat(),
                "due_count": len(due),
                "due": due,
                "new_today": len(queue.new),
                "new_per_day": config.study.new_per_day,
                "next_due": queue.next_due.isoformat() if queue.next_due else None,
            }
        )
        return 0
    print(f"{len(due)} card(s) due now, {len(queue.new)} new card(s) left for today")
    for spec in queue.due:
        row = rows.get(spec.id)
        when = row.card.due.astimezone().strftime("%Y-%m-%d %H:%M") if row else ""
        first_line = spec.prompt.splitlines()[0] if spec.prompt else ""
        print(f"  {when}  {spec.id:<40} {first_line}")
    if not due and queue.next_due is not None:
        print(f"next card due {queue.next_due.astimezone().strftime('%Y-%m-%d %H:%M')}")
    return 0


def run_stats(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.study.stats import bar_chart, compute_stats, day_label

    stats = compute_stats(_open(), datetime.now(timezone.utc))
    if args.json:
        print_json(stats.as_json())
        return 0
    retention = "—" if stats.retention is None else f"{stats.retention:.0%}"
    print(f"answered today {stats.reviews_today}, new today {stats.new_today}, due now {stats.due_now}")
    print(f"cards studied {stats.cards_seen}, answers {stats.reviews_total}, streak {stats.streak_days} day(s)")
    print(f"retention (30 days, review cards): {retention} of {stats.retention_reviews}")
    for title, rows in (("answers per day", stats.per_day), ("due forecast", stats.forecast)):
        print(f"\n{title}")
        for line in bar_chart([(day_label(d, stats.today), n) for d, n in rows]):
            print(f"  {line}")
    return 0


def run_export(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.study.exchange import (
        ExchangeError,
        export_anki_tsv,
        export_json,
        is_anki_path,
    )

    fmt = args.format or ("anki" if is_anki_path(args.file) else "json")
    try:
        if fmt == "anki":
            count = export_anki_tsv(_cards(config), args.file)
            print(f"wrote {count} cards for Anki to {args.file} (File > Import in Anki)")
            return 0
        counts = export_json(_open(), args.file)
    except ExchangeError as error:
        return fail(str(error))
    print(
        f"wrote {counts['cards']} cards, {counts['reviews']} reviews, "
        f"{counts['bookmarks']} bookmarks, {counts['notes']} notes to {args.file}"
    )
    return 0


def run_import(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.study.exchange import ExchangeError, import_json, is_anki_path

    if is_anki_path(args.file):
        return fail(f"{args.file}: the TSV export is for Anki; import takes a JSON export")
    store = _open()
    try:
        summary = import_json(store, args.file)
    except ExchangeError as error:
        return fail(str(error))
    print(
        f"imported {args.file}: {summary.cards_added} new cards, {summary.cards_updated} updated, "
        f"{summary.reviews_added} reviews added, {summary.bookmarks} bookmarks, "
        f"{summary.notes} notes"
    )
    return 0
