"""Content rules for glossary files, applied by ``studyllm-tui glossary check``.

The loader checks that a file *can* be read (fields, types, ids, related ids exist, try
targets). These rules check what the shipped glossary promises its reader:

- every name (``ja``, ``en``, alias, misspelling, ``id``) names exactly one term;
- and, for the shipped files (the house style; a user's own files are free of it):
  ``book`` is given (a chapter, or ``outside``), remarks about the seed notes stand only in
  ``correction``, Japanese text uses full-width brackets, the second book is called 入門Ⅱ,
  and related links go both ways.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from studyllm_tui.core.glossary.loader import OUTSIDE_BOOKS
from studyllm_tui.core.glossary.model import Glossary, Term
from studyllm_tui.core.glossary.search import fold
from studyllm_tui.core.problems import Problem

_CJK = "\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e"
_LETTERS = "\u300c-\u300f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"  # kana, kanji, 「」『』
# A half-width bracket next to a Japanese letter, or around Japanese text ("f(x)。" is fine).
HALF_WIDTH_BRACKET = re.compile(
    rf"[{_LETTERS}][()]|[()][{_LETTERS}]|\([^()`]*[{_CJK}][^()`]*\)"
)
# Remarks on the seed notes a reader never saw ("the seed says ..."); the random seed is fine.
SEED_REMARK = re.compile(
    r"(?<!乱数の)(?<!乱数)シード(?!値)|メモ(?!リ)|ノート(?!ブック|PC|パソコン)"
    r"|\bthe (?:seed|notes)\b|\bseed notes?\b",
    re.IGNORECASE,
)
SECOND_BOOK = re.compile(r"第(?:Ⅱ|II|2)巻|入門II|(?<![A-Za-z])II 第|本書 ?(?:II|Ⅱ)")
BOOK = re.compile(r"^(?:入門Ⅱ )?第\d+章(?: \d+(?:\.\d+)*(?:[・、]\d+(?:\.\d+)*)*)?$")
_CODE_SPAN = re.compile(r"(`+).+?\1")
JAPANESE_FIELDS = ("ja", "summary", "body", "correction")
STYLE_FIELDS = ("ja", "en", "summary", "summary_en", "body")


def lint(glossary: Glossary, house_dir: Path | None = None) -> list[Problem]:
    """Problems with the content of ``glossary``; house rules for files under ``house_dir``
    (default: the shipped glossary)."""
    if house_dir is None:
        from studyllm_tui.core import paths

        house_dir = paths.shipped_glossary_dir()
    lines = _Lines()
    problems = _names(glossary, lines)
    house = house_dir.resolve()
    for term in glossary.terms.values():
        if term.source is not None and term.source.resolve().is_relative_to(house):
            problems += _house_rules(term, glossary, lines)
    return sorted(problems)


class _Lines:
    """The text lines of each file, read once, to point a problem at its line."""

    def __init__(self) -> None:
        self.files: dict[Path, list[str]] = {}

    def find(self, term: Term, needle: str) -> int:
        """The first line of ``term`` (from its start) holding ``needle``; the term's line
        when none does."""
        return self.locate(term, needle) or term.line

    def locate(self, term: Term, needle: str) -> int:
        """The first line of ``term`` holding ``needle``, or 0."""
        source = term.source
        if source is None:
            return 0
        if source not in self.files:
            try:
                self.files[source] = source.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self.files[source] = []
        text = self.files[source]
        start = max(term.line - 1, 0)
        for number in range(start, len(text)):
            if number > start and text[number].lstrip().startswith("- id:"):
                break
            if needle in text[number]:
                return number + 1
        return 0


def _names(glossary: Glossary, lines: _Lines) -> list[Problem]:
    owners: dict[str, dict[str, str]] = defaultdict(dict)  # folded -> {term id: as written}
    for term in glossary.terms.values():
        for name in (term.id, term.ja, term.en, *term.aliases, *term.misspellings):
            folded = fold(name)
            if folded:
                owners[folded].setdefault(term.id, name)
    problems = []
    for named in owners.values():
        if len(named) < 2:
            continue
        for term_id, name in named.items():
            term = glossary.terms[term_id]
            others = ", ".join(sorted(set(named) - {term_id}))
            problems.append(
                Problem(
                    term.source or Path("?"),
                    lines.find(term, name),
                    f"{term_id}: the name {name!r} also names {others} "
                    "(an alias names exactly one term)",
                )
            )
    return problems


def _text_of(term: Term, field: str) -> str:
    return str(getattr(term, field))


def _without_code(text: str) -> list[str]:
    """The lines of Markdown ``text`` with fenced code blocks and inline code left out."""
    out: list[str] = []
    fenced = False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            out.append(_CODE_SPAN.sub("", line))
    return out


def _house_rules(term: Term, glossary: Glossary, lines: _Lines) -> list[Problem]:
    source = term.source or Path("?")
    problems: list[Problem] = []

    def add(line: int, message: str) -> None:
        problems.append(Problem(source, line, f"{term.id}: {message}"))

    outside = lines.locate(term, f"book: {OUTSIDE_BOOKS}")
    raw_book = term.book or (OUTSIDE_BOOKS if outside else "")
    if not raw_book:
        add(term.line, "no `book` (give the chapter, or `book: outside` when the books "
            "do not treat it)")
    elif raw_book != OUTSIDE_BOOKS and not BOOK.match(raw_book):
        add(lines.find(term, "book:"), f"book {raw_book!r} is not like '第5章 5.2' or "
            "'入門Ⅱ 第11章'")
    for field in STYLE_FIELDS:
        for line in _without_code(_text_of(term, field)):
            match = SEED_REMARK.search(line)
            if match:
                add(lines.find(term, line.strip()[:30] or match.group(0)),
                    f"{field} speaks of {match.group(0)!r}: remarks on the seed notes "
                    "belong in `correction`")
    for field in JAPANESE_FIELDS:
        for line in _without_code(_text_of(term, field)):
            if match := HALF_WIDTH_BRACKET.search(line):
                add(lines.find(term, match.group(0)),
                    f"{field}: half-width bracket in Japanese text {match.group(0)!r} "
                    "(use （ ）)")
            if match := SECOND_BOOK.search(line):
                add(lines.find(term, match.group(0)),
                    f"{field}: call the second book 入門Ⅱ, not {match.group(0)!r}")
    for other in term.related:
        partner = glossary.terms.get(other)
        if partner is not None and term.id not in partner.related:
            add(term.related_line or term.line,
                f"related {other!r} does not list {term.id!r} back (links go both ways)")
    return problems

