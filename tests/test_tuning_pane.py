"""The tuning tab (F8) by keyboard: it trains in a worker, the app stays usable, curves update,
Escape stops with a checkpoint, and the tuned model can be used in the tasks tab."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import cast

import pytest
from textual.widgets import Button, Input, Select, Static

from studyllm_tui.app import StudyApp
from studyllm_tui.core.config import Config
from studyllm_tui.core.tuning.common import last_checkpoint
from studyllm_tui.ui.tuning import REDRAW_S, TuningPane
from tests.tiny_models import SENTENCES, SENTIMENT_LABELS, build_tiny_bert_classifier


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("tune-pane")
    data = root / "easy.jsonl"
    rows = [
        {"text": f"{word}。{sentence}", "label": label}
        for sentence in SENTENCES
        for word, label in (("良い", "positive"), ("最悪", "negative"))
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return build_tiny_bert_classifier(root / "bert", SENTIMENT_LABELS), data


async def _wait(pilot, predicate, timeout: float = 60.0) -> None:
    waited = 0.0
    while not predicate():
        assert waited < timeout, "timed out"
        await pilot.pause(0.1)
        waited += 0.1


async def _echo_median(pilot, field: Input) -> float:
    field.value = ""
    field.focus()
    await pilot.pause()
    times = []
    for key in "localhost":
        started = time.monotonic()
        await pilot.press(key)
        times.append(time.monotonic() - started)
    assert field.value == "localhost"
    return sorted(times)[len(times) // 2]


def _fill(pane, base: Path, data: Path, out: Path, steps: int) -> None:
    pane.query_one("#tuning-base", Input).value = str(base)
    pane.query_one("#tuning-data", Input).value = str(data)
    pane.query_one("#tuning-out", Input).value = str(out)
    pane.query_one("#tuning-steps", Input).value = str(steps)
    pane.query_one("#tuning-batch", Input).value = "8"
    pane.query_one("#tuning-lr", Input).value = "1e-2"
    pane.query_one("#tuning-maxlen", Input).value = "32"


async def test_trains_while_the_app_stays_usable(tiny_bert: tuple[Path, Path], tmp_path: Path) -> None:
    base, data = tiny_bert
    app = StudyApp(Config(device="cpu"))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.action_show_tab("prompt")
        await pilot.pause(0.5)
        field = app.query_one("#prompt-endpoint", Input)
        idle = await _echo_median(pilot, field)
        pane = cast(TuningPane, await app.action_show_tab("tuning"))
        await pilot.pause()
        _fill(pane, base, data, tmp_path / "out", 24)
        await pilot.press("ctrl+enter")
        await _wait(pilot, lambda: pane.running)
        # Type in another tab while it trains (in a child process): keys echo about as fast as
        # with nothing running (a training thread in this process made each take seconds).
        await app.action_show_tab("prompt")
        await pilot.pause(0.5)
        busy = await _echo_median(pilot, field)
        assert busy < max(0.1, 2 * idle + 0.05), f"echo {busy:.3f} s while training, {idle:.3f} s idle"
        started = time.monotonic()
        await _wait(pilot, lambda: pane.done is not None and not pane.running, timeout=120)
        elapsed = time.monotonic() - started
        assert len(pane.monitor.loss) >= 10, "the loss curve has the logged steps"
        # Curves are redrawn from batches of events, at most every REDRAW_S, never per step.
        assert 1 <= pane.redraws <= elapsed / REDRAW_S + 2
        assert pane.done is not None
        assert pane.done["accuracy_after"] > pane.done["accuracy_before"]
        await app.action_show_tab("tuning")
        await pilot.pause(0.3)
        pane.query_one("#tuning-use-tasks").scroll_visible(animate=False)  # as a person scrolls down
        await pilot.pause(0.5)
        screen = app.export_screenshot()
        assert "positive" in screen and "negative" in screen  # the confusion matrices
        assert "1.000" in screen or pane.done["accuracy_after"] < 1  # the accuracy row
        assert pane.query_one("#tuning-use").display
        pane.query_one("#tuning-use-tasks", Button).press()
        await pilot.pause()
        assert app.config.models["sentiment"] == str(tmp_path / "out")
        pane.query_one("#tuning-use-prompt", Button).press()
        await pilot.pause()
        assert app.config.prompt.model == str(tmp_path / "out")


async def test_escape_stops_and_keeps_a_checkpoint(tiny_bert: tuple[Path, Path], tmp_path: Path) -> None:
    base, data = tiny_bert
    app = StudyApp(Config(device="cpu", lang="en"))
    out = tmp_path / "stopped"
    async with app.run_test(size=(80, 24)) as pilot:
        pane = cast(TuningPane, await app.action_show_tab("tuning"))
        await pilot.pause()
        _fill(pane, base, data, out, 400)
        await pilot.press("ctrl+enter")
        await _wait(pilot, lambda: pane.monitor.step >= 2)
        await pilot.press("escape")
        await _wait(pilot, lambda: not pane.running)
        await pilot.pause(0.5)
        status = str(pane.query_one("#tuning-status", Static).render())
        assert "Checkpoint" in status
        checkpoint = last_checkpoint(out)
        assert checkpoint is not None and (Path(checkpoint) / "model.safetensors").is_file()
        assert not (out / "config.json").exists(), "no final model from a stopped run"
        assert pane.monitor.step < 400


async def test_show_target_picks_the_method(tmp_path: Path) -> None:
    app = StudyApp(Config(device="cpu", lang="en"))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.open_target("tuning/dpo")
        await pilot.pause()
        pane = cast(TuningPane, app.active_pane())
        assert pane is not None and pane.query_one("#tuning-method", Select).value == "dpo"
        assert pane.query_one("#tuning-lora", Input).value == "8"
        assert pane.query_one("#tuning-out", Input).value.endswith("dpo")
        await pilot.press("f1")
        await pilot.pause()
        await pilot.pause(0.3)
        from studyllm_tui.ui.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        assert app.screen.pane_help_key == "tuning.help"
        assert "Fine-tune" in app.export_screenshot()  # the tuning tab's own help, in English
