"""The decoding and display options of each task, with the defaults both the panel and the CLI use.

The task panel (F4) shows these as fields; ``studyllm-tui run`` takes them as options
(``--temperature``, ``--top-k``, ...). One table, so that a run from the command line with no
options gives what the panel gives with its fields untouched: text generation samples with
seed 42, as the book's notebooks do (``set_seed(42)``), so both are repeatable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studyllm_tui.core.i18n import t
from studyllm_tui.core.models.results import SUMMARY_PRESETS, DecodingPreset

__all__ = [
    "MAX_SEED",
    "POOLINGS",
    "SUMMARY_PRESET_IDS",
    "TASK_OPTIONS",
    "TaskOption",
    "default_of",
    "options_of",
    "out_of_range",
    "preset_mode",
    "resolve_options",
    "summary_preset",
]

MAX_SEED = 2**32 - 1  # every seed the app takes (numpy's and torch's range)
SUMMARY_PRESET_IDS = tuple(preset.id for preset in SUMMARY_PRESETS)
POOLINGS = ("model", "cls", "mean")


@dataclass(frozen=True)
class TaskOption:
    """One option: its key in the options dictionary, its type, default and allowed range."""

    name: str
    kind: type
    default: Any
    low: float = 0
    high: float = 0
    choices: tuple[str, ...] = ()

    @property
    def flag(self) -> str:
        """The command-line spelling: ``top_k`` is ``--top-k``."""
        return "--" + self.name.replace("_", "-")


def _temperature(default: float) -> TaskOption:
    return TaskOption("temperature", float, default, 0.0, 100.0)


def _top_k(default: int) -> TaskOption:
    return TaskOption("top_k", int, default, 0, 1_000_000)


def _top_p(default: float) -> TaskOption:
    return TaskOption("top_p", float, default, 0.0, 1.0)


def _max_new_tokens(default: int) -> TaskOption:
    return TaskOption("max_new_tokens", int, default, 1, 32768)


_SEED = TaskOption("seed", int, 42, 0, MAX_SEED)

TASK_OPTIONS: dict[str, tuple[TaskOption, ...]] = {
    "generate": (_temperature(1.0), _top_k(50), _top_p(0.95), _max_new_tokens(30), _SEED),
    "summarize": (
        TaskOption("preset", str, "greedy", choices=SUMMARY_PRESET_IDS),
        TaskOption("num_beams", int, 3, 1, 64),
        _temperature(1.0),
        _top_k(50),
        _top_p(1.0),
        TaskOption("no_repeat_ngram_size", int, 0, 0, 64),
        TaskOption("min_new_tokens", int, 0, 0, 32768),
        _max_new_tokens(64),
        _SEED,
    ),
    "fill-mask": (TaskOption("top_k", int, 5, 1, 1000),),
    "embed": (TaskOption("pooling", str, "model", choices=POOLINGS),),
}


def options_of(task: str) -> tuple[TaskOption, ...]:
    return TASK_OPTIONS.get(task, ())


def default_of(task: str, name: str) -> Any:
    """The default of option ``name`` of ``task`` (KeyError when the task has no such option)."""
    for option in options_of(task):
        if option.name == name:
            return option.default
    raise KeyError(f"{task} has no option {name!r}")


def summary_preset(preset: str) -> DecodingPreset | None:
    return next((p for p in SUMMARY_PRESETS if p.id == preset), None)


def preset_mode(preset: str) -> str:
    """How a summary preset decodes: ``greedy``, ``beam`` or ``sample``."""
    found = summary_preset(preset)
    return str(found.options["mode"]) if found else "sample"


def resolve_options(task: str, given: dict[str, Any]) -> dict[str, Any]:
    """The options a run of ``task`` uses: the defaults, then (for a summary) the chosen
    preset's settings, then what was ``given`` explicitly (names not of this task are ignored)."""
    known = {option.name for option in options_of(task)}
    options: dict[str, Any] = {option.name: option.default for option in options_of(task)}
    chosen = {name: value for name, value in given.items() if name in known and value is not None}
    if task == "summarize":
        preset = str(chosen.get("preset", options["preset"]))
        found = summary_preset(preset)
        if found is not None:
            options.update({k: v for k, v in found.options.items() if k != "mode"})
        options["mode"] = preset_mode(preset)
    options.update(chosen)
    return options


def out_of_range(task: str, options: dict[str, Any], cli: bool = False) -> str | None:
    """A one-line message (UI language) naming the first of ``task``'s numeric options in
    ``options`` that lies outside its range, or None: the panel and the CLI refuse the same.
    ``cli`` names the option as its flag (``--top-k``) rather than its field (``top_k``)."""
    for option in options_of(task):
        value = options.get(option.name)
        if option.choices or value is None:
            continue
        if not option.low <= value <= option.high:
            whole = option.kind is int
            name = option.flag if cli else option.name
            return t(
                "tasks.err_option_range", name=name, task=task, value=value,
                low=int(option.low) if whole else option.low,
                high=int(option.high) if whole else option.high,
            )  # fmt: skip
    return None
