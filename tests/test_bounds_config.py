"""Config values that would break the app later are problems with a line, and the default is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyllm_tui.core.config import Config, PromptSettings, StudySettings, parse_config
from studyllm_tui.core.models.registry import TASK_IDS

BAD_VALUES = [
    ("timeout-nan", "prompt:\n  timeout_s: .nan\n", 2, "finite"),
    ("timeout-inf", "prompt:\n  timeout_s: .inf\n", 2, "finite"),
    ("timeout-minus-inf", "prompt:\n  timeout_s: -.inf\n", 2, "finite"),
    ("timeout-negative", "prompt:\n  timeout_s: -5\n", 2, "greater than 0"),
    ("timeout-huge", "prompt:\n  timeout_s: 1.0e+300\n", 2, "at most"),
    ("timeout-text", "prompt:\n  timeout_s: soon\n", 2, "must be a number"),
    ("timeout-list", "prompt:\n  timeout_s: [1]\n", 2, "must be a number"),
    ("timeout-bool", "prompt:\n  timeout_s: true\n", 2, "must be a number"),
    ("memory-huge", "memory_budget_mb: 99999999999999999999\n", 1, "at most"),
    ("memory-float", "memory_budget_mb: 1.5\n", 1, "whole number"),
    ("new-per-day-huge", "study:\n  new_per_day: 1000000000\n", 2, "at most"),
    ("endpoint-number", "prompt:\n  endpoint: 8000\n", 2, "must be text"),
    ("long-value-shown-short", "theme: [" + "1, " * 1000 + "1]\n", 1, "..."),
]


@pytest.mark.parametrize(
    ("name", "text", "line", "words"), BAD_VALUES, ids=[c[0] for c in BAD_VALUES]
)
def test_bad_values_are_a_problem_and_the_default(
    tmp_path: Path, name: str, text: str, line: int, words: str
) -> None:
    path = tmp_path / "config.yaml"
    config, problems = parse_config(text, path)
    (problem,) = problems
    assert problem.line == line and words in problem.message, problem
    assert str(problem).startswith(f"{path}:{line}: ") and len(str(problem)) < 300
    assert config.prompt == PromptSettings() and config.study == StudySettings()
    assert config.memory_budget_mb == Config().memory_budget_mb
    assert config.theme == Config().theme


def test_an_unknown_task_under_models_names_the_known_ones(tmp_path: Path) -> None:
    text = "models:\n  sentiment: my/model\n  nosuchtask: x/y\n"
    config, problems = parse_config(text, tmp_path / "c.yaml")
    (problem,) = problems
    assert problem.line == 2  # where the models mapping starts
    assert "'nosuchtask'" in problem.message
    assert all(task in problem.message for task in TASK_IDS)
    assert config.models == {}


def test_known_tasks_under_models_apply(tmp_path: Path) -> None:
    task = TASK_IDS[0]
    config, problems = parse_config(f"models:\n  {task}: my/model\n", tmp_path / "c.yaml")
    assert problems == [] and config.models == {task: "my/model"}


def test_a_good_timeout_still_applies(tmp_path: Path) -> None:
    config, problems = parse_config("prompt:\n  timeout_s: 2.5\n", tmp_path / "c.yaml")
    assert problems == [] and config.prompt.timeout_s == 2.5
