"""What every prompt backend offers, and the generation loop shared by the CLI, tab and evaluation."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from studyllm_tui.core.jobs import ProgressCallback
from studyllm_tui.core.prompts.assemble import AssembledPrompt


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
    found = _StopFinder(stop)
    inner = threading.Event()
    pieces = backend.stream(
        prompt, max_new_tokens=max_new_tokens, stop=stop, seed=seed, cancel=_Either(cancel, inner)
    )
    shown = 0  # length of the text last handed to on_text
    try:
        for piece in pieces:
            hit = found.add(piece)
            length = found.length
            # hand the text on when it has grown by a 64th (every piece while it is short):
            # building the whole text for every one-character piece would cost length squared
            if on_text is not None and (hit or length - shown >= max(1, shown // 64)):
                shown = length
                on_text(found.text())
            if hit:
                answer.stopped = True
                inner.set()
                break
    except StreamInterrupted as error:
        error.partial = found.text()
        if error.kind == "too_long":  # the answer was cut for size: show where
            error.partial += "\n" + _cut_marker()
        raise
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()
    answer.text = found.text()
    if on_text is not None and len(answer.text) != shown:
        on_text(answer.text)
    answer.text = answer.text.strip()
    return answer


def _cut_marker() -> str:
    from studyllm_tui.core.prompts.openai_http import cut_marker

    return cut_marker()


class _StopFinder:
    """The answer so far and the first stop sequence in it, found in time linear in its length.

    Same rule as ``assemble.cut_at_stop`` applied after every piece: leading blank space is not
    searched, and the stop sequence that starts first wins. Each new piece is searched together
    with only the few characters before it (one less than the longest stop sequence).
    """

    def __init__(self, stop: tuple[str, ...]) -> None:
        self.stop = tuple(s for s in stop if s)
        self.keep = max((len(s) for s in self.stop), default=1) - 1
        self.parts: list[str] = []
        self.length = 0
        self.started = False  # past the leading blank space
        self.tail = ""  # the last ``keep`` characters searched
        self.cut: int | None = None

    def add(self, piece: str) -> bool:
        """Add ``piece``; True once a stop sequence has appeared."""
        self.parts.append(piece)
        before = self.length
        self.length += len(piece)
        if not self.started:
            body = piece.lstrip()
            if not body:
                return False
            self.started = True
            before += len(piece) - len(body)
            piece = body
        window = self.tail + piece
        start = before - len(self.tail)
        places = [i for i in (window.find(s) for s in self.stop) if i >= 0]
        if places:
            self.cut = start + min(places)
            return True
        self.tail = window[-self.keep :] if self.keep else ""
        return False

    def text(self) -> str:
        """The answer so far, cut before the stop sequence once one is found."""
        if len(self.parts) != 1:
            self.parts = ["".join(self.parts)]
        joined = self.parts[0]
        return joined if self.cut is None else joined[: self.cut]


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
