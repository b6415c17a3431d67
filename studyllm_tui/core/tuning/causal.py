"""Instruction tuning (SFT) and preference tuning (DPO) of a causal LM with LoRA, over trl.

The user's text becomes a prompt with the model's chat template when it has one, else the
book's Alpaca-style template. SFT trains on the answers only (trl's prompt-completion format);
DPO passes ``peft_config`` so the reference model is the base with the adapter disabled.
Before and after training the run measures, on the held-out part:

- SFT: the mean loss (negative log-likelihood per answer token);
- DPO: the mean margin log p(chosen | prompt) − log p(rejected | prompt), each the sum of the
  response tokens' log-probabilities (the response ends with the EOS token, as trl trains it);

and answers a few held-out prompts greedily, so the tab can show them side by side.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Cancelled, check_cancelled
from studyllm_tui.core.models.gguf_load import parse_once
from studyllm_tui.core.tuning import common
from studyllm_tui.core.tuning.data import (
    instruction_pairs,
    load_rows,
    preference_triples,
    split_held_out,
)
from studyllm_tui.core.tuning.settings import Emit, TuneSettings, emit_nothing, total_steps

# Book II's instruction template (Alpaca style, in Japanese), for models without a chat template.
ALPACA = "以下は、タスクを説明する指示です。要求を適切に満たす応答を書きなさい。\n\n### 指示:\n{instruction}\n\n### 応答:\n"
SAMPLES = 3
SAMPLE_TOKENS = 48


def format_prompt(tokenizer: Any, user: str) -> str:
    """The prompt text the model sees for the user's message."""
    if getattr(tokenizer, "chat_template", None):
        text = tokenizer.apply_chat_template(
            [{"role": "user", "content": user}], tokenize=False, add_generation_prompt=True
        )
        return str(text)
    return ALPACA.format(instruction=user)


def response_ids(tokenizer: Any, response: str) -> list[int]:
    """Token ids of a response as trained: the text, then EOS."""
    ids = list(tokenizer(response, add_special_tokens=False)["input_ids"])
    if tokenizer.eos_token_id is not None:
        ids.append(int(tokenizer.eos_token_id))
    return ids


def _token_logprobs(model: Any, tokenizer: Any, prompt: str, response: str, max_length: int) -> Any:
    """Log-probabilities of the response tokens given the prompt (a 1-D tensor)."""
    import torch

    prompt_ids = list(tokenizer(prompt, add_special_tokens=False)["input_ids"])
    answer = response_ids(tokenizer, response)
    ids = (prompt_ids + answer)[-max_length:]
    answer_len = min(len(answer), len(ids) - 1)
    device = next(model.parameters()).device
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ids], device=device)).logits[0].float()
    logprobs = torch.log_softmax(logits[:-1], dim=-1)
    targets = torch.tensor(ids[1:], device=device)
    picked = logprobs.gather(1, targets.unsqueeze(1)).squeeze(1)
    return picked[-answer_len:]


def sequence_logprob(model: Any, tokenizer: Any, prompt: str, response: str, max_length: int = 512) -> float:
    """log p(response | prompt): the sum of the response tokens' log-probabilities."""
    return float(_token_logprobs(model, tokenizer, prompt, response, max_length).sum())


def mean_margin(model: Any, tokenizer: Any, triples: list[tuple[str, str, str]], max_length: int = 512) -> float:
    """Mean over pairs of log p(chosen | prompt) − log p(rejected | prompt)."""
    was_training = model.training
    model.eval()
    margins = []
    for user, chosen, rejected in triples:
        prompt = format_prompt(tokenizer, user)
        margins.append(
            sequence_logprob(model, tokenizer, prompt, chosen, max_length)
            - sequence_logprob(model, tokenizer, prompt, rejected, max_length)
        )
    model.train(was_training)
    return sum(margins) / max(1, len(margins))


def mean_loss(model: Any, tokenizer: Any, pairs: list[tuple[str, str]], max_length: int = 512) -> float:
    """Mean negative log-likelihood per answer token over the pairs (the SFT loss)."""
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    for user, answer in pairs:
        picked = _token_logprobs(model, tokenizer, format_prompt(tokenizer, user), answer, max_length)
        total -= float(picked.sum())
        count += int(picked.numel())
    model.train(was_training)
    return total / max(1, count)


def answer(model: Any, tokenizer: Any, user: str, max_new_tokens: int = SAMPLE_TOKENS) -> str:
    """A greedy answer to ``user`` (for the before/after table)."""
    import torch

    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    encoded = tokenizer(format_prompt(tokenizer, user), add_special_tokens=False, return_tensors="pt").to(device)
    with torch.no_grad():
        output = model.generate(
            **encoded, max_new_tokens=max_new_tokens, do_sample=False,
            pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
        )
    model.train(was_training)
    return str(tokenizer.decode(output[0, encoded["input_ids"].shape[1]:], skip_special_tokens=True)).strip()


def load_base(settings: TuneSettings, cancel: threading.Event | None) -> tuple[Any, Any]:
    import transformers

    common.quiet()
    source = common.resolve_base(settings.base, cancel)
    check_cancelled(cancel)
    if not source.is_gguf:  # a .gguf file is a decoder LM (and parsing it twice costs seconds)
        _check_causal(common.load_config(source), settings)
    with parse_once(source):
        tokenizer = common.load_tokenizer(source)
        transformers.set_seed(settings.seed)
        model = common.load_model(transformers.AutoModelForCausalLM, source)
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    return model, tokenizer


def _check_causal(config: Any, settings: TuneSettings) -> None:
    """SFT and DPO train a decoder LM: refuse an encoder or an encoder-decoder base."""
    architectures = list(getattr(config, "architectures", None) or [])
    if getattr(config, "is_encoder_decoder", False) or (
        architectures and not any(a.endswith(("ForCausalLM", "LMHeadModel")) for a in architectures)
    ):
        raise common.TuneError(t("tuning.err_not_causal", model=settings.base))


def _data(settings: TuneSettings) -> tuple[list[Any], list[Any]]:
    read = instruction_pairs if settings.method == "sft" else preference_triples
    train = read(load_rows(settings.data, settings.method), settings.data)
    if settings.eval_data:
        return train, read(load_rows(settings.eval_data, settings.method), settings.eval_data)
    return split_held_out(train, settings.seed)


def _dataset(settings: TuneSettings, tokenizer: Any, items: list[Any]) -> Any:
    from datasets import Dataset

    if settings.method == "sft":
        return Dataset.from_dict({
            "prompt": [format_prompt(tokenizer, u) for u, _ in items],
            "completion": [a for _, a in items],
        })
    return Dataset.from_dict({
        "prompt": [format_prompt(tokenizer, u) for u, _, _ in items],
        "chosen": [c for _, c, _ in items],
        "rejected": [r for _, _, r in items],
    })


def build_trainer(
    settings: TuneSettings, model: Any, tokenizer: Any, train: list[Any], held: list[Any], callbacks: list[Any]
) -> Any:
    steps = total_steps(settings, len(train))
    kwargs = common.training_kwargs(settings, steps, has_eval=True)
    kwargs["max_length"] = settings.seq_len
    # trl turns gradient checkpointing on by default: it saves memory on a GPU but costs a
    # second forward pass per step, which is what a CPU run can least afford.
    kwargs["gradient_checkpointing"] = bool(settings.extra.get("gradient_checkpointing", False))
    peft = common.lora_config(model, settings.lora, "CAUSAL_LM")
    trainer: Any
    datasets = {"train_dataset": _dataset(settings, tokenizer, train), "eval_dataset": _dataset(settings, tokenizer, held)}
    if settings.method == "sft":
        from trl import SFTConfig, SFTTrainer

        sft_args = SFTConfig(**kwargs, packing=False, completion_only_loss=True)
        trainer = SFTTrainer(model=model, args=sft_args, processing_class=tokenizer,
                             peft_config=peft, callbacks=callbacks, **datasets)
    else:
        from trl import DPOConfig, DPOTrainer

        dpo_args = DPOConfig(**kwargs, beta=settings.beta)
        trainer = DPOTrainer(model=model, args=dpo_args, processing_class=tokenizer,
                             peft_config=peft, callbacks=callbacks, **datasets)
    if len(trainer.train_dataset) == 0:
        raise common.TuneError(t("tuning.err_too_long", max_length=settings.seq_len))
    return common.quiet_trainer(trainer)


def _measure(settings: TuneSettings, model: Any, tokenizer: Any, held: list[Any]) -> float:
    if settings.method == "sft":
        return mean_loss(model, tokenizer, held, settings.seq_len)
    return mean_margin(model, tokenizer, held, settings.seq_len)


def count_trainable(settings: TuneSettings, cancel: threading.Event | None = None) -> tuple[int, int]:
    """(trainable, total) parameters the run would train, counted on the meta device."""
    import transformers

    common.quiet()
    source = common.resolve_base(settings.base, cancel)
    check_cancelled(cancel)
    config = common.load_config(source)
    _check_causal(config, settings)
    model = common.architecture(transformers.AutoModelForCausalLM, config)
    return common.count_params(common.add_lora(model, settings.lora, "CAUSAL_LM"))


def run_causal(
    settings: TuneSettings, emit: Emit = emit_nothing, cancel: threading.Event | None = None
) -> dict[str, Any]:
    """SFT or DPO with LoRA; saves the merged model to ``settings.out``; returns ``done``."""
    model, tokenizer = load_base(settings, cancel)
    train, held = _data(settings)
    resume = common.resume_from(settings)
    check_cancelled(cancel)
    samples = int(settings.extra.get("samples", SAMPLES))
    prompts = [item[0] for item in held[:samples]]
    before_value = _measure(settings, model, tokenizer, held)
    before_answers = [answer(model, tokenizer, p) for p in prompts]
    check_cancelled(cancel)
    trainer = build_trainer(settings, model, tokenizer, train, held, [common.make_callback(emit, cancel)])
    trainable, total = common.count_params(trainer.model)
    main = trainer.is_world_process_zero()
    if main:
        emit({
            "event": "start", "method": settings.method, "total_steps": total_steps(settings, len(train)),
            "trainable_params": trainable, "total_params": total, "resumed_from": resume,
        })
    trainer.train(resume_from_checkpoint=resume)
    if cancel is not None and cancel.is_set():
        raise Cancelled
    tuned = trainer.model
    after_value = _measure(settings, tuned, tokenizer, held)
    after_answers = [answer(tuned, tokenizer, p) for p in prompts]
    key = "loss" if settings.method == "sft" else "margin"
    done: dict[str, Any] = {
        "event": "done", "method": settings.method, "out": str(Path(settings.out).expanduser()),
        "trainable_params": trainable, "total_params": total,
        f"{key}_before": before_value, f"{key}_after": after_value,
        "samples": [
            {"prompt": p, "before": b, "after": a}
            for p, b, a in zip(prompts, before_answers, after_answers, strict=True)
        ],
        "train_size": len(train), "eval_size": len(held),
        "steps": int(trainer.state.global_step), "base": settings.base,
    }
    if main:
        info = {k: v for k, v in done.items() if k != "event"} | {"lora": settings.lora}
        common.save_final(tuned, tokenizer, settings.out, info)
        emit(done)
    return done
