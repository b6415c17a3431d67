"""The one catalogue of UI strings, in Japanese (default) and English.

Strings live in ``studyllm_tui/i18n/<area>.yaml``: each key maps to ``{ja: ..., en: ...}``.
A key is used as ``<area>.<key>``, e.g. ``t("glossary.search_placeholder")``. Placeholders use
``str.format`` syntax: ``t("glossary.results", count=3)``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from studyllm_tui.core.config import LANGUAGES

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "i18n"
_language = "ja"

try:  # the C loader is several times faster; fall back where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@cache
def _area(area: str) -> dict[str, dict[str, str]]:
    """One area's strings (``i18n/<area>.yaml``), read the first time one of them is used."""
    file = CATALOGUE_DIR / f"{area}.yaml"
    if not file.is_file():
        return {}
    data = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader) or {}
    return {str(key): texts for key, texts in data.items()}


def catalogue() -> dict[str, dict[str, str]]:
    """Every string of every area, keyed ``area.key``."""
    return {
        f"{file.stem}.{key}": texts
        for file in sorted(CATALOGUE_DIR.glob("*.yaml"))
        for key, texts in _area(file.stem).items()
    }


def set_language(lang: str) -> None:
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _language = lang


def language() -> str:
    return _language


def t(key: str, /, **values: object) -> str:
    """The string for ``key`` in the current language, with ``values`` filled in."""
    area, _, name = key.partition(".")
    texts = _area(area).get(name)
    if texts is None:
        return key
    text = texts.get(_language) or texts.get("ja") or key
    return text.format(**values) if values else text
