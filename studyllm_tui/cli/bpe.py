"""``studyllm-tui bpe FILE [--merges N] [--wordpiece] [--json]``."""

from __future__ import annotations

import argparse

from studyllm_tui.cli import fail, out, print_json
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import t

MAX_MERGES = 2_000  # each merge recounts the corpus (at most 200,000 characters)


def _merges(text: str) -> int:
    """``--merges``: 0 to :data:`MAX_MERGES` (a usage error, in the UI language, otherwise)."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.err_not_integer", value=text)) from None
    if not 0 <= value <= MAX_MERGES:
        raise argparse.ArgumentTypeError(t("tokenizer.cli_merges_range", most=f"{MAX_MERGES:,}"))
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bpe", help=t("cli.help_bpe"), description=t("cli.help_bpe_description")
    )
    parser.add_argument("file", metavar="FILE", help=t("cli.help_bpe_file"))
    parser.add_argument(
        "--merges",
        type=_merges,
        default=10,
        metavar="N",
        help=t("cli.help_bpe_merges", most=f"{MAX_MERGES:,}"),
    )
    parser.add_argument("--wordpiece", action="store_true", help=t("cli.help_bpe_wordpiece"))
    parser.add_argument("--json", action="store_true", help=t("cli.help_json"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.bpe import CorpusError, Stepper, parse_corpus
    from studyllm_tui.core.files import CORPUS_LIMIT, FileReadError, read_stdin_text, read_text_file
    from studyllm_tui.core.safetext import visible

    try:  # a regular file (or stdin) of at most 50 MB, UTF-8
        if args.file == "-":
            text = read_stdin_text(CORPUS_LIMIT)
        else:
            text = read_text_file(args.file, CORPUS_LIMIT)
    except FileReadError as error:
        return fail(visible(str(error), keep_newlines=False))
    try:
        counts, _ = parse_corpus(text)
    except CorpusError as error:
        return fail(visible(f"{args.file}: {error}", keep_newlines=False))
    stepper = Stepper(counts, wordpiece=args.wordpiece)
    stepper.run(args.merges)
    segmentation = stepper.segmentation()
    if args.json:
        print_json(
            {
                "merges": [list(pair) for pair in stepper.merges()],
                "vocab": stepper.vocab(),
                "segmentation": segmentation,
            }
        )
        return 0

    def show(text: str) -> str:  # corpus text: control characters made visible
        return visible(text, keep_newlines=False)

    for step in stepper.steps:
        row = step.chosen
        score = t("tokenizer.cli_score", score=row.score) if row.score is not None else ""
        line = t(
            "tokenizer.cli_merge_line",
            number=step.number,
            left=show(row.left),
            right=show(row.right),
            merged=show(step.merged),
            count=row.count,
            score=score,
        )
        out(line)
    if len(stepper.steps) < args.merges:
        out(t("tokenizer.cli_no_pairs_left", made=len(stepper.steps)))
    vocab = stepper.vocab()
    out(t("tokenizer.cli_vocab", size=len(vocab), symbols=" ".join(show(v) for v in vocab)))
    for word, pieces in segmentation.items():
        out(f"{show(word)}\t{counts[word]}\t{' '.join(show(piece) for piece in pieces)}")
    return 0
