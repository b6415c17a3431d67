"""The look of the tasks, prompt and study tabs, pinned (pytest-textual-snapshot)."""

from __future__ import annotations

from pathlib import Path

from studyllm_tui.app import StudyApp
from studyllm_tui.core.glossary import load_glossary_files
from tests.glossary_fixtures import write_glossary
from tests.pilot_helpers import settle


def test_tasks_tab(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = StudyApp(only_tabs=("glossary", "tasks"))
    assert snap_compare(app, press=["f4"], run_before=settle, terminal_size=(120, 36))


def test_prompt_tab(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = StudyApp(only_tabs=("glossary", "prompt"))
    assert snap_compare(app, press=["f5"], run_before=settle, terminal_size=(120, 36))


def test_study_tab(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    glossary = load_glossary_files([[write_glossary(tmp_path)]])
    app = StudyApp(glossary=glossary, only_tabs=("glossary", "study"))
    assert snap_compare(app, press=["f6"], run_before=settle, terminal_size=(120, 36))
