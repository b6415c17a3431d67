"""Glossary terms and the glossary that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studyllm_tui.core.problems import Problem

# Category id -> (Japanese name, English name), in the order the browser lists them.
CATEGORIES: dict[str, tuple[str, str]] = {
    "tokenization": ("トークナイゼーション", "Tokenization"),
    "architecture": ("アーキテクチャ", "Architecture"),
    "pretraining": ("事前学習", "Pretraining"),
    "models": ("モデル", "Models"),
    "tuning": ("ファインチューニングと学習", "Fine-tuning and training"),
    "prompting": ("プロンプト", "Prompting"),
    "alignment": ("アラインメント", "Alignment"),
    "tasks": ("タスクとデータセット", "Tasks and datasets"),
    "decoding": ("生成とデコーディング", "Generation and decoding"),
    "embeddings": ("文埋め込みと検索", "Embeddings and retrieval"),
    "evaluation": ("評価", "Evaluation"),
    "efficiency": ("効率化", "Efficiency"),
    "safety": ("安全性と信頼性", "Safety and reliability"),
}

TASK_IDS = ("sentiment", "nli", "sts", "embed", "ner", "summarize", "generate", "fill-mask")
INSIDE_VIEWS = ("attention", "heads", "logit-lens", "positions", "embeddings")
TUNING_METHODS = ("classify", "sft", "dpo")
TRY_TARGETS = (
    "tokenizer",
    "bpe",
    "prompt",
    "study",
    *(f"tasks/{task}" for task in TASK_IDS),
    "inside",
    *(f"inside/{view}" for view in INSIDE_VIEWS),
    "tuning",
    *(f"tuning/{method}" for method in TUNING_METHODS),
)


@dataclass(frozen=True)
class Term:
    id: str
    ja: str
    reading: str
    en: str
    category: str
    summary: str
    body: str
    summary_en: str = ""
    aliases: tuple[str, ...] = ()
    misspellings: tuple[str, ...] = ()  # searched, never displayed as a name
    related: tuple[str, ...] = ()
    book: str = ""
    try_: str = ""
    correction: str = ""
    source: Path | None = None
    line: int = 0
    related_line: int = 0

    def title(self, lang: str = "ja") -> str:
        """``ja（en）`` or ``en (ja)``, without repeating a name that is the same in both."""
        if self.ja == self.en:
            return self.ja
        return f"{self.ja}（{self.en}）" if lang == "ja" else f"{self.en} ({self.ja})"

    def summary_in(self, lang: str) -> str:
        return self.summary_en if lang == "en" and self.summary_en else self.summary


@dataclass
class Glossary:
    terms: dict[str, Term] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, term_id: object) -> bool:
        return term_id in self.terms

    def get(self, term_id: str) -> Term | None:
        return self.terms.get(term_id)

    def by_category(self) -> dict[str, list[Term]]:
        """Terms grouped by category, categories in browser order, terms by reading."""
        groups: dict[str, list[Term]] = {category: [] for category in CATEGORIES}
        for term in self.terms.values():
            groups.setdefault(term.category, []).append(term)
        for terms in groups.values():
            terms.sort(key=lambda term: (term.reading, term.id))
        return {category: terms for category, terms in groups.items() if terms}

    def backlinks(self, term_id: str) -> list[Term]:
        """Terms whose ``related`` list names ``term_id``."""
        return [term for term in self.terms.values() if term_id in term.related]
