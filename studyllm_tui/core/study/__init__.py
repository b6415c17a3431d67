"""Study: cards from the glossary, fsrs scheduling, and a durable SQLite record of progress."""

from __future__ import annotations

import threading
from pathlib import Path

from studyllm_tui.core import paths
from studyllm_tui.core.study.cards import KINDS, CardSpec, cards_for, generate_cards
from studyllm_tui.core.study.queue import MODES, Queue, ReviewSession, StudyFilter, build_queue
from studyllm_tui.core.study.schema import SCHEMA_VERSION, StoreError
from studyllm_tui.core.study.store import Recovery, Store, open_store

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
    "take_recovery",
]

_lock = threading.Lock()
_store: Store | None = None
_recovery: Recovery | None = None


def default_store() -> Store:
    """The app's study database (``paths.study_db_file()``), opened once per process.

    Raises :class:`StoreError` when the database belongs to a newer version. When the file
    could not be opened it is moved aside; :func:`take_recovery` then tells which files.
    """
    global _store, _recovery
    path = Path(paths.study_db_file())
    with _lock:
        if _store is not None and _store.path == path:
            return _store
        if _store is not None:
            _store.close()
            _store = None
        _store, recovery = open_store(path)
        if recovery is not None:
            _recovery = recovery
        return _store


def take_recovery() -> Recovery | None:
    """The database that was moved aside when the store was opened (reported once)."""
    global _recovery
    with _lock:
        recovery, _recovery = _recovery, None
        return recovery


def close_default_store() -> None:
    global _store
    with _lock:
        if _store is not None:
            _store.close()
            _store = None
