"""`studyllm-tui study ...`: both languages, one-line errors, no escape sequence from a file or
the glossary reaches the terminal, and an export never writes through a link or onto a device."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from fsrs import Rating

from studyllm_tui.__main__ import main
from studyllm_tui.core.glossary import Glossary
from studyllm_tui.core.study import close_default_store, default_store
from tests.test_study_helpers import T0, small_glossary, term

ESC_TITLE = "\x1b]0;owned\x07"
ESC_CLEAR = "\x1b[2J"
C1 = "\x9b31m"


def no_controls(text: str) -> bool:
    return not any(char in text for char in ("\x1b", "\x07", "\x9b"))


@pytest.fixture
def glossary(monkeypatch):
    import studyllm_tui.core.glossary as glossary_module

    small = small_glossary()
    hostile = term(
        f"evil{ESC_TITLE}",
        f"悪い{ESC_CLEAR}用語",
        f"Evil{C1}term",
        "tokenization",
        f"本文{ESC_TITLE}。",
        summary=f"要約{ESC_CLEAR}。",
        summary_en=f"Summary{ESC_TITLE}.",
    )
    small = Glossary(terms={**small.terms, hostile.id: hostile})
    monkeypatch.setattr(glossary_module, "load_glossary", lambda *a, **k: small)
    close_default_store()
    yield small
    close_default_store()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    "lang, words",
    [
        ("en", ["card(s) due now", "Answered today", "Streak", "Answers per day (last 14 days)"]),
        ("ja", ["いま期日のカード", "今日の回答", "連続学習日数", "1日あたりの回答数（過去14日）"]),
    ],
)
def test_due_and_stats_speak_the_chosen_language(glossary, capsys, lang, words):
    default_store().record_review("term/bpe/meaning", Rating.Again, T0)
    code, due_out, _ = run(capsys, "--lang", lang, "study", "due")
    assert code == 0
    code, stats_out, _ = run(capsys, "--lang", lang, "study", "stats")
    assert code == 0
    for word in words:
        assert word in due_out + stats_out
    other = ["card(s) due now", "Answered today"] if lang == "ja" else ["いま期日", "今日の回答"]
    assert not any(word in due_out + stats_out for word in other)


def test_due_shows_glossary_text_with_controls_made_visible(glossary, capsys):
    store = default_store()
    for spec_id in ("term/evil\x1b]0;owned\x07/meaning", "term/evil\x1b]0;owned\x07/term"):
        store.record_review(spec_id, Rating.Again, T0)
    for lang in ("en", "ja"):
        code, out, err = run(capsys, "--lang", lang, "study", "due")
        assert code == 0 and err == ""
        assert no_controls(out)
        assert "␛]0;owned␇" in out  # the id, visible
    code, out, _ = run(capsys, "--lang", "en", "study", "due", "--json")
    assert code == 0 and json.loads(out)["due_count"] == 2  # JSON escapes controls itself


HOSTILE_VALUES = [
    {"card_id": ESC_TITLE, "state": 999},
    {"state": f"2{ESC_CLEAR}"},
    {"due": f"2024-05-01{ESC_TITLE}"},
    {"stability": f"{C1}abc"},
    {"card_id": "\u202eevil", "state": 0},
    {"reps": "\x00\x1b[6n"},
]


@pytest.mark.parametrize("changes", HOSTILE_VALUES)
def test_import_errors_never_echo_control_characters(glossary, tmp_path: Path, capsys, changes):
    row = {
        "card_id": "c",
        "state": 2,
        "stability": 1.0,
        "difficulty": 5.0,
        "due": "2024-05-02T00:00:00+00:00",
        "first_review": "2024-05-01T00:00:00+00:00",
        **changes,
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "studyllm-tui-study", "version": 1, "cards": [row]}))
    for lang in ("en", "ja"):
        code, out, err = run(capsys, "--lang", lang, "study", "import", str(path))
        assert code == 1 and out == ""
        assert no_controls(err) and "\u202e" not in err
        assert "cards[0]." in err and "Traceback" not in err


def test_a_file_name_holding_escapes_is_shown_visibly(glossary, tmp_path: Path, capsys):
    path = tmp_path / f"x{ESC_TITLE}.json"
    code, _, err = run(capsys, "study", "import", str(path))
    assert code == 1 and err.count("\n") == 1 and no_controls(err) and "␛" in err
    code, out, err = run(capsys, "study", "export", str(path))
    assert code == 0 and no_controls(out) and path.exists()


def test_export_refuses_a_symbolic_link_and_leaves_its_target(glossary, tmp_path: Path, capsys):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "backup.json"
    link.symlink_to(target)
    for lang, words in (("en", "symbolic link"), ("ja", "シンボリックリンク")):
        for name in ("backup.json", "backup.tsv"):
            if name == "backup.tsv":
                (tmp_path / name).symlink_to(target)
            code, out, err = run(capsys, "--lang", lang, "study", "export", str(tmp_path / name))
            assert code == 1 and out == "" and err.count("\n") == 1 and words in err
            assert (tmp_path / name).is_symlink()
            (tmp_path / name).unlink() if name == "backup.tsv" else None
    assert link.is_symlink() and target.read_text() == "keep me"


def test_export_refuses_a_folder_and_a_device(glossary, tmp_path: Path, capsys):
    code, _, err = run(capsys, "--lang", "en", "study", "export", str(tmp_path))
    assert code == 1 and "is a folder" in err and err.count("\n") == 1
    code, _, err = run(capsys, "--lang", "en", "study", "export", "/dev/null", "--format", "json")
    assert code == 1 and "not a regular file" in err and err.count("\n") == 1
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_export_replaces_a_regular_file_atomically_and_says_so(glossary, tmp_path: Path, capsys):
    path = tmp_path / "backup.json"
    code, out, _ = run(capsys, "--lang", "en", "study", "export", str(path))
    assert code == 0 and "(new file)" in out
    path.write_text("old")
    path.chmod(0o640)
    code, out, _ = run(capsys, "--lang", "en", "study", "export", str(path))
    assert code == 0 and "(replaced the existing file)" in out
    assert json.loads(path.read_text())["format"] == "studyllm-tui-study"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    code, out, _ = run(capsys, "study", "export", str(path))
    assert code == 0 and "既存のファイルを置き換え" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.json"]  # no temporary left


def test_usage_errors_exit_2(glossary, capsys):
    for argv in (["study"], ["study", "export"], ["study", "nosuch"], ["study", "due", "--x"]):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
        capsys.readouterr()


def test_read_only_database_reads_with_a_notice_and_refuses_import(
    glossary, tmp_path: Path, monkeypatch, capsys
):
    from studyllm_tui.core import paths
    from studyllm_tui.core.study import opening

    default_store().record_review("term/bpe/meaning", Rating.Good, T0)
    close_default_store()
    db = paths.study_db_file()
    real = os.access
    monkeypatch.setattr(
        opening.os,
        "access",
        lambda target, mode, *a, **k: False
        if mode & os.W_OK and Path(target) in (db, db.parent)
        else real(target, mode, *a, **k),
    )
    code, out, err = run(capsys, "--lang", "en", "study", "stats", "--json")
    assert code == 0 and json.loads(out)["cards_seen"] == 1
    assert "read-only" in err and err.count("\n") == 1
    backup = tmp_path / "b.json"
    backup.write_text(json.dumps({"format": "studyllm-tui-study", "version": 1, "notes": [
        {"term_id": "bpe", "text": "x"}]}))
    code, out, err = run(capsys, "--lang", "en", "study", "import", str(backup))
    assert code == 1 and "nothing can be saved" in err and "Traceback" not in err
