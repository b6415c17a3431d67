"""Prompt lab: opening the tab puts the cursor in the input, every time (it was intermittent)."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from studyllm_tui.app import StudyApp
from tests.pilot_helpers import wait_until


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_opening_the_tab_puts_the_cursor_in_the_input(size: tuple[int, int]) -> None:
    app = StudyApp(only_tabs=("glossary", "prompt"))
    async with app.run_test(size=size) as pilot:
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(app.focused, TextArea), timeout=10.0)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)  # the focus stays there once everything has settled
        assert app.focused is app.query_one("#prompt-input-input", TextArea)
