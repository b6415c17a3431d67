"""The study database: SQLite in the user's data folder, in WAL mode.

Every answer is one committed transaction (card state + review log) before the caller goes
on. The schema carries a version (``PRAGMA user_version``) and is migrated step by step
(schema.py); opening, locking and recovery are in opening.py. Rows are checked as they are
read (rows.py): a row holding values that would break the scheduler is skipped, not trusted.
"""

from __future__ import annotations

import contextlib
import copy
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from fsrs import Card, Rating, Scheduler, State

from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible
from studyllm_tui.core.study.rows import RowCheck, card_row, review_row
from studyllm_tui.core.study.schema import StoreError, store_error


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

    def __init__(
        self, db: sqlite3.Connection, path: Path, scheduler: Scheduler, *, read_only: bool = False
    ) -> None:
        self.db = db
        self.path = path
        self.scheduler = scheduler
        self.read_only = read_only  # opened read-only: answers, notes and bookmarks are not saved
        self.skipped: set[str] = set()  # ids of card rows whose values were refused
        self.skipped_reviews = 0
        # Previews show the interval without random fuzz (the real answer may add a little).
        self._preview_scheduler = copy.copy(scheduler)
        self._preview_scheduler.enable_fuzzing = False

    # -- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, committed (durably) when the block ends.

        Another app holding the write lock is waited for (the busy timeout), then reported
        as :class:`StoreError`, as is a database opened read-only or a failed write.
        """
        if self.read_only:
            raise StoreError(t("study.read_only_write", path=visible(str(self.path))))
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise store_error(self.path, error) from error
        try:
            yield self.db
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise store_error(self.path, error) from error

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    # -- cards and reviews --------------------------------------------------------------

    def _row_to_card(self, row: sqlite3.Row) -> CardRow | None:
        values = card_row(RowCheck(dict(zip(row.keys(), tuple(row), strict=True)), "cards"))
        if values is None:
            self.skipped.add(str(row["card_id"]))
            return None
        card = Card(
            card_id=0,
            state=State(values.state),
            step=values.step,
            stability=values.stability,
            difficulty=values.difficulty,
            due=values.due,
            last_review=values.last_review,
        )
        return CardRow(values.card_id, card, values.first_review, values.reps, values.lapses)

    def card(self, card_id: str) -> CardRow | None:
        """The card's saved state; None when it was never answered (or its row is unusable)."""
        row = self.db.execute("SELECT * FROM cards WHERE card_id = ?", (card_id,)).fetchone()
        return self._row_to_card(row) if row else None

    def cards(self) -> dict[str, CardRow]:
        rows = (self._row_to_card(row) for row in self.db.execute("SELECT * FROM cards"))
        return {row.card_id: row for row in rows if row is not None}

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
        """Schedule the card with fsrs and commit the new state and the review log.

        The card is read inside the write transaction, so two apps answering at once never
        both start from the same state (each answer counts). A card whose saved row is
        unusable starts afresh.
        """
        now = utc(now)
        with self.transaction() as db:
            current = self.card(card_id)
            card = current.card if current else Card(card_id=0, due=now)
            state_before = int(card.state) if current else 0
            new_card, _log = self.scheduler.review_card(card, rating, now, duration_ms)
            first = current.first_review if current else now
            reps = (current.reps if current else 0) + 1
            lapses = (current.lapses if current else 0) + (
                1 if rating == Rating.Again and card.state == State.Review else 0
            )
            db.execute(
                """
                INSERT INTO cards (card_id, state, step, stability, difficulty, due,
                                   last_review, first_review, reps, lapses)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(card_id) DO UPDATE SET state = excluded.state,
                    step = excluded.step, stability = excluded.stability,
                    difficulty = excluded.difficulty, due = excluded.due,
                    last_review = excluded.last_review, first_review = excluded.first_review,
                    reps = excluded.reps, lapses = excluded.lapses
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
        self.skipped.discard(card_id)
        return CardRow(card_id, new_card, first, reps, lapses)

    def reviews(self, since: datetime | None = None) -> list[ReviewRow]:
        query = "SELECT * FROM reviews"
        params: tuple[str, ...] = ()
        if since is not None:
            query += " WHERE reviewed_at >= ?"
            params = (stamp(since),)
        rows = self.db.execute(query + " ORDER BY reviewed_at, id", params).fetchall()
        reviews = []
        self.skipped_reviews = 0
        for row in rows:
            values = review_row(RowCheck(dict(zip(row.keys(), tuple(row), strict=True)), "reviews"))
            if values is None:
                self.skipped_reviews += 1
                continue
            reviews.append(
                ReviewRow(
                    values.card_id,
                    values.rating,
                    values.reviewed_at,
                    values.duration_ms,
                    values.state_before,
                )
            )
        return reviews

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
        return row[0] if row and isinstance(row[0], str) else ""

    def notes(self) -> dict[str, str]:
        rows = self.db.execute("SELECT term_id, text FROM notes")
        return {row[0]: row[1] for row in rows if isinstance(row[1], str)}

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
