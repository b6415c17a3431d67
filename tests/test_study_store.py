"""The study database: fsrs scheduling with a fake clock, the queue, notes, durability."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Rating, State

from studyllm_tui.core.study import (
    ReviewSession,
    StoreError,
    StudyFilter,
    build_queue,
    generate_cards,
    open_store,
)
from studyllm_tui.core.study.schema import SCHEMA_V1, SCHEMA_VERSION
from studyllm_tui.core.study.store import make_scheduler
from tests.test_study_helpers import T0, small_glossary


@pytest.fixture
def store(tmp_path: Path):
    store, recovery = open_store(tmp_path / "study.sqlite3", scheduler=make_scheduler(fuzz=False))
    assert recovery is None
    yield store
    store.close()


def test_database_is_in_wal_mode_with_the_current_schema(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_new_card_good_goes_through_learning_steps(store):
    row = store.record_review("c1", Rating.Good, T0)
    assert row.card.state == State.Learning
    assert row.card.due == T0 + timedelta(minutes=10)  # fsrs's second learning step
    row = store.record_review("c1", Rating.Good, T0 + timedelta(minutes=10))
    assert row.card.state == State.Review
    assert row.card.due - (T0 + timedelta(minutes=10)) >= timedelta(days=1)


def test_again_brings_a_card_back_in_a_minute(store):
    row = store.record_review("c1", Rating.Again, T0)
    assert row.card.due == T0 + timedelta(minutes=1)


def test_easy_interval_is_longer_than_good_and_hard(store):
    intervals = store.preview("c1", T0)
    assert intervals[Rating.Again] < intervals[Rating.Hard] <= intervals[Rating.Good]
    assert intervals[Rating.Good] < intervals[Rating.Easy]
    assert store.card("c1") is None  # preview saves nothing


def test_review_card_lapse_counts_and_intervals_grow(store):
    now = T0
    store.record_review("c1", Rating.Good, now)
    now += timedelta(minutes=10)
    first = store.record_review("c1", Rating.Good, now)
    now = first.card.due
    second = store.record_review("c1", Rating.Good, now)
    assert (second.card.due - now) > (first.card.due - (T0 + timedelta(minutes=10)))
    now = second.card.due
    lapsed = store.record_review("c1", Rating.Again, now)
    assert lapsed.card.state == State.Relearning
    assert lapsed.lapses == 1
    assert lapsed.reps == 4
    assert len(store.reviews()) == 4


def test_naive_times_are_refused(store):
    with pytest.raises(ValueError):
        store.record_review("c1", Rating.Good, T0.replace(tzinfo=None))


def test_queue_daily_new_limit_and_due_order(store):
    specs = generate_cards(small_glossary())
    queue = build_queue(specs, store, T0, new_per_day=3)
    assert len(queue.new) == 3 and not queue.due
    for spec in queue.new:
        store.record_review(spec.id, Rating.Good, T0)
    later = T0 + timedelta(hours=1)
    queue = build_queue(specs, store, later, new_per_day=3)
    assert queue.new == [] and queue.new_left_today == 0
    assert len(queue.due) == 3  # learning cards due after 10 minutes
    tomorrow = T0 + timedelta(days=1)
    assert len(build_queue(specs, store, tomorrow, new_per_day=3).new) == 3


def test_queue_filters_by_category_bookmark_and_mode(store):
    specs = generate_cards(small_glossary())
    only_tok = StudyFilter(categories=frozenset({"tokenization"}))
    queue = build_queue(specs, store, T0, 100, only_tok)
    assert queue.new and {card.category for card in queue.new} == {"tokenization"}
    store.set_bookmark("attention", True)
    marked = build_queue(specs, store, T0, 100, StudyFilter(bookmarked_only=True))
    assert {card.term_id for card in marked.new} == {"attention"}
    store.record_review("term/attention/meaning", Rating.Again, T0)
    later = T0 + timedelta(minutes=5)
    due_only = build_queue(specs, store, later, 100, StudyFilter(mode="due"))
    assert [card.id for card in due_only.cards] == ["term/attention/meaning"]
    new_only = build_queue(specs, store, later, 100, StudyFilter(mode="new"))
    assert "term/attention/meaning" not in [card.id for card in new_only.cards]


def test_session_commits_each_answer_before_the_next_card(store):
    session = ReviewSession(generate_cards(small_glossary()), store, new_per_day=5)
    first = session.refresh(T0)
    assert first is not None
    session.answer(Rating.Good, T0)
    assert store.card(first.id) is not None
    assert session.current is not None and session.current.id != first.id


def test_bookmarks_and_notes(store):
    assert not store.is_bookmarked("bpe")
    store.set_bookmark("bpe", True)
    store.set_bookmark("bpe", True)
    assert store.bookmarks() == {"bpe"}
    store.set_bookmark("bpe", False)
    assert store.bookmarks() == set()
    note = "# メモ\n[bold]literal[/bold] \x1b[31m and **Markdown**"
    store.set_note("bpe", note)
    assert store.note("bpe") == note
    store.set_note("bpe", "   ")
    assert store.note("bpe") == "" and store.notes() == {}


def test_progress_survives_reopening(tmp_path: Path):
    path = tmp_path / "study.sqlite3"
    store, _ = open_store(path)
    store.record_review("c1", Rating.Good, T0)
    store.set_note("bpe", "note")
    store.close()
    again, recovery = open_store(path)
    assert recovery is None
    assert again.card("c1") is not None and again.note("bpe") == "note"
    again.close()


def test_corrupt_database_is_moved_aside_and_a_fresh_one_started(tmp_path: Path):
    path = tmp_path / "study.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store, recovery = open_store(path)
    assert recovery is not None
    assert recovery.original == path
    assert recovery.moved_to.exists() and recovery.moved_to != path
    assert recovery.moved_to.read_bytes().startswith(b"this is not a database")
    assert str(path) in str(recovery.original) and "broken" in recovery.moved_to.name
    store.record_review("c1", Rating.Good, T0)
    assert store.card("c1") is not None
    store.close()


def test_corrupt_database_message_is_one_line_naming_both_files():
    from studyllm_tui.core import paths
    from studyllm_tui.core.study import close_default_store, default_store, take_notices

    close_default_store()
    db = paths.study_db_file()
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"\x00garbage" * 512)
    default_store()
    notices = take_notices()
    assert len(notices) == 1
    moved = next(db.parent.glob("study.sqlite3.broken-*"))
    assert str(db) in notices[0] and str(moved) in notices[0]
    assert "\n" not in notices[0]
    assert take_notices() == []
    close_default_store()


def test_newer_schema_is_refused_and_left_alone(tmp_path: Path):
    path = tmp_path / "study.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE future (x)")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer"):
        open_store(path)
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


def test_migration_from_schema_1_keeps_every_row(tmp_path: Path):
    path = tmp_path / "study.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_V1)
    cards = [
        (f"term/t{i}/meaning", 2, None, 3.0 + i, 5.0, f"2024-05-0{i + 2}T09:00:00+00:00",
         "2024-05-01T09:00:00+00:00")
        for i in range(5)
    ]
    db.executemany("INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?)", cards)
    reviews = [
        (f"term/t{i}/meaning", rating, f"2024-04-30T0{rating}:00:00+00:00", 1500)
        for i in range(5)
        for rating in (1, 3)
    ]
    db.executemany("INSERT INTO reviews VALUES (?, ?, ?, ?)", reviews)
    db.executemany(
        "INSERT INTO notes VALUES (?, ?, ?, ?)",
        [
            ("bpe", "BPE のメモ", 1, "2024-04-30T10:00:00+00:00"),
            ("attention", "注意のメモ", 0, "2024-04-30T10:00:00+00:00"),
            ("ffn", "", 1, "2024-04-30T10:00:00+00:00"),
        ],
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()

    store, recovery = open_store(path)
    assert recovery is None
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    rows = store.cards()
    assert set(rows) == {card[0] for card in cards}
    for card_id, state, _step, stability, _d, due, _last in cards:
        assert rows[card_id].card.state == state
        assert rows[card_id].card.stability == stability
        assert rows[card_id].card.due.isoformat() == due
        assert rows[card_id].reps == 2 and rows[card_id].lapses == 1
        assert rows[card_id].first_review.isoformat() == "2024-04-30T01:00:00+00:00"
    assert len(store.reviews()) == len(reviews)
    assert store.notes() == {"bpe": "BPE のメモ", "attention": "注意のメモ"}
    assert store.bookmarks() == {"bpe", "ffn"}
    store.close()


DRIVER = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime, timedelta, timezone
    from fsrs import Rating
    from studyllm_tui.core.study import ReviewSession, open_store
    from tests.test_study_helpers import small_glossary
    from studyllm_tui.core.study import generate_cards

    store, _ = open_store(__import__("pathlib").Path(sys.argv[1]))
    session = ReviewSession(generate_cards(small_glossary()), store, new_per_day=1000)
    now = datetime(2024, 5, 1, 9, tzinfo=timezone.utc)
    session.refresh(now)
    while session.current is not None:
        card_id = session.current.id
        session.answer(Rating.Good, now)
        print(card_id, flush=True)  # only after the answer is committed
        now += timedelta(seconds=1)
        time.sleep(0.01)
    time.sleep(60)
    """
)


def test_sigkill_mid_review_loses_no_answered_card(tmp_path: Path):
    path = tmp_path / "study.sqlite3"
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    answered = []
    assert process.stdout is not None
    for line in process.stdout:
        answered.append(line.strip())
        if len(answered) == 12:
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    store, recovery = open_store(path)
    assert recovery is None
    rows = store.cards()
    for card_id in answered:
        assert card_id in rows, card_id
    logged = {review.card_id for review in store.reviews()}
    assert set(answered) <= logged
    store.close()
