"""Tuning runs on tiny models: classification (full, LoRA), cancel + resume, SFT, DPO, the CLI.

The tiny models are random, so these tests check mechanics: that training moves what it
should, the events, the saved folder loading through the app's own ModelManager, checkpoints.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from studyllm_tui.core.jobs import Cancelled
from studyllm_tui.core.tuning import common, run
from studyllm_tui.core.tuning.settings import TuneSettings
from tests.tiny_models import (
    SENTENCES,
    SENTIMENT_LABELS,
    build_tiny_bert_classifier,
    build_tiny_gpt2,
)

WORDS = ["hello", "world", "test", "cat", "dog", "sun", "moon", "tree", "book", "abc"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tune")
    easy = root / "easy.jsonl"
    rows = [
        {"text": f"{word}。{sentence}", "label": label}
        for sentence in SENTENCES
        for word, label in (("良い", "positive"), ("最悪", "negative"))
    ]
    easy.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    sft = root / "sft.jsonl"
    sft.write_text("\n".join(json.dumps({"instruction": f"Say {w}.", "output": f"{w} {w}."}) for w in WORDS))
    dpo = root / "dpo.jsonl"
    dpo.write_text("\n".join(
        json.dumps({"prompt": f"Say {w}.", "chosen": f"{w}.", "rejected": "1234567890"}) for w in WORDS
    ))
    return {
        "bert": build_tiny_bert_classifier(root / "bert", SENTIMENT_LABELS),
        "gpt2": build_tiny_gpt2(root / "gpt2"),
        "easy": easy, "sft": sft, "dpo": dpo, "root": root,
    }


def _settings(tiny: dict[str, Path], name: str, **kwargs: Any) -> TuneSettings:
    values: dict[str, Any] = {
        "method": "classify", "base": str(tiny["bert"]), "data": str(tiny["easy"]),
        "out": str(tiny["root"] / name), "max_steps": 24, "batch_size": 8, "lr": 1e-2, "max_length": 32,
    }
    values.update(kwargs)
    return TuneSettings(**values)


def _load_and_predict(folder: str, task: str, texts: list[str]) -> list[str]:
    from studyllm_tui.core.models.manager import ModelManager

    manager = ModelManager(memory_budget_mb=512, device="cpu")
    loaded = manager.load(task, str(folder))
    if task != "sentiment":
        return []
    from studyllm_tui.core.tuning.classify import predict

    ids = predict(loaded.model, loaded.tokenizer, texts, 32)
    return [loaded.model.config.id2label[i] for i in ids]


def test_classify_full_trains_emits_and_saves_a_sentiment_model(tiny: dict[str, Path]) -> None:
    from studyllm_tui.core.models.runners import run_task

    events: list[dict[str, Any]] = []
    settings = _settings(tiny, "full")
    done = run(settings, emit=events.append)
    assert done["accuracy_before"] < 0.75 < done["accuracy_after"], done
    assert done["trainable_params"] == done["total_params"]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and "log" in kinds and "eval" in kinds
    log = next(e for e in events if e["event"] == "log")
    assert set(log) == {"event", "step", "epoch", "loss", "lr"}
    assert isinstance(log["step"], int) and isinstance(log["loss"], float)
    assert all("accuracy" in e for e in events if e["event"] == "eval")
    assert done["labels"] == ["positive", "negative"]  # the base's order: run sentiment expects it
    out = Path(done["out"])
    assert (out / "model.safetensors").is_file() and (out / "tokenizer_config.json").is_file()
    assert not list(out.glob(".saving-*"))
    texts = ["良い。猫が窓の外を見ている。", "最悪。犬が公園を走っている。"]
    assert _load_and_predict(done["out"], "sentiment", texts) == ["positive", "negative"]
    result = run_task("sentiment", [texts[1]], config=None, model=done["out"])
    assert result["label"] == "negative"


def test_classify_lora_trains_few_parameters_and_merges(tiny: dict[str, Path]) -> None:
    from safetensors import safe_open

    done = run(_settings(tiny, "lora", lora=4, lr=2e-2, max_steps=8))
    assert 0 < done["trainable_params"] < done["total_params"]
    assert done["trainable_params"] / done["total_params"] < 0.05
    with safe_open(str(Path(done["out"]) / "model.safetensors"), "pt") as saved:
        names = list(saved.keys())
    assert names and not any("lora_" in n or "base_model" in n for n in names), "LoRA merged in"
    labels = _load_and_predict(done["out"], "sentiment", ["良い。", "最悪。"])
    assert set(labels) <= {"positive", "negative"}


def test_cancel_leaves_a_checkpoint_and_resume_finishes(tiny: dict[str, Path]) -> None:
    cancel = threading.Event()

    def emit(event: dict[str, Any]) -> None:
        if event["event"] == "log" and event["step"] >= 3:
            cancel.set()

    settings = _settings(tiny, "cancel", max_steps=12, logging_steps=1)
    with pytest.raises(Cancelled):
        run(settings, emit=emit, cancel=cancel)
    out = Path(settings.out)
    assert not (out / "config.json").exists() and not (out / "model.safetensors").exists()
    checkpoint = common.last_checkpoint(out)
    assert checkpoint is not None and checkpoint.endswith("checkpoint-4"), "stopped at the next step"
    assert (Path(checkpoint) / "model.safetensors").is_file()
    assert (Path(checkpoint) / "trainer_state.json").is_file()
    events: list[dict[str, Any]] = []
    settings.resume = True
    done = run(settings, emit=events.append)
    assert done["steps"] == 12
    steps = [e["step"] for e in events if e["event"] == "log"]
    assert steps and min(steps) > 4, "resumed after the checkpoint, not from scratch"
    assert next(e for e in events if e["event"] == "start")["resumed_from"] == checkpoint
    assert (out / "config.json").is_file()


def test_resume_without_checkpoint_is_an_error(tiny: dict[str, Path]) -> None:
    with pytest.raises(common.TuneError):
        run(_settings(tiny, "nothing-here", resume=True))


def test_dpo_margin_matches_a_hand_computation(tiny: dict[str, Path]) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from studyllm_tui.core.tuning.causal import ALPACA, format_prompt, mean_margin, sequence_logprob

    model = AutoModelForCausalLM.from_pretrained(tiny["gpt2"], trust_remote_code=False)
    tokenizer = AutoTokenizer.from_pretrained(tiny["gpt2"], trust_remote_code=False)
    prompt = format_prompt(tokenizer, "Say cat.")
    assert prompt == ALPACA.format(instruction="Say cat.")

    def by_hand(response: str) -> float:
        p = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        r = tokenizer(response, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
        total = 0.0
        with torch.no_grad():
            for i, token in enumerate(r):
                logits = model(input_ids=torch.tensor([p + r[:i]])).logits[0, -1]
                total += float(torch.log_softmax(logits, -1)[token])
        return total

    assert sequence_logprob(model, tokenizer, prompt, "cat.") == pytest.approx(by_hand("cat."), abs=1e-4)
    margin = mean_margin(model, tokenizer, [("Say cat.", "cat.", "dog."), ("Say cat.", "cat.", "1234")])
    expected = (by_hand("cat.") - by_hand("dog.") + by_hand("cat.") - by_hand("1234")) / 2
    assert margin == pytest.approx(expected, abs=1e-4)


def test_dpo_raises_the_margin_and_sft_lowers_the_loss(tiny: dict[str, Path]) -> None:
    common_kwargs: dict[str, Any] = {"base": str(tiny["gpt2"]), "max_steps": 6, "batch_size": 4, "lr": 3e-2,
                     "max_length": 160, "extra": {"samples": 1}}
    dpo = run(TuneSettings(method="dpo", data=str(tiny["dpo"]), eval_data=str(tiny["dpo"]),
                           out=str(tiny["root"] / "dpo-out"), **common_kwargs))
    assert dpo["margin_after"] > dpo["margin_before"]
    assert dpo["samples"][0]["prompt"].startswith("Say")
    sft = run(TuneSettings(method="sft", data=str(tiny["sft"]), out=str(tiny["root"] / "sft-out"), **common_kwargs))
    assert sft["loss_after"] < sft["loss_before"]
    assert 0 < sft["trainable_params"] < sft["total_params"]
    _load_and_predict(sft["out"], "generate", [])
    from studyllm_tui.core.models.runners import run_task

    result = run_task("generate", ["Say cat."], config=None, model=sft["out"], options={"max_new_tokens": 4})
    assert isinstance(result["text"], str)


def test_cli_json_lines_and_errors(tiny: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    from studyllm_tui.__main__ import main

    out = tiny["root"] / "cli"
    code = main(["tune", "classify", "--base", str(tiny["bert"]), "--data", str(tiny["easy"]),
                 "--max-steps", "4", "--batch-size", "8", "--lr", "5e-3", "--out", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert lines[-1]["event"] == "done"
    for key in ("out", "trainable_params", "total_params", "accuracy_before", "accuracy_after", "labels"):
        assert key in lines[-1]
    for line in lines:
        if line["event"] == "log":
            assert set(line) == {"event", "step", "epoch", "loss", "lr"}
        if line["event"] == "eval":
            assert isinstance(line["step"], int)
    code = main(["tune", "sft", "--base", str(tiny["bert"]), "--data", str(tiny["sft"]), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1 and "causal LM" in captured.err  # the UI language (ja by default)
    assert len(captured.err.strip().splitlines()) == 1
    code = main(["tune", "dpo", "--base", str(tiny["gpt2"]), "--data", str(tiny["root"]), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1 and "通常のファイルではありません" in captured.err and "Traceback" not in captured.err
    with pytest.raises(SystemExit) as exit_info:
        main(["tune", "classify", "--data", "bundled", "--out", str(out)])
    assert exit_info.value.code == 2


@pytest.mark.parametrize(
    ("method", "lora"), [("classify", 0), ("classify", 4), ("sft", 4), ("dpo", 8)]
)
def test_the_count_on_the_meta_device_is_the_count_of_the_loaded_model(
    tiny: dict[str, Path], method: str, lora: int
) -> None:
    from studyllm_tui.core.tuning import count_trainable
    from studyllm_tui.core.tuning.causal import load_base
    from studyllm_tui.core.tuning.classify import prepare

    base = "bert" if method == "classify" else "gpt2"
    settings = _settings(tiny, f"count-{method}", method=method, base=str(tiny[base]),
                         data=str(tiny["easy" if method == "classify" else method]), lora=lora)
    if method == "classify":
        model = prepare(settings)[0]
    else:
        model = common.add_lora(load_base(settings, None)[0], lora, "CAUSAL_LM")
    trainable, total = count_trainable(settings)
    assert (trainable, total) == common.count_params(model)
    assert 0 < trainable < total if lora else trainable == total


def test_counting_an_encoder_for_sft_is_the_runs_error(tiny: dict[str, Path]) -> None:
    from studyllm_tui.core.tuning import count_trainable

    settings = _settings(tiny, "count-bad", method="sft", base=str(tiny["bert"]), data=str(tiny["sft"]), lora=4)
    with pytest.raises(common.TuneError, match=str(tiny["bert"])):
        count_trainable(settings)


def test_the_child_process_stops_at_the_next_step_on_a_stop_line(tiny: dict[str, Path]) -> None:
    # what the tab does on Escape: a "stop" line on the child's stdin, on every platform
    from studyllm_tui.core.tuning.process import run_subprocess

    cancel = threading.Event()
    steps: list[int] = []

    def emit(event: dict[str, Any]) -> None:
        if event["event"] == "log":
            steps.append(event["step"])
            assert event["step"] < 200, "the stop line was not heard"  # ends the child too
            cancel.set()

    settings = _settings(tiny, "child-stop", max_steps=10_000, logging_steps=1)
    with pytest.raises(Cancelled):
        run_subprocess(settings, emit=emit, cancel=cancel)
    checkpoint = common.last_checkpoint(settings.out)
    assert checkpoint is not None and max(steps) < 50, (checkpoint, steps)


def test_the_child_process_stops_when_its_stdin_ends(tiny: dict[str, Path]) -> None:
    # the app quit or died: the pipe ends, and the child does not train on as an orphan
    import subprocess
    import sys

    from studyllm_tui.core.tuning.process import command

    argv = command(_settings(tiny, "child-eof", max_steps=10_000))
    assert "--stop-on-stdin" in argv
    argv[argv.index("--lang") + 1] = "en"
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[1], check=False)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("studyllm-tui: Stopped"), done.stderr
    assert sys.executable == argv[0]
