"""Every editor of the app survives being drawn between its removal and its restyling.

CI once ended the prompt lab's evaluation test with ``KeyError: "No 'text-area--gutter' key in
COMPONENT_CLASSES"``: the lab rebuilds its input fields when the task changes, and a screen
refresh drew a ``TextArea`` whose component styles had just been cleared (Textual #6528).
"""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import TextArea

from studyllm_tui.ui.textarea import SafeTextArea

UI = Path(__file__).resolve().parents[1] / "studyllm_tui" / "ui"


class _Host(App[None]):
    def __init__(self, area: TextArea) -> None:
        super().__init__()
        self.area = area

    def compose(self) -> ComposeResult:
        yield self.area


async def _draw_unstyled(area: TextArea) -> list[Strip]:
    """Draw ``area`` the way the compositor can just before it was styled or after removal."""
    async with _Host(area).run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        # what a widget has before the stylesheet's first pass, and again after removal
        area._component_styles.clear()
        area._rich_style_cache.clear()
        return list(area.render_lines(Region(0, 0, 20, 3)))


async def test_textual_textarea_still_crashes_when_drawn_unstyled() -> None:
    # the reason SafeTextArea exists; when Textual fixes #6528 this fails and the class can go
    with pytest.raises(KeyError, match="COMPONENT_CLASSES"):
        await _draw_unstyled(TextArea("猫が寝ている"))


async def test_safe_textarea_draws_blank_cells_instead() -> None:
    strips = await _draw_unstyled(SafeTextArea("猫が寝ている"))
    assert len(strips) == 3
    assert all(strip.cell_length == 20 and strip.text.strip() == "" for strip in strips)


async def test_safe_textarea_draws_its_text_once_styled() -> None:
    area = SafeTextArea("猫が寝ている")
    async with _Host(area).run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        lines = area.render_lines(Region(0, 0, 30, 3))
        assert "猫が寝ている" in "".join(strip.text for strip in lines)


def test_every_editor_in_the_ui_is_a_safe_textarea() -> None:
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        if path.name == "textarea.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "TextArea":
                    offenders.append(f"{path.relative_to(UI)}:{node.lineno}")
    assert offenders == [], "build editors with ui.textarea.SafeTextArea: " + ", ".join(offenders)


async def test_a_focused_editor_rebuilt_again_and_again_never_ends_the_app() -> None:
    # the prompt lab's task switch: the focused field is removed and a new one with its id is
    # mounted while the screen keeps refreshing (Textual's own TextArea crashes within ~10)
    from textual.containers import Vertical

    class Rebuild(App[None]):
        def compose(self) -> ComposeResult:
            yield Vertical(SafeTextArea("x", id="field"), id="box")

    app = Rebuild()
    async with app.run_test(size=(40, 10)) as pilot:
        for _ in range(40):
            app.query_one("#field").focus()
            await pilot.pause(0.01)
            box = app.query_one("#box")
            await box.remove_children()
            await box.mount(SafeTextArea("y", id="field"))
            await asyncio.sleep(0.02)
        assert app.query_one("#field", SafeTextArea).text == "y"
