"""Hostile YAML in every file a person can edit: refused at its line, quickly, in bounded memory.

Each case is fed to all four readers: a glossary file, the user's glossary folder, a prompt task
and the config file; the catalogue reader is checked on its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from studyllm_tui.core import i18n, safeyaml
from studyllm_tui.core.config import load_config
from studyllm_tui.core.glossary.loader import load_glossary, load_glossary_files
from studyllm_tui.core.problems import Problem
from studyllm_tui.core.prompts.loader import load_prompt_tasks

TERM = (
    "terms:\n"
    "  - id: good\n    ja: 良い\n    reading: よい\n    en: good\n"
    "    category: tokenization\n    summary: s\n    body: b\n"
)

LAUGHS = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)

# (name, text, line the problem must name, words the message must hold)
HOSTILE = [
    ("billion-laughs", LAUGHS, 1, "&a"),
    ("alias-only", "x: 1\ny: *x\n", 2, "*x"),
    ("anchor-on-mapping", "terms: &t\n  - {id: a}\n", 1, "&t"),
    ("merge-key", "base: &b {a: 1}\nother:\n  <<: *b\n", 1, "&b"),
    ("deep-flow", "x: " + "[" * 100_000 + "]" * 100_000 + "\n", 1, "depth"),
    ("deep-block", "".join(" " * i + f"k{i}:\n" for i in range(80)) + " " * 80 + "v\n", 64, "64"),
    ("many-nodes", "x: [" + "1," * 3_000 + "1]\n", 1, "2,000"),  # MAX_NODES made 2,000 below
]


def _glossary_file(tmp_path: Path, text: str) -> list[Problem]:
    file = tmp_path / "g.yaml"
    file.write_text(text, encoding="utf-8")
    return load_glossary_files([[file]]).problems


def _user_folder(tmp_path: Path, text: str) -> list[Problem]:
    shipped, user = tmp_path / "shipped", tmp_path / "user"
    shipped.mkdir()
    user.mkdir()
    (shipped / "a.yaml").write_text(TERM, encoding="utf-8")
    (user / "mine.yaml").write_text(text, encoding="utf-8")
    glossary = load_glossary(shipped=shipped, user=user)
    assert "good" in glossary.terms  # the shipped terms survive a hostile user file
    return glossary.problems


def _prompt_task(tmp_path: Path, text: str) -> list[Problem]:
    user = tmp_path / "prompts"
    user.mkdir()
    (user / "t.yaml").write_text(text, encoding="utf-8")
    return load_prompt_tasks(shipped=tmp_path / "none", user=user).problems


def _config(tmp_path: Path, text: str) -> list[Problem]:
    file = tmp_path / "config.yaml"
    file.write_text(text, encoding="utf-8")
    config, problems = load_config(file)
    assert config.lang == "ja" and config.models == {}  # the defaults
    return problems


@pytest.fixture(autouse=True)
def fewer_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The node limit (250,000) made 2,000 so the test is quick; benchmarks run the real one."""
    monkeypatch.setattr(safeyaml, "MAX_NODES", 2_000)


READERS: dict[str, Callable[[Path, str], list[Problem]]] = {
    "glossary": _glossary_file,
    "user-glossary": _user_folder,
    "prompt": _prompt_task,
    "config": _config,
}


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize(("name", "text", "line", "words"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_yaml_is_one_problem_at_its_line(
    tmp_path: Path, reader: str, name: str, text: str, line: int, words: str
) -> None:
    problems = READERS[reader](tmp_path, text)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.line == line, problem
    assert words in problem.message
    assert "\n" not in str(problem)
    assert str(problem).startswith(f"{problem.file}:{line}: ")


VALUES = [("huge-int", "1" + "0" * 5000), ("bad-date", "2020-99-99")]
VALUE_IN = {
    "glossary": TERM.replace("summary: s", "summary: {value}"),
    "config": "lang: en\nmemory_budget_mb: {value}\n",
    "prompt": "id: {value}\n",
}


@pytest.mark.parametrize("reader", list(VALUE_IN))
@pytest.mark.parametrize(("name", "value"), VALUES, ids=[v[0] for v in VALUES])
def test_a_value_that_cannot_be_built_is_a_problem_at_its_line(
    tmp_path: Path, reader: str, name: str, value: str
) -> None:
    text = VALUE_IN[reader].format(value=value)
    line = text.splitlines().index(next(x for x in text.splitlines() if value in x)) + 1
    problems = READERS[reader](tmp_path, text)
    (problem,) = [p for p in problems if p.line == line]
    assert ("値を読めません" in problem.message) or ("cannot read" in problem.message)
    assert "\n" not in str(problem) and len(str(problem)) < 400


@pytest.mark.parametrize(
    ("name", "text", "line", "words"),
    [c for c in HOSTILE if c[0] != "deep-flow"]
    + [("deep-flow", "x: " + "[" * 100_000 + "]" * 100_000 + "\n", 1, "64")],
    ids=[c[0] for c in HOSTILE if c[0] != "deep-flow"] + ["deep-flow"],
)
def test_the_pure_python_parser_has_the_same_checks(
    name: str, text: str, line: int, words: str
) -> None:
    """Where libyaml is missing: 100,000 levels would be a RecursionError without the limit."""
    with pytest.raises(yaml.YAMLError) as caught:
        safeyaml.compose(text, safeyaml.PySafeFileLoader)
    error = caught.value
    assert error.problem_mark.line + 1 == line  # type: ignore[attr-defined]
    assert words in safeyaml.error_reason(error)


def test_the_message_says_what_to_do_in_english_too(tmp_path: Path) -> None:
    i18n.set_language("en")
    (problem,) = _glossary_file(tmp_path, "x: 1\ny: *x\n")
    assert "aliases (*x) are not allowed" in problem.message
    (problem,) = _glossary_file(tmp_path, "x: " + "[" * 200 + "]" * 200)
    assert "nested too deeply (at most 64 levels)" in problem.message


def test_plain_yaml_still_loads_with_its_values() -> None:
    text = "a: [1, 2.5, true, null, '2020-01-02']\nb: {c: こんにちは}\nd: 2020-01-02\n"
    data = safeyaml.load(text)
    assert data["a"] == [1, 2.5, True, None, "2020-01-02"]
    assert data["b"] == {"c": "こんにちは"} and str(data["d"]) == "2020-01-02"
    node = safeyaml.compose(text)
    assert isinstance(node, yaml.MappingNode) and node.value[1][0].start_mark.line == 1


def test_errors_are_yaml_errors_with_a_mark() -> None:
    with pytest.raises(yaml.YAMLError) as caught:
        safeyaml.load("a: 1\nb: *a\n")
    assert caught.value.problem_mark.line == 1  # type: ignore[attr-defined]


def test_the_catalogue_reader_refuses_aliases(tmp_path: Path) -> None:
    file = tmp_path / "demo.yaml"
    file.write_text('a: &x {ja: "あ", en: "a"}\nb: *x\n', encoding="utf-8")
    with pytest.raises(safeyaml.YamlFileError) as caught:
        i18n.read_area_file(file)
    assert str(caught.value).startswith(f"{file}:1: ")


def test_the_catalogue_reader_refuses_the_wrong_shape(tmp_path: Path) -> None:
    file = tmp_path / "demo.yaml"
    file.write_text("a: [1, 2]\n", encoding="utf-8")
    with pytest.raises(safeyaml.YamlFileError):
        i18n.read_area_file(file)


def test_a_full_size_bomb_is_refused_fast_in_a_subprocess(tmp_path: Path) -> None:
    """The classic nine-level bomb through the real CLI: refused at once, small memory."""
    levels = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
    file = tmp_path / "bomb.yaml"
    file.write_text('l0: &l0 "lol"\n' + levels + "terms: [*l9]\n", encoding="utf-8")
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from studyllm_tui.__main__ import main\n"
        "sys.exit(main(['--lang', 'en', 'glossary', 'check', sys.argv[1]]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(file)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 1, done.stderr
    assert f"{file}:1: YAML anchors (&l0) are not allowed" in done.stdout
    assert "Traceback" not in done.stderr


def test_the_fast_path_gives_the_same_tree_as_the_checked_one() -> None:
    """The shipped glossary (no anchors, small) takes libyaml's C composer: same nodes, lines."""
    from studyllm_tui.core import paths

    def shape(node: yaml.Node) -> object:
        value = node.value
        if isinstance(node, yaml.MappingNode):
            value = [(shape(k), shape(v)) for k, v in value]
        elif isinstance(node, yaml.SequenceNode):
            value = [shape(item) for item in value]
        return (type(node).__name__, node.tag, node.start_mark.line, value)

    for file in sorted(paths.shipped_glossary_dir().glob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        done, fast = safeyaml._fast_compose(text)
        checked = safeyaml.compose(text, safeyaml.PySafeFileLoader)
        assert done and fast is not None and checked is not None
        assert shape(fast) == shape(checked), file


@pytest.mark.parametrize(
    ("text", "may"),
    [
        ("a: Q&A\n", False),
        ("a: R & D\n", False),
        ("a: '&&'\n", False),
        ("a: &x 1\n", True),
        ("&x [1]\n", True),
        ("a: [1,&x 2]\n", True),
        ("- &x\n  b: 1\n", True),
    ],
)
def test_what_may_be_an_anchor_takes_the_checked_path(text: str, may: bool) -> None:
    assert safeyaml._may_have_anchor(text) is may
