"""Opening the study database without ever losing it.

- A database another app is writing is waited for (SQLite's busy timeout, a few seconds), then
  reported as in use (:class:`StoreError`); it is never touched.
- A file or folder that cannot be written is opened read-only (``mode=ro``); the store then
  refuses writes with a message, and :func:`open_notices` says that answers are not saved.
- A folder (or any other non-file) where the database belongs, another program's database or a
  newer schema is reported and left alone.
- Only a file that is not a database or fails ``PRAGMA quick_check`` is moved aside to
  ``<name>.broken-<time>`` (never deleted) and a fresh database started; :class:`Recovery`
  says where the old file went, in one line.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from fsrs import Scheduler

from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible
from studyllm_tui.core.study.schema import (
    SQLITE_CANTOPEN,
    SQLITE_CORRUPT,
    SQLITE_PERM,
    SQLITE_READONLY,
    BrokenDatabase,
    StoreError,
    error_code,
    is_broken,
    one_line,
    prepare_database,
    store_error,
)
from studyllm_tui.core.study.store import Store, make_scheduler

BUSY_TIMEOUT_S = 5.0  # how long to wait for another app's write lock
_READ_ONLY_CODES = (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM)


def _shown(path: Path) -> str:
    return visible(str(path), keep_newlines=False)


@dataclass(frozen=True)
class Recovery:
    """A database that was damaged and was moved aside."""

    original: Path
    moved_to: Path
    reason: str

    @property
    def message(self) -> str:
        return t(
            "study.recovered",
            original=_shown(self.original),
            moved=_shown(self.moved_to),
            reason=visible(one_line(self.reason, 200), keep_newlines=False),
        )


def _connect(
    path: Path, timeout: float, *, read_only: bool = False, immutable: bool = False
) -> sqlite3.Connection:
    if read_only:
        uri = f"file:{quote(str(path.resolve()))}?mode=ro" + ("&immutable=1" if immutable else "")
        db = sqlite3.connect(
            uri, uri=True, isolation_level=None, timeout=timeout, check_same_thread=False
        )
    else:
        db = sqlite3.connect(path, isolation_level=None, timeout=timeout, check_same_thread=False)
    db.row_factory = sqlite3.Row
    return db


def writable(path: Path) -> bool:
    """Whether the database and its folder (where SQLite keeps ``-wal``/``-shm``) are writable."""
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


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
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, moved_to.with_name(moved_to.name + suffix))
    return moved_to


def _reason(error: BaseException) -> str:
    if isinstance(error, BrokenDatabase):
        return str(error)
    return t("study.db_corrupt" if error_code(error) == SQLITE_CORRUPT else "study.db_not_a_db")


def _open_read_only(path: Path, scheduler: Scheduler, timeout: float) -> Store:
    if not path.exists():
        raise StoreError(t("study.db_cannot_create", folder=_shown(path.parent)))
    last: sqlite3.Error | None = None
    # Without write access to the folder SQLite cannot make the WAL index (-shm); then the
    # file is read as immutable.
    for immutable in (False, True):
        db = _connect(path, timeout, read_only=True, immutable=immutable)
        try:
            prepare_database(db, path, read_only=True)
        except StoreError:
            db.close()
            raise
        except sqlite3.Error as error:
            db.close()
            if is_broken(error):
                raise StoreError(
                    t("study.db_broken_read_only", path=_shown(path), reason=_reason(error))
                ) from error
            if error_code(error) not in _READ_ONLY_CODES:
                raise store_error(path, error) from error
            last = error
            continue
        return Store(db, path, scheduler, read_only=True)
    assert last is not None
    raise store_error(path, last)


def open_store(
    path: Path,
    *,
    scheduler: Scheduler | None = None,
    now: datetime | None = None,
    busy_timeout: float | None = None,
) -> tuple[Store, Recovery | None]:
    """Open (or create) the database at ``path`` (see the module's description).

    ``busy_timeout``: seconds to wait for another app's lock (default :data:`BUSY_TIMEOUT_S`).
    Raises :class:`StoreError` (one line, UI language) when the database cannot be used now.
    """
    scheduler = scheduler or make_scheduler()
    busy_timeout = BUSY_TIMEOUT_S if busy_timeout is None else busy_timeout
    if path.is_dir():
        raise StoreError(t("study.db_is_folder", path=_shown(path)))
    if path.exists() and not path.is_file():
        raise StoreError(t("study.db_not_a_file", path=_shown(path)))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            t("study.db_folder_failed", folder=_shown(path.parent), error=error.strerror or error)
        ) from error
    if not writable(path):
        return _open_read_only(path, scheduler, busy_timeout), None
    recovery = None
    for attempt in (1, 2):
        db = _connect(path, busy_timeout)
        try:
            prepare_database(db, path)
        except StoreError:
            db.close()
            raise
        except sqlite3.Error as error:
            db.close()
            if error_code(error) in _READ_ONLY_CODES and path.exists():
                return _open_read_only(path, scheduler, busy_timeout), None
            if not is_broken(error) or attempt == 2:
                raise store_error(path, error) from error
            try:
                moved_to = _move_aside(path, now or datetime.now(timezone.utc))
            except OSError as move_error:
                raise StoreError(
                    t(
                        "study.db_cannot_move",
                        path=_shown(path),
                        reason=_reason(error),
                        error=move_error.strerror or move_error,
                    )
                ) from move_error
            recovery = Recovery(original=path, moved_to=moved_to, reason=_reason(error))
            continue
        return Store(db, path, scheduler), recovery
    raise AssertionError("unreachable")  # pragma: no cover


def open_notices(store: Store, recovery: Recovery | None) -> list[str]:
    """What the person must be told about how the database was opened, one line each."""
    messages = [recovery.message] if recovery is not None else []
    if store.read_only:
        messages.append(t("study.db_read_only", path=_shown(store.path)))
    store.cards()
    store.reviews()
    if store.skipped or store.skipped_reviews:
        messages.append(
            t("study.rows_skipped", cards=len(store.skipped), reviews=store.skipped_reviews)
        )
    return messages
