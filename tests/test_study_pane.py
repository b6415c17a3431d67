"""The study tab driven by keyboard."""

from __future__ import annotations

from textual.widgets import Static

from studyllm_tui.app import StudyApp
from studyllm_tui.core.glossary.display import compact_cjk_spaces
from studyllm_tui.core.study import close_default_store, default_store
from studyllm_tui.ui.study import StudyPane
from tests.test_study_helpers import small_glossary


def text_of(app: StudyApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


async def open_study(pilot) -> StudyPane:
    await pilot.press("f6")
    await pilot.pause()
    return pilot.app.query_one(StudyPane)


async def test_review_three_cards_quit_and_progress_is_there():
    glossary = small_glossary()
    answered = []
    async with StudyApp(glossary=glossary, only_tabs=("study",)).run_test(size=(160, 48)) as pilot:
        pane = await open_study(pilot)
        for key in ("space", "enter", "space"):
            card = pane.card
            assert card is not None
            answered.append(card.id)
            if card.choices:
                await pilot.press("a")
            else:
                await pilot.press(key)
            assert pane.revealed
            assert card.answer in text_of(pilot.app, "#study-answer")
            await pilot.press("3")
            await pilot.pause()
        assert "このセッション 3" in text_of(pilot.app, "#study-counts")
        await pilot.press("ctrl+q")
    close_default_store()  # the next start reads the file again

    store = default_store()
    assert set(answered) <= set(store.cards())
    assert len(store.reviews()) == 3
    async with StudyApp(glossary=small_glossary(), only_tabs=("study",)).run_test(
        size=(160, 48)
    ) as pilot:
        pane = await open_study(pilot)
        assert "今日の回答 3" in text_of(pilot.app, "#study-counts")
        assert pane.card is not None and pane.card.id not in answered
    close_default_store()


async def test_ratings_need_a_revealed_answer_and_show_intervals():
    async with StudyApp(glossary=small_glossary(), only_tabs=("study",)).run_test(
        size=(120, 36)
    ) as pilot:
        pane = await open_study(pilot)
        first = pane.card
        await pilot.press("3")  # nothing happens before the answer is shown
        assert pane.card is first and not pane.session.answered
        await pilot.press("space")
        label = str(pilot.app.query_one("#study-rate-1").label)
        assert label.startswith("1 もう一度") and "分" in label
        await pilot.press("1")
        assert pane.session.answered == 1
    close_default_store()


async def test_bookmark_key_and_bookmarked_filter():
    async with StudyApp(glossary=small_glossary(), only_tabs=("study",)).run_test(
        size=(160, 48)
    ) as pilot:
        pane = await open_study(pilot)
        term_id = pane.card.term_id
        await pilot.press("asterisk")
        assert default_store().bookmarks() == {term_id}
        pane.query_one("#study-bookmarked").value = True
        await pilot.pause()
        assert {card.term_id for card in pane.session.queue.cards} == {term_id}
    close_default_store()


async def test_card_text_is_shown_literally():
    from dataclasses import replace

    glossary = small_glossary()
    term = glossary.terms["attention"]
    glossary.terms["attention"] = replace(term, summary="[bold]太字[/bold] \x1b[31m赤")
    async with StudyApp(glossary=glossary, only_tabs=("study",)).run_test(size=(160, 48)) as pilot:
        pane = await open_study(pilot)
        while pane.card is not None and pane.card.id != "term/attention/meaning":
            await pilot.press("space", "3")
        await pilot.press("space")
        assert "[bold]太字[/bold]" in text_of(pilot.app, "#study-answer")
    close_default_store()


async def test_glossary_body_is_rendered_as_markdown_and_the_summary_stays_literal():
    from dataclasses import replace

    from textual.widgets import Markdown

    glossary = small_glossary()
    term = glossary.terms["attention"]
    body = "**形態素** は _語_ の単位です。\n\n- [bold]一つ[/bold]"
    glossary.terms["attention"] = replace(term, summary="**そのまま** [i]x[/i]", body=body)
    async with StudyApp(glossary=glossary, only_tabs=("study",)).run_test(size=(160, 48)) as pilot:
        pane = await open_study(pilot)
        while pane.card is not None and pane.card.id != "term/attention/meaning":
            await pilot.press("space", "3")
        markdown = pilot.app.query_one("#study-detail-md", Markdown)
        assert not markdown.display  # nothing of the answer before it is revealed
        await pilot.press("space")
        await pilot.pause()
        assert pane.card.detail_markdown and markdown.display
        assert markdown.source == compact_cjk_spaces(body)
        assert not pilot.app.query_one("#study-detail", Static).display
        paragraphs = [str(p.render()) for p in markdown.query("MarkdownParagraph")]
        assert paragraphs[0] == "形態素 は 語 の単位です。"  # rendered, not the ** source
        assert "[bold]一つ[/bold]" in paragraphs[1]  # Markdown, never Rich markup
        assert "**そのまま** [i]x[/i]" in text_of(
            pilot.app, "#study-answer"
        )  # the answer is literal
        await pilot.press("3")  # the next card's detail (a summary) is plain text again
        await pilot.press("space")
        await pilot.pause()
        if pane.card is not None and not pane.card.detail_markdown:
            assert not markdown.display and pilot.app.query_one("#study-detail", Static).display
    close_default_store()


async def test_predict_card_without_a_model_says_so_and_never_fakes():
    async with StudyApp(glossary=small_glossary(), only_tabs=("study",)).run_test(
        size=(160, 48)
    ) as pilot:
        pane = await open_study(pilot)
        pane.query_one("#study-category").value = "tasks"
        await pilot.pause()
        assert pane.card is not None and pane.card.id == "predict/marc-star4"
        assert "星４つ" in text_of(pilot.app, "#study-prompt")
        await pilot.press("b")  # negative: wrong, the book says positive
        assert "不正解" in text_of(pilot.app, "#study-answer")
        assert "positive" in text_of(pilot.app, "#study-answer")
        await pilot.press("m")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        shown = text_of(pilot.app, "#study-model")
        assert "このマシンのモデルの予測" not in shown
        assert shown.strip()  # a message saying why the model could not run
    close_default_store()


async def test_stats_view_and_escape_back():
    async with StudyApp(glossary=small_glossary(), only_tabs=("study",)).run_test(
        size=(160, 48)
    ) as pilot:
        pane = await open_study(pilot)
        await pilot.press("space", "3")
        await pilot.press("s")
        body = text_of(pilot.app, "#study-stats-body")
        assert "学習の統計" in body and "█" in body
        await pilot.press("escape")
        assert pane.query_one("#study-switcher").current == "study-review"
    close_default_store()


async def test_changing_a_filter_keeps_this_sessions_count():
    """Issue 10 item 13: toggling ブックマークのみ reset このセッション to 0."""
    async with StudyApp(glossary=small_glossary(), only_tabs=("study",)).run_test(
        size=(160, 48)
    ) as pilot:
        pane = await open_study(pilot)
        await pilot.press("asterisk")  # bookmark the first card's term
        for _ in range(2):
            await pilot.press("space" if not pane.card.choices else "a")
            await pilot.press("3")
            await pilot.pause()
        assert "このセッション 2" in text_of(pilot.app, "#study-counts")
        for value in (True, False):
            pane.query_one("#study-bookmarked").value = value
            await pilot.pause()
            assert "このセッション 2" in text_of(pilot.app, "#study-counts")
        pane.query_one("#study-mode").value = "new"
        await pilot.pause()
        assert "このセッション 2" in text_of(pilot.app, "#study-counts")
    close_default_store()


async def test_english_answer_is_shown_once():
    """Issue 10 item 6: --lang en, F6, space showed the summary twice."""
    from dataclasses import replace

    from studyllm_tui.core.config import Config

    glossary = small_glossary()
    glossary.terms = {
        key: replace(term, summary_en=f"English summary of {key}.")
        for key, term in glossary.terms.items()
    }
    app = StudyApp(Config(lang="en"), glossary=glossary, only_tabs=("study",))
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_study(pilot)
        assert pane.card is not None and pane.card.kind == "meaning"
        await pilot.press("space")
        await pilot.pause()
        summary = glossary.terms[pane.card.term_id].summary_en
        shown = [
            str(widget.render())
            for widget in pane.query("#study-review Static").results(Static)
            if widget.display
        ]
        assert sum(text.count(summary) for text in shown) == 1, (summary, shown)
        assert not pane.query_one("#study-detail-md").display
    close_default_store()


async def test_a_read_only_database_is_studied_with_a_notice_and_nothing_crashes(monkeypatch):
    import os
    from pathlib import Path

    from studyllm_tui.core import paths
    from studyllm_tui.core.study import opening

    default_store()
    close_default_store()
    db = paths.study_db_file()
    real = os.access
    monkeypatch.setattr(  # tests run as root: tell the store the file is not writable
        opening.os,
        "access",
        lambda target, mode, *a, **k: False
        if mode & os.W_OK and Path(target) in (db, db.parent)
        else real(target, mode, *a, **k),
    )
    before = db.read_bytes()
    async with StudyApp(glossary=small_glossary(), only_tabs=("study",)).run_test(
        size=(120, 36)
    ) as pilot:
        pane = await open_study(pilot)
        assert pane.store is not None and pane.store.read_only
        messages = [n.message for n in pilot.app._notifications]
        assert any("読み取り専用" in m and "保存されません" in m for m in messages)
        await pilot.press("asterisk")
        await pilot.press("space" if not pane.card.choices else "a")
        await pilot.press("3")
        await pilot.pause()
        messages = [n.message for n in pilot.app._notifications]
        assert sum("保存できません" in m for m in messages) >= 2  # bookmark and answer
        assert pane.card is not None  # still studying
    close_default_store()
    assert db.read_bytes() == before
