"""Token-by-token generation with a causal LM: streamed text and the next-token candidates.

The loop is the one ``generate`` runs (KV cache, temperature, top-k, top-p, seeded sampling),
written out so that each step can be shown and the job cancelled between two tokens. How
tokens become readable text (bytes of a character split over tokens) is in ``token_text``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from studyllm_tui.core.jobs import check_cancelled
from studyllm_tui.core.models.token_text import TextTracker, token_label


@dataclass(frozen=True)
class Candidate:
    """One possible next token: its probability as the model gives it (temperature 1) and
    after the chosen temperature."""

    token_id: int
    token: str
    prob: float
    prob_at_temperature: float


@dataclass(frozen=True)
class Step:
    """One generated token. ``text`` is the new readable text (empty while a character's bytes
    are incomplete)."""

    index: int
    token_id: int
    token: str
    text: str
    prob: float
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True)
class GenerationSettings:
    max_new_tokens: int = 50
    temperature: float = 1.0
    top_k: int = 50
    top_p: float = 1.0
    seed: int | None = None
    do_sample: bool | None = None  # None: sample when temperature > 0

    @property
    def sampling(self) -> bool:
        if self.do_sample is None:
            return self.temperature > 0
        return self.do_sample and self.temperature > 0


def _prompt_ids(loaded: Any, prompt: str, room: int) -> tuple[list[int], bool]:
    from studyllm_tui.core.tokenizers.registry import clean_text

    tokenizer = loaded.tokenizer
    # Lone surrogates (bytes that were not UTF-8) would make the tokenizer raise: U+FFFD.
    ids = list(tokenizer(clean_text(prompt), add_special_tokens=False)["input_ids"])
    if not ids:
        start = tokenizer.bos_token_id
        if start is None:
            start = tokenizer.eos_token_id
        ids = [start if start is not None else 0]
    truncated = len(ids) > room
    if truncated:
        ids = ids[-room:]
    return ids, truncated


def _context_size(model: Any) -> int:
    config = model.config
    for name in ("n_positions", "max_position_embeddings", "n_ctx"):
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return 2048


def _eos_ids(loaded: Any) -> set[int]:
    ids: set[int] = set()
    for source in (getattr(loaded.model, "generation_config", None), loaded.model.config):
        value = getattr(source, "eos_token_id", None)
        if isinstance(value, int):
            ids.add(value)
        elif isinstance(value, (list, tuple)):
            ids.update(v for v in value if isinstance(v, int))
    return ids


def _cache_argument(model: Any) -> str:
    """``cache`` (transformers 5.2x) or ``past_key_values`` (older) for the KV cache."""
    try:
        parameters = inspect.signature(model.forward).parameters
    except (TypeError, ValueError):  # pragma: no cover
        return "past_key_values"
    return "cache" if "cache" in parameters else "past_key_values"


def _cache_of(output: Any) -> Any:
    cache_value = output.get("cache") if hasattr(output, "get") else None
    if cache_value is None:
        cache_value = getattr(output, "past_key_values", None)
    return cache_value


def filter_logits(logits: Any, top_k: int, top_p: float) -> Any:
    """Set logits outside top-k / the top-p nucleus to -inf (at least one token stays)."""
    import torch

    if top_k and 0 < top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k).values[..., -1, None]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if 0 < top_p < 1:
        sorted_logits, order = torch.sort(logits, descending=True)
        probs = torch.softmax(sorted_logits, dim=-1)
        before = torch.cumsum(probs, dim=-1) - probs
        remove_sorted = before >= top_p
        remove_sorted[..., 0] = False
        remove = remove_sorted.scatter(-1, order, remove_sorted)
        logits = logits.masked_fill(remove, float("-inf"))
    return logits


def candidates_from(tokenizer: Any, logits: Any, temperature: float, top_k: int) -> list[Candidate]:
    """The ``top_k`` most likely next tokens with their probabilities at T=1 and at T."""
    import torch

    probs = torch.softmax(logits.float(), dim=-1)
    if temperature > 0:
        probs_t = torch.softmax(logits.float() / temperature, dim=-1)
    else:
        probs_t = torch.zeros_like(probs)
        probs_t[int(torch.argmax(logits))] = 1.0
    values, ids = torch.topk(probs, min(top_k, probs.shape[-1]))
    return [
        Candidate(int(i), token_label(tokenizer, int(i)), float(p), float(probs_t[int(i)]))
        for p, i in zip(values.tolist(), ids.tolist(), strict=True)
    ]


def next_token_candidates(
    loaded: Any, prompt: str, *, top_k: int = 10, temperature: float = 1.0
) -> list[Candidate]:
    """What the model would say next after ``prompt``, without generating."""
    import torch

    ids, _ = _prompt_ids(loaded, prompt, _context_size(loaded.model) - 1)
    with torch.inference_mode():
        output = loaded.model(input_ids=torch.tensor([ids], device=loaded.device))
    return candidates_from(loaded.tokenizer, output.logits[0, -1], temperature, top_k)


def generate_steps(
    loaded: Any,
    prompt: str,
    settings: GenerationSettings | None = None,
    *,
    cancel: Any = None,
    show_candidates: int = 0,
    truncated: list[bool] | None = None,
) -> Iterator[Step]:
    """Generate after ``prompt`` one token at a time. ``truncated`` (a list) receives whether
    the prompt had to be cut to fit the model's context."""
    import torch

    settings = settings or GenerationSettings()
    model = loaded.model
    context = _context_size(model)
    max_new = max(1, min(settings.max_new_tokens, context - 1))
    ids, was_cut = _prompt_ids(loaded, prompt, context - max_new)
    if truncated is not None:
        truncated.append(was_cut)
    eos = _eos_ids(loaded)
    generator = None
    if settings.sampling:
        generator = torch.Generator(device=loaded.device)
        if settings.seed is not None:
            generator.manual_seed(int(settings.seed))
        else:
            generator.seed()
    tracker = TextTracker(loaded.tokenizer)
    input_ids = torch.tensor([ids], device=loaded.device)
    past = None
    cache_arg = _cache_argument(model)
    with torch.inference_mode():
        for index in range(max_new):
            check_cancelled(cancel)
            output = model(input_ids=input_ids, use_cache=True, **{cache_arg: past})
            past = _cache_of(output)
            logits = output.logits[0, -1].float()
            if settings.sampling:
                scaled = filter_logits(
                    logits / settings.temperature, settings.top_k, settings.top_p
                )
                probs = torch.softmax(scaled, dim=-1)
                token_id = int(torch.multinomial(probs, 1, generator=generator))
            else:
                token_id = int(torch.argmax(logits))
            candidates: list[Candidate] = []
            prob = 0.0
            if show_candidates:
                candidates = candidates_from(
                    loaded.tokenizer,
                    logits,
                    settings.temperature if settings.sampling else 0.0,
                    show_candidates,
                )
                prob = float(torch.softmax(logits, dim=-1)[token_id])
            text = tracker.add(token_id)
            finished = token_id in eos or index == max_new - 1
            if finished:
                text += tracker.flush()
            yield Step(
                index,
                token_id,
                token_label(loaded.tokenizer, token_id) if show_candidates else "",
                text,
                prob,
                candidates,
            )
            if finished:
                return
            input_ids = torch.tensor([[token_id]], device=loaded.device)


def stream_generate(
    loaded: Any,
    prompt: str,
    *,
    max_new_tokens: int = 50,
    temperature: float = 1.0,
    top_k: int = 50,
    top_p: float = 1.0,
    seed: int | None = None,
    do_sample: bool | None = None,
    cancel: Any = None,
) -> Iterator[str]:
    """Text pieces as they are generated; greedy when temperature is 0 or do_sample is False.

    Setting ``cancel`` stops generation before the next token (raises core.jobs.Cancelled).
    """
    settings = GenerationSettings(max_new_tokens, temperature, top_k, top_p, seed, do_sample)
    for step in generate_steps(loaded, prompt, settings, cancel=cancel):
        if step.text:
            yield step.text
