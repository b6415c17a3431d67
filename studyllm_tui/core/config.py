"""The user's configuration file: a YAML mapping, every setting optional.

A broken file or a bad setting never stops the app: each problem becomes a
:class:`~studyllm_tui.core.problems.Problem` with file and line, and the default is used.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported only when there is a file to read: the first screen needs neither
    import yaml

    from studyllm_tui.core.problems import Problem

LANGUAGES = ("ja", "en")
DEVICES = ("auto", "cpu", "cuda", "mps")
PROMPT_BACKENDS = ("local", "remote")


@dataclass
class PromptSettings:
    backend: str = "local"
    model: str = ""
    endpoint: str = ""
    endpoint_model: str = ""
    api_key_env: str = "OPENAI_API_KEY"
    timeout_s: float = 60.0


@dataclass
class StudySettings:
    new_per_day: int = 20


@dataclass
class Config:
    lang: str = "ja"
    theme: str = "textual-dark"
    device: str = "auto"
    memory_budget_mb: int = 4096
    models: dict[str, str] = field(default_factory=dict)
    tokenizers: list[str] = field(default_factory=list)
    prompt: PromptSettings = field(default_factory=PromptSettings)
    study: StudySettings = field(default_factory=StudySettings)
    path: Path | None = None


Check = Callable[[Any], str | None]


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(value: Any) -> str | None:
        if value in choices:
            return None
        return f"must be one of {', '.join(choices)} (got {_short(value)})"

    return check


def _positive(kind: type, maximum: float) -> Check:
    """A number greater than 0 and at most ``maximum`` (never NaN or infinite)."""

    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"must be a number (got {_short(value)})"
        if kind is int and not isinstance(value, int):
            return f"must be a whole number (got {_short(value)})"
        if not math.isfinite(value):
            return f"must be a finite number (got {_short(value)})"
        if value <= 0:
            return f"must be greater than 0 (got {_short(value)})"
        if value > maximum:
            return f"must be at most {maximum:g} (got {_short(value)})"
        return None

    return check


def _short(value: Any) -> str:
    """``repr(value)``, cut to a readable length (a 4,000-digit number, a long text)."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else "a huge number"
    return text if len(text) <= 60 else text[:57] + "..."


def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else f"must be text (got {_short(value)})"


def _models(value: Any) -> str | None:
    """``models:`` maps known task ids to a model (a Hub id or a folder)."""
    if not (
        isinstance(value, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    ):
        return "must be a mapping of task names to models, e.g. `sentiment: my/model`"
    from studyllm_tui.core.models.registry import TASK_IDS

    unknown = [key for key in value if key not in TASK_IDS]
    if unknown:
        return (
            f"names unknown task(s) {', '.join(map(repr, unknown))} (known: {', '.join(TASK_IDS)})"
        )
    return None


def _string_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return None
    return "must be a list of names"


_TOP_LEVEL: dict[str, Check] = {
    "lang": _one_of(LANGUAGES),
    "theme": _string,
    "device": _one_of(DEVICES),
    "memory_budget_mb": _positive(int, 16 * 1024 * 1024),
    "models": _models,
    "tokenizers": _string_list,
}
_SECTIONS: dict[str, dict[str, Check]] = {
    "prompt": {
        "backend": _one_of(PROMPT_BACKENDS),
        "model": _string,
        "endpoint": _string,
        "endpoint_model": _string,
        "api_key_env": _string,
        "timeout_s": _positive(float, 24 * 3600),
    },
    "study": {"new_per_day": _positive(int, 10_000)},
}


def _line_of(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def _key_nodes(node: yaml.Node) -> dict[str, yaml.Node]:
    """Map each key of a mapping node to its value node, for line numbers."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def parse_config(text: str, path: Path) -> tuple[Config, list[Problem]]:
    """Read configuration text; return the config (defaults where needed) and its problems."""
    import yaml

    from studyllm_tui.core import safeyaml
    from studyllm_tui.core.problems import Problem, yaml_error_line

    config = Config(path=path)
    problems: list[Problem] = []
    try:  # aliases, anchors, deep nesting and unbuildable values refused with their line
        root = safeyaml.compose(text)
        data = None if root is None else safeyaml.construct(root)
    except yaml.YAMLError as error:
        line = yaml_error_line(error)
        problems.append(
            Problem(path, line, f"not valid YAML ({_first_line(error)}); using defaults")
        )
        return config, problems
    if data is None:
        return config, problems
    if not isinstance(data, dict) or root is None:
        problems.append(Problem(path, 1, "the configuration must be a mapping of settings"))
        return config, problems
    lines = _key_nodes(root)
    for key, value in data.items():
        line = _line_of(lines.get(str(key)))
        if key in _TOP_LEVEL:
            message = _TOP_LEVEL[key](value)
            if message:
                problems.append(Problem(path, line, f"{key} {message}; using the default"))
            else:
                setattr(config, key, value)
        elif key in _SECTIONS:
            section = getattr(config, key)
            problems += _parse_section(key, value, section, lines.get(str(key)), path)
        else:
            known = ", ".join([*_TOP_LEVEL, *_SECTIONS])
            problems.append(Problem(path, line, f"unknown setting {key!r} (known: {known})"))
    return config, problems


def _parse_section(
    name: str, value: Any, section: Any, node: yaml.Node | None, path: Path
) -> list[Problem]:
    from studyllm_tui.core.problems import Problem

    if not isinstance(value, dict):
        return [Problem(path, _line_of(node), f"{name} must be a mapping; using the defaults")]
    checks = _SECTIONS[name]
    lines = _key_nodes(node) if node is not None else {}
    problems = []
    for key, item in value.items():
        line = _line_of(lines.get(str(key)))
        if key not in checks:
            known = ", ".join(f.name for f in fields(section))
            problems.append(Problem(path, line, f"unknown setting {name}.{key} (known: {known})"))
            continue
        message = checks[key](item)
        if message:
            problems.append(Problem(path, line, f"{name}.{key} {message}; using the default"))
        else:
            setattr(section, key, float(item) if key == "timeout_s" else item)
    return problems


def load_config(path: Path) -> tuple[Config, list[Problem]]:
    """Load the configuration file at ``path``; a missing file gives the defaults."""
    from studyllm_tui.core.files import FileReadError, read_text_file

    if not path.exists() and not path.is_symlink():
        return Config(path=path), []
    try:  # a regular file of at most 10 MB, UTF-8
        text = read_text_file(path)
    except FileReadError as error:
        from studyllm_tui.core.problems import Problem

        return Config(path=path), [Problem(path, error.line, f"{error.reason}; using defaults")]
    return parse_config(text, path)


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "problem", None) or error)
    return text.splitlines()[0] if text else type(error).__name__
