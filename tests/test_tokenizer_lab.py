"""Pilot tests of the tokenizer lab: typing, moving over tokens, stepping BPE."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.widgets import Input, Static, TextArea

from studyllm_tui.app import StudyApp
from studyllm_tui.ui.tokenizer.row import TokenRow
from studyllm_tui.ui.tokenizer.stepper import BpeStepperView
from tests.pilot_helpers import settle


async def wait_until(pilot, predicate: Callable[[], bool], timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError("timed out waiting")
        await pilot.pause(0.05)


def row(app, name: str) -> TokenRow:
    return next(r for r in app.query(TokenRow) if r.tokenizer_name == name)


def shown(app, name: str) -> list[str]:
    result = row(app, name).result
    return [t.display for t in result.tokens] if result else []


def static_text(app, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


async def open_lab(pilot) -> None:
    await pilot.press("f3")
    app = pilot.app
    await wait_until(pilot, lambda: all(r.result is not None for r in app.query(TokenRow)))


async def test_typing_updates_every_row():
    app = StudyApp(only_tabs=["tokenizer"])
    async with app.run_test(size=(160, 48)) as pilot:
        await open_lab(pilot)
        assert shown(app, "mecab")[:3] == ["自然", "言語", "処理"]
        area = app.query_one("#tok-text", TextArea)
        area.focus()
        area.text = ""
        await pilot.press(*"neko")
        await pilot.press("space", "[", "b", "]")
        await wait_until(
            pilot, lambda: "".join(shown(app, "bpe-ja")).replace("Ġ", " ") == "neko [b]"
        )
        assert shown(app, "mecab") == ["neko", "[", "b", "]"]
        assert "neko [ b ]" in str(row(app, "mecab").render())  # literal, not markup
        assert "4 トークン" in str(row(app, "mecab").render())


async def test_moving_over_a_token_shows_its_bytes_and_span():
    app = StudyApp(only_tabs=["tokenizer"])
    async with app.run_test(size=(160, 48)) as pilot:
        await open_lab(pilot)
        gpt2 = row(app, "gpt2")
        gpt2.focus()
        await pilot.press("right")
        await wait_until(pilot, lambda: gpt2.selected == 0)
        detail = static_text(app, "#tok-detail")
        assert "<e8>" in detail and "0–1" in detail
        assert row(app, "mecab").span == (0, 1)
        await pilot.press("right", "right", "right")
        detail = static_text(app, "#tok-detail")
        assert "<e7 84>" in detail  # the second character's first two bytes
        assert row(app, "mecab").result.tokens_at(*row(app, "mecab").span) == [0]


async def test_cursor_in_the_text_highlights_the_token_in_every_row():
    app = StudyApp(only_tabs=["tokenizer"])
    async with app.run_test(size=(160, 48)) as pilot:
        await open_lab(pilot)
        area = app.query_one("#tok-text", TextArea)
        area.focus()
        area.move_cursor((0, 8))  # inside ディープ
        await pilot.pause(0.1)
        assert row(app, "mecab").span == (8, 8)
        assert "ディープ" in static_text(app, "#tok-detail")


async def test_bpe_steps_forward_and_back():
    app = StudyApp(only_tabs=["tokenizer"])
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f3")
        await pilot.press("ctrl+t")
        view = app.query_one(BpeStepperView)
        await wait_until(pilot, lambda: view.stepper is not None)
        assert "結合前" in static_text(app, "#bpe-status")
        await pilot.press("alt+right")
        await wait_until(pilot, lambda: view.position == 1)
        assert "し + い → しい" in static_text(app, "#bpe-status")
        await pilot.press("alt+right")
        await wait_until(pilot, lambda: view.position == 2)
        assert "た + の → たの" in static_text(app, "#bpe-status")
        await pilot.press("alt+left")
        await wait_until(pilot, lambda: view.position == 1)
        assert "し + い" in static_text(app, "#bpe-status")
        app.query_one("#bpe-n", Input).value = "100"
        await pilot.click("#bpe-jump")
        await wait_until(pilot, lambda: view.position == 9)
        assert "これ以上" in static_text(app, "#bpe-status")


async def test_bpe_bad_corpus_and_wordpiece_mode():
    app = StudyApp(only_tabs=["tokenizer"])
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f3", "ctrl+t")
        view = app.query_one(BpeStepperView)
        await wait_until(pilot, lambda: view.stepper is not None)
        app.query_one("#bpe-wordpiece").toggle()
        await wait_until(pilot, lambda: view.stepper is not None and view.stepper.wordpiece)
        await pilot.press("alt+right")
        await wait_until(pilot, lambda: view.position == 1)
        assert "##つ + ##く" in static_text(app, "#bpe-status")
        assert "0.2000" in static_text(app, "#bpe-status")
        app.query_one("#bpe-corpus", TextArea).text = "たのしい\tたくさん"
        app.query_one("#bpe-corpus", TextArea).focus()
        await pilot.press("ctrl+j")
        await wait_until(pilot, lambda: "1 行目" in static_text(app, "#bpe-status"))


async def test_adding_an_uncached_hub_tokenizer_offline_says_so():
    app = StudyApp(only_tabs=["tokenizer"])
    async with app.run_test(size=(160, 48)) as pilot:
        await open_lab(pilot)
        box = app.query_one("#tok-add", Input)
        box.focus()
        box.value = "cl-tohoku/bert-base-japanese-v3"
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: row(app, "cl-tohoku/bert-base-japanese-v3").error is not None, 2.0
        )
        assert "オフライン" in row(app, "cl-tohoku/bert-base-japanese-v3").error


def test_snapshot_of_the_tab(snap_compare):
    async def run_before(pilot) -> None:
        await open_lab(pilot)
        await settle(pilot)  # no text cursor (blinking or not) in the picture

    assert snap_compare(
        StudyApp(only_tabs=["tokenizer"]),
        press=["f3"],
        run_before=run_before,
        terminal_size=(120, 36),
    )


async def test_ctrl_t_switches_views_without_typing_and_80x24_fits():
    app = StudyApp(only_tabs=["tokenizer"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lab(pilot)
        area = app.query_one("#tok-text", TextArea)
        area.focus()
        before = area.text
        await pilot.press("ctrl+t")
        assert app.query_one("#tok-views").active == "tok-bpe"
        await pilot.press("ctrl+t")
        assert app.query_one("#tok-views").active == "tok-live"
        assert area.text == before  # nothing typed into the box
        assert app.query_one("#tok-add", Input).size.width >= 20
        assert app.query_one("#tok-text", TextArea).size.height >= 3
        assert app.query_one("#tok-rows").size.height >= 8  # room for the token rows
