"""Tokenizer lab at 80x24: stepper tables measured in cells, the detail line follows edits."""

from __future__ import annotations

from textual.widgets import DataTable, Static, TextArea

from studyllm_tui.app import StudyApp
from studyllm_tui.ui.tokenizer.row import TokenRow
from studyllm_tui.ui.tokenizer.stepper import BpeStepperView
from tests.pilot_helpers import screen_text, wait_until


def column_texts(table: DataTable, column: int) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def test_stepper_tables_show_whole_japanese_pairs_and_words_at_80x24() -> None:
    app = StudyApp(only_tabs=["tokenizer"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "ctrl+t")
        view = app.query_one(BpeStepperView)
        await wait_until(pilot, lambda: view.stepper is not None)
        await pilot.press("alt+right")
        await wait_until(pilot, lambda: view.position == 1)
        pairs = app.query_one("#bpe-pairs", DataTable)
        words = app.query_one("#bpe-words", DataTable)
        # each column is as wide as its widest cell, in terminal cells
        from rich.cells import cell_len

        for table in (pairs, words):
            for index, column in enumerate(table.ordered_columns):
                widest = max(cell_len(text) for text in column_texts(table, index))
                assert column.get_render_width(table) >= widest + 2 * table.cell_padding
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "し + い" in text
        assert "たのしい" in text


async def test_wordpiece_pairs_are_whole() -> None:
    app = StudyApp(only_tabs=["tokenizer"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "ctrl+t")
        view = app.query_one(BpeStepperView)
        await wait_until(pilot, lambda: view.stepper is not None)
        app.query_one("#bpe-wordpiece").toggle()
        await wait_until(pilot, lambda: view.stepper is not None and view.stepper.wordpiece)
        await pilot.press("alt+right")
        await wait_until(pilot, lambda: view.position == 1)
        await pilot.pause(0.2)
        pairs = app.query_one("#bpe-pairs", DataTable)
        assert "##つ + ##く" in column_texts(pairs, 1)
        assert pairs.ordered_columns[1].get_render_width(pairs) >= len("##つ + ##く") + 2 + 2


async def test_detail_line_follows_ctrl_k_and_backspace() -> None:
    app = StudyApp(only_tabs=["tokenizer"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await wait_until(pilot, lambda: all(r.result is not None for r in app.query(TokenRow)))
        area = app.query_one("#tok-text", TextArea)
        area.focus()
        area.text = "猫X"
        area.move_cursor((0, 1))  # on X
        await wait_until(pilot, lambda: "X" in str(app.query_one("#tok-detail", Static).render()))
        await pilot.press("ctrl+k")  # X is gone; the cursor is at the end of 猫

        def describes_cat() -> bool:
            detail = str(app.query_one("#tok-detail", Static).render())
            return "X" not in detail and "猫" in detail

        await wait_until(pilot, describes_cat)
        await pilot.press("backspace")  # nothing left
        await wait_until(pilot, lambda: str(app.query_one("#tok-detail", Static).render()) == "")
