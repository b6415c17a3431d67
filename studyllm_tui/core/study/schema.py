"""The study database's schema: its version, the tables, the step-by-step migrations, and the
check that makes an open connection ready (integrity, WAL, create or migrate).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible

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
    """The database cannot be used now (in use, read-only, newer); the message says why, in
    the UI language, on one line."""


class BrokenDatabase(sqlite3.DatabaseError):
    """The file is not a database or fails its integrity check: the only reason to move it aside."""


# SQLite's primary result codes (https://sqlite.org/rescode.html) that decide what to do.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_CORRUPT, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 14, 26


def error_code(error: BaseException) -> int:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else 0


def is_busy(error: BaseException) -> bool:
    """Another connection holds a lock (after the busy timeout ran out)."""
    return error_code(error) in (SQLITE_BUSY, SQLITE_LOCKED)


def is_broken(error: BaseException) -> bool:
    """The file itself is damaged or is not a database."""
    return isinstance(error, BrokenDatabase) or error_code(error) in (SQLITE_CORRUPT, SQLITE_NOTADB)


def one_line(text: str, limit: int = 160) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def store_error(path: Path, error: BaseException) -> StoreError:
    """A one-line, translated :class:`StoreError` for a failed open, read or write."""
    where = visible(str(path), keep_newlines=False)
    if isinstance(error, StoreError):
        return error
    if is_busy(error):
        return StoreError(t("study.db_in_use", path=where))
    if error_code(error) in (SQLITE_READONLY, SQLITE_PERM):
        return StoreError(t("study.db_not_writable", path=where))
    detail = visible(one_line(getattr(error, "strerror", None) or str(error)), keep_newlines=False)
    return StoreError(t("study.db_error", path=where, error=detail))


def _check(db: sqlite3.Connection) -> None:
    """``PRAGMA quick_check``; a failure becomes one line (the first problem and a count)."""
    rows = db.execute("PRAGMA quick_check").fetchall()
    if rows and rows[0][0] == "ok":
        return
    # SQLite reports up to 100 problems, in rows that may each hold several lines.
    lines = [line for row in rows for line in str(row[0]).splitlines()]
    problems = [line for line in lines if line.strip() and not line.startswith("***")] or ["?"]
    first = one_line(problems[0], 100)
    raise BrokenDatabase(t("study.check_failed", first=first, count=len(problems)))


def prepare_database(db: sqlite3.Connection, path: Path, *, read_only: bool = False) -> None:
    """Check the file, switch on WAL, create or migrate the schema.

    Raises :class:`BrokenDatabase` for a file that fails its check, :class:`StoreError` for one
    that must be left alone (another program's database, a newer schema, a read-only file that
    would need changes), and ``sqlite3.Error`` for anything else (busy, I/O).
    """
    where = visible(str(path), keep_newlines=False)
    _check(db)
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    tables = db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    if version == 0 and tables:
        raise StoreError(t("study.db_foreign", path=where))
    if version > SCHEMA_VERSION:
        raise StoreError(
            t("study.db_newer", path=where, version=version, known=SCHEMA_VERSION)
        )
    if read_only:
        if version < SCHEMA_VERSION:
            raise StoreError(t("study.db_read_only_old", path=where))
        return
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    while version < SCHEMA_VERSION:
        db.execute("BEGIN IMMEDIATE")
        try:
            # Another app may have created or migrated the file while this one waited.
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version == 0:
                run_script(db, SCHEMA_V2)
                version = SCHEMA_VERSION
            elif version < SCHEMA_VERSION:
                MIGRATIONS[version](db)
                version += 1
            db.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
