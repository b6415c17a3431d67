"""Where the app keeps its files: the platform's config, data and cache directories."""

from __future__ import annotations

from pathlib import Path

from platformdirs import PlatformDirs

from studyllm_tui import APP_NAME

_DIRS = PlatformDirs(APP_NAME, appauthor=False)
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def config_dir() -> Path:
    return Path(_DIRS.user_config_dir)


def config_file() -> Path:
    return config_dir() / "config.yaml"


def data_dir() -> Path:
    return Path(_DIRS.user_data_dir)


def cache_dir() -> Path:
    return Path(_DIRS.user_cache_dir)


def user_glossary_dir() -> Path:
    return data_dir() / "glossary"


def user_prompts_dir() -> Path:
    return data_dir() / "prompts"


def study_db_file() -> Path:
    return data_dir() / "study.sqlite3"


def package_data_dir(name: str) -> Path:
    """A data folder shipped with the package (``studyllm_tui/data/<name>``)."""
    return _PACKAGE_DIR / "data" / name


def shipped_glossary_dir() -> Path:
    """The shipped glossary: inside the wheel, or the repository's ``glossary/`` folder."""
    installed = _PACKAGE_DIR / "_glossary"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "glossary"
