"""What a prompt task is: an instruction, how inputs and answers are written, examples, a dev set."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

MODES = ("zero", "one", "few")
FORMATS = ("plain", "alpaca", "chat")
METRICS = ("label", "exact", "char_f1")

#: The Japanese Alpaca-style preamble (the instruction-tuning template the book uses).
ALPACA_PREAMBLE = (
    "以下は、タスクを説明する指示と、文脈のある入力の組み合わせです。"
    "要求を適切に満たす応答を書きなさい。"
)


@dataclass(frozen=True)
class Item:
    """One worked example or dev item: its input fields and its answer."""

    fields: dict[str, str]
    answer: str
    also: tuple[str, ...] = ()  # other answers accepted as correct (dev items)
    line: int = 0

    def answers(self) -> tuple[str, ...]:
        return (self.answer, *self.also)


@dataclass(frozen=True)
class PromptTask:
    id: str
    name: str
    name_en: str
    instruction: str
    input_format: str
    answer_prefix: str
    fields: tuple[str, ...]
    examples: tuple[Item, ...]
    dev: tuple[Item, ...] = ()
    labels: tuple[str, ...] = ()
    metric: str = "exact"
    max_new_tokens: int = 32
    stop: tuple[str, ...] = ("\n",)
    description: str = ""
    source: Path | None = None
    line: int = 0

    def title(self, lang: str = "ja") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name

    def format_input(self, values: dict[str, str]) -> str:
        """The input written the way the task says (``input_format`` filled in)."""
        text = self.input_format
        for name in self.fields:
            text = text.replace("{" + name + "}", values.get(name, ""))
        return text

    def max_k(self) -> int:
        return len(self.examples)


def normalize_answer(text: str) -> str:
    """For comparing answers: NFKC, no spaces, no closing punctuation or quotes."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = "".join(ch for ch in text if not ch.isspace())
    return text.strip("。．.、,，!！?？「」『』\"'()（）")


def char_f1(prediction: str, reference: str) -> float:
    """Character-overlap F1 (a ROUGE-1 over characters), 0..1."""
    pred = list(normalize_answer(prediction))
    ref = list(normalize_answer(reference))
    if not pred or not ref:
        return 0.0
    counts: dict[str, int] = {}
    for ch in ref:
        counts[ch] = counts.get(ch, 0) + 1
    overlap = 0
    for ch in pred:
        if counts.get(ch, 0) > 0:
            counts[ch] -= 1
            overlap += 1
    if not overlap:
        return 0.0
    precision, recall = overlap / len(pred), overlap / len(ref)
    return 2 * precision * recall / (precision + recall)


@dataclass
class PromptLibrary:
    tasks: dict[str, PromptTask] = field(default_factory=dict)
    problems: list = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def get(self, task_id: str) -> PromptTask | None:
        return self.tasks.get(task_id)

    def __len__(self) -> int:
        return len(self.tasks)
