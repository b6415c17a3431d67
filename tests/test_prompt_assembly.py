"""Prompt assembly per mode and format (exact strings), example selection, stop sequences."""

from __future__ import annotations

import pytest

from studyllm_tui.core.i18n import set_language
from studyllm_tui.core.prompts import PromptError, assemble, load_prompt_tasks, select_examples
from studyllm_tui.core.prompts.assemble import cut_at_stop, k_for_mode
from studyllm_tui.core.prompts.model import PromptTask

QUIZ_INSTRUCTION = "あなたには今からクイズに答えてもらいます。問題を与えますので、その解答のみを簡潔に出力してください。"


@pytest.fixture(scope="module")
def tasks() -> dict[str, PromptTask]:
    return load_prompt_tasks(include_user=False).tasks


def test_zero_shot_quiz_is_the_books_prompt(tasks: dict[str, PromptTask]) -> None:
    prompt = assemble(tasks["quiz"], "日本で一番高い山は？", "zero", [])
    assert prompt.text == f"{QUIZ_INSTRUCTION}\n問題：日本で一番高い山は？\n解答："
    assert prompt.examples == ()


def test_one_and_few_shot_plain(tasks: dict[str, PromptTask]) -> None:
    quiz = tasks["quiz"]
    one = assemble(quiz, "Q?", "one", [2])
    assert one.text == (
        f"{QUIZ_INSTRUCTION}\n"
        "問題：『吾輩は猫である』の作者は誰でしょう？\n解答：夏目漱石\n"
        "問題：Q?\n解答："
    )
    few = assemble(quiz, "Q?", "few", [5, 0, 1])
    assert few.text == (
        f"{QUIZ_INSTRUCTION}\n"
        "問題：日本の首都はどこでしょう？\n解答：東京\n"
        "問題：日本で一番高い山は何でしょう？\n解答：富士山\n"
        "問題：水の化学式は何でしょう？\n解答：H2O\n"
        "問題：Q?\n解答："
    )


def test_alpaca_format(tasks: dict[str, PromptTask]) -> None:
    prompt = assemble(tasks["sentiment"], "最高でした。", "one", [1], "alpaca")
    assert prompt.text == (
        "以下は、タスクを説明する指示と、文脈のある入力の組み合わせです。要求を適切に満たす応答を書きなさい。\n\n"
        "### 指示:\n以下の商品レビューが肯定的か否定的かを判定し、「ポジティブ」か「ネガティブ」のどちらかだけを答えてください。\n\n"
        "### 入力:\nレビュー：説明書どおりに組み立てたのに、三日でネジが外れてしまいました。\n\n"
        "### 応答:\nネガティブ\n\n"
        "### 入力:\nレビュー：最高でした。\n\n"
        "### 応答:\n"
    )


def test_chat_format_messages_and_two_field_input(tasks: dict[str, PromptTask]) -> None:
    nli = tasks["nli"]
    prompt = assemble(nli, ["猫が寝ている。", "動物が寝ている。"], "one", [0], "chat")
    assert prompt.messages == (
        {"role": "system", "content": nli.instruction},
        {
            "role": "user",
            "content": "前提：公園で子どもたちがサッカーをしている。\n仮説：子どもたちが外で遊んでいる。",
        },
        {"role": "assistant", "content": "含意"},
        {"role": "user", "content": "前提：猫が寝ている。\n仮説：動物が寝ている。"},
    )
    assert prompt.text.startswith(f"[system]\n{nli.instruction}\n\n[user]\n前提：公園")
    assert prompt.query == "前提：猫が寝ている。\n仮説：動物が寝ている。"


def test_user_text_is_kept_literally(tasks: dict[str, PromptTask]) -> None:
    text = "[bold]赤[/bold] \x1b[31m{input} 😀"
    prompt = assemble(tasks["sentiment"], text, "zero", [])
    assert prompt.text.endswith(f"レビュー：{text}\n感情：")


def test_seeded_selection_is_repeatable_and_fits_the_mode(tasks: dict[str, PromptTask]) -> None:
    task = tasks["sentiment"]
    assert select_examples(task, "zero") == []
    assert len(select_examples(task, "one", seed=4)) == 1
    first = select_examples(task, "few", 3, seed=7)
    assert first == select_examples(task, "few", 3, seed=7)
    assert len(set(first)) == 3
    assert any(select_examples(task, "few", 3, seed=s) != first for s in range(1, 6))
    assert sorted(select_examples(task, "few", 10, seed=1)) == list(range(10))


@pytest.mark.parametrize(
    ("mode", "k", "message"),
    [("few", 1, "2 以上 10"), ("few", 11, "2 以上 10"), ("many", 3, "不明なモード 'many'")],
)
def test_bad_k_or_mode(tasks: dict[str, PromptTask], mode: str, k: int, message: str) -> None:
    with pytest.raises(PromptError, match=message):
        k_for_mode(tasks["sentiment"], mode, k)


@pytest.mark.parametrize(
    ("mode", "examples", "message"),
    [
        ("zero", [1], "zero-shot には例なしが必要"),
        ("one", [1, 2], "ちょうど 1 つの例"),
        ("few", [1], "2〜10 個の例"),
        ("few", [1, 1], "2 回選ばれて"),
        ("few", [1, 99], "例 100 はありません"),
    ],
)
def test_bad_hand_picked_examples(
    tasks: dict[str, PromptTask], mode: str, examples: list[int], message: str
) -> None:
    with pytest.raises(PromptError, match=message):
        assemble(tasks["sentiment"], "x", mode, examples)


def test_bad_inputs(tasks: dict[str, PromptTask]) -> None:
    with pytest.raises(PromptError, match="空"):
        assemble(tasks["sentiment"], "   ", "zero", [])
    with pytest.raises(PromptError, match=r"nli の入力は 2 個（premise, hypothesis）"):
        assemble(tasks["nli"], "only one", "zero", [])
    with pytest.raises(PromptError, match="不明な形式 'markdown'"):
        assemble(tasks["quiz"], "q", "zero", [], "markdown")


def test_assembly_errors_follow_the_ui_language(tasks: dict[str, PromptTask]) -> None:
    set_language("en")
    with pytest.raises(PromptError, match="few-shot k must be between 2 and 10"):
        k_for_mode(tasks["sentiment"], "few", 11)
    with pytest.raises(PromptError, match="example 100 does not exist"):
        assemble(tasks["sentiment"], "x", "few", [1, 99])
    with pytest.raises(PromptError, match=r"takes 2 input\(s\)"):
        assemble(tasks["nli"], "only one", "zero", [])
    set_language("ja")
    with pytest.raises(PromptError, match="few-shot の k は 2 以上 10"):
        k_for_mode(tasks["sentiment"], "few", 11)


def test_cut_at_stop() -> None:
    assert cut_at_stop("富士山\n問題：", ("\n",)) == ("富士山", True)
    assert cut_at_stop("\n 富士山", ("\n",)) == ("\n 富士山", False)
    assert cut_at_stop("\n富士山\nX", ("\n",)) == ("\n富士山", True)
    assert cut_at_stop("abc###d", ("\n", "###")) == ("abc", True)
