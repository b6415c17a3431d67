"""Export/import (JSON and Anki TSV) and the `studyllm-tui study` command line."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Rating

from studyllm_tui.__main__ import main
from studyllm_tui.core.i18n import set_language
from studyllm_tui.core.study import close_default_store, default_store, generate_cards, open_store
from studyllm_tui.core.study.exchange import (
    ExchangeError,
    export_anki_tsv,
    export_json,
    import_json,
)
from tests.test_study_helpers import T0, small_glossary


@pytest.fixture
def glossary(monkeypatch):
    import studyllm_tui.core.glossary as glossary_module

    small = small_glossary()
    monkeypatch.setattr(glossary_module, "load_glossary", lambda *a, **k: small)
    yield small
    close_default_store()


def filled_store(path: Path):
    store, _ = open_store(path)
    store.record_review("term/bpe/meaning", Rating.Good, T0)
    store.record_review("term/bpe/meaning", Rating.Good, T0 + timedelta(minutes=10))
    store.record_review("term/ffn/term", Rating.Again, T0)
    store.set_bookmark("bpe", True)
    store.set_note("bpe", "BPE: merges\nline 2")
    return store


def test_json_round_trip_into_an_empty_database(tmp_path: Path):
    source = filled_store(tmp_path / "a.sqlite3")
    done = export_json(source, tmp_path / "export.json")
    assert done.counts == {"cards": 2, "reviews": 3, "bookmarks": 1, "notes": 1}
    assert not done.replaced
    target, _ = open_store(tmp_path / "b.sqlite3")
    summary = import_json(target, tmp_path / "export.json")
    assert summary.cards_added == 2 and summary.reviews_added == 3
    assert target.cards().keys() == source.cards().keys()
    assert target.cards()["term/bpe/meaning"].card.due == source.cards()["term/bpe/meaning"].card.due
    assert target.note("bpe") == "BPE: merges\nline 2"
    assert target.bookmarks() == {"bpe"}
    again = import_json(target, tmp_path / "export.json")
    assert again.reviews_added == 0 and again.cards_added == 0 and again.cards_updated == 0
    assert len(target.reviews()) == 3


def test_import_keeps_the_newer_card_state(tmp_path: Path):
    old = filled_store(tmp_path / "old.sqlite3")
    export_json(old, tmp_path / "old.json")
    newer = filled_store(tmp_path / "new.sqlite3")
    newer.record_review("term/bpe/meaning", Rating.Easy, T0 + timedelta(days=3))
    due_before = newer.card("term/bpe/meaning").card.due
    summary = import_json(newer, tmp_path / "old.json")
    assert summary.cards_updated == 0
    assert newer.card("term/bpe/meaning").card.due == due_before


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "not valid JSON"),
        ("[[[[[" * 40000 + "]]]]]" * 40000, "nested too deeply"),
        ('{"format": "other"}', "not a studyllm-tui study export"),
        ('{"format": "studyllm-tui-study", "version": 99}', "not supported"),
        ('{"format": "studyllm-tui-study", "version": 1, "cards": [{"card_id": 3}]}', "card_id"),
        (
            '{"format": "studyllm-tui-study", "version": 1, "reviews": '
            '[{"card_id": "x", "rating": 3, "reviewed_at": "yesterday"}]}',
            "not a date",
        ),
    ],
)
def test_bad_imports_say_why_and_change_nothing(tmp_path: Path, content: str, message: str):
    set_language("en")
    store = filled_store(tmp_path / "a.sqlite3")
    before = len(store.reviews())
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ExchangeError, match=message):
        import_json(store, bad)
    assert len(store.reviews()) == before


def test_anki_tsv_has_headers_one_line_per_card_and_escaped_fields(tmp_path: Path):
    cards = generate_cards(small_glossary())
    path = tmp_path / "cards.tsv"
    assert export_anki_tsv(cards, path).counts == {"cards": len(cards)}
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["#separator:tab", "#html:true", "#tags column:3"]
    rows = [line.split("\t") for line in lines[3:]]
    assert len(rows) == len(cards)
    assert all(len(row) == 3 for row in rows)
    choice = next(row for row in rows if "a) " in row[0])
    assert "<br>" in choice[0]
    assert all("studyllm-tui" in row[2] for row in rows)


def test_cli_due_json_lists_due_cards(glossary, capsys):
    store = default_store()
    store.record_review("term/bpe/meaning", Rating.Again, T0)  # long overdue now
    assert main(["study", "due", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["due_count"] == 1
    assert data["due"][0]["card_id"] == "term/bpe/meaning"
    assert data["new_today"] == 20


def test_cli_due_text(glossary, capsys):
    assert main(["--lang", "en", "study", "due"]) == 0
    assert "0 card(s) due now, 20 new card(s) left for today" in capsys.readouterr().out
    assert main(["study", "due"]) == 0
    assert "いま期日のカード 0 枚、今日の新規カード残り 20 枚" in capsys.readouterr().out


def test_cli_export_import_round_trip(glossary, tmp_path: Path, capsys):
    store = default_store()
    store.record_review("term/bpe/meaning", Rating.Good, T0)
    store.set_note("bpe", "メモ")
    assert main(["--lang", "en", "study", "export", str(tmp_path / "backup.json")]) == 0
    assert "1 cards, 1 reviews" in capsys.readouterr().out
    store.db.execute("DELETE FROM cards")
    store.db.execute("DELETE FROM reviews")
    store.db.execute("DELETE FROM notes")
    assert main(["--lang", "en", "study", "import", str(tmp_path / "backup.json")]) == 0
    assert "1 new cards" in capsys.readouterr().out
    assert store.card("term/bpe/meaning") is not None and store.note("bpe") == "メモ"


def test_cli_export_anki_and_refuse_tsv_import(glossary, tmp_path: Path, capsys):
    assert main(["study", "export", str(tmp_path / "anki.tsv")]) == 0
    assert (tmp_path / "anki.tsv").read_text(encoding="utf-8").startswith("#separator:tab")
    capsys.readouterr()
    assert main(["--lang", "en", "study", "import", str(tmp_path / "anki.tsv")]) == 1
    assert "import takes a JSON export" in capsys.readouterr().err


def test_cli_import_missing_file_is_one_line(glossary, tmp_path: Path, capsys):
    assert main(["study", "import", str(tmp_path / "nope.json")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ファイルがありません" in err
    assert main(["--lang", "en", "study", "import", str(tmp_path / "nope.json")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err


def test_cli_reports_a_moved_aside_database(glossary, capsys):
    from studyllm_tui.core import paths

    close_default_store()
    db = paths.study_db_file()
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"garbage" * 1000)
    assert main(["study", "stats", "--json"]) == 0
    captured = capsys.readouterr()
    assert str(db) in captured.err and ".broken-" in captured.err
    assert json.loads(captured.out)["reviews_total"] == 0
