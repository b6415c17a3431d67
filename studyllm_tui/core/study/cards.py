"""Study cards generated from the glossary and from the book's error analyses.

Every card has a stable id (``term/<term id>/<kind>`` or ``predict/<name>``) so that its
scheduling survives a new glossary release; its texts are built for one UI language.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass

from studyllm_tui.core.glossary.model import CATEGORIES, Glossary, Term
from studyllm_tui.core.i18n import t

# Card kinds, in the order a term's cards are introduced.
KIND_MEANING = "meaning"  # term -> meaning
KIND_CHOICE = "choice"  # meaning -> pick the term among terms of the same category
KIND_TERM = "term"  # meaning -> term (recall)
KIND_CLOZE = "cloze"  # a sentence of the entry's body with the term blanked out
KIND_PREDICT = "predict"  # what does the model predict? (the book's error analyses)
TERM_KINDS = (KIND_MEANING, KIND_CHOICE, KIND_TERM, KIND_CLOZE)
KINDS = (*TERM_KINDS, KIND_PREDICT)

BLANK = "＿＿＿"
# A term's later kinds are introduced this many terms after its first card.
KIND_SPACING = 10
MAX_DISTRACTORS = 3
MIN_DISTRACTORS = 2
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=\.)\s+|\n+")


@dataclass(frozen=True)
class CardSpec:
    """One card: what is asked, what is answered, where it comes from."""

    id: str
    kind: str
    term_id: str
    category: str
    order: int
    prompt: str
    answer: str
    choices: tuple[str, ...] = ()
    correct: int = -1  # index of the right choice, -1 when the card has no choices
    detail: str = ""  # explanation shown with the answer
    detail_markdown: bool = (
        False  # the detail is the glossary's own Markdown (trusted), not user text
    )
    task: str = ""  # predict cards: the task a model can run
    inputs: tuple[str, ...] = ()  # predict cards: the model's inputs

    @property
    def has_choices(self) -> bool:
        return bool(self.choices)


def names_of(term: Term) -> list[str]:
    """Every way the entry names itself, longest first (so 'BERT' is hidden after 'BERTScore')."""
    names = {term.ja, term.en, *term.aliases}
    return sorted((name for name in names if name.strip()), key=lambda n: (-len(n), n))


def mask_names(text: str, names: Iterable[str]) -> str:
    """``text`` with every name replaced by a blank; ASCII names match in any case."""
    for name in names:
        text = re.sub(re.escape(name), BLANK, text, flags=re.IGNORECASE)
    return text


def mentions(text: str, names: Iterable[str]) -> bool:
    lowered = text.lower()
    return any(name.lower() in lowered for name in names)


def ordered_terms(glossary: Glossary) -> list[Term]:
    """Terms in the browser's order: category, then reading."""
    return [term for terms in glossary.by_category().values() for term in terms]


def _cloze_sentence(term: Term, names: list[str]) -> str | None:
    sentences = [s.strip() for s in _SENTENCE_END.split(term.body) if s and s.strip()]
    for index, sentence in enumerate(sentences):
        if mentions(sentence, names):
            text = sentence
            if len(text) < 20 and index + 1 < len(sentences):
                text = f"{text} {sentences[index + 1]}"
            return mask_names(text, names)
    return None


def _distractors(term: Term, pool: list[Term], rng: random.Random) -> list[Term]:
    """Up to three other terms of the same category, each with a different name."""
    others = [other for other in pool if other.id != term.id and other.category == term.category]
    rng.shuffle(others)
    chosen: list[Term] = []
    seen = {term.ja}
    for other in others:
        if other.ja in seen:
            continue
        seen.add(other.ja)
        chosen.append(other)
        if len(chosen) == MAX_DISTRACTORS:
            break
    return chosen


def _plain(text: str) -> str:
    """Text without Markdown emphasis and spacing, to compare an explanation with the answer."""
    return re.sub(r"[*_`\s]", "", text)


def meaning_detail(term: Term, lang: str, answer: str) -> str:
    """What a term → meaning card shows below its answer, never the answer again.

    The glossary's bodies (and corrections) are Japanese; in English the summary shown as the
    answer is all there is, so nothing more is shown (one language at a time).
    """
    if lang != "ja":
        return ""
    detail = term.body.strip()
    if _plain(detail) == _plain(answer):
        detail = ""
    if term.correction:
        detail = f"{detail}\n\n{term.correction}" if detail else term.correction
    return detail


def term_cards(term: Term, index: int, pool: list[Term], lang: str) -> list[CardSpec]:
    """The cards of one glossary term (``index``: its place in the introduction order)."""
    names = names_of(term)
    title = term.title(lang)
    summary = term.summary_in(lang)
    masked_summary = mask_names(summary, names)
    detail = meaning_detail(term, lang, summary)
    base = f"term/{term.id}"

    def order(kind: str) -> int:
        return index + TERM_KINDS.index(kind) * KIND_SPACING

    cards = [
        CardSpec(
            id=f"{base}/{KIND_MEANING}",
            kind=KIND_MEANING,
            term_id=term.id,
            category=term.category,
            order=order(KIND_MEANING),
            prompt=t("study.q_meaning", term=title),
            answer=summary,
            detail=detail,
            detail_markdown=bool(detail),
        ),
        CardSpec(
            id=f"{base}/{KIND_TERM}",
            kind=KIND_TERM,
            term_id=term.id,
            category=term.category,
            order=order(KIND_TERM),
            prompt=t("study.q_term", summary=masked_summary),
            answer=title,
            detail=summary,
        ),
    ]
    rng = random.Random(f"{base}/{KIND_CHOICE}")
    distractors = _distractors(term, pool, rng)
    if len(distractors) >= MIN_DISTRACTORS:
        options = [term, *distractors]
        rng.shuffle(options)
        cards.append(
            CardSpec(
                id=f"{base}/{KIND_CHOICE}",
                kind=KIND_CHOICE,
                term_id=term.id,
                category=term.category,
                order=order(KIND_CHOICE),
                prompt=t("study.q_choice", summary=masked_summary),
                answer=title,
                choices=tuple(option.title(lang) for option in options),
                correct=options.index(term),
                detail=summary,
            )
        )
    sentence = _cloze_sentence(term, names)
    if sentence is not None:
        cards.append(
            CardSpec(
                id=f"{base}/{KIND_CLOZE}",
                kind=KIND_CLOZE,
                term_id=term.id,
                category=term.category,
                order=order(KIND_CLOZE),
                prompt=t("study.q_cloze", sentence=sentence),
                answer=title,
                detail=summary,
            )
        )
    return cards


def generate_cards(glossary: Glossary, lang: str = "ja") -> list[CardSpec]:
    """All cards of the glossary plus the predict-the-model cards, in introduction order."""
    from studyllm_tui.core.study.predict import predict_cards

    pool = ordered_terms(glossary)
    cards: list[CardSpec] = []
    for index, term in enumerate(pool):
        cards += term_cards(term, index, pool, lang)
    cards += predict_cards(lang)
    cards.sort(key=lambda card: (card.order, card.id))
    return cards


def cards_for(glossary: Glossary, lang: str) -> list[CardSpec]:
    """:func:`generate_cards`, kept in the glossary's cache."""
    key = f"study.cards.{lang}"
    cached = glossary.cache.get(key)
    if not isinstance(cached, list):
        cached = generate_cards(glossary, lang)
        glossary.cache[key] = cached
    return cached


def category_name(category: str, lang: str) -> str:
    names = CATEGORIES.get(category)
    if names is None:
        return category
    return names[1] if lang == "en" else names[0]
