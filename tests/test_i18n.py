"""The UI catalogue: every string in both languages, every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from studyllm_tui.core import i18n

PACKAGE = Path(i18n.__file__).resolve().parent.parent


def test_every_entry_has_japanese_and_english_with_the_same_placeholders() -> None:
    for key, texts in i18n.catalogue().items():
        assert set(texts) == {"ja", "en"}, key
        fields = [
            {name for _, name, _, _ in string.Formatter().parse(texts[lang]) if name}
            for lang in ("ja", "en")
        ]
        assert fields[0] == fields[1], key


def test_every_literal_key_used_in_the_code_exists() -> None:
    used: set[str] = set()
    for file in PACKAGE.rglob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", file.read_text()))
    known = i18n.catalogue()  # built afresh on each call: once, not once per key
    missing = sorted(key for key in used if key not in known)
    assert not missing


def test_language_switch() -> None:
    assert i18n.t("app.tab_glossary") == "用語集"
    i18n.set_language("en")
    assert i18n.t("app.tab_glossary") == "Glossary"
    assert i18n.t("app.config_problems", count=2).startswith("2 problem")
    assert i18n.t("no.such.key") == "no.such.key"
    with pytest.raises(ValueError):
        i18n.set_language("fr")


@pytest.fixture
def catalogue_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A catalogue of one area, ``demo``, read afresh (no in-process memo)."""
    folder = tmp_path / "i18n"
    folder.mkdir()
    (folder / "demo.yaml").write_text('hello: {ja: "こんにちは", en: "Hello"}\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "CATALOGUE_DIR", folder)
    i18n._area.cache_clear()
    yield folder
    i18n._area.cache_clear()


def test_start_up_reads_the_parsed_copy_not_the_yaml(
    catalogue_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert i18n.t("demo.hello") == "こんにちは"
    assert i18n.cache_file("demo").is_file()
    i18n._area.cache_clear()

    def no_yaml(file: Path) -> dict[str, dict[str, str]]:
        raise AssertionError(f"parsed {file} although its cached copy is current")

    monkeypatch.setattr(i18n, "read_area_file", no_yaml)
    i18n.set_language("en")
    assert i18n.t("demo.hello") == "Hello"


def test_an_edited_catalogue_file_replaces_its_cached_copy(catalogue_dir: Path) -> None:
    assert i18n.t("demo.hello") == "こんにちは"
    (catalogue_dir / "demo.yaml").write_text(
        'hello: {ja: "やあ、みなさん", en: "Hi"}\nbye: {ja: "さようなら", en: "Bye"}\n',
        encoding="utf-8",
    )
    i18n._area.cache_clear()
    assert i18n.t("demo.hello") == "やあ、みなさん"
    assert i18n.t("demo.bye") == "さようなら"


def test_a_broken_or_unwritable_cache_falls_back_to_the_yaml(
    catalogue_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    i18n.t("demo.hello")
    i18n.cache_file("demo").write_bytes(b"\x00garbage")
    i18n._area.cache_clear()
    assert i18n.t("demo.hello") == "こんにちは"

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(i18n, "cache_file", lambda area: blocker / "i18n" / f"{area}.marshal")
    i18n._area.cache_clear()
    assert i18n.t("demo.hello") == "こんにちは"
    assert i18n.t("demo.missing") == "demo.missing"


def test_no_catalogue_key_is_defined_twice() -> None:
    """YAML keeps the last of two equal keys without a word: a second definition would
    silently replace a string another screen uses."""
    import yaml

    from studyllm_tui.core.i18n import CATALOGUE_DIR

    for file in sorted(CATALOGUE_DIR.glob("*.yaml")):
        root = yaml.compose(file.read_text(encoding="utf-8"))
        assert isinstance(root, yaml.MappingNode), file
        keys = [key.value for key, _ in root.value]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        assert not twice, f"{file.name}: {twice}"
