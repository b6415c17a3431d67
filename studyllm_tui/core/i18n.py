"""The one catalogue of UI strings, in Japanese (default) and English.

Strings live in ``studyllm_tui/i18n/<area>.yaml``: each key maps to ``{ja: ..., en: ...}``.
A key is used as ``<area>.<key>``, e.g. ``t("glossary.search_placeholder")``. Placeholders use
``str.format`` syntax: ``t("glossary.results", count=3)``.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from functools import cache
from pathlib import Path

from studyllm_tui.core.config import LANGUAGES

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "i18n"
CACHE_FORMAT = 2  # bump when the cached form of an area changes
CACHE_LIMIT = 4 * 1024 * 1024  # a cached area is a few KB; anything bigger is not ours
_language = "ja"
_loading: set[str] = set()  # areas being read now: a message about their own file uses keys

Area = dict[str, dict[str, str]]


def is_area(data: object) -> bool:
    """Whether ``data`` has the shape of an area: ``{key: {language: text}}``, all text."""
    return isinstance(data, dict) and all(
        isinstance(key, str)
        and isinstance(texts, dict)
        and all(isinstance(lang, str) and isinstance(text, str) for lang, text in texts.items())
        for key, texts in data.items()
    )


def read_area_file(file: Path) -> Area:
    """Parse one catalogue file (YAML, read safely). Used when its cached copy is missing or stale."""
    from studyllm_tui.core.safeyaml import YamlFileError, load_file

    data = load_file(file) or {}
    if not is_area(data):
        raise YamlFileError(file, 1, "expected `key: {ja: text, en: text}` entries")
    return data


def cache_file(area: str) -> Path:
    """Where the parsed copy of an area is kept (the user's cache folder)."""
    from studyllm_tui.core import paths

    return paths.cache_dir() / "i18n" / f"{area}.json"


def _stamp(file: Path) -> list[object]:
    """What a cached copy must match: the format, the source file's path, size and mtime."""
    info = file.stat()
    return [CACHE_FORMAT, str(file), info.st_size, info.st_mtime_ns]


def _read_small(path: Path, limit: int) -> bytes | None:
    """At most ``limit`` bytes of a regular file; None for anything else (never trusted)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _read_cache(area: str, stamp: list[object]) -> Area | None:
    """The cached copy if it is well-formed JSON of the right stamp and shape, else None."""
    raw = _read_small(cache_file(area), CACHE_LIMIT)
    if raw is None:
        return None
    try:
        stored = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    if not (isinstance(stored, dict) and stored.get("stamp") == stamp):
        return None
    data = stored.get("area")
    return data if is_area(data) else None


def _write_cache(area: str, stamp: list[object], data: Area) -> None:
    """Keep a parsed copy for the next start; the cache is optional, so failures are ignored."""
    target = cache_file(area)
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        payload = json.dumps({"stamp": stamp, "area": data}, ensure_ascii=False).encode("utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(payload)
        os.replace(temporary, target)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


@cache
def _area(area: str) -> Area:
    """One area's strings (``i18n/<area>.yaml``), read the first time one of them is used.

    The YAML file stays the source; a parsed copy (JSON) in the user's cache folder, checked
    against the file's size and modification time and for its shape, spares importing and
    running the YAML parser at start-up. A copy that is unreadable, stale or malformed in any
    way is ignored and rewritten: the cache is never trusted.
    """
    if area in _loading:  # a message about this very area's file is being formed
        return {}
    file = CATALOGUE_DIR / f"{area}.yaml"
    try:
        stamp = _stamp(file)
    except OSError:
        return {}
    cached = _read_cache(area, stamp)
    if cached is not None:
        return cached
    _loading.add(area)
    try:
        data = read_area_file(file)
    finally:
        _loading.discard(area)
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
