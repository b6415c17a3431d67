"""The glossary tab driven by keyboard, as a person would."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from studyllm_tui.app import StudyApp
from studyllm_tui.core.glossary import Glossary, load_glossary_files
from studyllm_tui.core.i18n import set_language
from studyllm_tui.ui.glossary import GlossaryPane
from studyllm_tui.ui.term_view import TermView
from tests.glossary_fixtures import write_glossary


@pytest.fixture
def glossary(tmp_path: Path) -> Glossary:
    return load_glossary_files([[write_glossary(tmp_path)]])


def make_app(glossary: Glossary) -> StudyApp:
    return StudyApp(glossary=glossary, only_tabs=("glossary",))


async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown_title(app: StudyApp) -> str:
    return str(app.query_one("#term-title", Static).render())


def link_labels(app: StudyApp) -> list[str]:
    links = app.query_one("#term-links", OptionList)
    return [str(links.get_option_at_index(i).prompt) for i in range(links.option_count)]


async def test_search_open_follow_link_and_back(glossary: Glossary) -> None:
    app = make_app(glossary)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.query_one("#glossary-tree").focus()  # somewhere else first
        await pilot.press("slash")
        assert app.query_one("#glossary-search", Input).has_focus
        await pilot.press(*"fain")
        status = str(app.query_one("#glossary-status", Static).render())
        assert "件" in status
        await pilot.press("enter")
        assert shown_title(app) == "ファインチューニング（fine-tuning）"
        assert app.query_one("#term-links", OptionList).has_focus
        assert link_labels(app)[0] == "→ 転移学習（transfer learning）"
        await pilot.press("enter")
        assert shown_title(app) == "転移学習（transfer learning）"
        await pilot.press("backspace")
        assert shown_title(app) == "ファインチューニング（fine-tuning）"
        await pilot.press("alt+right")
        assert shown_title(app) == "転移学習（transfer learning）"


async def test_search_japanese_and_english(glossary: Glossary) -> None:
    app = make_app(glossary)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        search = app.query_one("#glossary-search", Input)
        search.focus()
        for query, title in (
            ("てんい", "転移学習（transfer learning）"),
            ("token", "トークン（token）"),
        ):
            search.value = query
            await pilot.pause()
            await pilot.press("enter")
            assert shown_title(app) == title
            search.focus()


async def test_no_result_says_so_and_suggests(glossary: Glossary) -> None:
    app = make_app(glossary)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.query_one("#glossary-search", Input).value = "qqqq"
        await pilot.pause()
        status = str(app.query_one("#glossary-status", Static).render())
        assert "「qqqq」に一致する用語はありません" in status and "近い用語: " in status
        assert app.query_one("#glossary-results", OptionList).option_count == 3


async def test_browse_tree_by_keyboard_and_markup_shown_literally(glossary: Glossary) -> None:
    app = make_app(glossary)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.query_one("#glossary-tree").focus()
        await pilot.press("down", "down")  # past the category to its first term
        assert app.query_one(TermView).term is not None
        pane = app.query_one(GlossaryPane)
        pane.open_term("token")
        await pilot.pause()
        body = app.query_one("#term-body")
        assert "[bold]" in "".join(str(b.render()) for b in body.query("*"))


async def test_escape_clears_search(glossary: Glossary) -> None:
    app = make_app(glossary)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        search = app.query_one("#glossary-search", Input)
        search.focus()
        await pilot.press(*"bert")
        await pilot.press("escape")
        assert search.value == "" and search.has_focus
        assert app.query_one("#glossary-tree").display


async def test_palette_finds_a_term(glossary: Glossary) -> None:
    app = make_app(glossary)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"transfer")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert shown_title(app) == "転移学習（transfer learning）"


async def test_english_ui(glossary: Glossary) -> None:
    set_language("en")
    from studyllm_tui.core.config import Config

    app = StudyApp(Config(lang="en"), glossary=glossary, only_tabs=("glossary",))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.query_one(GlossaryPane).open_term("fine-tuning")
        await pilot.pause()
        assert shown_title(app) == "fine-tuning (ファインチューニング)"
        assert "terms" in str(app.query_one("#glossary-status", Static).render())


async def test_footer_follows_the_language_chosen_after_import(glossary: Glossary) -> None:
    """The app and pane classes were described in Japanese when imported; --lang en wins."""
    from studyllm_tui.core.config import Config

    app = StudyApp(Config(lang="en"), glossary=glossary, only_tabs=("glossary",))
    async with app.run_test(size=(160, 36)) as pilot:
        await ready(pilot)
        keys = {key.key: key.description for key in app.query("FooterKey")}
        assert keys["f1"] == "Help" and keys["ctrl+q"] == "Quit"
        assert keys["alt+left"] == "Back" and keys["ctrl+p"] == "Commands"
        # the F-keys of the tabs are on the tab bar (not repeated in the footer)
        assert "f2" not in keys
        assert app.query_one("#tabs").get_tab("glossary").label.plain == "Glossary F2"
    set_language("ja")
    app = make_app(glossary)
    async with app.run_test(size=(160, 36)) as pilot:
        await ready(pilot)
        keys = {key.key: key.description for key in app.query("FooterKey")}
        assert (
            keys["f1"] == "ヘルプ" and keys["alt+left"] == "戻る" and keys["ctrl+p"] == "コマンド"
        )


async def test_problems_are_counted_on_screen(tmp_path: Path) -> None:
    good = write_glossary(tmp_path / "a")
    bad = write_glossary(tmp_path / "b", "terms:\n  - id: [\n", "bad.yaml")
    app = make_app(load_glossary_files([[good, bad]]))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        status = str(app.query_one("#glossary-status", Static).render())
        assert "4 語" in status and "問題 1 件" in status


async def test_help_screen_shows_pane_help(glossary: Glossary) -> None:
    app = make_app(glossary)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen.query_one("#help-pane")
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query("#help-pane")


async def test_seed_correction_shown_only_for_terms_that_have_one() -> None:
    from studyllm_tui.core.glossary import load_glossary

    shipped = load_glossary()
    plain = next(term.id for term in shipped.terms.values() if not term.correction)
    app = StudyApp(glossary=shipped, only_tabs=("glossary",))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        pane = app.query_one(GlossaryPane)
        assert not app.query("#term-correction")  # not built for the first screen
        pane.open_term("roberta")
        await pilot.pause()
        correction = app.query_one("#term-correction")
        assert correction.display and "次文予測" in correction.source
        pane.open_term(plain)
        await pilot.pause()
        assert not app.query_one("#term-correction").display
        pane.open_term("one-shot-learning")
        await pilot.pause()
        correction = app.query_one("#term-correction")
        assert correction.display and "one-shoe" in correction.source
        body = app.query_one("#term-body")
        siblings = list(app.query_one("#term-scroll").children)
        assert siblings.index(correction) == siblings.index(body) + 1
