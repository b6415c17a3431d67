"""Pilot tests of the プロンプト tab on a tiny GPT-2: few-shot k=3, the prompt, compare, evaluate."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from studyllm_tui.app import StudyApp
from studyllm_tui.core.config import Config, PromptSettings
from tests.tiny_models import build_tiny_gpt2

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_gpt2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_gpt2(tmp_path_factory.mktemp("pane-gpt2") / "gpt2")


def app_for(model: Path) -> StudyApp:
    return StudyApp(Config(device="cpu", prompt=PromptSettings(model=str(model))))


async def wait_until(pilot, predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError("timed out waiting")
        await pilot.pause(0.05)


async def test_few_shot_k3_run_shows_prompt_and_answer(tiny_gpt2: Path) -> None:
    from textual.widgets import Input, Select, Static, TextArea

    from studyllm_tui.ui.prompt import PromptLab
    from studyllm_tui.ui.prompt.widgets import ModeColumn

    app = app_for(tiny_gpt2)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f5")
        lab = app.query_one(PromptLab)
        assert lab.current.id == "sentiment"
        lab.query_one("#prompt-mode", Select).value = "few"
        lab.query_one("#prompt-k", Input).value = "3"
        await pilot.pause()
        assert len(lab.chosen) == 3
        await pilot.click("#prompt-input-input")
        await pilot.press(*"[bold]良い")
        await pilot.press("ctrl+enter")
        column = lab.query_one("#prompt-col-few", ModeColumn)
        await wait_until(pilot, lambda: not column.has_class("-running") and column.answer != "")
        await app.workers.wait_for_complete()
        await pilot.pause()
        prompt = lab.query_one("#prompt-view", TextArea).text
        assert prompt.count("感情：") == 4
        assert prompt.endswith("レビュー：[bold]良い\n感情：")  # markup shown literally
        title = str(lab.query_one("#prompt-prompt-title", Static).render())
        assert "トークン" in title and any(ch.isdigit() for ch in title)
        bars = str(lab.query_one("#prompt-bars-few", Static).render())
        assert "ポジティブ" in bars and "ネガティブ" in bars and "%" in bars
        assert str(lab.query_one("#prompt-answer-few", Static).render()).strip() != ""


async def test_compare_shows_three_answers_and_evaluate_reports(tiny_gpt2: Path) -> None:
    from textual.widgets import Select, Static

    from studyllm_tui.ui.prompt import PromptLab
    from studyllm_tui.ui.prompt.widgets import ModeColumn

    app = app_for(tiny_gpt2)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f5")
        lab = app.query_one(PromptLab)
        await pilot.click("#prompt-input-input")
        await pilot.press(*"最悪でした")
        await pilot.press("ctrl+o")
        columns = list(lab.query(ModeColumn))
        await wait_until(pilot, lambda: all(not c.has_class("-running") for c in columns) and all(c.answer or True for c in columns))
        await app.workers.wait_for_complete()
        await pilot.pause()
        for mode in ("zero", "one", "few"):
            bars = str(lab.query_one(f"#prompt-bars-{mode}", Static).render())
            assert "ポジティブ" in bars, mode
        # evaluate on the tiny dev set: accuracy per mode and the items missed
        lab.query_one("#prompt-task", Select).value = "topic"
        await wait_until(pilot, lambda: lab.current.id == "topic" and bool(lab.query("#prompt-input-input")))
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: "%" in str(lab.query_one("#prompt-eval-summary", Static).render()), 60)
        summary = str(lab.query_one("#prompt-eval-summary", Static).render())
        assert summary.count("/20)") == 3
        wrong = str(lab.query_one("#prompt-eval-wrong", Static).render())
        assert "ゼロショット" in wrong and "フューショット" in wrong


async def test_escape_cancels_and_bad_input_is_a_message(
    tiny_gpt2: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from textual.widgets import Static

    from studyllm_tui.core.prompts.local import LocalBackend
    from studyllm_tui.ui.prompt import PromptLab

    score = LocalBackend.score_labels

    def slow_score(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.05)  # the tiny model is too quick to be caught mid-evaluation
        return score(self, *args, **kwargs)

    monkeypatch.setattr(LocalBackend, "score_labels", slow_score)
    app = app_for(tiny_gpt2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        lab = app.query_one(PromptLab)
        await pilot.pause(0.2)
        await pilot.click("#prompt-input-input")  # in the input, as a person would be
        await pilot.press("ctrl+enter")  # empty input
        status = lab.query_one("#prompt-status", Static)
        await wait_until(pilot, lambda: "空" in str(status.render()), timeout=5.0)
        await pilot.press("ctrl+e")  # evaluate: works from inside the text field
        await pilot.pause(0.3)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        assert app.is_running
        assert "中止しました" in str(status.render())  # the evaluation stopped, and says so

