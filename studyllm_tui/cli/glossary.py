"""``studyllm-tui glossary search|show|check``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studyllm_tui.cli import fail, out, print_json
from studyllm_tui.cli._args import count_arg, text_arg
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import language, t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("glossary", help=t("cli.help_glossary"))
    commands = parser.add_subparsers(dest="glossary_command", metavar="ACTION", required=True)

    search = commands.add_parser("search", help=t("cli.help_glossary_search"))
    search.add_argument("query", metavar="QUERY", type=text_arg, help=t("cli.help_search_query"))
    search.add_argument(
        "--limit",
        type=count_arg(1, 1000),
        default=10,
        metavar="N",
        help=t("cli.help_search_limit"),
    )
    search.add_argument("--json", action="store_true", help=t("cli.help_json"))
    search.set_defaults(func=run_search)

    show = commands.add_parser("show", help=t("cli.help_glossary_show"))
    show.add_argument("id", metavar="ID", type=text_arg, help=t("cli.help_show_id"))
    show.add_argument("--json", action="store_true", help=t("cli.help_json"))
    show.set_defaults(func=run_show)

    check = commands.add_parser("check", help=t("cli.help_glossary_check"))
    check.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help=t("cli.help_check_paths")
    )
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
    hits = index.search(args.query, limit=args.limit)
    if args.json:
        print_json([{**term_json(hit.term), "score": hit.score} for hit in hits])
        return 0
    lang = language()
    if not hits:
        suggestions = index.suggest(args.query)
        nearest = ", ".join(f"{term.title(lang)} ({term.id})" for term in suggestions)
        key = "cli.glossary_no_match_nearest" if nearest else "cli.glossary_no_match"
        out(t(key, query=args.query, nearest=nearest))
        return 0
    for hit in hits:
        out(f"{hit.score:6.1f}  {_pad(hit.term.id, 28)} {_names(hit.term, lang)}")
    return 0


def _pad(text: str, width: int) -> str:
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def _names(term: Any, lang: str) -> str:
    return f"{term.en} / {term.ja}" if lang == "en" else f"{term.ja} / {term.en}"


def run_show(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.glossary import load_glossary

    glossary = load_glossary()
    term = glossary.get(args.id)
    if term is None:
        return fail(t("cli.glossary_no_term", id=args.id))
    if args.json:
        print_json({**term_json(term), "body": term.body, "correction": term.correction})
        return 0
    out(show_text(term, language()))
    return 0


def show_text(term: Any, lang: str) -> str:
    """What ``glossary show ID`` prints: labels in the UI language, the term's own text as is."""
    from studyllm_tui.core.glossary.model import CATEGORIES

    ja_name, en_name = CATEGORIES.get(term.category, (term.category, term.category))
    meta = [
        f"{t('glossary.reading')}: {term.reading}",
        f"{t('glossary.category')}: {en_name if lang == 'en' else ja_name}",
    ]
    if term.book:
        meta.append(f"{t('glossary.book')}: {term.book}")
    lines = [f"{_names(term, lang)}  [{term.id}]", "   ".join(meta)]
    if term.aliases:
        lines.append(f"{t('glossary.aliases')}: {', '.join(term.aliases)}")
    summaries = [term.summary_en, term.summary] if lang == "en" else [term.summary, term.summary_en]
    lines += ["", *(s for s in summaries if s), "", term.body]
    if term.correction:
        lines += ["", term.correction]
    if term.related:
        lines += ["", f"{t('cli.glossary_related')}: {', '.join(term.related)}"]
    return "\n".join(lines)


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
                return fail(t("cli.no_such_path", path=path))
        glossary = load_glossary_files([files])
    else:
        glossary = load_glossary()
    glossary.problems[:] = sorted(glossary.problems + lint(glossary))
    for problem in glossary.problems:
        out(problem)
    count = len(glossary.problems)
    summary = t(
        "cli.glossary_check_summary", terms=len(glossary), files=len(glossary.files), count=count
    )
    if count:
        return fail(summary)
    out(summary)
    return 0
