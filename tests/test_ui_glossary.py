"""Glossary: the preview shows only a listed term; b and n reach the bookmark and the note."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, OptionList, Static, TextArea

from studyllm_tui.app import StudyApp
from studyllm_tui.core.glossary import load_glossary_files
from studyllm_tui.core.i18n import t
from studyllm_tui.core.study import close_default_store, default_store
from studyllm_tui.ui.term_view import TermView
from tests.glossary_fixtures import write_glossary
from tests.pilot_helpers import screen_text, wait_until


def make_app(tmp_path: Path) -> StudyApp:
    glossary = load_glossary_files([[write_glossary(tmp_path)]])
    return StudyApp(glossary=glossary, only_tabs=("glossary", "study"))


async def test_a_search_with_no_result_shows_no_stale_term(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("t")  # a prefix: the first hit is previewed
        view = app.query_one(TermView)
        await wait_until(pilot, lambda: view.term is not None)
        await pilot.press(*"qzvw")
        await pilot.pause(0.3)
        results = app.query_one("#glossary-results", OptionList)
        listed = {results.get_option_at_index(i).id for i in range(results.option_count)}
        assert view.term is None or view.term.id in listed
        assert str(app.query_one("#term-title", Static).render()) == t("glossary.pick_a_term")


async def test_b_toggles_the_bookmark_with_a_visible_confirmation(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.press(*"fain", "enter")  # opens the term, focus on its links
            view = app.query_one(TermView)
            await wait_until(pilot, lambda: view.term is not None)
            await pilot.press("b")
            await wait_until(pilot, lambda: default_store().is_bookmarked("fine-tuning"))
            await pilot.pause(0.2)
            assert t("study.bookmarked") in screen_text(app)  # a toast, whatever the scroll
            box = app.query_one("#term-notes-bookmark", Checkbox)
            assert box.value and app.screen.can_view_entire(box)
            await pilot.press("b")
            await wait_until(pilot, lambda: not default_store().is_bookmarked("fine-tuning"))
            await pilot.press("n")
            editor = app.query_one("#term-notes-editor", TextArea)
            await wait_until(pilot, lambda: app.focused is editor)
            await pilot.press(*"memo", "ctrl+s")
            await wait_until(pilot, lambda: default_store().note("fine-tuning") == "memo")
    finally:
        close_default_store()


async def test_f1_help_of_the_glossary_tells_about_bookmarks_and_notes(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("f1")
        await pilot.pause(0.3)
        help_text = t("glossary.help")
        assert "**b**" in help_text and "**n**" in help_text
        assert "F8" not in t("app.help_global", tabs="-")  # generated from the tabs there are


async def test_bookmarked_only_keeps_the_session_count(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("f6")
            pane = app.active_pane()
            await wait_until(pilot, lambda: getattr(pane, "session", None) is not None)
            await pilot.press("space", "3")
            await wait_until(pilot, lambda: pane.session.answered == 1)
            app.query_one("#study-bookmarked", Checkbox).toggle()
            await pilot.pause(0.2)
            assert pane.session.answered == 1
            assert "1" in str(app.query_one("#study-counts", Static).render()).split("·")[-1]
    finally:
        close_default_store()
