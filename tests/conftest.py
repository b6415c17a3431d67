"""Every test runs with its own empty config/data/cache folders and no network to the Hub."""

from __future__ import annotations

import os
from pathlib import Path

# Read by huggingface_hub when it is first imported: set before any test imports it.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pytest

from studyllm_tui.core import i18n


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("HF_HOME", str(home / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    i18n.set_language("ja")
    yield home
    i18n.set_language("ja")


@pytest.fixture
def user_data_dir(isolated_dirs: Path) -> Path:
    from studyllm_tui.core import paths

    return paths.data_dir()


@pytest.fixture(autouse=True)
def no_text_cursor_in_snapshots(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Snapshot pictures draw no text cursor: whether a just-blurred TextArea still shows one
    depends on its blink timer's phase, which made pictures differ from run to run. Pilot
    tests check where the focus is."""
    if "snap_compare" in request.fixturenames:
        from textual.widgets import TextArea

        monkeypatch.setattr(TextArea, "_draw_cursor", lambda self: False)
    yield
