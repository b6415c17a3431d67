"""Loading and validating glossary YAML: each kind of problem names its file and line."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from studyllm_tui.core import i18n
from studyllm_tui.core.glossary import load_glossary, load_glossary_files
from tests.glossary_fixtures import write_glossary


@pytest.fixture(autouse=True)
def english() -> None:
    """The messages below are matched in English (``glossary_check`` area of the catalogue)."""
    i18n.set_language("en")


def load(folder: Path, text: str):
    return load_glossary_files([[write_glossary(folder, text)]])


def test_small_glossary_loads_clean(tmp_path: Path) -> None:
    glossary = load_glossary_files([[write_glossary(tmp_path)]])
    assert glossary.problems == []
    assert set(glossary.terms) == {"fine-tuning", "transfer-learning", "token", "bert"}
    term = glossary.terms["fine-tuning"]
    assert term.ja == "ファインチューニング"
    assert term.aliases == ("微調整", "FT")
    assert term.related == ("transfer-learning", "token")
    assert term.book == "第5章"
    assert term.line == 2
    assert [t.id for t in glossary.backlinks("fine-tuning")] == ["transfer-learning"]


def test_broken_yaml_names_file_and_line_and_rest_still_loads(tmp_path: Path) -> None:
    good = write_glossary(tmp_path / "a")
    broken = write_glossary(tmp_path / "b", "terms:\n  - id: x\n    ja: [unclosed\n", "broken.yaml")
    glossary = load_glossary_files([[good, broken]])
    assert len(glossary) == 4
    (problem,) = glossary.problems
    assert problem.file == broken
    assert problem.line >= 3
    assert "YAML" in problem.message  # "YAML として読めません" / "broken YAML"
    assert str(problem).startswith(f"{broken}:{problem.line}: ")


def test_missing_fields_unknown_category_and_field(tmp_path: Path) -> None:
    text = dedent(
        """\
        terms:
          - id: a
            ja: あ
            reading: あ
            en: a
            category: tokenization
            summary: s
          - id: b
            ja: い
            reading: い
            en: b
            category: cooking
            summary: s
            body: b
          - id: c
            ja: う
            reading: う
            en: c
            category: tokenization
            summary: s
            body: b
            colour: red
        """
    )
    glossary = load(tmp_path, text)
    messages = {(p.line, p.message) for p in glossary.problems}
    assert (2, "a: missing or empty field(s): body") in messages
    assert any(line == 12 and "unknown category 'cooking'" in m for line, m in messages)
    assert any(line == 22 and "unknown field 'colour'" in m for line, m in messages)
    assert set(glossary.terms) == {"c"}


def test_duplicate_ids_and_unknown_links(tmp_path: Path) -> None:
    text = dedent(
        """\
        terms:
          - {id: a, ja: あ, reading: あ, en: a, category: models, summary: s, body: b, related: [zzz]}
          - {id: a, ja: い, reading: い, en: b, category: models, summary: s, body: b}
        """
    )
    glossary = load(tmp_path, text)
    messages = [str(p) for p in glossary.problems]
    assert any(":3: duplicate id 'a' (first defined at" in m for m in messages)
    assert any(":2: a: related id 'zzz' is not a term" in m for m in messages)
    assert glossary.terms["a"].ja == "あ"


def test_bad_types_reading_and_try_target(tmp_path: Path) -> None:
    text = dedent(
        """\
        terms:
          - id: a
            ja: あ
            reading: a-romaji
            en: a
            category: models
            summary: s
            body: b
            aliases: not-a-list
            try: nowhere
        """
    )
    glossary = load(tmp_path, text)
    messages = [p.message for p in glossary.problems]
    assert any("reading must be kana" in m for m in messages)
    assert any("aliases must be a list" in m for m in messages)
    assert any("unknown try target 'nowhere'" in m for m in messages)
    assert glossary.terms["a"].try_ == ""


def test_non_mapping_root_and_bad_id(tmp_path: Path) -> None:
    assert "expected a `terms:` list" in load(tmp_path, "foo: 1\n").problems[0].message
    text = "terms:\n  - {id: Bad Id, ja: あ, reading: あ, en: a, category: models, summary: s, body: b}\n"
    glossary = load(tmp_path, text)
    assert "must be lower-case ascii" in glossary.problems[0].message
    assert len(glossary) == 0


def test_user_files_add_and_override_shipped(tmp_path: Path) -> None:
    shipped = tmp_path / "shipped"
    write_glossary(shipped)
    user = tmp_path / "user"
    write_glossary(
        user,
        dedent(
            """\
            terms:
              - {id: token, ja: トークン（私の説明）, reading: とーくん, en: token,
                 category: tokenization, summary: 私の要約, body: 私の本文}
              - {id: my-term, ja: 自作用語, reading: じさくようご, en: my term,
                 category: models, summary: s, body: b, related: [bert]}
            """
        ),
    )
    glossary = load_glossary(shipped=shipped, user=user)
    assert glossary.problems == []
    assert glossary.terms["token"].summary == "私の要約"
    assert "my-term" in glossary.terms and "bert" in glossary.terms


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"\xff\xfe\x00bad")
    glossary = load_glossary_files([[path]])
    assert glossary.problems and "UTF-8" in glossary.problems[0].message


def test_problems_speak_the_ui_language(tmp_path: Path) -> None:
    """The same mistakes in Japanese, FILE:LINE kept (issue 10: one language at a time)."""
    text = dedent(
        """\
        terms:
          - id: a
            ja: あ
            reading: abc
            en: A
            category: cooking
            summary: s
            body: b
            colour: red
            related: [zzz]
        """
    )
    i18n.set_language("ja")
    problems = [str(p) for p in load(tmp_path, text).problems]
    assert any(":9: 知らないフィールドです: 'colour'" in p for p in problems), problems
    assert any(":6: a: 知らない分類です: 'cooking'" in p for p in problems), problems
    i18n.set_language("en")
    problems = [str(p) for p in load(tmp_path / "en", text).problems]
    assert any(":9: unknown field 'colour'" in p for p in problems), problems
    assert any(":6: a: unknown category 'cooking'" in p for p in problems), problems
