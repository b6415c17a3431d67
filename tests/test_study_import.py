"""Hostile study imports: every bad field is named (``FILE: cards[0].state: ...``), nothing is
written, and rows already in the database with bad values never break due/stats/answers."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fsrs import Rating

from studyllm_tui.__main__ import main
from studyllm_tui.core.i18n import set_language
from studyllm_tui.core.study import (
    build_queue,
    close_default_store,
    default_store,
    generate_cards,
    open_notices,
    open_store,
)
from studyllm_tui.core.study.exchange import ExchangeError, import_json
from studyllm_tui.core.study.stats import compute_stats
from tests.test_study_helpers import T0, small_glossary

GOOD_CARD = {
    "card_id": "term/bpe/meaning",
    "state": 2,
    "step": None,
    "stability": 3.2,
    "difficulty": 5.1,
    "due": "2024-05-04T09:00:00.000000+00:00",
    "last_review": "2024-05-01T09:00:00.000000+00:00",
    "first_review": "2024-05-01T09:00:00.000000+00:00",
    "reps": 2,
    "lapses": 0,
}
GOOD_REVIEW = {"card_id": "term/bpe/meaning", "rating": 3, "reviewed_at": "2024-05-01T09:00:00+00:00"}


def export(**sections: Any) -> dict[str, Any]:
    return {"format": "studyllm-tui-study", "version": 1, **sections}


def card(**changes: Any) -> dict[str, Any]:
    return {**GOOD_CARD, **changes}


# (what the file holds, the field the message names)
BAD_ROWS = [
    (export(cards=[card(state=999)]), "cards[0].state"),
    (export(cards=[card(state="2")]), "cards[0].state"),
    (export(cards=[card(state=True)]), "cards[0].state"),
    (export(cards=[card(stability="abc")]), "cards[0].stability"),
    (export(cards=[card(stability=float("nan"))]), "cards[0].stability"),
    (export(cards=[card(stability=float("inf"))]), "cards[0].stability"),
    (export(cards=[card(stability=-1)]), "cards[0].stability"),
    (export(cards=[card(difficulty=11)]), "cards[0].difficulty"),
    (export(cards=[card(stability=None)]), "cards[0].stability"),  # a review card needs it
    (export(cards=[card(state=1, step=None)]), "cards[0].step"),
    (export(cards=[card(state=1, step=-2)]), "cards[0].step"),
    (export(cards=[card(reps="abc")]), "cards[0].reps"),
    (export(cards=[card(reps=10**30)]), "cards[0].reps"),
    (export(cards=[card(lapses=1.5)]), "cards[0].lapses"),
    (export(cards=[card(due="9999-12-31T23:59:59-14:00")]), "cards[0].due"),
    (export(cards=[card(due="0001-01-01T00:00:00+14:00")]), "cards[0].due"),
    (export(cards=[card(due="tomorrow")]), "cards[0].due"),
    (export(cards=[card(due=20240501)]), "cards[0].due"),
    (export(cards=[card(first_review=None)]), "cards[0].first_review"),
    (export(cards=[card(last_review=["x"])]), "cards[0].last_review"),
    (export(cards=[card(card_id="")]), "cards[0].card_id"),
    (export(cards=[card(card_id={"a": 1})]), "cards[0].card_id"),
    (export(cards=[card(card_id="x" * 1000)]), "cards[0].card_id"),
    (export(cards=[GOOD_CARD, "not a row"]), "cards[1]"),
    (export(cards={"a": GOOD_CARD}), "cards"),
    (export(reviews=[{**GOOD_REVIEW, "rating": 7}]), "reviews[0].rating"),
    (export(reviews=[{**GOOD_REVIEW, "rating": 3.0}]), "reviews[0].rating"),
    (export(reviews=[{**GOOD_REVIEW, "duration_ms": -5}]), "reviews[0].duration_ms"),
    (export(reviews=[{**GOOD_REVIEW, "state_before": 9}]), "reviews[0].state_before"),
    (export(reviews=[{**GOOD_REVIEW, "due_after": "soon"}]), "reviews[0].due_after"),
    (export(bookmarks=[{"term_id": "bpe", "created": ["x"]}]), "bookmarks[0].created"),
    (export(bookmarks=[{"term_id": 5}]), "bookmarks[0].term_id"),
    (export(notes=[{"term_id": "bpe", "text": {"x": 1}}]), "notes[0].text"),
    (export(notes=[{"term_id": "bpe", "text": "x" * 300_000}]), "notes[0].text"),
    (export(notes=[{"term_id": "bpe", "text": "ok", "updated": 3}]), "notes[0].updated"),
]


@pytest.fixture
def store(tmp_path: Path):
    store, _ = open_store(tmp_path / "study.sqlite3")
    store.record_review("term/ffn/term", Rating.Good, T0)
    yield store
    store.close()


def snapshot(store) -> tuple:
    db = store.db
    return tuple(
        db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("cards", "reviews", "bookmarks", "notes")
    )


def as_rows(snap: tuple) -> list:
    return [[tuple(row) for row in rows] for rows in snap]


@pytest.mark.parametrize("data, field", BAD_ROWS, ids=[field for _, field in BAD_ROWS])
def test_a_bad_field_is_named_and_nothing_is_written(store, tmp_path: Path, data, field):
    set_language("en")
    path = tmp_path / "bad.json"
    # A good row besides the bad one: it must not be written either.
    data = {**data, "bookmarks": [*data.get("bookmarks", []), {"term_id": "good-one"}]}
    path.write_text(json.dumps(data), encoding="utf-8")
    before = as_rows(snapshot(store))
    with pytest.raises(ExchangeError) as caught:
        import_json(store, path)
    assert caught.value.lines[0].startswith(f"{path}: {field}")
    assert "nothing was imported" in caught.value.lines[-1]
    assert as_rows(snapshot(store)) == before


def test_problems_are_listed_a_few_at_a_time(store, tmp_path: Path):
    set_language("en")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(export(cards=[card(state=9)] * 12)), encoding="utf-8")
    with pytest.raises(ExchangeError) as caught:
        import_json(store, path)
    lines = caught.value.lines
    assert [line.split(": ")[1] for line in lines[:5]] == [f"cards[{i}].state" for i in range(5)]
    assert "7 more problem(s)" in lines[5]
    assert len(lines) == 7


@pytest.mark.parametrize(
    "content, words",
    [
        ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
        ('{"format": "studyllm-tui-study", "version": 1, "cards": [' + "[" * 100_000 + "]"
         * 100_000 + "]}", "nested too deeply"),
        ('{"format": "studyllm-tui-study", "version": 1, "x": ' + "9" * 5000 + "}", "not valid JSON"),
        ('{"format": "studyllm-tui-study", "version": true}', "version True is not supported"),
        ('{"format": "studyllm-tui-study", "version": 0}', "not supported"),
        ("\ufeff" + json.dumps(export(cards=[GOOD_CARD])), ""),  # a BOM is fine
    ],
)
def test_files_that_are_not_exports(store, tmp_path: Path, content: str, words: str):
    set_language("en")
    path = tmp_path / "odd.json"
    path.write_text(content, encoding="utf-8")
    if not words:
        assert import_json(store, path).cards_added == 1
        return
    with pytest.raises(ExchangeError, match=words) as caught:
        import_json(store, path)
    assert len(caught.value.lines) == 1


def test_undecodable_oversized_and_special_files(store, tmp_path: Path, monkeypatch):
    from studyllm_tui.core.study import exchange

    set_language("en")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b'{"format": "\xff\xfe"}')
    with pytest.raises(ExchangeError, match="not UTF-8"):
        import_json(store, binary)
    monkeypatch.setattr(exchange, "MAX_IMPORT_BYTES", 100)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(export(notes=[{"term_id": "a", "text": "x" * 200}])))
    with pytest.raises(ExchangeError, match="too big"):
        import_json(store, big)
    with pytest.raises(ExchangeError, match="not a regular file"):
        import_json(store, Path("/dev/zero"))
    with pytest.raises(ExchangeError, match="not a regular file"):
        import_json(store, tmp_path)


def test_a_good_import_normalises_times_and_everything_reads_back(store, tmp_path: Path):
    path = tmp_path / "good.json"
    data = export(
        cards=[card(due="2024-05-04T18:00:00+09:00", last_review="2024-05-01T09:00:00")],
        reviews=[GOOD_REVIEW],
        bookmarks=[{"term_id": "bpe", "created": "2024-05-01T10:00:00+02:00"}],
        notes=[{"term_id": "bpe", "text": "note"}],
    )
    path.write_text(json.dumps(data), encoding="utf-8")
    summary = import_json(store, path)
    assert summary.cards_added == 1 and summary.reviews_added == 1
    row = store.card("term/bpe/meaning")
    assert row is not None and row.card.due.isoformat() == "2024-05-04T09:00:00+00:00"
    created = store.db.execute("SELECT created FROM bookmarks").fetchone()[0]
    assert created == "2024-05-01T08:00:00.000000+00:00"
    compute_stats(store, T0 + timedelta(days=5))
    store.record_review("term/bpe/meaning", Rating.Good, T0 + timedelta(days=5))


BAD_STORED = [
    ("state", 999),
    ("state", "abc"),
    ("stability", "abc"),
    ("difficulty", -3.0),
    ("due", "9999-12-31T23:59:59-14:00"),
    ("due", "not a date"),
    ("reps", "abc"),
    ("first_review", "garbage"),
    ("step", "x"),
]


@pytest.mark.parametrize("column, value", BAD_STORED, ids=[f"{c}={v!r}" for c, v in BAD_STORED])
def test_bad_rows_already_in_the_database_never_break_due_stats_or_answers(
    tmp_path: Path, column: str, value: Any
):
    set_language("en")
    path = tmp_path / "study.sqlite3"
    store, _ = open_store(path)
    store.record_review("term/bpe/meaning", Rating.Good, T0)
    store.record_review("term/ffn/term", Rating.Good, T0)
    store.db.execute(f"UPDATE cards SET {column} = ? WHERE card_id = 'term/bpe/meaning'", (value,))
    store.db.execute(
        "INSERT INTO reviews (card_id, rating, reviewed_at) VALUES ('x', 'bad', 'never')"
    )
    store.close()
    store, recovery = open_store(path)
    notices = open_notices(store, recovery)
    assert len(notices) == 1 and "1 card(s), 1 answer(s)" in notices[0]
    now = T0 + timedelta(days=2)
    assert set(store.cards()) == {"term/ffn/term"}
    build_queue(generate_cards(small_glossary()), store, now, 20)
    stats = compute_stats(store, now)
    assert stats.cards_seen == 1 and stats.reviews_total == 2
    row = store.record_review("term/bpe/meaning", Rating.Good, now)  # starts afresh, repaired
    assert row.reps == 1 and store.card("term/bpe/meaning") is not None
    store.close()


@pytest.fixture
def glossary(monkeypatch):
    import studyllm_tui.core.glossary as glossary_module

    small = small_glossary()
    monkeypatch.setattr(glossary_module, "load_glossary", lambda *a, **k: small)
    close_default_store()
    yield small
    close_default_store()


def test_cli_import_of_a_bad_file_lists_problems_then_exits_1(glossary, tmp_path: Path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(export(cards=[card(state=999), card(reps="abc")])))
    assert main(["--lang", "en", "study", "import", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"studyllm-tui: {path}: cards[0].state: must be one of 1, 2, 3 (got 999)"
    assert err[1] == f"studyllm-tui: {path}: cards[1].reps: must be a whole number (got 'abc')"
    assert "nothing was imported" in err[2] and len(err) == 3
    assert main(["study", "import", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "cards[0].state: 1, 2, 3 のどれかが必要です（値: 999）" in err[0]
    assert "何も取り込んでいません" in err[-1]
    assert default_store().cards() == {}
    assert main(["--lang", "en", "study", "due"]) == 0  # nothing broke
    assert main(["--lang", "en", "study", "stats"]) == 0
