"""TermNotes: the bookmark and Markdown note of one term, in a tiny host app."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Checkbox, Markdown, TextArea

from studyllm_tui.core.study import close_default_store, default_store
from studyllm_tui.ui.term_notes import TermNotes


class Host(App[None]):
    def __init__(self, term_id: str = "bpe") -> None:
        super().__init__()
        self.term_id = term_id

    def compose(self) -> ComposeResult:
        yield TermNotes(self.term_id, id="notes")


def markdown_source(app: App) -> str:
    return app.query_one("#term-notes-view", Markdown).source


async def test_bookmark_toggles_and_is_stored():
    async with Host().run_test() as pilot:
        checkbox = pilot.app.query_one("#term-notes-bookmark", Checkbox)
        checkbox.focus()
        await pilot.press("space")
        await pilot.pause()
        assert default_store().is_bookmarked("bpe")
        await pilot.press("space")
        await pilot.pause()
        assert not default_store().is_bookmarked("bpe")
    close_default_store()


async def test_note_is_edited_saved_and_shown_as_markdown():
    async with Host().run_test() as pilot:
        assert "メモはまだありません" in markdown_source(pilot.app)
        await pilot.click("#term-notes-edit")
        await pilot.pause()
        notes = pilot.app.query_one(TermNotes)
        assert notes.editing
        pilot.app.query_one("#term-notes-editor", TextArea).insert("# 見出し\n**BPE** [bold]x[/bold]")
        await pilot.press("ctrl+s")
        assert default_store().note("bpe") == "# 見出し\n**BPE** [bold]x[/bold]"
        await pilot.press("escape")
        assert not notes.editing
        assert markdown_source(pilot.app).startswith("# 見出し")
    close_default_store()
    async with Host().run_test() as pilot:  # shown again after a restart
        assert markdown_source(pilot.app).startswith("# 見出し")
        assert pilot.app.query_one("#term-notes-bookmark", Checkbox).value is False
    close_default_store()


async def test_escape_saves_and_unmount_keeps_a_draft():
    async with Host("attention").run_test() as pilot:
        await pilot.click("#term-notes-edit")
        await pilot.pause()
        pilot.app.query_one("#term-notes-editor", TextArea).insert("draft one")
        await pilot.press("escape")
        assert default_store().note("attention") == "draft one"
        await pilot.click("#term-notes-edit")
        await pilot.pause()
        pilot.app.query_one("#term-notes-editor", TextArea).insert("more ")
        await pilot.pause()
        await pilot.app.query_one(TermNotes).remove()
        assert default_store().note("attention") == "more draft one"
    close_default_store()


async def test_escape_passes_through_when_not_editing():
    async with Host().run_test() as pilot:
        notes = pilot.app.query_one(TermNotes)
        notes.focus_default()
        assert notes.check_action("finish_edit", ()) is False
    close_default_store()


async def test_a_database_that_cannot_be_opened_shows_a_message():
    from studyllm_tui.core.study import StoreError

    def broken():
        raise StoreError("written by a newer studyllm-tui")

    class BrokenHost(App[None]):
        def compose(self) -> ComposeResult:
            yield TermNotes("bpe", store=broken)

    async with BrokenHost().run_test() as pilot:
        status = str(pilot.app.query_one("#term-notes-status").render())
        assert "newer" in status
        assert pilot.app.query_one("#term-notes-edit").disabled
