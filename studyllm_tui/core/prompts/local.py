"""The local backend: a causal LM loaded through the model manager, streaming on this machine.

torch and transformers are imported inside the functions that need them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import ProgressCallback, check_cancelled
from studyllm_tui.core.prompts.assemble import AssembledPrompt
from studyllm_tui.core.prompts.backend import BackendError, LabelScores, normalise

DEFAULT_MODEL = "abeja/gpt2-large-japanese"


class LocalBackend:
    name = "local"

    def __init__(self, config: Config, model: str = "") -> None:
        self.config = config
        self.model_id = (
            model or config.prompt.model or config.models.get("generate", "") or DEFAULT_MODEL
        )
        self.loaded: Any = None

    def describe(self) -> str:
        return self.model_id

    def prepare(self, progress: ProgressCallback, cancel: threading.Event | None) -> None:
        if self.loaded is not None:
            return
        from studyllm_tui.core.models import get_manager

        self.loaded = get_manager(self.config).load(
            "generate", model=self.model_id, progress=progress, cancel=cancel, context="prompt"
        )

    def _tokenizer(self) -> Any:
        if self.loaded is None:
            raise BackendError(t("prompt.err_not_loaded"), "not_loaded")
        return self.loaded.tokenizer

    def has_chat_template(self) -> bool:
        return bool(getattr(self._tokenizer(), "chat_template", None))

    def render(self, prompt: AssembledPrompt) -> str:
        if not prompt.is_chat:
            return prompt.text
        tokenizer = self._tokenizer()
        if not getattr(tokenizer, "chat_template", None):
            raise BackendError(
                t("prompt.err_no_chat_template", model=self.model_id), "no_chat_template"
            )
        text = tokenizer.apply_chat_template(
            list(prompt.messages), tokenize=False, add_generation_prompt=True
        )
        return str(text)

    def _ids(self, text: str) -> list[int]:
        # As generation tokenises: no special tokens added (a rendered chat template already
        # holds its own BOS ...).
        return list(self._tokenizer()(text, add_special_tokens=False)["input_ids"])

    def count_tokens(self, prompt: AssembledPrompt) -> int | None:
        if self.loaded is None:
            return None
        return len(self._ids(self.render(prompt)))

    def stream(
        self,
        prompt: AssembledPrompt,
        *,
        max_new_tokens: int,
        stop: tuple[str, ...],
        seed: int,
        cancel: threading.Event | None,
    ) -> Iterator[str]:
        from studyllm_tui.core.models.generation import stream_generate

        text = self.render(prompt)
        yield from stream_generate(
            self.loaded,
            text,
            max_new_tokens=max_new_tokens,
            temperature=0.0,
            top_k=0,
            top_p=1.0,
            seed=seed,
            cancel=cancel,
        )

    def score_labels(
        self, prompt: AssembledPrompt, labels: tuple[str, ...], cancel: threading.Event | None
    ) -> LabelScores:
        check_cancelled(cancel)
        text = self.render(prompt)
        cut: list[bool] = []
        logprobs = label_logprobs(
            self.loaded.model, self._tokenizer(), text, labels, self.loaded.device, cut
        )
        check_cancelled(cancel)
        note = t("prompt.note_truncated", size=context_size(self.loaded.model)) if any(cut) else ""
        return LabelScores(normalise(logprobs), logprobs, "full", note)

    def context_size(self) -> int | None:
        return context_size(self.loaded.model) if self.loaded is not None else None


def context_size(model: Any) -> int:
    """How many tokens the model reads at most."""
    config = model.config
    for name in ("n_positions", "max_position_embeddings", "n_ctx"):
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return 2048


def label_logprobs(
    model: Any,
    tokenizer: Any,
    prompt: str,
    labels: tuple[str, ...],
    device: Any,
    truncated: list[bool] | None = None,
) -> dict[str, float]:
    """log P(label | prompt) for each label: the sum of its tokens' log-probabilities.

    The label's tokens are those the tokenizer gives for ``prompt + label`` beyond the prompt's
    own tokens (when the prompt's tokens are a prefix), else the label tokenised on its own.
    All labels go through the model in one padded batch. Like generation, no special tokens
    are added to the text, and a prompt longer than the model's context loses its beginning
    (``truncated``, a list, receives whether that happened).
    """
    import torch

    prompt_ids = list(tokenizer(prompt, add_special_tokens=False)["input_ids"])
    if not prompt_ids:
        raise BackendError(t("prompt.err_empty_prompt"), "prompt")
    rows: list[list[int]] = []
    spans: list[int] = []
    for label in labels:
        full = list(tokenizer(prompt + label, add_special_tokens=False)["input_ids"])
        if full[: len(prompt_ids)] == prompt_ids and len(full) > len(prompt_ids):
            continuation = full[len(prompt_ids) :]
        else:
            continuation = list(tokenizer(label, add_special_tokens=False)["input_ids"])
        if not continuation:
            raise BackendError(t("prompt.err_label_no_tokens", label=label), "prompt")
        rows.append(prompt_ids + continuation)
        spans.append(len(continuation))
    room = context_size(model) - max(spans)
    if room < 1:
        raise BackendError(t("prompt.err_label_no_tokens", label=labels[0]), "prompt")
    cut = max(0, len(prompt_ids) - room)
    if truncated is not None:
        truncated.append(cut > 0)
    if cut:
        prompt_ids = prompt_ids[cut:]
        rows = [row[cut:] for row in rows]
    width = max(len(row) for row in rows)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    input_ids = torch.tensor([row + [pad] * (width - len(row)) for row in rows], device=device)
    mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in rows], device=device)
    with torch.no_grad():
        logits = model(input_ids=input_ids, attention_mask=mask).logits
    log_probs = torch.log_softmax(logits.float(), dim=-1)
    result: dict[str, float] = {}
    start = len(prompt_ids)
    for i, (label, span) in enumerate(zip(labels, spans, strict=True)):
        positions = torch.arange(start - 1, start - 1 + span, device=log_probs.device)
        targets = input_ids[i, start : start + span].to(log_probs.device)
        result[label] = float(log_probs[i, positions, targets].sum())
    return result
