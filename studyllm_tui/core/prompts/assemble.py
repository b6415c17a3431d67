"""Prompt assembly: the same task asked zero-, one- or few-shot, in three formats.

- ``plain``: the book's style — the instruction, then each example as its input line and
  ``answer_prefix`` + answer, then the new input and ``answer_prefix`` for the model to continue
  (for the quiz task: 「…出力してください。\\n問題：…\\n解答：」).
- ``alpaca``: the Alpaca-style 指示/入力/応答 template, the examples as 入力/応答 pairs.
- ``chat``: messages (system = instruction, a user/assistant pair per example, the new input
  as the last user message); a backend renders them with the model's chat template.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from studyllm_tui.core.i18n import t
from studyllm_tui.core.prompts.model import ALPACA_PREAMBLE, FORMATS, MODES, PromptTask


class PromptError(ValueError):
    """A prompt cannot be built as asked (bad mode, k, example choice or input)."""


@dataclass(frozen=True)
class AssembledPrompt:
    task_id: str
    mode: str
    format: str
    examples: tuple[int, ...]  # indices into the task's example bank, in prompt order
    query: str  # the new input, written as the task says
    text: str  # plain/alpaca: the exact text; chat: a readable rendering of the messages
    messages: tuple[dict[str, str], ...] = ()

    @property
    def is_chat(self) -> bool:
        return self.format == "chat"


def k_for_mode(task: PromptTask, mode: str, k: int | None = None) -> int:
    """How many examples a mode uses: 0, 1, or k (2..bank size, default 3)."""
    if mode not in MODES:
        raise PromptError(t("prompt.err_unknown_mode", mode=mode, choices=", ".join(MODES)))
    if mode == "zero":
        return 0
    if mode == "one":
        return 1
    size = task.max_k()
    k = 3 if k is None else k
    if not 2 <= k <= size:
        raise PromptError(t("prompt.err_bad_k", size=size, k=k))
    return k


def select_examples(task: PromptTask, mode: str, k: int | None = None, seed: int = 0) -> list[int]:
    """A seeded random choice of example indices for ``mode`` (the same seed, the same choice)."""
    count = k_for_mode(task, mode, k)
    return random.Random(seed).sample(range(task.max_k()), count)


def check_examples(task: PromptTask, mode: str, examples: list[int] | tuple[int, ...]) -> None:
    """Raise :class:`PromptError` when a hand-picked example list does not fit ``mode``."""
    size = task.max_k()
    for index in examples:
        if not 0 <= index < size:
            raise PromptError(t("prompt.err_no_such_example", number=index + 1, size=size))
    if len(set(examples)) != len(examples):
        raise PromptError(t("prompt.err_example_twice"))
    wanted = {"zero": (0, 0), "one": (1, 1), "few": (2, size)}[mode]
    if not wanted[0] <= len(examples) <= wanted[1]:
        expected = t(f"prompt.expected_{mode}", size=size)
        raise PromptError(
            t("prompt.err_example_count", mode=mode, expected=expected, count=len(examples))
        )


def input_values(task: PromptTask, values: str | list[str] | dict[str, str]) -> dict[str, str]:
    """The input as ``{field: text}``: one text per field, in the task's field order."""
    if isinstance(values, dict):
        texts = [values.get(name, "") for name in task.fields]
    elif isinstance(values, str):
        texts = [values]
    else:
        texts = list(values)
    if len(texts) != len(task.fields):
        names = ", ".join(task.fields)
        raise PromptError(
            t(
                "prompt.err_input_count",
                task=task.id,
                count=len(task.fields),
                names=names,
                got=len(texts),
            )
        )
    for name, text in zip(task.fields, texts, strict=True):
        if not text.strip():
            raise PromptError(t("prompt.err_empty_input", name=name))
    return {name: text.strip() for name, text in zip(task.fields, texts, strict=True)}


def render_messages(messages: tuple[dict[str, str], ...] | list[dict[str, str]]) -> str:
    """Chat messages as readable text (for showing; a model sees its own chat template)."""
    return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in messages)


def assemble(
    task: PromptTask,
    values: str | list[str] | dict[str, str],
    mode: str,
    examples: list[int] | tuple[int, ...],
    fmt: str = "plain",
) -> AssembledPrompt:
    """Build the prompt for one input; ``examples`` are bank indices, in prompt order."""
    if fmt not in FORMATS:
        raise PromptError(t("prompt.err_unknown_format", fmt=fmt, choices=", ".join(FORMATS)))
    k_for_mode(task, mode, max(2, len(examples)) if mode == "few" else None)
    check_examples(task, mode, examples)
    query = task.format_input(input_values(task, values))
    shots = [
        (task.format_input(task.examples[i].fields), task.examples[i].answer) for i in examples
    ]
    messages: tuple[dict[str, str], ...] = ()
    if fmt == "plain":
        parts = [task.instruction + "\n"]
        parts += [f"{given}\n{task.answer_prefix}{answer}\n" for given, answer in shots]
        parts.append(f"{query}\n{task.answer_prefix}")
        text = "".join(parts)
    elif fmt == "alpaca":
        parts = [f"{ALPACA_PREAMBLE}\n\n### 指示:\n{task.instruction}\n\n"]
        parts += [f"### 入力:\n{given}\n\n### 応答:\n{answer}\n\n" for given, answer in shots]
        parts.append(f"### 入力:\n{query}\n\n### 応答:\n")
        text = "".join(parts)
    else:
        chat = [{"role": "system", "content": task.instruction}]
        for given, answer in shots:
            chat += [{"role": "user", "content": given}, {"role": "assistant", "content": answer}]
        chat.append({"role": "user", "content": query})
        messages = tuple(chat)
        text = render_messages(messages)
    return AssembledPrompt(task.id, mode, fmt, tuple(examples), query, text, messages)


def cut_at_stop(text: str, stop: tuple[str, ...] | list[str]) -> tuple[str, bool]:
    """The answer up to the first stop sequence (leading blank space is not a stop)."""
    lead = len(text) - len(text.lstrip())
    body = text[lead:]
    cut = min((i for i in (body.find(s) for s in stop if s) if i >= 0), default=-1)
    if cut < 0:
        return text, False
    return text[: lead + cut], True
