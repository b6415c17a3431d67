"""Tokenization time for 1k, 10k, 100k and 1M characters: it must grow linearly with the text.

Three kinds of text per tokenizer: Japanese prose (the shipped corpus, repeated), and a single
word of one character repeated (``あ`` and ``a``: no space, no sentence end), which used to cost
quadratic time (100,000 ``a`` took 25 s in MeCab). Each figure is the median of a few runs
(one run at 1M). ``x10`` is the time against the size ten times smaller: ~10 means linear.

    python benchmarks/tokenize_scaling.py [--max 1000000] [--tokenizers mecab,gpt2,...]
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import tempfile
import time

SIZES = (1_000, 10_000, 100_000, 1_000_000)
NAMES = ("mecab", "gpt2", "wordpiece-ja", "unigram-ja", "bpe-ja")


def _texts(size: int) -> dict[str, str]:
    from studyllm_tui.core.tokenizers.trained import corpus_lines

    prose = "\n".join(corpus_lines())
    prose = (prose * (size // len(prose) + 1))[:size]
    return {"prose": prose, "あ×n": "あ" * size, "a×n": "a" * size}


def _time(adapter: object, text: str, runs: int) -> float:
    from studyllm_tui.core.tokenizers import mecab, tokenize

    took = []
    for _ in range(runs):
        mecab._LAST = None  # no reuse of the last analysis: measure the work
        start = time.perf_counter()
        tokenize(adapter, text)  # type: ignore[arg-type]
        took.append(time.perf_counter() - start)
    return statistics.median(took)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=SIZES[-1], help="largest size (default 1M)")
    parser.add_argument("--tokenizers", default=",".join(NAMES))
    args = parser.parse_args()
    os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="studyllm-bench-"))
    from studyllm_tui.core.tokenizers import load_tokenizer

    sizes = [size for size in SIZES if size <= args.max]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"{'tokenizer':<13} {'text':<6}"
        + "".join(f"{size:>12,}" for size in sizes)
        + "   x10 (each step)"
    )
    for name in args.tokenizers.split(","):
        adapter = load_tokenizer(name)
        for kind in ("prose", "あ×n", "a×n"):
            times = []
            for size in sizes:
                text = _texts(size)[kind]
                times.append(_time(adapter, text, 1 if size >= 1_000_000 else 3))
            ratios = [f"{b / a:4.1f}" for a, b in itertools.pairwise(times)]
            cells = "".join(f"{t * 1000:10.1f}ms" for t in times)
            print(f"{name:<13} {kind:<6}{cells}   {' '.join(ratios)}", flush=True)


if __name__ == "__main__":
    main()
