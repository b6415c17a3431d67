"""Export and import of study progress: JSON (everything) and a TSV that Anki imports."""

from __future__ import annotations

import html
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from studyllm_tui.core.study.cards import CardSpec
from studyllm_tui.core.study.store import Store, parse_stamp, stamp

FORMAT = "studyllm-tui-study"
FORMAT_VERSION = 1
ANKI_SUFFIXES = (".tsv", ".txt")


class ExchangeError(Exception):
    """A file that cannot be exported to or imported from; the message says why."""


@dataclass(frozen=True)
class ImportSummary:
    cards_added: int = 0
    cards_updated: int = 0
    reviews_added: int = 0
    notes: int = 0
    bookmarks: int = 0


def _write_atomically(path: Path, text: str) -> None:
    path = path.expanduser()
    if path.is_dir():
        raise ExchangeError(f"{path} is a folder; give a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as error:
        raise ExchangeError(f"cannot write {path}: {error.strerror or error}") from error


def _row_dict(row: sqlite3.Row, skip: str = "") -> dict[str, Any]:
    return {key: value for key, value in zip(row.keys(), tuple(row), strict=True) if key != skip}


def export_data(store: Store, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(timezone.utc)
    cards = store.db.execute("SELECT * FROM cards ORDER BY card_id").fetchall()
    reviews = store.db.execute("SELECT * FROM reviews ORDER BY reviewed_at, id").fetchall()
    bookmarks = store.db.execute("SELECT * FROM bookmarks ORDER BY term_id").fetchall()
    notes = store.db.execute("SELECT * FROM notes ORDER BY term_id").fetchall()
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": stamp(now),
        "cards": [_row_dict(row) for row in cards],
        "reviews": [_row_dict(row, skip="id") for row in reviews],
        "bookmarks": [_row_dict(row) for row in bookmarks],
        "notes": [_row_dict(row) for row in notes],
    }


def export_json(store: Store, path: Path, now: datetime | None = None) -> dict[str, int]:
    data = export_data(store, now)
    _write_atomically(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return {key: len(data[key]) for key in ("cards", "reviews", "bookmarks", "notes")}


_CARD_FIELDS = {
    "card_id": str,
    "state": int,
    "due": str,
    "first_review": str,
}
_REVIEW_FIELDS = {"card_id": str, "rating": int, "reviewed_at": str}


def _check_rows(data: dict[str, Any], key: str, required: dict[str, type]) -> list[dict[str, Any]]:
    rows = data.get(key, [])
    if not isinstance(rows, list):
        raise ExchangeError(f"`{key}` must be a list")
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ExchangeError(f"{key}[{index}] must be an object")
        for name, kind in required.items():
            if not isinstance(row.get(name), kind):
                raise ExchangeError(f"{key}[{index}].{name} is missing or not {kind.__name__}")
        for name in ("due", "first_review", "last_review", "reviewed_at", "updated", "created"):
            value = row.get(name)
            if isinstance(value, str):
                try:
                    parse_stamp(value)
                except ValueError as error:
                    raise ExchangeError(f"{key}[{index}].{name}: not a date ({value!r})") from error
    return rows


def import_json(store: Store, path: Path) -> ImportSummary:
    """Merge an export into the database: newer card states win, reviews are not doubled."""
    try:
        data = json.loads(path.expanduser().read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ExchangeError(f"{path}: no such file") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ExchangeError(f"{path}: cannot be read ({error})") from error
    except json.JSONDecodeError as error:
        raise ExchangeError(f"{path}:{error.lineno}: not valid JSON ({error.msg})") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ExchangeError(f"{path}: not a studyllm-tui study export (expected format {FORMAT!r})")
    if not isinstance(data.get("version"), int) or data["version"] > FORMAT_VERSION:
        raise ExchangeError(f"{path}: export version {data.get('version')!r} is not supported")
    cards = _check_rows(data, "cards", _CARD_FIELDS)
    reviews = _check_rows(data, "reviews", _REVIEW_FIELDS)
    bookmarks = _check_rows(data, "bookmarks", {"term_id": str})
    notes = _check_rows(data, "notes", {"term_id": str, "text": str})
    added = updated = reviews_added = 0
    existing = store.cards()
    with store.transaction() as db:
        for row in cards:
            current = existing.get(row["card_id"])
            raw_last = row.get("last_review")
            incoming_last = stamp(parse_stamp(raw_last)) if isinstance(raw_last, str) else ""
            if current is not None:
                current_last = stamp(current.card.last_review) if current.card.last_review else ""
                if incoming_last <= current_last:
                    continue
                updated += 1
            else:
                added += 1
            db.execute(
                """
                INSERT OR REPLACE INTO cards (card_id, state, step, stability, difficulty, due,
                                              last_review, first_review, reps, lapses)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    row["card_id"],
                    row["state"],
                    row.get("step"),
                    row.get("stability"),
                    row.get("difficulty"),
                    stamp(parse_stamp(row["due"])),
                    incoming_last or None,
                    stamp(parse_stamp(row["first_review"])),
                    int(row.get("reps") or 0),
                    int(row.get("lapses") or 0),
                ),
            )
        for row in reviews:
            when = stamp(parse_stamp(row["reviewed_at"]))
            seen = db.execute(
                "SELECT 1 FROM reviews WHERE card_id = ? AND reviewed_at = ? AND rating = ?",
                (row["card_id"], when, row["rating"]),
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
                    row["card_id"],
                    row["rating"],
                    when,
                    row.get("duration_ms"),
                    row.get("state_before"),
                    row.get("due_after"),
                ),
            )
            reviews_added += 1
        for row in bookmarks:
            db.execute(
                "INSERT OR IGNORE INTO bookmarks (term_id, created) VALUES (?, ?)",
                (row["term_id"], row.get("created") or stamp(datetime.now(timezone.utc))),
            )
        for row in notes:
            updated_at = row.get("updated") or stamp(datetime.now(timezone.utc))
            db.execute(
                """
                INSERT INTO notes (term_id, text, updated) VALUES (?, ?, ?)
                ON CONFLICT(term_id) DO UPDATE SET text = excluded.text,
                    updated = excluded.updated
                WHERE excluded.updated > notes.updated
                """,
                (row["term_id"], row["text"], updated_at),
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


def export_anki_tsv(cards: list[CardSpec], path: Path) -> int:
    """A tab-separated file that Anki (2.1.54+) imports as Basic notes with tags."""
    lines = ["#separator:tab", "#html:true", "#tags column:3"]
    for front, back, tags in anki_rows(cards):
        lines.append("\t".join((_anki_field(front), _anki_field(back), tags)))
    _write_atomically(path, "\n".join(lines) + "\n")
    return len(cards)


def is_anki_path(path: Path) -> bool:
    return path.suffix.lower() in ANKI_SUFFIXES
