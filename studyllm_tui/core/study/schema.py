"""The study database's schema: its version, the tables, the step-by-step migrations, and the
check that makes an open connection ready (integrity, WAL, create or migrate).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

SCHEMA_VERSION = 2

# The schema of version 1, kept so that the migration can be tested against it.
SCHEMA_V1 = """
CREATE TABLE cards (card_id TEXT PRIMARY KEY, state INTEGER, step INTEGER, stability REAL,
                    difficulty REAL, due TEXT, last_review TEXT);
CREATE TABLE reviews (card_id TEXT, rating INTEGER, reviewed_at TEXT, duration_ms INTEGER);
CREATE TABLE notes (term_id TEXT PRIMARY KEY, text TEXT, bookmarked INTEGER DEFAULT 0,
                    updated TEXT);
"""

SCHEMA_V2 = """
CREATE TABLE cards (
    card_id TEXT PRIMARY KEY,
    state INTEGER NOT NULL,
    step INTEGER,
    stability REAL,
    difficulty REAL,
    due TEXT NOT NULL,
    last_review TEXT,
    first_review TEXT NOT NULL,
    reps INTEGER NOT NULL DEFAULT 0,
    lapses INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cards_by_due ON cards(due);
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    card_id TEXT NOT NULL,
    rating INTEGER NOT NULL,
    reviewed_at TEXT NOT NULL,
    duration_ms INTEGER,
    state_before INTEGER,
    due_after TEXT
);
CREATE INDEX reviews_by_time ON reviews(reviewed_at);
CREATE INDEX reviews_by_card ON reviews(card_id);
CREATE TABLE bookmarks (term_id TEXT PRIMARY KEY, created TEXT NOT NULL);
CREATE TABLE notes (term_id TEXT PRIMARY KEY, text TEXT NOT NULL, updated TEXT NOT NULL);
"""


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated statements inside the current transaction.

    (``executescript`` would commit the open transaction first.)
    """
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _migrate_1_to_2(db: sqlite3.Connection) -> None:
    """v2 adds review history fields and first-review dates, and gives bookmarks a table."""
    run_script(
        db,
        """
        ALTER TABLE cards RENAME TO cards_v1;
        ALTER TABLE reviews RENAME TO reviews_v1;
        ALTER TABLE notes RENAME TO notes_v1;
        """,
    )
    run_script(db, SCHEMA_V2)
    db.execute(
        """
        INSERT INTO cards (card_id, state, step, stability, difficulty, due, last_review,
                           first_review, reps, lapses)
        SELECT c.card_id, COALESCE(c.state, 1), c.step, c.stability, c.difficulty,
               COALESCE(c.due, c.last_review, '1970-01-01T00:00:00.000000+00:00'), c.last_review,
               COALESCE((SELECT MIN(r.reviewed_at) FROM reviews_v1 r WHERE r.card_id = c.card_id),
                        c.last_review, c.due, '1970-01-01T00:00:00.000000+00:00'),
               (SELECT COUNT(*) FROM reviews_v1 r WHERE r.card_id = c.card_id),
               (SELECT COUNT(*) FROM reviews_v1 r WHERE r.card_id = c.card_id AND r.rating = 1)
        FROM cards_v1 c
        """
    )
    db.execute(
        """
        INSERT INTO reviews (card_id, rating, reviewed_at, duration_ms)
        SELECT card_id, rating, reviewed_at, duration_ms FROM reviews_v1 ORDER BY rowid
        """
    )
    db.execute(
        """
        INSERT INTO notes (term_id, text, updated)
        SELECT term_id, text, COALESCE(updated, '1970-01-01T00:00:00.000000+00:00')
        FROM notes_v1 WHERE text IS NOT NULL AND text != ''
        """
    )
    db.execute(
        """
        INSERT INTO bookmarks (term_id, created)
        SELECT term_id, COALESCE(updated, '1970-01-01T00:00:00.000000+00:00')
        FROM notes_v1 WHERE bookmarked
        """
    )
    run_script(db, "DROP TABLE cards_v1; DROP TABLE reviews_v1; DROP TABLE notes_v1;")


# MIGRATIONS[n] takes a database at version n to version n + 1.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _migrate_1_to_2}


class StoreError(Exception):
    """The database cannot be used (for example, it was written by a newer version)."""


def prepare_database(db: sqlite3.Connection, path: Path) -> None:
    """Check the file, switch on WAL, create or migrate the schema."""
    result = db.execute("PRAGMA quick_check").fetchone()
    if result is None or result[0] != "ok":
        raise sqlite3.DatabaseError(f"integrity check failed: {result[0] if result else '?'}")
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    tables = db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    if version == 0 and tables:
        raise sqlite3.DatabaseError("the file holds tables but no study schema version")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer studyllm-tui (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); update studyllm-tui to use it"
        )
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    if version == 0:
        db.execute("BEGIN IMMEDIATE")
        run_script(db, SCHEMA_V2)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
        return
    while version < SCHEMA_VERSION:
        migrate = MIGRATIONS[version]
        db.execute("BEGIN IMMEDIATE")
        try:
            migrate(db)
            db.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        version += 1
