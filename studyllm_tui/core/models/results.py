"""What each task run returns: the result objects the panels draw and ``--json`` prints.

Also the summary panel's decoding presets (the book's §7.5 settings).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Classification:
    label: str
    scores: dict[str, float]
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "scores": self.scores}


@dataclass
class Similarity:
    score: float
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score}


@dataclass
class Embeddings:
    similarity: list[list[float]]
    pooling: str
    dimensions: int
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"similarity": self.similarity}


@dataclass
class Entity:
    text: str
    type: str
    start: int
    end: int
    score: float


@dataclass
class TokenTag:
    token: str
    label: str
    score: float
    start: int | None
    end: int | None


@dataclass
class Entities:
    text: str
    entities: list[Entity]
    tokens: list[TokenTag]
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "entities": [
                {"text": e.text, "type": e.type, "start": e.start, "end": e.end, "score": e.score}
                for e in self.entities
            ]
        }


@dataclass
class GeneratedText:
    text: str
    truncated: bool = False
    tokens: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text}


@dataclass
class FillCandidate:
    token: str
    score: float
    sequence: str


@dataclass
class FillMask:
    candidates: list[FillCandidate]
    masks: int = 1
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"candidates": [{"token": c.token, "score": c.score} for c in self.candidates]}


@dataclass(frozen=True)
class DecodingPreset:
    id: str
    label: str
    options: dict[str, Any] = field(default_factory=dict)


# The book's §7.5 decoding settings (set_seed(42) for the sampled ones).
SUMMARY_PRESETS = (
    DecodingPreset("greedy", "greedy", {"mode": "greedy"}),
    DecodingPreset("no-repeat", "greedy + no_repeat_ngram_size=2", {"mode": "greedy", "no_repeat_ngram_size": 2}),
    DecodingPreset("beam", "beam (num_beams=3)", {"mode": "beam", "num_beams": 3, "no_repeat_ngram_size": 2}),
    DecodingPreset("t05", "sampling, temperature 0.5", {"mode": "sample", "temperature": 0.5, "top_k": 0, "seed": 42}),
    DecodingPreset("t13", "sampling, temperature 1.3", {"mode": "sample", "temperature": 1.3, "top_k": 0, "seed": 42}),
    DecodingPreset("topk", "sampling, top-k 10", {"mode": "sample", "top_k": 10, "seed": 42}),
    DecodingPreset("topp", "sampling, top-p 0.5", {"mode": "sample", "top_k": 0, "top_p": 0.5, "seed": 42}),
)  # fmt: skip


def finite(value: float) -> float:
    """NaN/inf (a broken model) shown as 0 rather than crashing a bar."""
    return value if math.isfinite(value) else 0.0
