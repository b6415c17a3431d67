"""The Inside tab (F7), driven by keyboard on tiny local models."""

# ruff: noqa: F811  (pytest fixtures imported from tests.inspect_fixtures)
from __future__ import annotations

import math
import threading

import pytest
from textual.widgets import DataTable, Input, Static

from studyllm_tui.app import StudyApp
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import t
from studyllm_tui.ui.inside import InsidePane
from studyllm_tui.ui.inside.heads import HeadsGrid
from studyllm_tui.ui.inside.heatmap import HeatMap
from tests.inspect_fixtures import (  # noqa: F401
    InspectModels,
    inspect_models,
    open_inside_and_run,
    wait_until,
)

TEXT = "日本の首都は"


def status(app: StudyApp) -> str:
    return str(app.query_one("#inside-status", Static).render())


async def open_and_run(pilot, model: str, text: str = TEXT) -> InsidePane:  # type: ignore[no-untyped-def]
    pane: InsidePane = await open_inside_and_run(pilot, model, text)
    return pane


async def wait_for(pilot, predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, predicate, timeout)


async def test_cursor_and_layer_head_keys_show_the_exact_weight(
    inspect_models: InspectModels,
) -> None:
    app = StudyApp(Config(lang="en", device="cpu"), only_tabs=("glossary", "inside"))
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_and_run(pilot, str(inspect_models.gpt2))
        run = pane.run
        assert run is not None and run.causal
        heatmap = pane.query_one("#view-attention", HeatMap)
        await wait_for(pilot, lambda: app.focused is heatmap)
        assert app.focused is heatmap
        await pilot.press("down", "down", "right")
        assert heatmap.cursor == (2, 1)
        mean = run.attentions[0, :, 2, 1].mean().item()
        assert f"2 “{run.tokens[2]}” → 1 “{run.tokens[1]}”: {mean:.6f}" in status(app)
        await pilot.press("right_square_bracket", "right_square_bracket", "full_stop", "full_stop")
        assert (pane.layer_index, pane.head) == (2, 1)
        await pilot.press("left")  # the status follows the cursor and the new layer/head
        weight = run.attentions[2, 1, 2, 0].item()
        assert f": {weight:.6f}" in status(app)
        assert "layer 2/2 · head 1" in str(app.query_one("#inside-title", Static).render())
        await pilot.press("right", "right", "right")  # a future token: masked, weight 0
        assert "0.000000" in status(app) and "causal mask" in status(app)
        await pilot.press("m")
        assert pane.head is None
        await pilot.press("left_square_bracket")
        assert pane.layer_index == 1


async def test_heads_grid_picks_and_opens_a_head(inspect_models: InspectModels) -> None:
    app = StudyApp(Config(lang="en", device="cpu"), only_tabs=("glossary", "inside"))
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_and_run(pilot, str(inspect_models.llama))
        await pilot.press("h")
        grid = pane.query_one(HeadsGrid)
        assert app.focused is grid and len(grid.maps) == 4
        await pilot.press("right", "right")
        assert grid.head == 2 and "head 2:" in status(app)
        await pilot.press("enter")
        assert pane.view == "attention" and pane.head == 2


async def test_logit_lens_table_ends_with_the_real_output(inspect_models: InspectModels) -> None:
    app = StudyApp(Config(lang="en", device="cpu"), only_tabs=("glossary", "inside"))
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_and_run(pilot, str(inspect_models.llama))
        await pilot.press("l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = pane.query_one("#view-logit-lens", DataTable)
        assert pane.lens is not None and table.row_count == 2 + 5  # layers 0, 1; output top 5
        output = pane.lens.rows[-1].top
        table.move_cursor(row=2, column=len(output) - 1)
        await pilot.pause()
        best = output[-1][0]
        assert f"{best.token} {best.prob:.4f}" in status(app) and "output" in status(app)


async def test_encoder_lens_is_explained_and_positions_switch(
    inspect_models: InspectModels,
) -> None:
    app = StudyApp(Config(lang="en", device="cpu"), only_tabs=("glossary", "inside"))
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_and_run(pilot, str(inspect_models.bert))
        await pilot.press("l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "encoder" in status(app) and "logit lens needs a causal LM" in status(app)
        await pilot.press("p")
        heatmap = pane.query_one("#positions-map", HeatMap)
        await pilot.press("down", "right", "right", "right")
        expected = math.cos(1 / 10000 ** (2 / 64))  # dim 3 = 2i+1 with i = 1, d = 64
        assert f"position 1 · dim 3: {expected:.6f}" in status(app)
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "learned position vectors" in str(app.query_one("#inside-title", Static).render())
        assert heatmap.value(0, 0) == pytest.approx(1.0, abs=1e-5)
        await pilot.press("e")
        await pilot.press("down")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = str(pane.query_one("#embeddings-result", Static).render())
        assert "nearest to" in result and " 1. " in result


async def test_escape_cancels_a_run(inspect_models: InspectModels, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import studyllm_tui.core.inspect as inspect_package
    from studyllm_tui.core.jobs import check_cancelled

    real_load = inspect_package.load_model
    started = threading.Event()

    def slow_load(model, *, cancel=None, **kwargs):  # type: ignore[no-untyped-def]
        loaded = real_load(model, cancel=cancel, **kwargs)
        started.set()
        cancel.wait(10)  # a slow download: only Escape ends it early
        check_cancelled(cancel)
        return loaded

    monkeypatch.setattr(inspect_package, "load_model", slow_load)
    app = StudyApp(Config(lang="en", device="cpu"), only_tabs=("glossary", "inside"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        pane = app.query_one(InsidePane)
        pane.query_one("#inside-model", Input).value = str(inspect_models.gpt2)
        await pilot.press("ctrl+j")
        while not started.is_set():
            await pilot.pause(0.05)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert pane.run is None
        assert status(app) == t("inside.status_cancelled")


async def test_missing_model_is_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = StudyApp(Config(lang="en", device="cpu"), only_tabs=("glossary", "inside"))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_and_run(pilot, str(tmp_path / "missing.gguf"))
        assert status(app).startswith("Error: ") and "no such .gguf file" in status(app)


async def test_show_target_and_help(inspect_models: InspectModels) -> None:
    app = StudyApp(Config(lang="ja", device="cpu"), only_tabs=("glossary", "inside"))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.open_target("inside/logit-lens")
        await pilot.pause()
        pane = app.query_one(InsidePane)
        assert pane.view == "logit-lens"
        await pilot.press("f1")
        await pilot.pause()
        help_text = str(app.screen.query_one("#help-pane").source)  # type: ignore[attr-defined]
        assert "第2章" in help_text and "eager" in help_text


async def test_g_opens_the_views_glossary_term() -> None:
    from studyllm_tui.core.glossary import load_glossary

    app = StudyApp(Config(lang="en"), glossary=load_glossary(), only_tabs=("glossary", "inside"))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.open_target("inside/positions")
        await pilot.pause()
        app.query_one("#positions-map").focus()
        await pilot.press("g")
        await pilot.pause()
        assert app.query_one("#tabs").active == "glossary"  # type: ignore[attr-defined]
        term = app.query_one("#glossary-pane").current_term()  # type: ignore[attr-defined]
        assert term is not None and term.id == "positional-encoding"
