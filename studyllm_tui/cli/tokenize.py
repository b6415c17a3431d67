"""``studyllm-tui tokenize [--tokenizer NAME]... [--json] TEXT`` (``-`` reads stdin)."""

from __future__ import annotations

import argparse
from typing import Any

from studyllm_tui.cli import fail, out, print_json
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import t

DEFAULT_TOKENIZERS = ("mecab", "gpt2", "wordpiece-ja", "unigram-ja", "bpe-ja")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tokenize", help=t("cli.help_tokenize"), description=t("cli.help_tokenize_description")
    )
    parser.add_argument(
        "--tokenizer",
        "-t",
        dest="tokenizers",
        action="append",
        default=[],
        metavar="NAME",
        help=t("cli.help_tokenize_tokenizer"),
    )
    parser.add_argument("--json", action="store_true", help=t("cli.help_json"))
    parser.add_argument("text", metavar="TEXT", help=t("cli.help_tokenize_text"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.files import CORPUS_LIMIT, FileReadError, read_stdin_text
    from studyllm_tui.core.safetext import visible as safe
    from studyllm_tui.core.tokenizers import TokenizerError, clean_text, load_tokenizer, tokenize
    from studyllm_tui.core.tokenizers.base import describe, visible

    def one_line(text: str) -> str:
        return safe(text, keep_newlines=False)

    if args.text == "-":
        try:  # at most 50 MB, UTF-8 (an invalid byte is one line naming its line)
            text = read_stdin_text(CORPUS_LIMIT)
        except FileReadError as error:
            return fail(one_line(str(error)))
        text = text[:-1] if text.endswith("\n") else text  # the newline echo adds
        text = text[:-1] if text.endswith("\r") else text
    else:
        text = args.text
    text = clean_text(text)  # an undecodable byte in an argument: U+FFFD, length kept
    names = args.tokenizers or list(config.tokenizers) or list(DEFAULT_TOKENIZERS)
    results: dict[str, Any] = {}
    status = 0
    for name in dict.fromkeys(names):
        try:
            adapter = load_tokenizer(name)
        except TokenizerError as error:
            status = fail(one_line(str(error)))
            continue
        results[name] = (adapter, tokenize(adapter, text))
    if args.json:
        print_json(
            {
                clean_text(name): [token.to_json(text) for token in result.tokens]
                for name, (_, result) in results.items()
            }
        )
        return status
    for name, (adapter, result) in results.items():
        count = len(result)
        ratio = f"{result.chars_per_token:.2f}" if count else "-"
        label = one_line(describe(adapter))
        out(
            t(
                "tokenizer.cli_tokens_line",
                name=one_line(name),
                count=count,
                ratio=ratio,
                label=label,
            )
        )
        out("  " + " | ".join(visible(result.info(i).display) for i in range(count)))
    return status
