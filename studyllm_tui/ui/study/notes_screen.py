"""A modal with the bookmark and note of one term, opened from a study card."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible
from studyllm_tui.ui.term_notes import TermNotes


class NotesScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", t("study.close"), id="study.notes_close")]

    def __init__(self, term_id: str, title: str) -> None:
        super().__init__()
        self.term_id = term_id
        self.term_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="study-notes-box"):
            yield Static(Content(visible(self.term_title)), id="study-notes-title")
            yield TermNotes(self.term_id, id="study-notes")
            yield Static(t("study.notes_close_hint"), id="study-notes-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(TermNotes).focus_default()

    def action_close(self) -> None:
        notes = self.query_one(TermNotes)
        if notes.editing:
            notes.action_cancel_edit()
            return
        self.dismiss(None)
