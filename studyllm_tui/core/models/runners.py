"""Run each task on a loaded model and return what the panels draw and the CLI prints.

Each ``run_*`` function takes a LoadedModel and returns a result object; ``run_task`` loads the
task's model through the ModelManager and returns the exact ``--json`` dictionary of
``studyllm-tui run``.
"""

from __future__ import annotations

from typing import Any

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import ProgressCallback, check_cancelled
from studyllm_tui.core.models.align import align_tokens, normalize
from studyllm_tui.core.models.generation import GenerationSettings, generate_steps
from studyllm_tui.core.models.manager import LoadedModel, get_manager
from studyllm_tui.core.models.registry import TASKS
from studyllm_tui.core.models.results import (
    Classification,
    Embeddings,
    Entities,
    Entity,
    FillCandidate,
    FillMask,
    GeneratedText,
    Similarity,
    TokenTag,
)

MAX_INPUT_CHARS = 100_000


class TaskInputError(ValueError):
    """Input a task cannot take; the message says what is expected."""


def _check_text(text: str, what: str = "text") -> str:
    """``text`` when it is neither blank nor too long; ``what`` names it (a ``tasks.what_*`` key)."""
    if not text or not text.strip():
        raise TaskInputError(t("tasks.err_empty", what=t(f"tasks.what_{what}")))
    if any(0xD800 <= ord(char) <= 0xDFFF for char in text):
        # Bytes that were not UTF-8 (read with surrogateescape): no tokenizer takes them.
        raise TaskInputError(t("tasks.err_not_text", what=t(f"tasks.what_{what}")))
    if len(text) > MAX_INPUT_CHARS:
        raise TaskInputError(
            t(
                "tasks.err_too_long",
                what=t(f"tasks.what_{what}"),
                count=len(text),
                limit=MAX_INPUT_CHARS,
            )
        )
    return text


def _length(loaded: LoadedModel, text: str, pair: str | None = None) -> int:
    encoded = loaded.tokenizer(text, pair, truncation=False) if pair else loaded.tokenizer(text)
    return len(encoded["input_ids"])


def _encode(loaded: LoadedModel, text: str | list[str], pair: str | None = None) -> Any:
    return loaded.tokenizer(
        text,
        pair,
        truncation=True,
        max_length=loaded.max_length,
        padding=True,
        return_tensors="pt",
    ).to(loaded.device)


def _labels(loaded: LoadedModel) -> list[str]:
    config = loaded.model.config
    return [str(config.id2label.get(i, f"LABEL_{i}")) for i in range(config.num_labels)]


def run_classification(loaded: LoadedModel, text: str, pair: str | None = None) -> Classification:
    """Softmax over the labels (sentiment; nli with a pair)."""
    import torch

    _check_text(text)
    if pair is not None:
        _check_text(pair, "second_text")
    truncated = _length(loaded, text, pair) > loaded.max_length
    with torch.inference_mode():
        logits = loaded.model(**_encode(loaded, text, pair)).logits[0].float()
    probs = torch.softmax(logits, dim=-1).tolist()
    labels = _labels(loaded)
    scores = {label: float(p) for label, p in zip(labels, probs, strict=True)}
    best = max(scores, key=lambda label: scores[label])
    return Classification(best, scores, truncated)


def run_similarity(loaded: LoadedModel, first: str, second: str) -> Similarity:
    """The regression head's raw value (function_to_apply="none"): 0-5 for JSTS."""
    import torch

    _check_text(first, "first_sentence")
    _check_text(second, "second_sentence")
    truncated = _length(loaded, first, second) > loaded.max_length
    with torch.inference_mode():
        logits = loaded.model(**_encode(loaded, first, second)).logits[0].float()
    return Similarity(float(logits[0]), truncated)


def run_embeddings(
    loaded: LoadedModel, sentences: list[str], pooling: str | None = None
) -> Embeddings:
    """Cosine similarities of L2-normalised sentence vectors; the model's own pooling unless
    ``pooling`` names one (core.models.pooling)."""
    import torch

    from studyllm_tui.core.models import pooling as poolings

    if pooling is not None and pooling not in poolings.MODES:
        raise TaskInputError(t("tasks.err_bad_pooling", pooling=pooling))
    pooling = poolings.choose(pooling, loaded.path)
    sentences = [s for s in sentences if s.strip()]
    if len(sentences) < 2:
        raise TaskInputError(t("tasks.err_two_sentences"))
    for sentence in sentences:
        _check_text(sentence, "sentence")
    truncated = any(_length(loaded, s) > loaded.max_length for s in sentences)
    encoded = _encode(loaded, sentences)
    with torch.inference_mode():
        hidden = loaded.model(**encoded).last_hidden_state.float()
    vectors = poolings.pool(hidden, encoded["attention_mask"], pooling)
    vectors = torch.nn.functional.normalize(vectors, dim=-1)
    matrix = (vectors @ vectors.T).clamp(-1, 1).tolist()
    return Embeddings(
        [[float(v) for v in row] for row in matrix], pooling, int(hidden.shape[-1]), truncated
    )


def _entity_type(label: str) -> tuple[str, str]:
    if label[:2] in ("B-", "I-", "E-", "S-"):
        return label[0], label[2:]
    return "O", ""


def run_ner(loaded: LoadedModel, text: str) -> Entities:
    """Entities with character spans in ``text`` as typed (aggregation "simple")."""
    import torch

    _check_text(text)
    normalized = normalize(text)
    tokenizer = loaded.tokenizer
    truncated = _length(loaded, normalized.text) > loaded.max_length
    encoded = _encode(loaded, normalized.text)
    with torch.inference_mode():
        logits = loaded.model(**encoded).logits[0].float()
    probs = torch.softmax(logits, dim=-1)
    scores, ids = probs.max(dim=-1)
    tokens = tokenizer.convert_ids_to_tokens(encoded["input_ids"][0].tolist())
    special = frozenset(tokenizer.all_special_tokens)
    unk = tokenizer.unk_token or "[UNK]"
    spans = align_tokens(normalized.text, tokens, unk_token=unk, special=special)
    id2label = loaded.model.config.id2label
    tags: list[TokenTag] = []
    entities: list[Entity] = []
    group: list[tuple[int, int, float]] = []
    group_type = ""

    def close() -> None:
        nonlocal group, group_type
        if group:
            start, end = normalized.span(group[0][0], group[-1][1])
            score = sum(g[2] for g in group) / len(group)
            entities.append(Entity(text[start:end], group_type, start, end, score))
        group, group_type = [], ""

    for index, token in enumerate(tokens):
        label = str(id2label.get(int(ids[index]), "O"))
        score = float(scores[index])
        span = spans[index]
        if token in special and token != unk:
            continue
        original = normalized.span(*span) if span else (None, None)
        tags.append(TokenTag(token, label, score, original[0], original[1]))
        prefix, kind = _entity_type(label)
        if span is None or prefix == "O":
            close()
            continue
        if prefix in ("B", "S") or kind != group_type:
            close()
            group_type = kind
        group.append((span[0], span[1], score))
        if prefix in ("E", "S"):
            close()
    close()
    return Entities(text, entities, tags, truncated)


def _generate_kwargs(options: dict[str, Any]) -> dict[str, Any]:
    mode = options.get("mode", "greedy")
    kwargs: dict[str, Any] = {
        "max_new_tokens": int(options.get("max_new_tokens", 64)),
        "min_new_tokens": int(options.get("min_new_tokens", 0)),
    }
    if int(options.get("no_repeat_ngram_size", 0) or 0) > 0:
        kwargs["no_repeat_ngram_size"] = int(options["no_repeat_ngram_size"])
    if mode == "beam":
        kwargs.update(num_beams=max(1, int(options.get("num_beams", 3))), do_sample=False)
    elif mode == "sample":
        kwargs.update(
            do_sample=True,
            temperature=max(1e-3, float(options.get("temperature", 1.0))),
            top_k=int(options.get("top_k", 50) or 0),
            top_p=float(options.get("top_p", 1.0)),
        )
    elif mode == "greedy":
        kwargs.update(do_sample=False, num_beams=1)
    else:
        raise TaskInputError(t("tasks.err_bad_decoding", mode=mode))
    return kwargs


def _cancel_criteria(cancel: Any) -> Any:
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    class CancelCriteria(StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            flag = cancel is not None and cancel.is_set()
            return torch.full(
                (input_ids.shape[0],), flag, dtype=torch.bool, device=input_ids.device
            )

    return StoppingCriteriaList([CancelCriteria()])


def run_summary(
    loaded: LoadedModel, article: str, options: dict[str, Any] | None = None, cancel: Any = None
) -> GeneratedText:
    """A headline for ``article`` via AutoModelForSeq2SeqLM.generate."""
    import torch

    options = dict(options or {})
    _check_text(article, "article")
    kwargs = _generate_kwargs(options)
    truncated = _length(loaded, article) > loaded.max_length
    encoded = _encode(loaded, article)
    if options.get("seed") is not None:
        torch.manual_seed(int(options["seed"]))
    with torch.inference_mode():
        output = loaded.model.generate(
            **encoded, stopping_criteria=_cancel_criteria(cancel), **kwargs
        )
    check_cancelled(cancel)
    sequence = output[0].tolist()
    text = loaded.tokenizer.decode(sequence, skip_special_tokens=True)
    return GeneratedText(str(text).strip(), truncated, len(sequence))


def run_generation(
    loaded: LoadedModel, prompt: str, options: dict[str, Any] | None = None, cancel: Any = None
) -> GeneratedText:
    """The whole continuation of ``prompt`` (the panel streams it with generate_steps)."""
    options = dict(options or {})
    if not prompt.strip():
        raise TaskInputError(t("tasks.err_empty", what=t("tasks.what_prompt")))
    _check_text(prompt, "prompt")
    settings = GenerationSettings(
        max_new_tokens=int(options.get("max_new_tokens", 50)),
        temperature=float(options.get("temperature", 1.0)),
        top_k=int(options.get("top_k", 50) or 0),
        top_p=float(options.get("top_p", 1.0)),
        seed=options.get("seed"),
    )
    truncated: list[bool] = []
    pieces = []
    count = 0
    for step in generate_steps(loaded, prompt, settings, cancel=cancel, truncated=truncated):
        pieces.append(step.text)
        count += 1
    return GeneratedText("".join(pieces), any(truncated), count)


def run_fill_mask(loaded: LoadedModel, text: str, top_k: int = 5) -> FillMask:
    """Top-k fillers for the first mask token in ``text``."""
    import torch

    _check_text(text)
    tokenizer = loaded.tokenizer
    mask = tokenizer.mask_token or "[MASK]"
    if mask not in text:
        raise TaskInputError(t("tasks.err_no_mask", mask=mask))
    truncated = _length(loaded, text) > loaded.max_length
    encoded = _encode(loaded, text)
    input_ids = encoded["input_ids"][0]
    positions = (input_ids == tokenizer.mask_token_id).nonzero().flatten().tolist()
    if not positions:
        raise TaskInputError(t("tasks.err_mask_cut", mask=mask))
    with torch.inference_mode():
        logits = loaded.model(**encoded).logits[0, positions[0]].float()
    probs = torch.softmax(logits, dim=-1)
    values, ids = torch.topk(probs, min(max(1, top_k), probs.shape[-1]))
    candidates = []
    for value, token_id in zip(values.tolist(), ids.tolist(), strict=True):
        token = str(tokenizer.convert_ids_to_tokens(int(token_id)))
        filler = token[2:] if token.startswith("##") else token
        candidates.append(FillCandidate(token, float(value), text.replace(mask, filler, 1)))
    return FillMask(candidates, len(positions), truncated)


def _input_count_error(task: str, count: int) -> str | None:
    spec = TASKS[task]
    if count < spec.min_inputs or (spec.max_inputs is not None and count > spec.max_inputs):
        if spec.max_inputs is None:
            wanted = t("tasks.wanted_at_least", min=spec.min_inputs)
        elif spec.min_inputs == spec.max_inputs == 1:
            wanted = t("tasks.wanted_one")
        elif spec.min_inputs == spec.max_inputs:
            wanted = t("tasks.wanted_exactly", min=spec.min_inputs)
        else:
            wanted = t("tasks.wanted_range", min=spec.min_inputs, max=spec.max_inputs)
        names = " ".join(n.upper() for n in spec.input_names)
        return t("tasks.err_input_count", task=task, wanted=wanted, names=names, count=count)
    return None


def run_loaded(
    loaded: LoadedModel,
    inputs: list[str],
    options: dict[str, Any] | None = None,
    cancel: Any = None,
) -> Any:
    """Run ``loaded.task`` on ``inputs``; the task's result object."""
    task = loaded.task
    options = dict(options or {})
    problem = _input_count_error(task, len(inputs))
    if problem:
        raise TaskInputError(problem)
    check_cancelled(cancel)
    if task in ("sentiment", "nli"):
        return run_classification(loaded, inputs[0], inputs[1] if task == "nli" else None)
    if task == "sts":
        return run_similarity(loaded, inputs[0], inputs[1])
    if task == "embed":
        return run_embeddings(loaded, inputs, options.get("pooling"))
    if task == "ner":
        return run_ner(loaded, inputs[0])
    if task == "summarize":
        return run_summary(loaded, inputs[0], options, cancel)
    if task == "generate":
        return run_generation(loaded, inputs[0], options, cancel)
    if task == "fill-mask":
        return run_fill_mask(loaded, inputs[0], int(options.get("top_k", 5)))
    raise TaskInputError(t("tasks.err_unknown_task", task=task, choices=", ".join(TASKS)))


def run_task(
    task: str,
    inputs: list[str],
    *,
    config: Any,
    model: str | None = None,
    options: dict[str, Any] | None = None,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
) -> dict[str, Any]:
    """Load ``task``'s model and run it: the ``studyllm-tui run --json`` dictionary."""
    if task not in TASKS:
        raise TaskInputError(t("tasks.err_unknown_task", task=task, choices=", ".join(TASKS)))
    problem = _input_count_error(task, len(inputs))
    if problem:
        raise TaskInputError(problem)
    loaded = get_manager(config).load(task, model=model, progress=progress, cancel=cancel)
    result = run_loaded(loaded, inputs, options, cancel)
    data: dict[str, Any] = result.to_json()
    return data
