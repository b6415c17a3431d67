# ruff: noqa: F811  (pytest fixtures imported from tests.tiny_models)
"""The task options: one table (core.models.task_options) behind the panel's fields and the
options of ``studyllm-tui run``, so that a CLI run without options is the panel's default run."""

from __future__ import annotations

from typing import Any

import pytest

from studyllm_tui.__main__ import main
from studyllm_tui.app import StudyApp
from studyllm_tui.core.config import Config
from studyllm_tui.core.models.registry import TASKS
from studyllm_tui.core.models.results import SUMMARY_PRESETS
from studyllm_tui.core.models.task_options import TASK_OPTIONS, out_of_range, resolve_options
from tests.tiny_models import tiny_models  # noqa: F401


def test_defaults_sample_generation_with_seed_42() -> None:
    options = resolve_options("generate", {})
    assert options == {"temperature": 1.0, "top_k": 50, "top_p": 0.95, "max_new_tokens": 30, "seed": 42}
    assert resolve_options("generate", {"temperature": 0.0, "pooling": "cls"})["temperature"] == 0.0
    assert "pooling" not in resolve_options("generate", {"pooling": "cls"})  # not generate's


@pytest.mark.parametrize("preset", SUMMARY_PRESETS, ids=lambda p: p.id)
def test_a_summary_preset_sets_its_mode_and_values_and_flags_override(preset: Any) -> None:
    options = resolve_options("summarize", {"preset": preset.id})
    for name, value in preset.options.items():
        assert options[name] == value, name
    overridden = resolve_options("summarize", {"preset": preset.id, "no_repeat_ngram_size": 4})
    assert overridden["no_repeat_ngram_size"] == 4 and overridden["mode"] == preset.options["mode"]


def test_every_option_default_is_within_its_range_and_every_task_exists() -> None:
    for task, options in TASK_OPTIONS.items():
        assert task in TASKS
        for option in options:
            if option.choices:
                assert option.default in option.choices
            else:
                assert option.low <= option.default <= option.high, (task, option.name)


async def test_an_untouched_panel_runs_with_the_cli_defaults(tiny_models) -> None:
    app = StudyApp(Config(models=tiny_models.models(), device="cpu"), only_tabs=["tasks"])
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        pane = app.query_one("TasksPane")
        for task in TASKS:
            assert pane.panel(task).options() == resolve_options(task, {}), task


async def test_the_panel_refuses_a_value_out_of_range_as_the_cli_does(tiny_models) -> None:
    from textual.widgets import Input

    app = StudyApp(Config(models=tiny_models.models(), device="cpu"), only_tabs=["tasks"])
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4")
        await app.open_target("tasks/generate")
        await pilot.pause()
        panel = app.query_one("TasksPane").panel()
        panel.query_one("#opt-top_p", Input).value = "2"
        await pilot.press("ctrl+j")
        await pilot.pause()
        status = str(panel.query_one("#status").render())
        assert "top_p" in status and "0.0" in status and "1.0" in status, status
        assert not app.workers._workers  # nothing was started
        for huge in ("1e309", "-1e309", "nan"):
            panel.query_one("#opt-seed", Input).value = huge
            panel.query_one("#opt-top_p", Input).value = "0.9"
            await pilot.press("ctrl+j")
            await pilot.pause()
            assert "seed" in str(panel.query_one("#status").render()), huge
        assert out_of_range("generate", {"top_p": 2.0}, cli=True).startswith("generate の --top-p")


def test_run_passes_the_options_and_sampling_repeats_with_a_seed(
    tiny_models, capsys: pytest.CaptureFixture[str]
) -> None:
    model = str(tiny_models.models()["generate"])
    outputs = []
    for seed in ("5", "5", "6"):
        code = main(["run", "generate", "--model", model, "--seed", seed, "--top-k", "0",
                     "--max-new-tokens", "8", "--json", "こんにちは"])  # fmt: skip
        captured = capsys.readouterr()
        assert code == 0, captured.err
        outputs.append(captured.out)
    assert outputs[0] == outputs[1], "the same seed samples the same text"
    assert outputs[0] != outputs[2], "another seed samples another text (the seed is passed on)"
    greedy = []
    for seed in ("1", "2"):
        assert main(["run", "generate", "--model", model, "--temperature", "0", "--seed", seed, "x"]) == 0
        greedy.append(capsys.readouterr().out)
    assert greedy[0] == greedy[1] and greedy[0].strip(), "temperature 0 is greedy: no seed matters"


def test_fill_mask_top_k_is_how_many_candidates(tiny_models, capsys: pytest.CaptureFixture[str]) -> None:
    model = str(tiny_models.models()["fill-mask"])
    assert main(["run", "fill-mask", "--model", model, "--top-k", "3", "--json", "東京[MASK]"]) == 0
    import json

    assert len(json.loads(capsys.readouterr().out)["candidates"]) == 3


def test_columns_that_fit_packs_as_many_fields_as_the_width_takes() -> None:
    from studyllm_tui.ui.tasks.panel import columns_that_fit

    widths = [20, 22, 16, 16, 31]
    assert columns_that_fit(widths, 200) == 5
    assert columns_that_fit(widths, 20 + 22 + 16 + 16 + 31 + 4) == 5  # exactly, with 4 gutters
    assert columns_that_fit(widths, 20 + 22 + 16 + 16 + 31 + 3) == 4  # one cell short
    assert columns_that_fit(widths, 10) == 1  # never none
