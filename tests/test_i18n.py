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
    missing = sorted(key for key in used if key not in i18n.catalogue())
    assert not missing


def test_language_switch() -> None:
    assert i18n.t("app.tab_glossary") == "用語集"
    i18n.set_language("en")
    assert i18n.t("app.tab_glossary") == "Glossary"
    assert i18n.t("app.config_problems", count=2).startswith("2 problem")
    assert i18n.t("no.such.key") == "no.such.key"
    with pytest.raises(ValueError):
        i18n.set_language("fr")
