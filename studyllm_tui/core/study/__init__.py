"""Study: cards from the glossary, fsrs scheduling, and a durable SQLite record of progress."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from studyllm_tui.core import paths
from studyllm_tui.core.study.cards import KINDS, CardSpec, cards_for, generate_cards
from studyllm_tui.core.study.opening import Recovery, open_notices, open_store
from studyllm_tui.core.study.queue import MODES, Queue, ReviewSession, StudyFilter, build_queue
from studyllm_tui.core.study.schema import SCHEMA_VERSION, StoreError, store_error
from studyllm_tui.core.study.store import Store

__all__ = [
    "KINDS",
    "MODES",
    "SCHEMA_VERSION",
    "CardSpec",
    "Queue",
    "Recovery",
    "ReviewSession",
    "Store",
    "StoreError",
    "StudyFilter",
    "build_queue",
    "cards_for",
    "close_default_store",
    "default_store",
    "generate_cards",
    "open_store",
    "take_notices",
]

_lock = threading.Lock()
_store: Store | None = None
_notices: list[str] = []


def default_store() -> Store:
    """The app's study database (``paths.study_db_file()``), opened once per process.

    Raises :class:`StoreError` (one line, in the UI language) when the database cannot be used
    now: in use by another app, a folder in its place, written by a newer version. What the
    person must know about how it was opened (moved aside, read-only, rows left out) is kept
    for :func:`take_notices`.
    """
    global _store, _notices
    path = Path(paths.study_db_file())
    with _lock:
        if _store is not None and _store.path == path:
            return _store
        if _store is not None:
            _store.close()
            _store = None
        store, recovery = open_store(path)
        try:
            _notices = open_notices(store, recovery)
        except sqlite3.Error as error:
            store.close()
            raise store_error(path, error) from error
        _store = store
        return _store


def take_notices() -> list[str]:
    """Messages about how the database was opened, each reported once."""
    global _notices
    with _lock:
        notices, _notices = _notices, []
        return notices


def close_default_store() -> None:
    global _store
    with _lock:
        if _store is not None:
            _store.close()
            _store = None
