"""Incremental, ranked glossary search: exact > prefix > substring > fuzzy.

Every name of a term (``ja``, ``reading``, its romaji, ``en``, ``aliases``, ``id``) is folded
once (NFKC, case, katakana to hiragana) into an index; a query is folded the same way, so
full- and half-width, upper and lower case, hiragana and katakana all find the same term.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import jaconv
from rapidfuzz import fuzz, process

from studyllm_tui.core.glossary.model import Glossary, Term
from studyllm_tui.core.glossary.romaji import loose_romaji, to_romaji

EXACT, PREFIX, SUBSTRING, SUMMARY = 100.0, 90.0, 75.0, 55.0
FUZZY_CUTOFF = 60.0  # rapidfuzz ratio (0-100) below which a fuzzy match is not shown
PARTIAL_CUTOFF = 85.0  # the same for a near part of a longer name
FUZZY_WEIGHT = 0.5  # fuzzy matches rank below every exact/prefix/substring match


def fold(text: str) -> str:
    """NFKC, case-folded, katakana turned into hiragana; white space removed."""
    folded = jaconv.kata2hira(unicodedata.normalize("NFKC", text).casefold())
    return "".join(folded.split())


@dataclass(frozen=True)
class SearchHit:
    term: Term
    score: float
    matched: str  # which name matched, as written in the glossary

    @property
    def id(self) -> str:
        return self.term.id


@dataclass(frozen=True)
class _Key:
    folded: str
    shown: str
    term_id: str


class SearchIndex:
    """Folded names of every term of one glossary."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.keys: list[_Key] = []
        self.romaji: list[_Key] = []
        self.summaries: list[_Key] = []
        for term in glossary.terms.values():
            seen: set[str] = set()
            for name in (term.ja, term.reading, term.en, term.id, *term.aliases):
                folded = fold(name)
                if folded and folded not in seen:
                    seen.add(folded)
                    self.keys.append(_Key(folded, name, term.id))
            for name in term.misspellings:  # found, but shown under the term's real name
                folded = fold(name)
                if folded and folded not in seen:
                    seen.add(folded)
                    self.keys.append(_Key(folded, term.ja, term.id))
            romaji = to_romaji(term.reading)
            self.romaji.append(_Key(loose_romaji(romaji), romaji, term.id))
            summary = f"{term.summary} {term.summary_en}"
            self.summaries.append(_Key(fold(summary), term.summary, term.id))
        self._choices = [key.folded for key in self.keys]
        self.size = len(glossary.terms)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Ranked matches for ``query``; an empty list when nothing is close."""
        needle = fold(query)
        if not needle:
            return []
        best: dict[str, tuple[float, str]] = {}

        def offer(term_id: str, score: float, shown: str) -> None:
            if score > best.get(term_id, (-1.0, ""))[0]:
                best[term_id] = (score, shown)

        for key in self.keys:
            if key.folded == needle:
                offer(key.term_id, EXACT, key.shown)
            elif key.folded.startswith(needle):
                offer(key.term_id, PREFIX + 5 * len(needle) / len(key.folded), key.shown)
            elif needle in key.folded:
                offer(key.term_id, SUBSTRING + 5 * len(needle) / len(key.folded), key.shown)
        if needle.isascii() and needle.isalpha():
            loose = loose_romaji(needle)
            for key in self.romaji:
                if loose and key.folded == loose:
                    offer(key.term_id, EXACT - 1, key.shown)
                elif loose and key.folded.startswith(loose):
                    offer(key.term_id, PREFIX + 4 * len(loose) / len(key.folded), key.shown)
        if len(needle) >= 2:
            for key in self.summaries:
                if needle in key.folded:
                    offer(key.term_id, SUMMARY, key.shown)
        if len(best) < limit and len(needle) >= 2:
            for key, score in self._fuzzy(needle, limit, near_parts=len(best) < 3):
                offer(key.term_id, score * FUZZY_WEIGHT, key.shown)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
        terms = self.glossary.terms
        return [SearchHit(terms[tid], round(score, 2), shown) for tid, (score, shown) in ranked][
            :limit
        ]

    def _fuzzy(
        self, needle: str, limit: int, near_parts: bool
    ) -> list[tuple[_Key, float]]:
        """Near misses: whole-name similarity; with ``near_parts`` (few other matches) and a
        longer query, also a near part of a name (the slower scorer)."""
        found = [
            (self.keys[index], score)
            for _, score, index in process.extract(
                needle, self._choices, scorer=fuzz.ratio, limit=limit, score_cutoff=FUZZY_CUTOFF
            )
        ]
        if near_parts and len(needle) >= 4:
            found += [
                (self.keys[index], score)
                for choice, score, index in process.extract(
                    needle,
                    self._choices,
                    scorer=fuzz.partial_ratio,
                    limit=limit,
                    score_cutoff=PARTIAL_CUTOFF,
                )
                if len(choice) > len(needle)  # a short name inside the query is no match
            ]
        return found

    def suggest(self, query: str, count: int = 3) -> list[Term]:
        """The nearest terms to ``query`` however far they are, for a 'did you mean'."""
        needle = fold(query)
        if not needle:
            return []
        seen: list[str] = []
        for _, _, index in process.extract(
            needle, self._choices, scorer=fuzz.ratio, limit=count * 4
        ):
            term_id = self.keys[index].term_id
            if term_id not in seen:
                seen.append(term_id)
        return [self.glossary.terms[tid] for tid in seen[:count]]


def index_for(glossary: Glossary) -> SearchIndex:
    """The search index of ``glossary``, built on first use and kept with it."""
    index = glossary.cache.get("search_index")
    if not isinstance(index, SearchIndex) or index.size != len(glossary.terms):
        index = glossary.cache["search_index"] = SearchIndex(glossary)
    return index


def search(glossary: Glossary, query: str, limit: int = 20) -> list[SearchHit]:
    return index_for(glossary).search(query, limit)
