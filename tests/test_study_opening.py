"""Opening the study database: a locked, read-only or misplaced database is reported and left
alone; only a damaged file is moved aside, with a one-line message; answers from two apps at
once all count."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Rating

from studyllm_tui.__main__ import main
from studyllm_tui.core.i18n import set_language
from studyllm_tui.core.study import StoreError, close_default_store, open_notices, open_store
from studyllm_tui.core.study import opening as opening_module
from studyllm_tui.core.study.store import make_scheduler
from tests.test_study_helpers import T0


def made_store(path: Path) -> None:
    store, _ = open_store(path)
    store.record_review("c1", Rating.Good, T0)
    store.set_note("bpe", "my note")
    store.close()


def siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if ".broken-" in p.name)


@pytest.fixture
def locked(tmp_path: Path):
    """A study database whose lock another connection holds (exclusive locking mode, as an
    app that keeps the file to itself would)."""
    path = tmp_path / "study.sqlite3"
    made_store(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO bookmarks VALUES ('x', '2024-01-01T00:00:00+00:00')")
    yield path
    holder.execute("ROLLBACK")
    holder.close()


def test_a_locked_database_is_waited_for_then_reported_and_never_moved(locked: Path):
    set_language("en")
    before = locked.read_bytes()
    started = time.monotonic()
    with pytest.raises(StoreError) as caught:
        open_store(locked, busy_timeout=0.3)
    waited = time.monotonic() - started
    assert waited >= 0.3  # the busy timeout was used
    message = str(caught.value)
    assert "in use by another studyllm-tui" in message and "try again" in message
    assert "\n" not in message
    assert siblings(locked) == [] and locked.read_bytes() == before


def test_a_lock_released_within_the_busy_timeout_is_simply_waited_for(tmp_path: Path):
    path = tmp_path / "study.sqlite3"
    made_store(path)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO bookmarks VALUES ('x', '2024-01-01T00:00:00+00:00')")
    release = threading.Timer(0.3, lambda: (holder.execute("COMMIT"), holder.close()))
    release.start()
    store, recovery = open_store(path, busy_timeout=5)
    release.join()
    assert recovery is None and store.note("bpe") == "my note"
    store.close()


def test_cli_stats_on_a_locked_database_is_one_line_in_both_languages(
    locked: Path, monkeypatch, capsys
):
    from studyllm_tui.core import paths

    monkeypatch.setattr(paths, "study_db_file", lambda: locked)
    monkeypatch.setattr(opening_module, "BUSY_TIMEOUT_S", 0.2)
    close_default_store()
    assert main(["--lang", "en", "study", "stats"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "in use by another studyllm-tui" in err
    assert main(["study", "stats"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "別の studyllm-tui が使用中" in err
    assert siblings(locked) == []
    close_default_store()


def test_a_write_while_another_app_holds_the_write_lock_is_reported(tmp_path: Path):
    set_language("en")
    path = tmp_path / "study.sqlite3"
    store, _ = open_store(path, busy_timeout=0.2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreError, match="in use by another studyllm-tui"):
        store.record_review("c1", Rating.Good, T0)
    other.execute("ROLLBACK")
    other.close()
    store.record_review("c1", Rating.Good, T0)  # the store still works afterwards
    assert store.card("c1") is not None
    store.close()


def test_reading_goes_on_while_another_app_writes(tmp_path: Path):
    """WAL: stats and due work while another app is in the middle of an answer."""
    path = tmp_path / "study.sqlite3"
    made_store(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    store, recovery = open_store(path, busy_timeout=0.2)
    assert recovery is None and store.card("c1") is not None
    other.execute("ROLLBACK")
    other.close()
    store.close()


def no_write_access(monkeypatch, path: Path) -> None:
    """Tests run as root, where a chmod does not stop writes; os.access is what the store
    asks, so it is told that the database and its folder are not writable."""
    real = os.access

    def access(target, mode, *args, **kwargs):
        if mode & os.W_OK and Path(target) in (path, path.parent):
            return False
        return real(target, mode, *args, **kwargs)

    monkeypatch.setattr(opening_module.os, "access", access)


def test_a_read_only_database_is_opened_read_only_and_says_answers_are_not_saved(
    tmp_path: Path, monkeypatch
):
    set_language("en")
    path = tmp_path / "study.sqlite3"
    made_store(path)
    before = path.read_bytes()
    no_write_access(monkeypatch, path)
    store, recovery = open_store(path)
    assert recovery is None and store.read_only
    assert store.note("bpe") == "my note" and store.card("c1") is not None
    notices = open_notices(store, recovery)
    assert len(notices) == 1 and "read-only" in notices[0] and "not be saved" in notices[0]
    with pytest.raises(StoreError, match="read-only"):
        store.record_review("c1", Rating.Good, T0 + timedelta(days=1))
    with pytest.raises(StoreError, match="read-only"):
        store.set_note("bpe", "changed")
    # The connection itself is read-only (mode=ro): SQLite refuses the write, even for root.
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.db.execute("DELETE FROM notes")
    store.close()
    assert path.read_bytes() == before and siblings(path) == []


def test_a_missing_database_in_a_read_only_folder_is_reported(tmp_path: Path, monkeypatch):
    set_language("en")
    path = tmp_path / "study.sqlite3"
    no_write_access(monkeypatch, path)
    with pytest.raises(StoreError, match="not writable"):
        open_store(path)
    assert not path.exists()


def test_a_folder_where_the_database_belongs_is_one_line(tmp_path: Path, monkeypatch, capsys):
    from studyllm_tui.core import paths

    path = tmp_path / "study.sqlite3"
    path.mkdir()
    (path / "keep").write_text("x")
    monkeypatch.setattr(paths, "study_db_file", lambda: path)
    close_default_store()
    for lang, words in (("en", "is a folder"), ("ja", "フォルダになっています")):
        assert main(["--lang", lang, "study", "due"]) == 1
        captured = capsys.readouterr()
        assert captured.err.count("\n") == 1 and words in captured.err
        assert "Traceback" not in captured.err and captured.out == ""
    assert (path / "keep").read_text() == "x" and siblings(path) == []


def test_another_programs_database_is_left_alone(tmp_path: Path):
    path = tmp_path / "study.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE photos (x)")
    db.commit()
    db.close()
    with pytest.raises(StoreError):
        open_store(path)
    assert siblings(path) == []


def damaged(path: Path) -> None:
    """A real database whose inner pages are overwritten: the header is fine, quick_check is not."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 2")
    db.execute("CREATE TABLE big (x TEXT)")
    db.executemany("INSERT INTO big VALUES (?)", [(f"row {i} " * 20,) for i in range(3000)])
    db.execute("CREATE INDEX big_x ON big(x)")
    db.commit()
    db.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(3 * page, len(data) - page, 7 * page):
        data[start + 8 : start + page] = bytes(range(256)) * ((page - 8) // 256) + bytes(
            (page - 8) % 256
        )
    path.write_bytes(bytes(data))


def test_a_database_failing_its_check_is_moved_aside_with_one_line(tmp_path: Path):
    set_language("en")
    path = tmp_path / "study.sqlite3"
    damaged(path)
    store, recovery = open_store(path, scheduler=make_scheduler(fuzz=False))
    assert recovery is not None
    assert recovery.moved_to.exists() and ".broken-" in recovery.moved_to.name
    message = recovery.message
    assert "\n" not in message and len(message) < 400
    assert "integrity check failed" in message and "100 problem(s)" in message
    assert str(path) in message and str(recovery.moved_to) in message
    store.record_review("c1", Rating.Good, T0)
    store.close()


def test_a_file_that_is_not_a_database_is_moved_aside_in_both_languages(tmp_path: Path):
    for lang, words in (("en", "not an SQLite database"), ("ja", "SQLite データベースではありません")):
        set_language(lang)
        path = tmp_path / lang / "study.sqlite3"
        path.parent.mkdir()
        path.write_bytes(b"\x1b]0;owned\x07 not a database" * 200)
        store, recovery = open_store(path)
        assert recovery is not None and words in recovery.message
        assert "\x1b" not in recovery.message
        store.close()


def answer_many(path: Path, count: int, start: float, errors: list[BaseException]) -> None:
    try:
        store, _ = open_store(path, busy_timeout=10)
        for i in range(count):
            store.record_review("shared", Rating.Good, T0 + timedelta(seconds=start + i))
            time.sleep(0.001)
        store.close()
    except BaseException as error:  # reported to the test thread
        errors.append(error)


def test_two_apps_answering_the_same_card_at_once_count_every_answer(tmp_path: Path):
    path = tmp_path / "study.sqlite3"
    open_store(path)[0].close()
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=answer_many, args=(path, 15, offset * 1000, errors))
        for offset in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    store, _ = open_store(path)
    row = store.card("shared")
    assert row is not None and row.reps == 30
    assert len(store.reviews()) == 30
    store.close()


def test_record_review_reads_the_card_inside_its_write_transaction(tmp_path: Path):
    """The race made certain: while the second app computes its answer, the first app answers
    the same card. Reading outside the write transaction loses one of the two answers."""
    path = tmp_path / "study.sqlite3"
    first, _ = open_store(path, busy_timeout=10)
    second, _ = open_store(path, busy_timeout=10)
    first.record_review("c1", Rating.Good, T0)
    real = second.scheduler
    other = threading.Thread(
        target=first.record_review, args=("c1", Rating.Good, T0 + timedelta(minutes=10))
    )

    class Meanwhile:
        def review_card(self, *args, **kwargs):
            other.start()
            time.sleep(0.3)  # the first app's answer would land now
            return real.review_card(*args, **kwargs)

    second.scheduler = Meanwhile()  # type: ignore[assignment]
    second.record_review("c1", Rating.Good, T0 + timedelta(minutes=11))
    other.join()
    row = second.card("c1")
    assert row is not None and row.reps == 3
    assert len(second.reviews()) == 3
    first.close()
    second.close()
