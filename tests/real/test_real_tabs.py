"""The tasks and prompt tabs driven by keyboard on SmolLM2's .gguf file, read from the screen.

Both tabs ask the app's ModelManager for ``("generate", <the .gguf path>)``, which the
session's ``smollm2_app`` fixture has loaded already: these tests check the tabs, not the load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from studyllm_tui.app import StudyApp
from studyllm_tui.core.config import Config, PromptSettings
from tests.pilot_helpers import wait_until


async def test_the_tasks_tab_generates_greedily_from_the_gguf_file(
    smollm2_app: Any, smollm2_gguf: Path
) -> None:
    from textual.widgets import Input

    app = StudyApp(Config(models={"generate": str(smollm2_gguf)}, device="cpu"), only_tabs=["tasks"])
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4")
        await app.open_target("tasks/generate")
        await pilot.pause()
        pane = app.query_one("TasksPane")
        panel = pane.panel()
        card = str(panel.query_one("#card").render())
        assert "Q4_1" in card, card  # what the .gguf file holds, read from its header
        panel.query_one("#in-0").text = "The capital of France is"
        panel.query_one("#opt-temperature", Input).value = "0"
        panel.query_one("#opt-max_new_tokens", Input).value = "8"
        await pilot.press("ctrl+j")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = str(panel.query_one("#result").render())
        assert "Paris" in result, result
        assert "完了" in str(panel.query_one("#status").render())


async def test_the_prompt_tab_scores_the_labels_with_the_gguf_file(
    smollm2_app: Any, smollm2_gguf: Path
) -> None:
    from textual.widgets import Static

    from studyllm_tui.ui.prompt import PromptLab
    from studyllm_tui.ui.prompt.widgets import ModeColumn

    app = StudyApp(Config(device="cpu", prompt=PromptSettings(model=str(smollm2_gguf))))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f5")
        lab = app.query_one(PromptLab)
        await pilot.click("#prompt-input-input")
        await pilot.press(*"最高の映画でした")
        await pilot.press("ctrl+enter")  # the current mode (zero-shot)
        column = lab.query_one(f"#prompt-col-{lab.mode}", ModeColumn)
        await wait_until(pilot, lambda: not column.has_class("-running") and column.answer != "", 120)
        await app.workers.wait_for_complete()
        await pilot.pause()
        bars = str(lab.query_one(f"#prompt-bars-{lab.mode}", Static).render())
        assert "ポジティブ" in bars and "ネガティブ" in bars and "%" in bars, bars
