"""generate, the prompt lab and the CLI on the real SmolLM2-135M-Instruct (one .gguf file)
through the app's manager, runners and backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from studyllm_tui.core.config import Config
from studyllm_tui.core.models.generation import GenerationSettings, generate_steps
from studyllm_tui.core.prompts import assemble, run_prompt
from studyllm_tui.core.prompts.local import LocalBackend
from studyllm_tui.core.prompts.model import Item, PromptTask

PROMPT = "The capital of France is"


def test_the_manager_loads_config_tokenizer_and_weights_from_the_gguf_file(
    smollm2_app: Any, smollm2_gguf: Path
) -> None:
    assert smollm2_app.source.is_gguf and smollm2_app.source.gguf_file == smollm2_gguf.name
    assert smollm2_app.model.config.model_type == "llama"
    assert smollm2_app.model.config.num_hidden_layers == 30
    assert smollm2_app.tokenizer.chat_template  # the tokenizer came from the same file
    assert smollm2_app.size_bytes == pytest.approx(134_515_008 * 4, rel=0.01)


def test_greedy_streaming_equals_model_generate(smollm2_app: Any) -> None:
    import torch

    settings = GenerationSettings(max_new_tokens=12, temperature=0.0)
    steps = list(generate_steps(smollm2_app, PROMPT, settings))
    tokenizer = smollm2_app.tokenizer
    ids = tokenizer(PROMPT, add_special_tokens=False, return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        out = smollm2_app.model.generate(
            ids, max_new_tokens=12, do_sample=False, pad_token_id=tokenizer.eos_token_id
        )
    expected = out[0, ids.shape[1] :].tolist()
    assert [s.token_id for s in steps] == expected[: len(steps)]
    assert len(steps) == len(expected)
    text = "".join(s.text for s in steps)
    assert text == tokenizer.decode(expected, skip_special_tokens=True)
    assert "Paris" in text


def _english_sentiment() -> PromptTask:
    examples = (
        Item({"text": "I loved every minute of it."}, "positive"),
        Item({"text": "The worst purchase I ever made."}, "negative"),
        Item({"text": "Great value, works perfectly."}, "positive"),
    )
    return PromptTask(
        id="en-sentiment",
        name="sentiment",
        name_en="sentiment",
        instruction="Classify the sentiment of the review as positive or negative.",
        input_format="Review: {text}",
        answer_prefix="Sentiment: ",
        fields=("text",),
        examples=examples,
        labels=("positive", "negative"),
        metric="exact",
        max_new_tokens=3,
    )


@pytest.fixture
def backend(smollm2_app: Any, smollm2_gguf: Path) -> LocalBackend:
    local = LocalBackend(Config(device="cpu"), str(smollm2_gguf))
    local.prepare(lambda _: None, None)
    assert local.loaded is smollm2_app  # the prompt lab finds the same loaded model
    return local


def test_chat_prompts_go_through_the_models_chat_template(backend: LocalBackend) -> None:
    task = _english_sentiment()
    prompt = assemble(task, "A delightful film.", "one", [0], "chat")
    text = backend.render(prompt)
    assert text.startswith("<|im_start|>system\n" + task.instruction)
    assert "<|im_start|>user\nReview: I loved every minute of it.<|im_end|>" in text
    assert "<|im_start|>assistant\npositive<|im_end|>" in text
    assert text.endswith("<|im_start|>assistant\n")
    plain = assemble(task, "A delightful film.", "one", [0], "plain")
    assert backend.render(plain) == plain.text  # plain prompts are sent as they are


def test_zero_one_few_shot_prompts_grow_and_label_scores_sum_to_one(
    backend: LocalBackend,
) -> None:
    task = _english_sentiment()
    review = "An absolute masterpiece, I was moved to tears."
    prompts = [
        assemble(task, review, "zero", []),
        assemble(task, review, "one", [0]),
        assemble(task, review, "few", [0, 1, 2]),
    ]
    lengths = [backend.count_tokens(p) or 0 for p in prompts]
    assert lengths[0] < lengths[1] < lengths[2]
    for prompt in prompts:
        answer = run_prompt(backend, task, prompt)
        assert answer.scores is not None
        assert sum(answer.scores.probs.values()) == pytest.approx(1.0, abs=1e-6)
    assert answer.scores.best() == "positive"  # few-shot on a clear review


def test_cli_run_generate_on_the_gguf_file_says_paris(
    smollm2_app: Any, smollm2_gguf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from studyllm_tui.__main__ import main

    code = main(["run", "generate", "--model", str(smollm2_gguf), "--temperature", "0", PROMPT])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Paris" in out.out  # greedy: the model's most likely answer, every time
    assert "Traceback" not in out.err and "de-quantizing" not in out.err
    # sampling (the default, as in the panel) is repeatable through its seed
    runs = []
    for seed in ("7", "7", "8"):
        args = ["run", "generate", "--model", str(smollm2_gguf), "--seed", seed, "--max-new-tokens", "12"]
        assert main([*args, PROMPT]) == 0
        runs.append(capsys.readouterr().out)
    assert runs[0] == runs[1] and runs[0].strip()


def test_the_shared_fixture_gives_attentions(smollm2: tuple[Any, Any]) -> None:
    import torch

    model, tokenizer = smollm2
    ids = tokenizer("Hi there", add_special_tokens=False, return_tensors="pt")
    with torch.inference_mode():
        out = model(**ids, output_attentions=True)
    assert len(out.attentions) == 30 and out.attentions[0].shape[1] == 9
