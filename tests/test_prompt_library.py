"""The prompt-task library: the shipped tasks, and file:line problems for broken user files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from studyllm_tui.core import i18n
from studyllm_tui.core.prompts import load_prompt_tasks
from studyllm_tui.core.prompts.loader import load_task_files
from studyllm_tui.core.prompts.model import char_f1, normalize_answer

GOOD = textwrap.dedent(
    """\
    id: mini
    name: ミニ
    instruction: 答えてください。
    input_format: "Q：{input}"
    answer_prefix: "A："
    labels: [はい, いいえ]
    examples:
      - input: 空は青い？
        answer: はい
      - input: 火は冷たい？
        answer: いいえ
    dev:
      - input: 雪は白い？
        answer: はい
    """
)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_tasks_load_without_problems() -> None:
    library = load_prompt_tasks(include_user=False)
    assert [str(p) for p in library.problems] == []
    assert {"sentiment", "nli", "quiz", "headline", "topic"} <= set(library.tasks)
    for task in library.tasks.values():
        assert len(task.examples) >= 8, task.id
        assert len(task.dev) >= 20, task.id
        for item in (*task.examples, *task.dev):
            if task.labels:
                assert item.answer in task.labels
    assert library.tasks["sentiment"].labels == ("ポジティブ", "ネガティブ")
    assert library.tasks["nli"].labels == ("含意", "矛盾", "中立")
    assert library.tasks["nli"].fields == ("premise", "hypothesis")
    # the book's quiz instruction, word for word (REFERENCE.md §1)
    assert library.tasks["quiz"].instruction == (
        "あなたには今からクイズに答えてもらいます。問題を与えますので、その解答のみを簡潔に出力してください。"
    )


def test_shipped_label_tasks_have_every_label_in_examples_and_dev() -> None:
    library = load_prompt_tasks(include_user=False)
    for task in library.tasks.values():
        if task.labels:
            assert {item.answer for item in task.examples} == set(task.labels), task.id
            assert {item.answer for item in task.dev} == set(task.labels), task.id


def test_user_task_adds_and_replaces(user_data_dir: Path) -> None:
    folder = user_data_dir / "prompts"
    write(folder, "mini.yaml", GOOD)
    write(folder, "quiz.yaml", GOOD.replace("id: mini", "id: quiz").replace("ミニ", "私のクイズ"))
    library = load_prompt_tasks()
    assert library.problems == []
    assert library.tasks["mini"].examples[1].fields == {"input": "火は冷たい？"}
    assert library.tasks["quiz"].name == "私のクイズ"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("id: [broken\n", 2, "YAML"),
        (GOOD.replace("name: ミニ\n", ""), 1, "missing or empty field(s): name"),
        (
            GOOD.replace("answer: いいえ", "answer: たぶん"),
            10,
            "answer 'たぶん' is not one of the labels",
        ),
        (GOOD.replace('"Q：{input}"', '"Q：{text}"'), 4, "input_format has no {input}"),
        (GOOD.replace("id: mini", "id: Mini Task"), 1, "id 'Mini Task' must be lower-case"),
        (GOOD + "colour: red\n", 15, "unknown field 'colour'"),
        (
            GOOD.replace("  - input: 火は冷たい？\n    answer: いいえ\n", ""),
            8,
            "needs at least 2 examples",
        ),
        (
            GOOD.replace("  - input: 空は青い？\n    answer: はい\n", "  - input: 空は青い？\n"),
            8,
            "examples entry lacks answer",
        ),
        (GOOD.replace("雪は白い？", "空は青い？"), 13, "dev item is also an example"),
        (
            GOOD.replace("labels: [はい, いいえ]", "labels: [はい, はい]"),
            6,
            "labels must be a list of distinct texts",
        ),
        (GOOD + "metric: rouge\n", 15, "metric must be one of"),
    ],
)
def test_broken_files_give_file_line_problems(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, "bad.yaml", text)
    i18n.set_language("en")
    try:
        library = load_task_files([[path]])
    finally:
        i18n.set_language("ja")
    rendered = [str(p) for p in library.problems]
    assert any(r.startswith(f"{path}:{line}: ") and message in r for r in rendered), rendered


def test_problem_messages_follow_the_language(tmp_path: Path) -> None:
    path = write(
        tmp_path, "bad.yaml", GOOD.replace("labels: [はい, いいえ]", "labels: [はい, はい]")
    )
    library = load_task_files([[path]])  # Japanese by default
    assert [str(p) for p in library.problems] == [
        f"{path}:6: mini: labels は重複のないテキストのリストにしてください"
    ]
    i18n.set_language("en")
    try:
        library = load_task_files([[path]])
    finally:
        i18n.set_language("ja")
    assert [str(p) for p in library.problems] == [
        f"{path}:6: mini: labels must be a list of distinct texts"
    ]


def test_duplicate_id_in_one_layer(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", GOOD)
    second = write(tmp_path, "b.yaml", GOOD)
    i18n.set_language("en")
    library = load_task_files([[first, second]])
    assert [str(p) for p in library.problems] == [
        f"{second}:1: duplicate id 'mini' (first defined at {first}:1)"
    ]
    i18n.set_language("ja")
    library = load_task_files([[first, second]])
    assert [str(p) for p in library.problems] == [
        f"{second}:1: ID 'mini' が重複しています（最初の定義は {first}:1）"
    ]
    assert len(library) == 1


def test_a_broken_user_file_leaves_the_shipped_tasks(user_data_dir: Path) -> None:
    write(user_data_dir / "prompts", "bad.yaml", "- just\n- a list\n")
    library = load_prompt_tasks()
    assert "sentiment" in library.tasks
    assert [p.message for p in library.problems] == [
        "プロンプトタスクはフィールドの対応（mapping）で書いてください"
    ]


def test_answer_normalisation_and_char_f1() -> None:
    assert normalize_answer(" 東京。") == "東京"
    assert normalize_answer("ＡＢＣ") == "ABC"
    assert char_f1("市営バス、ICカード対応", "市営バス、ICカード対応") == 1.0
    assert char_f1("", "何か") == 0.0
    assert char_f1("ab", "ac") == pytest.approx(0.5)
