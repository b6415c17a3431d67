"""``studyllm-tui glossary search|show|check`` (exact forms)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studyllm_tui.__main__ import main
from tests.glossary_fixtures import write_glossary


@pytest.fixture
def small_shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "shipped"
    write_glossary(folder)
    monkeypatch.setattr("studyllm_tui.core.paths.shipped_glossary_dir", lambda: folder)
    return folder


def test_search_json(small_shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["glossary", "search", "fain", "--json", "--limit", "2"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["id"] == "fine-tuning"
    assert len(hits) <= 2
    for key in ("id", "ja", "en", "reading", "aliases", "category", "summary", "score"):
        assert key in hits[0]


def test_search_text_and_no_match(small_shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["glossary", "search", "転移"]) == 0
    assert "transfer-learning" in capsys.readouterr().out
    assert main(["glossary", "search", "qqqq"]) == 0
    assert "「qqqq」に一致する用語はありません。近い用語:" in capsys.readouterr().out
    assert main(["--lang", "en", "glossary", "search", "qqqq"]) == 0
    assert "no term matches “qqqq”; nearest:" in capsys.readouterr().out


def test_show(small_shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["glossary", "show", "token", "--json"]) == 0
    term = json.loads(capsys.readouterr().out)
    assert term["ja"] == "トークン" and term["body"].startswith("例")
    assert main(["glossary", "show", "bert"]) == 0
    assert "BERT / BERT  [bert]" in capsys.readouterr().out
    assert main(["--lang", "en", "glossary", "show", "nope"]) == 1
    assert "no glossary term with id 'nope'" in capsys.readouterr().err


def test_check_clean_and_broken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_glossary(tmp_path / "good")
    assert main(["--lang", "en", "glossary", "check", str(good)]) == 0
    assert "4 terms in 1 files, 0 problem(s)" in capsys.readouterr().out
    bad = write_glossary(tmp_path / "bad", "terms:\n  - id: x\n    ja: [\n", "bad.yaml")
    assert main(["--lang", "en", "glossary", "check", str(good), str(bad)]) == 1
    captured = capsys.readouterr()
    line = captured.out.splitlines()[0]
    assert line.startswith(f"{bad}:") and line.split(":")[1].isdigit()
    assert "1 problem(s)" in captured.err
    assert main(["glossary", "check", str(tmp_path / "missing.yaml")]) == 1


def test_check_includes_user_files(
    small_shipped: Path, user_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_glossary(user_data_dir / "glossary", "terms:\n  - {id: x}\n", "mine.yaml")
    assert main(["--lang", "en", "glossary", "check"]) == 1
    assert "mine.yaml:2: x: missing or empty field(s)" in capsys.readouterr().out
    assert main(["--lang", "ja", "glossary", "check"]) == 1
    assert "mine.yaml:2: x: 必須のフィールドがないか空です" in capsys.readouterr().out
