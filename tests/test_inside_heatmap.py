"""The heatmap's labels: measured in cells, wide characters never cut, long inputs scroll."""

# ruff: noqa: F811  (pytest fixtures imported from tests.inspect_fixtures)
from __future__ import annotations

from rich.cells import cell_len
from textual.app import App, ComposeResult

from studyllm_tui.app import StudyApp
from studyllm_tui.core.config import Config
from studyllm_tui.ui.inside.heatmap import HeatMap, MapData, column_chunks, fit
from tests.inspect_fixtures import (  # noqa: F401
    InspectModels,
    inspect_models,
    open_inside_and_run,
)


def test_column_chunks_fill_two_cells() -> None:
    assert column_chunks("ラーニング") == ["ラ", "ー", "ニ", "ン", "グ"]
    assert column_chunks("Hello") == ["He", "ll", "o"]
    assert column_chunks("<e8 87>") == ["e8", "87"]
    assert column_chunks("␣東") == ["␣", "東"]


def test_fit_never_cuts_a_wide_character() -> None:
    for cells in range(2, 12):
        label = fit("ディープラーニング", cells)
        assert cell_len(label) == cells
        assert label.rstrip().endswith("…") or cells >= 18
    assert fit("[CLS]", 8) == "[CLS]   "


async def test_causal_rows_leave_the_upper_triangle_empty() -> None:
    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield HeatMap()

    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        heatmap = app.query_one(HeatMap)
        values = [[1.0 if j == 0 else 0.0 for j in range(3)] for _ in range(3)]
        heatmap.set_data(MapData(values, ["a", "b", "c"], ["a", "b", "c"], causal=True))
        await pilot.pause()
        row = heatmap.body_line(1, heatmap.rich_style)
        segments = list(row)
        assert [s.text for s in segments] == ["  ", "  ", "  "]
        assert segments[0].style.bgcolor is not None and segments[1].style.bgcolor is not None
        assert segments[2].style.bgcolor == heatmap.rich_style.bgcolor  # masked: plain, empty


async def test_long_input_scrolls(inspect_models: InspectModels) -> None:
    text = "Hello world, this is a test. " * 4
    app = StudyApp(Config(lang="en", device="cpu"), only_tabs=("glossary", "inside"))
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_inside_and_run(pilot, str(inspect_models.gpt2), text)
        heatmap = pane.query_one("#view-attention", HeatMap)
        count = len(pane.run.tokens)
        assert count > 30  # more than fit on an 80x24 screen
        assert heatmap.virtual_size.height >= count and heatmap.virtual_size.width >= 2 * count
        await pilot.press("end", *["pagedown"] * (count // 10 + 1))
        await pilot.pause()
        assert heatmap.cursor == (count - 1, count - 1)
        assert heatmap.scroll_offset.x > 0 and heatmap.scroll_offset.y > 0
        assert f"{count - 1} “" in str(app.query_one("#inside-status").render())
