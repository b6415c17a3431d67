"""What every prompt backend offers, and the generation loop shared by the CLI, tab and evaluation."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from studyllm_tui.core.jobs import ProgressCallback
from studyllm_tui.core.prompts.assemble import AssembledPrompt, cut_at_stop


class BackendError(Exception):
    """A failure a person can act on; ``str(error)`` says what happened and what to do."""

    def __init__(self, message: str, kind: str = "error") -> None:
        super().__init__(message)
        self.kind = kind


class StreamInterrupted(BackendError):
    """The answer stopped arriving part-way; ``partial`` holds what did arrive."""

    def __init__(self, message: str, partial: str = "") -> None:
        super().__init__(message, "stream_cut")
        self.partial = partial


class ScoringUnavailable(BackendError):
    """The backend cannot give label log-probabilities (and says why)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "no_logprobs")


@dataclass(frozen=True)
class LabelScores:
    """Each label's probability, normalised over the labels, from its log-probability."""

    probs: dict[str, float]
    logprobs: dict[str, float]
    method: str  # "full": every token of the label; "first-token": only its first token
    note: str = ""

    def best(self) -> str:
        return max(self.probs, key=lambda label: self.probs[label])


def normalise(logprobs: dict[str, float]) -> dict[str, float]:
    """Softmax over the labels' log-probabilities (-inf stays 0)."""
    finite = [v for v in logprobs.values() if v != -math.inf]
    if not finite:
        return {label: 1 / len(logprobs) for label in logprobs}
    top = max(finite)
    weights = {k: (math.exp(v - top) if v != -math.inf else 0.0) for k, v in logprobs.items()}
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}


class Backend(Protocol):
    name: str  # "local" or "remote"

    def describe(self) -> str: ...

    def prepare(self, progress: ProgressCallback, cancel: threading.Event | None) -> None:
        """Load what is needed (a local model); quick when already loaded."""

    def render(self, prompt: AssembledPrompt) -> str:
        """The exact text the model reads (the chat template applied where the backend can)."""

    def count_tokens(self, prompt: AssembledPrompt) -> int | None:
        """The prompt's length in the model's tokens; None when unknown before a run."""

    def stream(
        self,
        prompt: AssembledPrompt,
        *,
        max_new_tokens: int,
        stop: tuple[str, ...],
        seed: int,
        cancel: threading.Event | None,
    ) -> Iterator[str]:
        """The answer in pieces as they arrive."""

    def score_labels(
        self, prompt: AssembledPrompt, labels: tuple[str, ...], cancel: threading.Event | None
    ) -> LabelScores:
        """Each label's probability as the continuation of ``prompt``."""


@dataclass
class Answer:
    text: str = ""
    stopped: bool = False  # a stop sequence ended it
    error: str = ""
    scores: LabelScores | None = None
    scores_note: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def generate_answer(
    backend: Backend,
    prompt: AssembledPrompt,
    *,
    max_new_tokens: int,
    stop: tuple[str, ...],
    seed: int = 0,
    cancel: threading.Event | None = None,
    on_text: Callable[[str], None] | None = None,
) -> Answer:
    """Stream an answer, cutting it at the first stop sequence. ``on_text`` gets the text so far.

    A :class:`StreamInterrupted` keeps what had arrived: it is raised with ``partial`` set to the
    answer so far (already cut at a stop sequence).
    """
    answer = Answer()
    raw = ""
    inner = threading.Event()
    pieces = backend.stream(
        prompt, max_new_tokens=max_new_tokens, stop=stop, seed=seed, cancel=_Either(cancel, inner)
    )
    try:
        for piece in pieces:
            raw += piece
            text, hit = cut_at_stop(raw, stop)
            answer.text = text
            if on_text is not None:
                on_text(text)
            if hit:
                answer.stopped = True
                inner.set()
                break
    except StreamInterrupted as error:
        error.partial = cut_at_stop(raw, stop)[0]
        raise
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()
    answer.text = answer.text.strip()
    return answer


class _Either(threading.Event):
    """An event that reads as set when either the caller's cancel or our own stop is set."""

    def __init__(self, outer: threading.Event | None, inner: threading.Event) -> None:
        super().__init__()
        self._outer = outer
        self._inner = inner

    def is_set(self) -> bool:
        return self._inner.is_set() or (self._outer is not None and self._outer.is_set())

    def wait(self, timeout: float | None = None) -> bool:
        if self.is_set():
            return True
        step = 0.05 if timeout is None else min(0.05, timeout)
        waited = 0.0
        while timeout is None or waited < timeout:
            if self._inner.wait(step) or self.is_set():
                return True
            waited += step
        return self.is_set()
