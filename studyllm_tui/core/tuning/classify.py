"""Classification fine-tuning (book ch.5): full or LoRA, over transformers' ``Trainer``.

The base gets a fresh classification head for the data's labels (kept in ``id2label``), is
measured on the held-out part, trained, measured again, and saved as a plain model folder that
``studyllm-tui run sentiment --model DIR`` loads.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from studyllm_tui.core.jobs import Cancelled, check_cancelled
from studyllm_tui.core.models.gguf_load import parse_once
from studyllm_tui.core.tuning import common
from studyllm_tui.core.tuning.data import ClassifyData, load_classify
from studyllm_tui.core.tuning.settings import Emit, TuneSettings, emit_nothing, total_steps


def base_label_names(config: Any) -> list[str]:
    """The base model's label names when they mean something (not LABEL_0 ...)."""
    names = [str(v) for _, v in sorted((getattr(config, "id2label", None) or {}).items())]
    return [] if all(n.startswith("LABEL_") for n in names) else names


def encode(tokenizer: Any, texts: list[str], labels: list[int], max_length: int) -> list[dict[str, Any]]:
    """One dict of token ids (and its label) per text: a dataset the Trainer takes as is."""
    encoded = tokenizer(texts, truncation=True, max_length=max_length)
    rows = []
    for i, label in enumerate(labels):
        row = {key: values[i] for key, values in encoded.items()}
        row["labels"] = label
        rows.append(row)
    return rows


def predict(model: Any, tokenizer: Any, texts: list[str], max_length: int, batch_size: int = 32) -> list[int]:
    """The predicted label id of each text (no gradients; the model's own device)."""
    import torch

    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    predictions: list[int] = []
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            batch = tokenizer(
                texts[start : start + batch_size], truncation=True, max_length=max_length,
                padding=True, return_tensors="pt",
            ).to(device)
            predictions += model(**batch).logits.argmax(-1).tolist()
    if was_training:
        model.train()
    return predictions


def accuracy(predictions: list[int], labels: list[int]) -> float:
    return sum(p == y for p, y in zip(predictions, labels, strict=True)) / max(1, len(labels))


def confusion(predictions: list[int], labels: list[int], count: int) -> list[list[int]]:
    """Rows: true label; columns: predicted label."""
    matrix = [[0] * count for _ in range(count)]
    for p, y in zip(predictions, labels, strict=True):
        matrix[y][p] += 1
    return matrix


def _compute_metrics(prediction: Any) -> dict[str, float]:
    logits, labels = prediction.predictions, prediction.label_ids
    if isinstance(logits, tuple):
        logits = logits[0]
    return {"accuracy": float((logits.argmax(-1) == labels).mean())}


def prepare(settings: TuneSettings, cancel: threading.Event | None = None) -> tuple[Any, Any, ClassifyData]:
    """(model with a head for the labels, LoRA-wrapped if asked; tokenizer; data)."""
    import transformers

    common.quiet()
    source = common.resolve_base(settings.base, cancel)
    check_cancelled(cancel)
    names: list[str] = []
    if not source.is_gguf:  # a .gguf file holds a decoder LM: no label names to keep
        names = base_label_names(common.load_config(source))
    data = load_classify(
        settings.data, settings.eval_data, text_column=settings.text_column,
        label_column=settings.label_column, seed=settings.seed, label_names=names,
    )
    with parse_once(source):
        tokenizer = common.load_tokenizer(source)
        check_cancelled(cancel)
        transformers.set_seed(settings.seed)
        model = common.load_model(
            transformers.AutoModelForSequenceClassification, source,
            num_labels=len(data.labels),
            id2label=dict(enumerate(data.labels)),
            label2id={name: i for i, name in enumerate(data.labels)},
            ignore_mismatched_sizes=True,
        )
    if model.config.pad_token_id is None and tokenizer.pad_token_id is not None:
        model.config.pad_token_id = tokenizer.pad_token_id
    if settings.lora > 0:
        model = common.add_lora(model, settings.lora, "SEQ_CLS")
    return model, tokenizer, data


def build_trainer(
    settings: TuneSettings, model: Any, tokenizer: Any, data: ClassifyData, callbacks: list[Any]
) -> Any:
    from transformers import DataCollatorWithPadding, Trainer, TrainingArguments

    steps = total_steps(settings, len(data.train_texts))
    args = TrainingArguments(**common.training_kwargs(settings, steps, has_eval=True))
    return common.quiet_trainer(Trainer(
        model=model,
        args=args,
        train_dataset=encode(tokenizer, data.train_texts, data.train_labels, settings.seq_len),
        eval_dataset=encode(tokenizer, data.eval_texts, data.eval_labels, settings.seq_len),
        data_collator=DataCollatorWithPadding(tokenizer),
        processing_class=tokenizer,
        compute_metrics=_compute_metrics,
        callbacks=callbacks,
    ))


def count_trainable(settings: TuneSettings, cancel: threading.Event | None = None) -> tuple[int, int]:
    """(trainable, total) parameters the run would train, counted on the meta device: the
    model with a head for the data's labels (the data is read for them), LoRA-wrapped if asked."""
    import transformers

    common.quiet()
    source = common.resolve_base(settings.base, cancel)
    check_cancelled(cancel)
    data = load_classify(
        settings.data, settings.eval_data, text_column=settings.text_column,
        label_column=settings.label_column, seed=settings.seed,
    )  # fmt: skip
    check_cancelled(cancel)
    config = common.load_config(source, num_labels=len(data.labels))
    model = common.architecture(transformers.AutoModelForSequenceClassification, config)
    if settings.lora > 0:
        model = common.add_lora(model, settings.lora, "SEQ_CLS")
    return common.count_params(model)


def run_classify(
    settings: TuneSettings, emit: Emit = emit_nothing, cancel: threading.Event | None = None
) -> dict[str, Any]:
    """Fine-tune, save to ``settings.out``; returns the ``done`` event (also emitted).

    Raises :class:`Cancelled` when stopped (a checkpoint is left under ``out/checkpoints``).
    """
    model, tokenizer, data = prepare(settings, cancel)
    resume = common.resume_from(settings)
    trainable, total = common.count_params(model)
    check_cancelled(cancel)
    before = predict(model, tokenizer, data.eval_texts, settings.seq_len, settings.batch)
    trainer = build_trainer(settings, model, tokenizer, data, [common.make_callback(emit, cancel)])
    main = trainer.is_world_process_zero()
    if main:
        emit({
            "event": "start", "method": "classify", "total_steps": trainer.args.max_steps
            if trainer.args.max_steps > 0 else total_steps(settings, len(data.train_texts)),
            "trainable_params": trainable, "total_params": total, "resumed_from": resume,
        })
    trainer.train(resume_from_checkpoint=resume)
    if cancel is not None and cancel.is_set():
        raise Cancelled
    after = predict(trainer.model, tokenizer, data.eval_texts, settings.seq_len, settings.batch)
    done: dict[str, Any] = {
        "event": "done", "method": "classify", "out": str(Path(settings.out).expanduser()),
        "trainable_params": trainable, "total_params": total,
        "accuracy_before": accuracy(before, data.eval_labels),
        "accuracy_after": accuracy(after, data.eval_labels),
        "labels": data.labels,
        "confusion_before": confusion(before, data.eval_labels, len(data.labels)),
        "confusion_after": confusion(after, data.eval_labels, len(data.labels)),
        "train_size": len(data.train_texts), "eval_size": len(data.eval_texts),
        "steps": int(trainer.state.global_step), "base": settings.base,
    }
    if main:
        info = {k: v for k, v in done.items() if k != "event"} | {"lora": settings.lora}
        common.save_final(trainer.model, tokenizer, settings.out, info)
        emit(done)
    return done
