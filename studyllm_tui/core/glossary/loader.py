"""Loading glossary YAML files, with one problem per mistake and the valid rest kept.

Files are read as YAML node trees so that every problem can name its line. The shipped
glossary is read first; the user's files then add terms or replace shipped ones by ``id``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from studyllm_tui.core import paths, safeyaml
from studyllm_tui.core.files import FileReadError, read_text_file
from studyllm_tui.core.glossary.model import CATEGORIES, TRY_TARGETS, Glossary, Term
from studyllm_tui.core.i18n import t
from studyllm_tui.core.layers import merge_layers, yaml_files
from studyllm_tui.core.problems import Problem, yaml_error_line

REQUIRED = ("id", "ja", "reading", "en", "category", "summary", "body")
TEXT_FIELDS = ("summary_en", "book", "try", "correction")
LIST_FIELDS = ("aliases", "misspellings", "related")
KNOWN_FIELDS = frozenset((*REQUIRED, *TEXT_FIELDS, *LIST_FIELDS))
OUTSIDE_BOOKS = "outside"  # `book: outside`: the books do not treat the term (nothing shown)
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
KANA_PATTERN = re.compile(r"^[\u3041-\u309f\u30a0-\u30ff\uff66-\uff9f ・ー〜、]+$")


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _read_nodes(file: Path, problems: list[Problem]) -> list[yaml.Node]:
    """The term nodes of one file; problems for anything that keeps the file from reading.

    Only a regular file under the size limit is read, and YAML aliases, anchors and deep
    nesting are refused (``core.safeyaml``): no file can make loading slow or huge.
    """
    try:
        text = read_text_file(file)
    except FileReadError as error:
        problems.append(Problem(file, error.line, error.reason))
        return []
    try:
        root = safeyaml.compose(text)
    except yaml.YAMLError as error:
        problems.append(Problem(file, yaml_error_line(error), safeyaml.error_reason(error)))
        return []
    if root is None:
        return []
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "terms":
                root = value
                break
        else:
            problems.append(Problem(file, _line(root), t("glossary_check.no_terms_key")))
            return []
    if not isinstance(root, yaml.SequenceNode):
        problems.append(Problem(file, _line(root), t("glossary_check.not_a_list")))
        return []
    return list(root.value)


def _parse_term(node: yaml.Node, file: Path, problems: list[Problem]) -> Term | None:
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(file, _line(node), t("glossary_check.not_a_mapping")))
        return None
    fields: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        lines[key] = _line(value_node)
        if key not in KNOWN_FIELDS:
            problems.append(
                Problem(file, _line(key_node), t("glossary_check.unknown_field", key=key))
            )
            continue
        try:
            fields[key] = safeyaml.construct(value_node)
        except yaml.YAMLError as error:
            problems.append(Problem(file, yaml_error_line(error), safeyaml.error_reason(error)))
    where = fields.get("id") or t("glossary_check.term_at_line", line=_line(node))
    missing = [name for name in REQUIRED if not _is_text(fields.get(name))]
    if missing:
        message = t("glossary_check.missing_fields", where=where, fields=", ".join(missing))
        problems.append(Problem(file, _line(node), message))
        return None
    term_id = str(fields["id"])
    ok = True
    if not ID_PATTERN.match(term_id):
        problems.append(Problem(file, lines["id"], t("glossary_check.bad_id", id=term_id)))
        ok = False
    if fields["category"] not in CATEGORIES:
        known = ", ".join(CATEGORIES)
        problems.append(
            Problem(
                file,
                lines["category"],
                t(
                    "glossary_check.unknown_category",
                    id=term_id,
                    category=fields["category"],
                    known=known,
                ),
            )
        )
        ok = False
    for name in TEXT_FIELDS:
        if name in fields and not isinstance(fields[name], str):
            message = t("glossary_check.not_text", id=term_id, field=name)
            problems.append(Problem(file, lines[name], message))
            fields.pop(name)
    for name in LIST_FIELDS:
        value = fields.get(name, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            message = t("glossary_check.not_text_list", id=term_id, field=name)
            problems.append(Problem(file, lines[name], message))
            value = []
        fields[name] = tuple(value)
    if not KANA_PATTERN.match(str(fields["reading"])):
        message = t("glossary_check.reading_not_kana", id=term_id)
        problems.append(Problem(file, lines["reading"], message))
    target = fields.get("try", "")
    if target and target not in TRY_TARGETS:
        problems.append(
            Problem(
                file,
                lines["try"],
                t(
                    "glossary_check.unknown_try",
                    id=term_id,
                    target=target,
                    known=", ".join(TRY_TARGETS),
                ),
            )
        )
        fields["try"] = ""
    if not ok:
        return None
    return Term(
        id=term_id,
        ja=str(fields["ja"]).strip(),
        reading=str(fields["reading"]).strip(),
        en=str(fields["en"]).strip(),
        category=str(fields["category"]),
        summary=str(fields["summary"]).strip(),
        body=str(fields["body"]).strip(),
        summary_en=str(fields.get("summary_en", "")).strip(),
        aliases=fields["aliases"],
        misspellings=fields["misspellings"],
        related=fields["related"],
        book="" if fields.get("book") == OUTSIDE_BOOKS else str(fields.get("book", "")).strip(),
        try_=str(fields.get("try", "")),
        correction=str(fields.get("correction", "")).strip(),
        source=file,
        line=_line(node),
        related_line=lines.get("related", 0),
    )


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def load_glossary_files(
    layers: Iterable[Iterable[Path]], glossary: Glossary | None = None
) -> Glossary:
    """Load layers of files in order; a later layer's term replaces an earlier one's ``id``.

    Two terms with the same ``id`` within one layer are a problem (the first is kept).
    """
    glossary = glossary or Glossary()

    def read(file: Path) -> Iterator[Term]:
        for node in _read_nodes(file, glossary.problems):
            term = _parse_term(node, file, glossary.problems)
            if term is not None:
                yield term

    merge_layers(layers, read, glossary.terms, glossary.files, glossary.problems)
    for term in glossary.terms.values():
        for other in term.related:
            if other not in glossary.terms:
                glossary.problems.append(
                    Problem(
                        term.source or Path("?"),
                        term.related_line or term.line,
                        t("glossary_check.related_missing", id=term.id, other=other),
                    )
                )
    glossary.problems.sort()
    return glossary


def load_glossary(
    shipped: Path | None = None, user: Path | None = None, include_user: bool = True
) -> Glossary:
    """The shipped glossary plus the user's own files (which add or replace terms)."""
    shipped = shipped or paths.shipped_glossary_dir()
    layers = [yaml_files(shipped)]
    if include_user:
        layers.append(yaml_files(user or paths.user_glossary_dir()))
    return load_glossary_files(layers)
