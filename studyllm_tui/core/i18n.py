"""The one catalogue of UI strings, in Japanese (default) and English.

Strings live in ``studyllm_tui/i18n/<area>.yaml``: each key maps to ``{ja: ..., en: ...}``.
A key is used as ``<area>.<key>``, e.g. ``t("glossary.search_placeholder")``. Placeholders use
``str.format`` syntax: ``t("glossary.results", count=3)``.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from functools import cache
from pathlib import Path
from typing import Any

from studyllm_tui.core.config import LANGUAGES

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "i18n"
CACHE_FORMAT = 1  # bump when the cached form of an area changes
_language = "ja"

Area = dict[str, dict[str, str]]


def read_area_file(file: Path) -> Area:
    """Parse one catalogue file (YAML). Used when its cached copy is missing or stale."""
    import yaml

    try:  # the C loader is several times faster; fall back where libyaml is missing
        loader: type = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover
        loader = yaml.SafeLoader
    data = yaml.load(file.read_text(encoding="utf-8"), Loader=loader) or {}
    return {str(key): texts for key, texts in data.items()}


def cache_file(area: str) -> Path:
    """Where the parsed copy of an area is kept (the user's cache folder)."""
    from studyllm_tui.core import paths

    return paths.cache_dir() / "i18n" / f"{area}.marshal"


def _stamp(file: Path) -> tuple[Any, ...]:
    """What a cached copy must match: the source file's path, size and modification time."""
    stat = file.stat()
    return (CACHE_FORMAT, marshal.version, str(file), stat.st_size, stat.st_mtime_ns)


def _read_cache(area: str, stamp: tuple[Any, ...]) -> Area | None:
    try:
        stored = marshal.loads(cache_file(area).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == stamp:
        data: Area = stored[1]
        return data
    return None


def _write_cache(area: str, stamp: tuple[Any, ...], data: Area) -> None:
    """Keep a parsed copy for the next start; the cache is optional, so failures are ignored."""
    target = cache_file(area)
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        payload = marshal.dumps((stamp, data))
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(payload)
        os.replace(temporary, target)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


@cache
def _area(area: str) -> Area:
    """One area's strings (``i18n/<area>.yaml``), read the first time one of them is used.

    The YAML file stays the source; a parsed copy in the user's cache folder, checked against
    the file's size and modification time, spares importing and running the YAML parser at
    start-up.
    """
    file = CATALOGUE_DIR / f"{area}.yaml"
    try:
        stamp = _stamp(file)
    except OSError:
        return {}
    cached = _read_cache(area, stamp)
    if cached is not None:
        return cached
    data = read_area_file(file)
    _write_cache(area, stamp, data)
    return data


def catalogue() -> Area:
    """Every string of every area, keyed ``area.key``, read from the YAML files themselves."""
    return {
        f"{file.stem}.{key}": texts
        for file in sorted(CATALOGUE_DIR.glob("*.yaml"))
        for key, texts in read_area_file(file).items()
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
