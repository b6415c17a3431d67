"""The look of the glossary tab, pinned (pytest-textual-snapshot)."""

from __future__ import annotations

from pathlib import Path

from studyllm_tui.app import StudyApp
from studyllm_tui.core.glossary import load_glossary_files
from tests.glossary_fixtures import write_glossary


def test_glossary_tab_with_a_term_open(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    glossary = load_glossary_files([[write_glossary(tmp_path)]])
    app = StudyApp(glossary=glossary, only_tabs=("glossary",))

    async def open_term(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*"fain", "enter")
        await pilot.pause(0.5)  # the term's notes appear 0.25 s after it opens

    assert snap_compare(app, run_before=open_term, terminal_size=(110, 30))
