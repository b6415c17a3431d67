"""The bookmark and the personal Markdown note of one glossary term.

Self-contained: mount ``TermNotes(term_id)`` anywhere; it reads and writes the study database
through :func:`studyllm_tui.core.study.default_store`. A note is saved with ctrl+s, the Save
button, or when editing ends (Escape, or the widget going away) — typed text is never dropped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Markdown, Static

from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible
from studyllm_tui.core.study import Store, StoreError, default_store
from studyllm_tui.ui.textarea import SafeTextArea


class TermNotes(Vertical):
    """Bookmark toggle, the note rendered as Markdown, and an editor for it."""

    DEFAULT_CSS = """
    TermNotes { height: auto; }
    TermNotes #term-notes-bar { height: auto; }
    TermNotes #term-notes-view { height: auto; max-height: 16; }
    TermNotes #term-notes-editor { height: 10; display: none; }
    TermNotes.-editing #term-notes-editor { display: block; }
    TermNotes.-editing #term-notes-view { display: none; }
    TermNotes #term-notes-status { color: $text-muted; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", t("study.notes_save"), id="term_notes.save"),
        Binding("escape", "finish_edit", t("study.notes_done"), show=False, id="term_notes.done"),
    ]

    def __init__(
        self,
        term_id: str,
        *,
        store: Callable[[], Store] = default_store,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.term_id = term_id
        self._store_factory = store
        self.store: Store | None = None
        self.saved_text = ""
        self.editing = False
        self._announce = False
        self.last_status = ""
        self.editor = SafeTextArea("", id="term-notes-editor", language="markdown", soft_wrap=True)

    def compose(self) -> ComposeResult:
        with Horizontal(id="term-notes-bar"):
            yield Checkbox(t("study.bookmark_term"), id="term-notes-bookmark")
            yield Button(t("study.notes_edit"), id="term-notes-edit", compact=True)
        yield Markdown("", id="term-notes-view")
        yield self.editor
        yield Static("", id="term-notes-status", markup=False)

    def on_mount(self) -> None:
        if not self.query("#term-notes-bookmark"):
            return  # removed again before it was shown (the person moved on to another term)
        try:
            self.store = self._store_factory()
        except (StoreError, OSError, sqlite3.Error) as error:
            self.store = None
            self.status(t("study.store_failed", error=str(error)))
            self.query_one("#term-notes-bookmark", Checkbox).disabled = True
            self.query_one("#term-notes-edit", Button).disabled = True
            return
        self.load()

    def load(self) -> None:
        if self.store is None:
            return
        checkbox = self.query_one("#term-notes-bookmark", Checkbox)
        with checkbox.prevent(Checkbox.Changed):
            checkbox.value = self.store.is_bookmarked(self.term_id)
        self.saved_text = self.store.note(self.term_id)
        self.show_note()

    def show_note(self) -> None:
        view = self.query_one("#term-notes-view", Markdown)
        if self.saved_text.strip():
            view.update(visible(self.saved_text))
        else:
            view.update(t("study.notes_empty"))

    def status(self, message: str) -> None:
        self.last_status = message
        self.query_one("#term-notes-status", Static).update(visible(message))

    def focus_default(self) -> None:
        self.query_one("#term-notes-bookmark", Checkbox).focus()

    # -- bookmark -----------------------------------------------------------------------

    def toggle_bookmark(self) -> None:
        """The ``b`` key and the palette: toggle, and say so where it can be seen."""
        checkbox = self.query_one("#term-notes-bookmark", Checkbox)
        if checkbox.disabled:
            self.app.notify(self.last_status, severity="error", markup=False)
            return
        checkbox.toggle()
        checkbox.scroll_visible(animate=False)
        self._announce = True

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if self.store is None:
            return
        try:
            self.store.set_bookmark(self.term_id, event.value)
        except sqlite3.Error as error:
            self.status(t("study.save_failed", error=str(error)))
            return
        message = t("study.bookmarked" if event.value else "study.unbookmarked")
        self.status(message)
        if self._announce:  # the checkbox may be below the screen's edge: a toast is seen
            self._announce = False
            self.app.notify(message, markup=False, timeout=3)

    # -- note ---------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "term-notes-edit":
            event.stop()
            if self.editing:
                self.action_finish_edit()
            else:
                self.start_edit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "finish_edit"):
            return self.editing
        return True

    @property
    def draft(self) -> str:
        """The editor's text (read from the widget object, which outlives its unmounting)."""
        return self.editor.text

    def start_edit(self) -> None:
        if self.store is None:
            return
        self.editing = True
        self.add_class("-editing")
        self.editor.load_text(self.saved_text)
        self.editor.focus()
        self.call_after_refresh(self.editor.scroll_visible, animate=False)
        self.query_one("#term-notes-edit", Button).label = t("study.notes_done")
        self.status(t("study.notes_editing"))
        self.refresh_bindings()

    def save(self) -> bool:
        """Write the editor's text if it changed; False (and a message) when it could not."""
        if self.store is None or not self.editing:
            return True
        text = self.draft
        if text == self.saved_text:
            return True
        try:
            self.store.set_note(self.term_id, text)
        except sqlite3.Error as error:
            self.status(t("study.save_failed", error=str(error)))
            return False
        self.saved_text = text if text.strip() else ""
        if self.is_mounted:
            self.status(t("study.notes_saved"))
        return True

    def action_save(self) -> None:
        self.save()

    def action_finish_edit(self) -> None:
        if not self.editing:
            return
        if not self.save():
            return
        self.editing = False
        self.remove_class("-editing")
        self.query_one("#term-notes-edit", Button).label = t("study.notes_edit")
        self.show_note()
        self.query_one("#term-notes-edit", Button).focus()
        self.refresh_bindings()

    def action_cancel_edit(self) -> None:
        """Kept for callers that end editing from outside: the text is saved, not dropped."""
        self.action_finish_edit()

    def on_unmount(self) -> None:
        if self.editing and self.store is not None and self.draft != self.saved_text:
            try:
                self.store.set_note(self.term_id, self.draft)
            except sqlite3.Error:
                self.app.notify(
                    t("study.notes_unsaved", text=self.draft[:500]), severity="error", markup=False
                )
