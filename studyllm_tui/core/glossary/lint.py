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

from studyllm_tui.core.files import FileReadError, read_text_file
from studyllm_tui.core.glossary.loader import OUTSIDE_BOOKS
from studyllm_tui.core.glossary.model import Glossary, Term
from studyllm_tui.core.glossary.search import fold
from studyllm_tui.core.i18n import t
from studyllm_tui.core.problems import Problem

_CJK = "\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e"
_LETTERS = "\u300c-\u300f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"  # kana, kanji, 「」『』
# A half-width bracket next to a Japanese letter, or around Japanese text ("f(x)。" is fine).
HALF_WIDTH_BRACKET = re.compile(rf"[{_LETTERS}][()]|[()][{_LETTERS}]|\([^()`]*[{_CJK}][^()`]*\)")
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
            try:  # bounded, regular files only, like the loader
                self.files[source] = read_text_file(source).splitlines()
            except FileReadError:
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
                    t("glossary_check.name_shared", id=term_id, name=name, others=others),
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

    def add(line: int, key: str, **values: object) -> None:
        problems.append(Problem(source, line, t(f"glossary_check.{key}", id=term.id, **values)))

    outside = lines.locate(term, f"book: {OUTSIDE_BOOKS}")
    raw_book = term.book or (OUTSIDE_BOOKS if outside else "")
    if not raw_book:
        add(term.line, "no_book")
    elif raw_book != OUTSIDE_BOOKS and not BOOK.match(raw_book):
        add(lines.find(term, "book:"), "book_format", book=raw_book)
    for field in STYLE_FIELDS:
        for line in _without_code(_text_of(term, field)):
            match = SEED_REMARK.search(line)
            if match:
                where = lines.find(term, line.strip()[:30] or match.group(0))
                add(where, "seed_remark", field=field, found=match.group(0))
    for field in JAPANESE_FIELDS:
        for line in _without_code(_text_of(term, field)):
            if match := HALF_WIDTH_BRACKET.search(line):
                where = lines.find(term, match.group(0))
                add(where, "half_width_bracket", field=field, found=match.group(0))
            if match := SECOND_BOOK.search(line):
                where = lines.find(term, match.group(0))
                add(where, "second_book", field=field, found=match.group(0))
    for other in term.related:
        partner = glossary.terms.get(other)
        if partner is not None and term.id not in partner.related:
            add(term.related_line or term.line, "related_one_way", other=other)
    return problems
