"""The command palette speaks one language: every entry, the placeholder, "no matches"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.command import CommandInput

from studyllm_tui.app import StudyApp
from studyllm_tui.core.config import Config
from studyllm_tui.core.glossary import load_glossary_files
from studyllm_tui.core.i18n import set_language, t
from tests.glossary_fixtures import write_glossary
from tests.pilot_helpers import screen_text, wait_until

TEXTUAL_ENGLISH = ("Keys", "Maximize", "Minimize", "Screenshot", "Theme", "Search for commands")
JAPANESE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")


def make_app(lang: str, tmp_path: Path) -> StudyApp:
    glossary = load_glossary_files([[write_glossary(tmp_path)]])
    return StudyApp(Config(lang=lang), glossary=glossary, only_tabs=("glossary", "study"))


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_every_palette_entry_is_in_the_ui_language(lang: str, tmp_path: Path) -> None:
    app = make_app(lang, tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.press("ctrl+p")
            await wait_until(pilot, lambda: bool(app.screen.query(CommandInput)))
            field = app.screen.query_one(CommandInput)
            assert field.placeholder == t("app.palette_placeholder")
            commands = list(app.get_system_commands(app.screen))
            assert commands
            for command in commands:
                for text in (command.title, command.help):
                    if lang == "ja":
                        assert JAPANESE.search(text) or re.fullmatch(r"F\d", text), text
                    assert text not in TEXTUAL_ENGLISH or lang == "en", text
            titles = {command.title for command in commands}
            assert t("app.cmd_theme") in titles and t("app.help") in titles
            assert "Keys" not in titles and "Screenshot" not in titles
            await pilot.pause(0.3)
            shown = screen_text(app)
            if lang == "ja":
                assert not any(word in shown for word in TEXTUAL_ENGLISH), shown
            await pilot.press(*"zzqqxv")
            await wait_until(pilot, lambda: t("app.palette_no_matches") in screen_text(app))
            assert "No matches found" not in screen_text(app) or lang == "en"
    finally:
        set_language("ja")


async def test_bookmark_and_note_are_in_the_palette_while_a_term_is_shown(tmp_path: Path) -> None:
    app = make_app("ja", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert t("app.cmd_bookmark") not in titles  # no term shown yet
        await pilot.press(*"fain", "enter")
        await wait_until(pilot, lambda: app.active_pane().query_one("#term-view").term is not None)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {t("app.cmd_bookmark"), t("app.cmd_note"), t("app.cmd_bookmarked")} <= titles


async def test_theme_search_is_in_the_ui_language(tmp_path: Path) -> None:
    app = make_app("ja", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.search_themes()
        await wait_until(pilot, lambda: bool(app.screen.query(CommandInput)))
        assert app.screen.query_one(CommandInput).placeholder == t("app.palette_themes")
