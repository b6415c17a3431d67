"""Export and import of study progress: JSON (everything) and a TSV that Anki imports.

An import is checked completely before anything is written: every field of every row (rows.py),
with the first problems reported as ``FILE: cards[3].state: ...``; then it is merged in one
transaction. An export never writes through a symbolic link or onto a folder or device: it
replaces a regular file atomically (a temporary file in the same folder, then a rename).
"""

from __future__ import annotations

import html
import json
import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible
from studyllm_tui.core.study.cards import CardSpec
from studyllm_tui.core.study.rows import (
    RowCheck,
    bookmark_row,
    card_row,
    describe,
    note_row,
    review_row,
)
from studyllm_tui.core.study.schema import one_line
from studyllm_tui.core.study.store import Store, stamp

FORMAT = "studyllm-tui-study"
FORMAT_VERSION = 1
ANKI_SUFFIXES = (".tsv", ".txt")
MAX_IMPORT_BYTES = 32 * 1024 * 1024  # a year of daily study exports to a few MB
MAX_PROBLEMS_SHOWN = 5
Row = TypeVar("Row")


class ExchangeError(Exception):
    """A file that cannot be exported to or imported from; one line per problem, translated."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


@dataclass(frozen=True)
class ImportSummary:
    cards_added: int = 0
    cards_updated: int = 0
    reviews_added: int = 0
    notes: int = 0
    bookmarks: int = 0


@dataclass(frozen=True)
class Exported:
    counts: dict[str, int] = field(default_factory=dict)
    replaced: bool = False  # an existing regular file was replaced (else a new file)


def shown(path: Path) -> str:
    return visible(str(path), keep_newlines=False)


def _write_atomically(path: Path, text: str) -> bool:
    """Write ``text`` to a new or regular file; True when an existing file was replaced."""
    path = path.expanduser()
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise ExchangeError(
            t("study.export_failed", path=shown(path), error=error.strerror or error)
        ) from error
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise ExchangeError(t("study.export_symlink", path=shown(path)))
        if stat.S_ISDIR(info.st_mode):
            raise ExchangeError(t("study.export_folder", path=shown(path)))
        if not stat.S_ISREG(info.st_mode):
            raise ExchangeError(t("study.export_not_file", path=shown(path)))
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        if info is not None:  # keep the replaced file's permissions
            os.fchmod(fd, stat.S_IMODE(info.st_mode))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise ExchangeError(
            t("study.export_failed", path=shown(path), error=error.strerror or error)
        ) from error
    return info is not None


def export_data(store: Store, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(timezone.utc)
    sections = {
        "cards": "SELECT * FROM cards ORDER BY card_id",
        "reviews": "SELECT * FROM reviews ORDER BY reviewed_at, id",
        "bookmarks": "SELECT * FROM bookmarks ORDER BY term_id",
        "notes": "SELECT * FROM notes ORDER BY term_id",
    }
    data: dict[str, Any] = {"format": FORMAT, "version": FORMAT_VERSION, "exported_at": stamp(now)}
    for key, query in sections.items():
        cursor = store.db.execute(query)
        names = [column[0] for column in cursor.description]
        data[key] = [
            {name: value for name, value in zip(names, row, strict=True) if name != "id"}
            for row in cursor
        ]
    return data


def _blob(value: object) -> str:
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(type(value).__name__)


def export_json(store: Store, path: Path, now: datetime | None = None) -> Exported:
    data = export_data(store, now)
    # A BLOB left in a column by another program is written as hex (the import refuses it).
    text = json.dumps(data, ensure_ascii=False, indent=1, default=_blob)
    replaced = _write_atomically(path, text + "\n")
    counts = {key: len(data[key]) for key in ("cards", "reviews", "bookmarks", "notes")}
    return Exported(counts, replaced)


def _read_json(path: Path) -> Any:
    """The parsed file: a regular file, at most :data:`MAX_IMPORT_BYTES`, nesting bounded.

    Read through :mod:`studyllm_tui.core.files` like every file the person names.
    """
    from studyllm_tui.core.files import FileReadError, read_text_file

    where = shown(path)
    try:
        text = read_text_file(path, MAX_IMPORT_BYTES)
    except FileReadError as error:
        at = f"{where}:{error.line}" if error.line else where
        raise ExchangeError(f"{at}: {error.reason}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ExchangeError(
            t("study.import_bad_json", path=where, line=error.lineno, error=error.msg)
        ) from error
    except RecursionError as error:
        raise ExchangeError(t("study.import_too_deep", path=where)) from error
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise ExchangeError(
            t("study.import_bad_json", path=where, line="?", error=one_line(str(error), 80))
        ) from error


def _section(
    data: dict[str, Any],
    key: str,
    parse: Callable[[RowCheck], Row | None],
    problems: list[str],
) -> list[Row]:
    rows = data.get(key)
    if rows is None:
        return []
    if not isinstance(rows, list):
        problems.append(f"{key}: {t('study.import_not_list', got=describe(rows))}")
        return []
    parsed = []
    for index, row in enumerate(rows):
        where = f"{key}[{index}]"
        if not isinstance(row, dict):
            problems.append(f"{where}: {t('study.import_not_object', got=describe(row))}")
            continue
        check = RowCheck(row, where)
        values = parse(check)
        problems.extend(check.problems)
        if values is not None:
            parsed.append(values)
    return parsed


def import_json(store: Store, path: Path) -> ImportSummary:
    """Merge an export into the database: newer card states win, reviews are not doubled.

    Nothing is written unless every row of the file is valid.
    """
    path = path.expanduser()
    where = shown(path)
    data = _read_json(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ExchangeError(t("study.import_not_export", path=where, format=FORMAT))
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise ExchangeError(t("study.import_version", path=where, version=describe(version)))
    problems: list[str] = []
    cards = _section(data, "cards", card_row, problems)
    reviews = _section(data, "reviews", review_row, problems)
    bookmarks = _section(data, "bookmarks", bookmark_row, problems)
    notes = _section(data, "notes", note_row, problems)
    if problems:
        lines = [f"{where}: {problem}" for problem in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            lines.append(t("study.import_more", path=where, n=len(problems) - MAX_PROBLEMS_SHOWN))
        lines.append(t("study.import_nothing_written", path=where))
        raise ExchangeError(*lines)
    now = stamp(datetime.now(timezone.utc))
    added = updated = reviews_added = 0
    with store.transaction() as db:
        existing = store.cards()
        latest = {
            card_id: stamp(row.card.last_review) if row.card.last_review else ""
            for card_id, row in existing.items()
        }
        for card in cards:
            incoming_last = stamp(card.last_review) if card.last_review else ""
            if card.card_id in latest:
                if incoming_last <= latest[card.card_id]:
                    continue
                updated += 1
            else:
                added += 1
            latest[card.card_id] = incoming_last
            db.execute(
                """
                INSERT OR REPLACE INTO cards (card_id, state, step, stability, difficulty, due,
                                              last_review, first_review, reps, lapses)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    card.card_id,
                    card.state,
                    card.step,
                    card.stability,
                    card.difficulty,
                    stamp(card.due),
                    incoming_last or None,
                    stamp(card.first_review),
                    card.reps,
                    card.lapses,
                ),
            )
        for review in reviews:
            when = stamp(review.reviewed_at)
            seen = db.execute(
                "SELECT 1 FROM reviews WHERE card_id = ? AND reviewed_at = ? AND rating = ?",
                (review.card_id, when, review.rating),
            ).fetchone()
            if seen:
                continue
            db.execute(
                """
                INSERT INTO reviews (card_id, rating, reviewed_at, duration_ms, state_before,
                                     due_after)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                (
                    review.card_id,
                    review.rating,
                    when,
                    review.duration_ms,
                    review.state_before,
                    stamp(review.due_after) if review.due_after else None,
                ),
            )
            reviews_added += 1
        for term_id, created in bookmarks:
            db.execute(
                "INSERT OR IGNORE INTO bookmarks (term_id, created) VALUES (?, ?)",
                (term_id, stamp(created) if created else now),
            )
        for term_id, text, updated_at in notes:
            db.execute(
                """
                INSERT INTO notes (term_id, text, updated) VALUES (?, ?, ?)
                ON CONFLICT(term_id) DO UPDATE SET text = excluded.text,
                    updated = excluded.updated
                WHERE excluded.updated > notes.updated
                """,
                (term_id, text, stamp(updated_at) if updated_at else now),
            )
    return ImportSummary(added, updated, reviews_added, len(notes), len(bookmarks))


def _anki_field(text: str) -> str:
    """One TSV field for Anki with ``#html:true``: escaped, line breaks as <br>."""
    return html.escape(text).replace("\t", " ").replace("\r\n", "\n").replace("\n", "<br>")


def anki_rows(cards: list[CardSpec]) -> list[tuple[str, str, str]]:
    rows = []
    for card in cards:
        front = card.prompt
        if card.choices:
            letters = "abcdefgh"
            front += "\n" + "\n".join(
                f"{letters[i]}) {choice}" for i, choice in enumerate(card.choices)
            )
        back = card.answer + (f"\n\n{card.detail}" if card.detail else "")
        tags = f"studyllm-tui {card.kind} {card.category}"
        rows.append((front, back, tags))
    return rows


def export_anki_tsv(cards: list[CardSpec], path: Path) -> Exported:
    """A tab-separated file that Anki (2.1.54+) imports as Basic notes with tags."""
    lines = ["#separator:tab", "#html:true", "#tags column:3"]
    for front, back, tags in anki_rows(cards):
        lines.append("\t".join((_anki_field(front), _anki_field(back), tags)))
    replaced = _write_atomically(path, "\n".join(lines) + "\n")
    return Exported({"cards": len(cards)}, replaced)


def is_anki_path(path: Path) -> bool:
    return path.suffix.lower() in ANKI_SUFFIXES
