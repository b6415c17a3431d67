"""``studyllm-tui bpe FILE [--merges N] [--wordpiece] [--json]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studyllm_tui.cli import fail, print_json
from studyllm_tui.core.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bpe",
        help="train BPE (or WordPiece) step by step on word counts",
        description=(
            "FILE holds WORD<TAB>COUNT lines, or plain text (split into words by MeCab and "
            "counted); - reads stdin. Prints every merge, the vocabulary and each word's split."
        ),
    )
    parser.add_argument("file", metavar="FILE")
    parser.add_argument(
        "--merges", type=int, default=10, metavar="N", help="merges to make (default 10)"
    )
    parser.add_argument(
        "--wordpiece", action="store_true", help="WordPiece's score instead of counts"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.bpe import CorpusError, Stepper, parse_corpus

    if args.merges < 0:
        return fail("--merges must be 0 or more")
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    except FileNotFoundError:
        return fail(f"{args.file}: no such file")
    except (OSError, UnicodeDecodeError) as error:
        return fail(f"{args.file}: cannot be read ({error})")
    try:
        counts, _ = parse_corpus(text)
    except CorpusError as error:
        return fail(f"{args.file}: {error}")
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
    for step in stepper.steps:
        row = step.chosen
        score = f"  score {row.score:.4f}" if row.score is not None else ""
        print(
            f"{step.number:4d}. {row.left} + {row.right} -> {step.merged}  (count {row.count}){score}"
        )
    if len(stepper.steps) < args.merges:
        print(f"(no pairs left after {len(stepper.steps)} merges)")
    print(f"vocabulary ({len(stepper.vocab())}): {' '.join(stepper.vocab())}")
    for word, pieces in segmentation.items():
        print(f"{word}\t{counts[word]}\t{' '.join(pieces)}")
    return 0
