"""``studyllm-tui glossary search|show|check``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studyllm_tui.cli import fail, print_json
from studyllm_tui.core.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("glossary", help="search, show and check the glossary")
    commands = parser.add_subparsers(dest="glossary_command", metavar="ACTION", required=True)

    search = commands.add_parser("search", help="ranked matches for QUERY")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--limit", type=int, default=10, metavar="N")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(func=run_search)

    show = commands.add_parser("show", help="one term")
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(func=run_show)

    check = commands.add_parser(
        "check", help="check the glossary files (default: the shipped and the user's)"
    )
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    check.set_defaults(func=run_check)


def term_json(term: Any) -> dict[str, Any]:
    return {
        "id": term.id,
        "ja": term.ja,
        "en": term.en,
        "reading": term.reading,
        "aliases": list(term.aliases),
        "category": term.category,
        "summary": term.summary,
        "summary_en": term.summary_en,
        "book": term.book,
        "related": list(term.related),
        "try": term.try_,
    }


def run_search(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.glossary import load_glossary
    from studyllm_tui.core.glossary.search import index_for

    glossary = load_glossary()
    index = index_for(glossary)
    hits = index.search(args.query, limit=max(1, args.limit))
    if args.json:
        print_json([{**term_json(hit.term), "score": hit.score} for hit in hits])
        return 0
    if not hits:
        nearest = ", ".join(f"{term.ja} ({term.id})" for term in index.suggest(args.query))
        print(f"no match for {args.query!r}" + (f"; nearest: {nearest}" if nearest else ""))
        return 0
    for hit in hits:
        print(f"{hit.score:6.1f}  {hit.term.id:<28} {hit.term.ja} / {hit.term.en}")
    return 0


def run_show(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.glossary import load_glossary

    glossary = load_glossary()
    term = glossary.get(args.id)
    if term is None:
        return fail(f"no glossary term with id {args.id!r} (try: studyllm-tui glossary search)")
    if args.json:
        print_json({**term_json(term), "body": term.body, "correction": term.correction})
        return 0
    print(f"{term.ja} / {term.en}  [{term.id}]")
    print(f"読み: {term.reading}   分類: {term.category}" + (f"   本: {term.book}" if term.book else ""))
    if term.aliases:
        print(f"別名: {', '.join(term.aliases)}")
    print()
    print(term.summary)
    if term.summary_en:
        print(term.summary_en)
    print()
    print(term.body)
    if term.correction:
        print()
        print(term.correction)
    if term.related:
        print()
        print(f"関連: {', '.join(term.related)}")
    return 0


def run_check(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.glossary import load_glossary
    from studyllm_tui.core.glossary.lint import lint
    from studyllm_tui.core.glossary.loader import load_glossary_files
    from studyllm_tui.core.layers import yaml_files

    if args.paths:
        files: list[Path] = []
        for path in args.paths:
            if path.is_dir():
                files += yaml_files(path)
            elif path.exists():
                files.append(path)
            else:
                return fail(f"{path}: no such file or folder")
        glossary = load_glossary_files([files])
    else:
        glossary = load_glossary()
    glossary.problems[:] = sorted(glossary.problems + lint(glossary))
    for problem in glossary.problems:
        print(problem)
    count = len(glossary.problems)
    summary = f"{len(glossary)} terms in {len(glossary.files)} files, {count} problem(s)"
    if count:
        return fail(summary)
    print(summary)
    return 0
