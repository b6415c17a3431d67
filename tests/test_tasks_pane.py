# ruff: noqa: F811  (pytest fixtures imported from tests.tiny_models)
"""Pilot tests: the タスク tab run by keyboard on tiny models, read from the screen."""

from __future__ import annotations

import pytest

from studyllm_tui.app import StudyApp
from studyllm_tui.core.config import Config
from tests.tiny_models import tiny_models  # noqa: F401

pytestmark = pytest.mark.slow


def _app(tiny_models, **models: str) -> StudyApp:
    config = Config(models={**tiny_models.models(), **models}, device="cpu")
    return StudyApp(config, only_tabs=["tasks"])


def _text(pane, selector: str) -> str:
    return str(pane.panel().query_one(selector).render())


async def _run(app, pilot, key: str = "ctrl+j") -> None:
    await pilot.press(key)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_sentiment_by_keyboard_shows_label_and_bars(tiny_models):
    app = _app(tiny_models)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4", "enter")  # pick the first task (sentiment), go to its input
        await pilot.press("ctrl+a", *"良い映画")
        await _run(app, pilot)
        pane = app.query_one("TasksPane")
        result = _text(pane, "#result")
        assert "予測" in result and "positive" in result and "negative" in result
        assert "%" in result
        assert "完了" in _text(pane, "#status")


async def test_show_target_selects_ner_and_highlights(tiny_models):
    app = _app(tiny_models)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4")
        await app.open_target("tasks/ner")
        await pilot.pause()
        pane = app.query_one("TasksPane")
        assert pane.current_task == "ner"
        await _run(app, pilot, "ctrl+enter")
        result = _text(pane, "#result")
        assert "大谷翔平" in result and "人名" in result  # text shown with the legend
        pane.panel().query_one("#opt-bio").value = True
        await pilot.pause()
        assert "B-" in _text(pane, "#extra") or "I-" in _text(pane, "#extra")


async def test_markup_in_input_is_shown_literally(tiny_models):
    app = _app(tiny_models)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4")
        await app.open_target("tasks/embed")
        await pilot.pause()
        pane = app.query_one("TasksPane")
        area = pane.panel().query_one("#in-0")
        area.text = "[bold]太字[/bold]\n\x1b[31m赤\n普通の文"
        await _run(app, pilot)
        result = _text(pane, "#result")
        assert "[bold]太字[/bold]" in result
        assert "コサイン類似度" in result


async def test_generation_streams_and_shows_next_tokens(tiny_models):
    app = _app(tiny_models)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4")
        await app.open_target("tasks/generate")
        await pilot.pause()
        await _run(app, pilot)
        pane = app.query_one("TasksPane")
        assert "p (T=1)" in _text(pane, "#extra")
        assert "完了" in _text(pane, "#status")


async def test_escape_cancels_a_running_job(tiny_models, monkeypatch):
    import time

    from studyllm_tui.core.models import generation

    label = generation.token_label

    def slow_label(tokenizer, token_id):  # each step takes 20 ms: time to press Escape
        time.sleep(0.02)
        return label(tokenizer, token_id)

    monkeypatch.setattr(generation, "token_label", slow_label)
    app = _app(tiny_models)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4")
        await app.open_target("tasks/generate")
        await pilot.pause()
        pane = app.query_one("TasksPane")
        pane.panel().query_one("#opt-max_new_tokens").value = "5000"
        await pilot.press("ctrl+j")
        for _ in range(200):
            await pilot.pause(0.02)
            if str(pane.panel().query_one("#result").render()).strip():
                break
        assert str(pane.panel().query_one("#result").render()).strip(), "streaming started"
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "中止" in _text(pane, "#status")
        assert "完了" not in _text(pane, "#status")


async def test_wrong_model_and_offline_are_messages_not_crashes(tiny_models):
    app = _app(tiny_models, sentiment=str(tiny_models.generate), nli="someone/not-cached")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4", "enter")
        await _run(app, pilot)
        pane = app.query_one("TasksPane")
        assert "エラー" in _text(pane, "#status") and "sentiment" in _text(pane, "#status")
        await app.open_target("tasks/nli")
        await pilot.pause()
        card = _text(pane, "#card")
        assert "someone/not-cached" in card and "未ダウンロード" in card
        await _run(app, pilot)
        assert "オフライン" in _text(pane, "#status")
        assert app.is_running
