"""Content rules of ``glossary check`` (core/glossary/lint.py): each rule catches a crafted file."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from studyllm_tui.__main__ import main
from studyllm_tui.core import i18n
from studyllm_tui.core.glossary import load_glossary, load_glossary_files
from studyllm_tui.core.glossary.lint import lint


@pytest.fixture(autouse=True)
def english() -> None:
    """The problems below are matched in English (``glossary_check`` area of the catalogue)."""
    i18n.set_language("en")


GOOD = """\
  - id: alpha
    ja: アルファ
    reading: あるふぁ
    en: Alpha
    aliases: [α項]
    category: tuning
    summary: 最初の用語（説明）。
    summary_en: The first term (explained).
    body: |
      本文（括弧は全角）。コードの `f(x)` と式 softmax(x)。はそのまま。
    correction: |
      メモの説明は誤り。
    related: [beta]
    book: "第5章 5.2"

  - id: beta
    ja: ベータ
    reading: べーた
    en: Beta
    category: tuning
    summary: 二つ目の用語。
    summary_en: The second term.
    body: |
      入門Ⅱの説明。
    related: [alpha]
    book: outside
"""


def write(folder: Path, text: str, name: str = "tuning.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("terms:\n" + dedent(text), encoding="utf-8")
    return path


def problems(folder: Path, house: bool = True) -> list[str]:
    glossary = load_glossary_files([sorted(folder.glob("*.yaml"))])
    assert glossary.problems == []
    house_dir = folder if house else folder / "elsewhere"
    return [str(problem) for problem in lint(glossary, house_dir=house_dir)]


def test_a_clean_file_has_no_problems(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    assert problems(tmp_path) == []


def test_shipped_glossary_is_clean() -> None:
    glossary = load_glossary(include_user=False)
    assert [str(p) for p in glossary.problems + lint(glossary)] == []


def test_a_name_of_two_terms_is_reported_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("category: tuning\n    summary: 二つ目", "aliases: [α項]\n    category: tuning\n    summary: 二つ目"))
    found = problems(tmp_path)
    assert len(found) == 2
    assert f"{path}:6: alpha: the name 'α項' also names beta" in found[0]
    assert "beta: the name 'α項' also names alpha" in found[1]


def test_a_name_equal_to_another_terms_headword_is_reported(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("aliases: [α項]", "aliases: [ベータ]"))
    assert any("the name 'ベータ' also names beta" in p for p in problems(tmp_path))


def test_names_are_checked_in_a_users_file_too(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("aliases: [α項]", "aliases: [beta]"))
    assert any("also names" in p for p in problems(tmp_path, house=False))


def test_seed_remarks_belong_in_correction(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("入門Ⅱの説明。", "シードの説明のとおり。"))
    found = problems(tmp_path)
    assert found == [
        f"{path}:25: beta: body speaks of 'シード': remarks on the seed notes belong in "
        "`correction`"
    ]


def test_random_seeds_and_memory_are_not_seed_remarks(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("入門Ⅱの説明。", "乱数のシードを固定し、メモリを節約する。"))
    assert problems(tmp_path) == []


def test_half_width_brackets_in_japanese_text(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("本文（括弧は全角）。", "本文(括弧は半角)。"))
    found = problems(tmp_path)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:11: alpha: body: half-width bracket")


def test_half_width_brackets_in_the_summary(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("最初の用語（説明）。", "最初の用語(説明)。"))
    assert any("summary: half-width bracket" in p for p in problems(tmp_path))


def test_the_second_book_has_one_name(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("入門Ⅱの説明。", "第Ⅱ巻の説明。"))
    assert any("call the second book 入門Ⅱ" in p for p in problems(tmp_path))


def test_book_is_required_unless_outside(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("    book: outside\n", ""))
    assert any("beta: no `book`" in p for p in problems(tmp_path))


def test_book_must_look_like_a_chapter(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace('book: "第5章 5.2"', 'book: "II 第11章"'))
    assert any("book 'II 第11章' is not like" in p for p in problems(tmp_path))


def test_outside_is_not_shown_as_a_chapter(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    glossary = load_glossary_files([[tmp_path / "tuning.yaml"]])
    assert glossary.terms["beta"].book == ""


def test_related_links_go_both_ways(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("related: [alpha]", "related: []"))
    found = problems(tmp_path)
    assert len(found) == 1
    assert "alpha: related 'beta' does not list 'alpha' back" in found[0]


def test_house_rules_apply_only_to_the_house_files(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("本文（括弧は全角）。", "本文(半角)。").replace("    book: outside\n", ""))
    assert problems(tmp_path, house=False) == []


def test_check_command_reports_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, GOOD.replace("aliases: [α項]", "aliases: [Beta]"))
    assert main(["--lang", "ja", "glossary", "check", str(path)]) == 1
    captured = capsys.readouterr()
    assert f"{path}:6: alpha: 名前 'Beta' は beta も指しています" in captured.out
    assert "問題 2 件" in captured.err  # the summary, in the UI language
    assert "also names" not in captured.out
    assert main(["--lang", "en", "glossary", "check", str(path)]) == 1
    captured = capsys.readouterr()
    assert f"{path}:6: alpha: the name 'Beta' also names beta" in captured.out
    assert "2 problem(s)" in captured.err


def test_check_command_reports_an_unknown_try_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD.replace("    book: outside\n", "    book: outside\n    try: inside/nowhere\n"))
    assert main(["--lang", "en", "glossary", "check", str(path)]) == 1
    assert "unknown try target 'inside/nowhere'" in capsys.readouterr().out
    assert main(["--lang", "ja", "glossary", "check", str(path)]) == 1
    assert "知らない try の行き先です: 'inside/nowhere'" in capsys.readouterr().out
