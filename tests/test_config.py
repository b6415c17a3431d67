"""The config file: good settings apply; every bad one is a message with a line, and a default."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from studyllm_tui.__main__ import build_parser, load_settings
from studyllm_tui.core.config import Config, load_config, parse_config


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config, problems = load_config(tmp_path / "none.yaml")
    assert problems == [] and config.lang == "ja" and config.memory_budget_mb == 4096


def test_good_settings_apply(tmp_path: Path) -> None:
    text = dedent(
        """\
        lang: en
        device: cpu
        memory_budget_mb: 2048
        models: {sentiment: ./my-model}
        prompt: {backend: remote, endpoint: "http://127.0.0.1:8000/v1", timeout_s: 5}
        study: {new_per_day: 5}
        """
    )
    config, problems = parse_config(text, tmp_path / "c.yaml")
    assert problems == []
    assert (config.lang, config.device, config.memory_budget_mb) == ("en", "cpu", 2048)
    assert config.models == {"sentiment": "./my-model"}
    assert config.prompt.backend == "remote" and config.prompt.timeout_s == 5.0
    assert config.study.new_per_day == 5


def test_bad_settings_each_get_a_line_and_the_default(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    text = dedent(
        """\
        lang: fr
        colour: blue
        memory_budget_mb: -3
        prompt:
          backend: cloud
          secret: x
        study: 7
        """
    )
    config, problems = parse_config(text, path)
    lines = {p.line: p.message for p in problems}
    assert "lang must be one of ja, en" in lines[1]
    assert "unknown setting 'colour'" in lines[2]
    assert "greater than 0" in lines[3]
    assert "prompt.backend must be one of local, remote" in lines[5]
    assert "unknown setting prompt.secret" in lines[6]
    assert "study must be a mapping" in lines[7]
    assert config == Config(path=path)
    assert str(problems[0]).startswith(f"{path}:1: ")


def test_broken_yaml_gives_defaults_and_line(tmp_path: Path) -> None:
    config, problems = parse_config("lang: en\nmodels: [oops\n", tmp_path / "c.yaml")
    assert config.lang == "ja"
    assert problems[0].line >= 2 and "not valid YAML" in problems[0].message


def test_not_a_mapping(tmp_path: Path) -> None:
    _, problems = parse_config("- a\n- b\n", tmp_path / "c.yaml")
    assert "must be a mapping" in problems[0].message


def test_command_line_overrides_config(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("lang: ja\nmodels: {ner: a/b}\n", encoding="utf-8")
    args = build_parser().parse_args(
        ["--config", str(path), "--lang", "en", "--model", "sentiment=./x"]
    )
    config, problems = load_settings(args)
    assert config.lang == "en"
    assert config.models == {"ner": "a/b", "sentiment": "./x"}
    assert not problems
    with pytest.raises(SystemExit) as exit_info:  # a malformed --model is a usage error
        build_parser().parse_args(["--model", "bad"])
    assert exit_info.value.code == 2


def test_missing_config_path_is_reported(tmp_path: Path) -> None:
    args = build_parser().parse_args(["--lang", "en", "--config", str(tmp_path / "nope.yaml")])
    _, problems = load_settings(args)
    assert "no such file" in problems[0].message
