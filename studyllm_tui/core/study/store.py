"""The study database: SQLite in the user's data folder, in WAL mode.

Every answer is one committed transaction (card state + review log) before the caller goes
on. The schema carries a version (``PRAGMA user_version``) and is migrated step by step
(schema.py). A file that is not a readable database is moved aside, never deleted, and a fresh
one started.
"""

from __future__ import annotations

import contextlib
import copy
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from fsrs import Card, Rating, Scheduler, State

from studyllm_tui.core.study.schema import StoreError, prepare_database


@dataclass(frozen=True)
class Recovery:
    """A database that could not be opened and was moved aside."""

    original: Path
    moved_to: Path
    reason: str


@dataclass(frozen=True)
class CardRow:
    card_id: str
    card: Card
    first_review: datetime
    reps: int
    lapses: int


@dataclass(frozen=True)
class ReviewRow:
    card_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int | None
    state_before: int | None


def utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(timezone.utc)


def stamp(moment: datetime) -> str:
    """A UTC time as fixed-width ISO text, so that text order is time order."""
    return utc(moment).isoformat(timespec="microseconds")


def parse_stamp(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def local_day(moment: datetime) -> date:
    """The calendar day of ``moment`` on this computer's clock."""
    return moment.astimezone().date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC start and end of a local calendar day."""
    start = datetime(day.year, day.month, day.day).astimezone()
    return utc(start), utc(start + timedelta(days=1))


def make_scheduler(fuzz: bool = True) -> Scheduler:
    return Scheduler(enable_fuzzing=fuzz)


class Store:
    """One open study database. Use :func:`open_store` to open one safely."""

    def __init__(self, db: sqlite3.Connection, path: Path, scheduler: Scheduler) -> None:
        self.db = db
        self.path = path
        self.scheduler = scheduler
        # Previews show the interval without random fuzz (the real answer may add a little).
        self._preview_scheduler = copy.copy(scheduler)
        self._preview_scheduler.enable_fuzzing = False

    # -- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, committed (durably) when the block ends."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    # -- cards and reviews --------------------------------------------------------------

    def _row_to_card(self, row: sqlite3.Row) -> CardRow:
        card = Card(
            card_id=0,
            state=State(int(row["state"])),
            step=row["step"],
            stability=row["stability"],
            difficulty=row["difficulty"],
            due=parse_stamp(row["due"]),
            last_review=parse_stamp(row["last_review"]) if row["last_review"] else None,
        )
        return CardRow(
            card_id=row["card_id"],
            card=card,
            first_review=parse_stamp(row["first_review"]),
            reps=int(row["reps"]),
            lapses=int(row["lapses"]),
        )

    def card(self, card_id: str) -> CardRow | None:
        row = self.db.execute("SELECT * FROM cards WHERE card_id = ?", (card_id,)).fetchone()
        return self._row_to_card(row) if row else None

    def cards(self) -> dict[str, CardRow]:
        rows = self.db.execute("SELECT * FROM cards").fetchall()
        return {row["card_id"]: self._row_to_card(row) for row in rows}

    def preview(self, card_id: str, now: datetime) -> dict[Rating, timedelta]:
        """How long until the card is due again after each rating (nothing is saved)."""
        current = self.card(card_id)
        card = current.card if current else Card(card_id=0, due=utc(now))
        return {
            rating: self._preview_scheduler.review_card(card, rating, utc(now))[0].due - utc(now)
            for rating in Rating
        }

    def record_review(
        self, card_id: str, rating: Rating, now: datetime, duration_ms: int | None = None
    ) -> CardRow:
        """Schedule the card with fsrs and commit the new state and the review log."""
        now = utc(now)
        current = self.card(card_id)
        card = current.card if current else Card(card_id=0, due=now)
        state_before = int(card.state) if current else 0
        new_card, _log = self.scheduler.review_card(card, rating, now, duration_ms)
        first = current.first_review if current else now
        reps = (current.reps if current else 0) + 1
        lapses = (current.lapses if current else 0) + (
            1 if rating == Rating.Again and card.state == State.Review else 0
        )
        with self.transaction() as db:
            db.execute(
                """
                INSERT INTO cards (card_id, state, step, stability, difficulty, due,
                                   last_review, first_review, reps, lapses)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(card_id) DO UPDATE SET state = excluded.state,
                    step = excluded.step, stability = excluded.stability,
                    difficulty = excluded.difficulty, due = excluded.due,
                    last_review = excluded.last_review, reps = excluded.reps,
                    lapses = excluded.lapses
                """,
                (
                    card_id,
                    int(new_card.state),
                    new_card.step,
                    new_card.stability,
                    new_card.difficulty,
                    stamp(new_card.due),
                    stamp(now),
                    stamp(first),
                    reps,
                    lapses,
                ),
            )
            db.execute(
                """
                INSERT INTO reviews (card_id, rating, reviewed_at, duration_ms, state_before,
                                     due_after)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                (card_id, int(rating), stamp(now), duration_ms, state_before, stamp(new_card.due)),
            )
        return CardRow(card_id, new_card, first, reps, lapses)

    def reviews(self, since: datetime | None = None) -> list[ReviewRow]:
        query = "SELECT * FROM reviews"
        params: tuple[str, ...] = ()
        if since is not None:
            query += " WHERE reviewed_at >= ?"
            params = (stamp(since),)
        rows = self.db.execute(query + " ORDER BY reviewed_at, id", params).fetchall()
        return [
            ReviewRow(
                row["card_id"],
                int(row["rating"]),
                parse_stamp(row["reviewed_at"]),
                row["duration_ms"],
                row["state_before"],
            )
            for row in rows
        ]

    def introduced_on(self, day: date) -> int:
        """How many cards were seen for the first time on a local day."""
        start, end = day_bounds(day)
        row = self.db.execute(
            "SELECT COUNT(*) FROM cards WHERE first_review >= ? AND first_review < ?",
            (stamp(start), stamp(end)),
        ).fetchone()
        return int(row[0])

    def reviewed_on(self, day: date) -> int:
        start, end = day_bounds(day)
        row = self.db.execute(
            "SELECT COUNT(*) FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ?",
            (stamp(start), stamp(end)),
        ).fetchone()
        return int(row[0])

    # -- bookmarks and notes ------------------------------------------------------------

    def is_bookmarked(self, term_id: str) -> bool:
        row = self.db.execute("SELECT 1 FROM bookmarks WHERE term_id = ?", (term_id,)).fetchone()
        return row is not None

    def bookmarks(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT term_id FROM bookmarks")}

    def set_bookmark(self, term_id: str, on: bool, now: datetime | None = None) -> None:
        now = now or datetime.now(timezone.utc)
        with self.transaction() as db:
            if on:
                db.execute(
                    "INSERT OR IGNORE INTO bookmarks (term_id, created) VALUES (?, ?)",
                    (term_id, stamp(now)),
                )
            else:
                db.execute("DELETE FROM bookmarks WHERE term_id = ?", (term_id,))

    def note(self, term_id: str) -> str:
        row = self.db.execute("SELECT text FROM notes WHERE term_id = ?", (term_id,)).fetchone()
        return str(row[0]) if row else ""

    def notes(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self.db.execute("SELECT term_id, text FROM notes")}

    def set_note(self, term_id: str, text: str, now: datetime | None = None) -> None:
        """Save a note; an empty (or blank) note is removed."""
        now = now or datetime.now(timezone.utc)
        with self.transaction() as db:
            if text.strip():
                db.execute(
                    """
                    INSERT INTO notes (term_id, text, updated) VALUES (?, ?, ?)
                    ON CONFLICT(term_id) DO UPDATE SET text = excluded.text,
                        updated = excluded.updated
                    """,
                    (term_id, text, stamp(now)),
                )
            else:
                db.execute("DELETE FROM notes WHERE term_id = ?", (term_id,))


# -- opening ---------------------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
    db.row_factory = sqlite3.Row
    return db


def _aside_name(path: Path, now: datetime) -> Path:
    base = f"{path.name}.broken-{now.astimezone().strftime('%Y%m%d-%H%M%S')}"
    candidate = path.with_name(base)
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = path.with_name(f"{base}-{counter}")
    return candidate


def _move_aside(path: Path, now: datetime) -> Path:
    moved_to = _aside_name(path, now)
    os.replace(path, moved_to)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, moved_to.with_name(moved_to.name + suffix))
    return moved_to


def open_store(
    path: Path, *, scheduler: Scheduler | None = None, now: datetime | None = None
) -> tuple[Store, Recovery | None]:
    """Open (or create) the database at ``path``.

    A file that cannot be opened as a study database is renamed to
    ``<name>.broken-<time>`` and a fresh database is started; the returned
    :class:`Recovery` names both files. A database from a newer version raises
    :class:`StoreError` and is left untouched.
    """
    scheduler = scheduler or make_scheduler()
    path.parent.mkdir(parents=True, exist_ok=True)
    recovery = None
    db = _connect(path)
    try:
        prepare_database(db, path)
    except StoreError:
        db.close()
        raise
    except sqlite3.DatabaseError as error:
        db.close()
        moved_to = _move_aside(path, now or datetime.now(timezone.utc))
        recovery = Recovery(original=path, moved_to=moved_to, reason=str(error))
        db = _connect(path)
        prepare_database(db, path)
    return Store(db, path, scheduler), recovery
