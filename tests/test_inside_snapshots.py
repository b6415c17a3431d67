"""The look of the Inside tab's five views at 80x24 and 160x48 (tiny seeded local model)."""

# ruff: noqa: F811  (pytest fixtures imported from tests.inspect_fixtures)
from __future__ import annotations

import pytest
from textual.widgets import Input

from studyllm_tui.app import StudyApp
from studyllm_tui.core.config import Config
from tests.inspect_fixtures import (  # noqa: F401
    InspectModels,
    inspect_models,
    open_inside_and_run,
    wait_until,
)

VIEW_KEYS = {"attention": "a", "heads": "h", "logit-lens": "l", "positions": "p", "embeddings": "e"}


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
@pytest.mark.parametrize("view", list(VIEW_KEYS))
def test_inside_view(snap_compare, inspect_models: InspectModels, monkeypatch, view, size) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(inspect_models.llama.parent)  # a short, stable model path on screen
    model = "./gpt2" if view == "positions" else "./llama"

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        pane = await open_inside_and_run(pilot, model, "日本の首都は東京です")
        assert pane.run is not None
        await pilot.press(VIEW_KEYS[view])
        target = pane.query_one(pane.view_widget())
        assert await wait_until(pilot, lambda: pilot.app.focused is target)
        if view == "logit-lens":
            assert await wait_until(pilot, lambda: pane.lens is not None)
        if view == "positions":
            await pilot.press("v")
            assert await wait_until(
                pilot,
                lambda: (
                    "learned" in str(pane.query_one("#inside-title").render())
                    or "学習" in str(pane.query_one("#inside-title").render())
                ),
            )
        await pilot.press("down", "right")
        await pilot.app.workers.wait_for_complete()
        for area in pilot.app.query(Input):
            area.cursor_blink = False
        await pilot.pause(0.3)

    app = StudyApp(
        Config(lang="ja" if size[0] == 80 else "en", device="cpu"), only_tabs=("glossary", "inside")
    )
    assert snap_compare(app, run_before=run_before, terminal_size=size)
