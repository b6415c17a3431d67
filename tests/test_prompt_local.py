"""The local backend on a tiny GPT-2 built here: generation, label scoring, evaluation, CLI."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from studyllm_tui.__main__ import main
from studyllm_tui.core.config import Config
from studyllm_tui.core.jobs import no_progress
from studyllm_tui.core.models.token_text import split_utf8, token_bytes
from studyllm_tui.core.prompts import (
    BackendError,
    assemble,
    evaluate,
    load_prompt_tasks,
    run_prompt,
)
from studyllm_tui.core.prompts.assemble import cut_at_stop
from studyllm_tui.core.prompts.local import LocalBackend, label_logprobs
from studyllm_tui.core.prompts.model import PromptTask
from tests.tiny_models import build_tiny_gpt2

pytestmark = pytest.mark.slow

CHAT_TEMPLATE = (
    "{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<assistant>{% endif %}"
)


@pytest.fixture(scope="module")
def tiny_gpt2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_gpt2(tmp_path_factory.mktemp("prompt-gpt2") / "gpt2")


@pytest.fixture(scope="module")
def tiny_chat_gpt2(tiny_gpt2: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from transformers import AutoTokenizer, GPT2LMHeadModel

    folder = tmp_path_factory.mktemp("prompt-chat") / "gpt2-chat"
    tokenizer = AutoTokenizer.from_pretrained(tiny_gpt2)
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(folder)
    GPT2LMHeadModel.from_pretrained(tiny_gpt2).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tasks() -> dict[str, PromptTask]:
    return load_prompt_tasks(include_user=False).tasks


def local(path: Path) -> LocalBackend:
    backend = LocalBackend(Config(device="cpu"), str(path))
    backend.prepare(no_progress, None)
    return backend


def test_generation_matches_greedy_decoding(tiny_gpt2: Path, tasks: dict[str, PromptTask]) -> None:
    import torch

    quiz = tasks["quiz"]
    backend = local(tiny_gpt2)
    prompt = assemble(quiz, "日本の首都はどこ？", "few", [0, 1, 2])
    seen: list[str] = []
    answer = run_prompt(backend, quiz, prompt, on_text=seen.append)
    model, tokenizer = backend.loaded.model, backend.loaded.tokenizer
    ids = tokenizer(prompt.text, add_special_tokens=False, return_tensors="pt")["input_ids"]
    assert backend.count_tokens(prompt) == ids.shape[1]
    ids = ids[:, -(backend.context_size() - quiz.max_new_tokens) :]  # as generation keeps it
    with torch.no_grad():
        out = model.generate(
            ids,
            max_new_tokens=quiz.max_new_tokens,
            do_sample=False,
            pad_token_id=tokenizer.eos_token_id,
        )
    new_ids = [i for i in out[0, ids.shape[1] :].tolist() if i not in tokenizer.all_special_ids]
    data = b"".join(token_bytes(tokenizer, i) or b"" for i in new_ids)
    assert data.decode("utf-8", "replace") == tokenizer.decode(new_ids)
    expected = split_utf8(data, final=True)[0]  # bytes that are not UTF-8 show as <xx>
    # the stream shows each token's undecodable bytes as they come: <bc 9a><bc 9a> for <bc 9a bc 9a>
    assert answer.text.replace("><", " ") == cut_at_stop(expected, quiz.stop)[0].strip()
    assert answer.scores is None  # the quiz has no fixed labels


def test_label_scores_are_the_labels_log_probabilities(
    tiny_gpt2: Path, tasks: dict[str, PromptTask]
) -> None:
    import torch

    sentiment = tasks["sentiment"]
    backend = local(tiny_gpt2)
    prompt = assemble(sentiment, "とても良い商品でした。", "one", [0])
    answer = run_prompt(backend, sentiment, prompt)
    scores = answer.scores
    assert scores is not None and scores.method == "full" and scores.note == ""
    assert set(scores.probs) == {"ポジティブ", "ネガティブ"}
    assert sum(scores.probs.values()) == pytest.approx(1.0)
    # one label by hand, without batching or padding
    model, tokenizer = backend.loaded.model, backend.loaded.tokenizer
    prompt_ids = tokenizer(prompt.text, add_special_tokens=False)["input_ids"]
    full = tokenizer(prompt.text + "ネガティブ", add_special_tokens=False)["input_ids"]
    assert full[: len(prompt_ids)] == prompt_ids
    with torch.no_grad():
        logits = model(torch.tensor([full])).logits[0]
    logp = torch.log_softmax(logits, dim=-1)
    by_hand = sum(float(logp[i - 1, full[i]]) for i in range(len(prompt_ids), len(full)))
    assert scores.logprobs["ネガティブ"] == pytest.approx(by_hand, abs=1e-4)
    ratio = math.exp(scores.logprobs["ポジティブ"] - scores.logprobs["ネガティブ"])
    assert scores.probs["ポジティブ"] == pytest.approx(ratio / (1 + ratio))


def test_label_logprobs_batch_equals_one_by_one(tiny_gpt2: Path) -> None:
    backend = local(tiny_gpt2)
    model, tokenizer = backend.loaded.model, backend.loaded.tokenizer
    labels = ("含意", "矛盾", "中立です")
    together = label_logprobs(model, tokenizer, "前提：猫\n関係：", labels, "cpu")
    for label in labels:
        alone = label_logprobs(model, tokenizer, "前提：猫\n関係：", (label,), "cpu")
        assert alone[label] == pytest.approx(together[label], abs=1e-4)


def test_a_prompt_longer_than_the_context_is_cut_and_said(
    tiny_gpt2: Path, tasks: dict[str, PromptTask]
) -> None:
    sentiment = tasks["sentiment"]
    backend = local(tiny_gpt2)
    prompt = assemble(sentiment, "良い", "few", list(range(10)))
    assert backend.count_tokens(prompt) > backend.context_size()
    scores = backend.score_labels(prompt, sentiment.labels, None)
    assert "256" in scores.note
    assert sum(scores.probs.values()) == pytest.approx(1.0)


def test_evaluate_over_the_dev_set(tiny_gpt2: Path, tasks: dict[str, PromptTask]) -> None:
    sentiment = tasks["sentiment"]
    backend = local(tiny_gpt2)
    seen = []
    results = evaluate(
        sentiment, backend, ["zero", "few"], k=2, seed=3, limit=4, progress=seen.append
    )
    for mode in ("zero", "few"):
        result = results[mode]
        assert result.total == 4 and result.method == "label-scores"
        for item in result.results:
            prompt = assemble(
                sentiment, sentiment.dev[item.index].fields, mode, list(result.examples)
            )
            assert item.predicted == backend.score_labels(prompt, sentiment.labels, None).best()
            assert item.correct == (item.predicted == sentiment.dev[item.index].answer)
    assert len(results["few"].examples) == 2
    assert seen[-1].done == seen[-1].total == 8


def test_evaluate_a_generation_task(tiny_gpt2: Path, tasks: dict[str, PromptTask]) -> None:
    results = evaluate(tasks["headline"], local(tiny_gpt2), ["one"], limit=2)
    assert results["one"].method == "generated"
    assert results["one"].total == 2
    assert 0.0 <= results["one"].mean_score <= 1.0


def test_chat_format_needs_a_chat_template(
    tiny_gpt2: Path, tiny_chat_gpt2: Path, tasks: dict[str, PromptTask]
) -> None:
    sentiment = tasks["sentiment"]
    prompt = assemble(sentiment, "良い", "one", [0], "chat")
    with pytest.raises(BackendError, match="チャットテンプレート"):
        local(tiny_gpt2).render(prompt)
    backend = local(tiny_chat_gpt2)
    assert backend.render(prompt) == (
        f"<system>{sentiment.instruction}\n<user>レビュー：{sentiment.examples[0].fields['input']}\n"
        "<assistant>ポジティブ\n<user>レビュー：良い\n<assistant>"
    )
    answer = run_prompt(backend, sentiment, prompt)
    assert answer.scores is not None


def test_cli_json_with_a_local_model(tiny_gpt2: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "prompt",
            "sentiment",
            "--mode",
            "few",
            "--k",
            "3",
            "--seed",
            "2",
            "--model",
            str(tiny_gpt2),
            "--json",
            "とても良い",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    out = json.loads(captured.out)
    assert set(out) == {"prompt", "text", "label_scores"}
    assert out["prompt"].count("感情：") == 4
    assert sum(out["label_scores"].values()) == pytest.approx(1.0)


def test_cli_plain_output_with_show_prompt(
    tiny_gpt2: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "prompt",
            "quiz",
            "--mode",
            "zero",
            "--model",
            str(tiny_gpt2),
            "--show-prompt",
            "日本の首都は？",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(
        "あなたには今からクイズに答えてもらいます。問題を与えますので、その解答のみを簡潔に出力してください。\n問題：日本の首都は？\n解答：\n----"
    )


def test_cli_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prompt", "nosuch", "--mode", "zero", "x"]) == 2
    assert "'nosuch' というプロンプト課題はありません" in capsys.readouterr().err
    assert main(["prompt", "quiz", "x"]) == 1
    assert "--mode" in capsys.readouterr().err
    assert main(["prompt", "nli", "--mode", "zero", "only premise"]) == 1
    assert "nli の入力は 2 個" in capsys.readouterr().err
    assert main(["prompt", "quiz", "--mode", "few", "--k", "40", "q"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "few-shot の k は 2 以上 10" in err


def test_importing_the_prompt_core_does_not_import_torch() -> None:
    code = (
        "import sys; import studyllm_tui.core.prompts, studyllm_tui.core.prompts.local, "
        "studyllm_tui.core.prompts.remote, studyllm_tui.cli.prompt; "
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
