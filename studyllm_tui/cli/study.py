"""``studyllm-tui study due|stats|export|import``."""

from __future__ import annotations

import argparse
import functools
import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len

from studyllm_tui.cli import fail, out, print_json
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible

if TYPE_CHECKING:
    from studyllm_tui.core.study import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("study", help=t("cli.help_study"))
    commands = parser.add_subparsers(dest="study_command", metavar="ACTION", required=True)

    due = commands.add_parser("due", help=t("cli.help_study_due"))
    due.add_argument("--json", action="store_true", help=t("cli.help_json"))
    due.set_defaults(func=run_due)

    stats = commands.add_parser("stats", help=t("cli.help_study_stats"))
    stats.add_argument("--json", action="store_true", help=t("cli.help_json"))
    stats.set_defaults(func=run_stats)

    export = commands.add_parser("export", help=t("cli.help_study_export"))
    export.add_argument("file", type=Path, metavar="FILE", help=t("cli.help_study_export_file"))
    export.add_argument("--format", choices=("json", "anki"), help=t("cli.help_study_format"))
    export.set_defaults(func=run_export)

    importer = commands.add_parser("import", help=t("cli.help_study_import"))
    importer.add_argument("file", type=Path, metavar="FILE", help=t("cli.help_study_import_file"))
    importer.set_defaults(func=run_import)


def _guarded(run: Callable[[argparse.Namespace, Config], int]) -> Callable[..., int]:
    """Every database error of a sub-command becomes one line on stderr and exit code 1."""

    @functools.wraps(run)
    def guarded(args: argparse.Namespace, config: Config) -> int:
        from studyllm_tui.core import paths
        from studyllm_tui.core.study.exchange import ExchangeError
        from studyllm_tui.core.study.schema import StoreError, store_error

        try:
            return run(args, config)
        except ExchangeError as error:
            for line in error.lines[:-1]:
                fail(line)
            return fail(error.lines[-1] if error.lines else str(error))
        except StoreError as error:
            return fail(str(error))
        except sqlite3.Error as error:
            return fail(str(store_error(paths.study_db_file(), error)))
        except OSError as error:
            detail = visible(str(error.strerror or error), keep_newlines=False)
            return fail(t("study.store_failed", error=detail))

    return guarded


def _open() -> Store:
    """The study store; notices about how it was opened (moved aside, read-only) go to stderr."""
    from studyllm_tui.core.study import default_store, take_notices

    store = default_store()
    for notice in take_notices():
        fail(notice)
    return store


def _cards(config: Config) -> list[Any]:
    from studyllm_tui.core.glossary import load_glossary
    from studyllm_tui.core.study import generate_cards

    return generate_cards(load_glossary(), config.lang)


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


@_guarded
def run_due(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.study import build_queue

    store = _open()
    now = datetime.now(timezone.utc)
    specs = _cards(config)
    queue = build_queue(specs, store, now, config.study.new_per_day)
    rows = store.cards()
    if args.json:
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
    out(t("study.cli_due", due=len(queue.due), new=len(queue.new)))
    for spec in queue.due:
        row = rows.get(spec.id)
        when = _when(row.card.due) if row else ""
        first_line = spec.prompt.splitlines()[0] if spec.prompt else ""
        card_id = visible(spec.id, keep_newlines=False)
        out(f"  {when}  {_pad(card_id, 40)} {visible(first_line, keep_newlines=False)}")
    if not queue.due and queue.next_due is not None:
        out(t("study.next_due", when=_when(queue.next_due)))
    return 0


@_guarded
def run_stats(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.study.stats import bar_chart, compute_stats, day_label

    stats = compute_stats(_open(), datetime.now(timezone.utc))
    if args.json:
        print_json(stats.as_json())
        return 0
    retention = "—" if stats.retention is None else f"{stats.retention:.0%}"
    lines = [
        ("study.stat_reviews_today", str(stats.reviews_today)),
        ("study.stat_new_today", str(stats.new_today)),
        ("study.stat_due_now", str(stats.due_now)),
        ("study.stat_cards_seen", str(stats.cards_seen)),
        ("study.stat_reviews_total", str(stats.reviews_total)),
        ("study.stat_streak", t("study.days", n=stats.streak_days)),
        (
            "study.stat_retention",
            t(
                "study.cli_retention",
                share=retention,
                reviews=t("study.reviews_n", n=stats.retention_reviews),
            ),
        ),
    ]
    for key, value in lines:
        out(t("study.cli_stat_line", label=t(key), value=value))
    for title, rows in (("study.chart_per_day", stats.per_day), ("study.chart_forecast", stats.forecast)):
        out(f"\n{t(title)}")
        for line in bar_chart([(day_label(d, stats.today), n) for d, n in rows]):
            out(f"  {line}")
    return 0


def _how(replaced: bool) -> str:
    return t("study.export_replaced" if replaced else "study.export_created")


@_guarded
def run_export(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.study.exchange import export_anki_tsv, export_json, is_anki_path

    fmt = args.format or ("anki" if is_anki_path(args.file) else "json")
    where = visible(str(args.file), keep_newlines=False)
    if fmt == "anki":
        done = export_anki_tsv(_cards(config), args.file)
        out(
            t("study.cli_exported_anki", count=done.counts["cards"], path=where, how=_how(done.replaced))
        )
        return 0
    done = export_json(_open(), args.file)
    out(t("study.cli_exported_json", **done.counts, path=where, how=_how(done.replaced)))
    return 0


@_guarded
def run_import(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.study.exchange import import_json, is_anki_path

    where = visible(str(args.file), keep_newlines=False)
    if is_anki_path(args.file):
        return fail(t("study.import_tsv", path=where))
    summary = import_json(_open(), args.file)
    out(
        t(
            "study.cli_imported",
            path=where,
            added=summary.cards_added,
            updated=summary.cards_updated,
            reviews=summary.reviews_added,
            bookmarks=summary.bookmarks,
            notes=summary.notes,
        )
    )
    return 0
