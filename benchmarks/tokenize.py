"""Re-tokenizing 2,000 Japanese characters per keystroke: the lab's adapters vs raw library calls.

Run: ``python benchmarks/tokenize.py``. Target: <= 10 ms per keystroke for mecab + the three
locally trained subword tokenizers, and <= 1.3x the raw library calls.
"""

from __future__ import annotations

import statistics
import tempfile
import time


def main() -> None:
    import os

    os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="studyllm-bench-"))
    from studyllm_tui.core.tokenizers import load_tokenizer, tokenize
    from studyllm_tui.core.tokenizers.trained import corpus_lines

    text = "".join(corpus_lines())
    while len(text) < 2000:
        text += text
    text = text[:2000]
    names = ["mecab", "wordpiece-ja", "unigram-ja", "bpe-ja"]
    adapters = [load_tokenizer(name) for name in names]
    # each keystroke: the text grows by one character
    keystrokes = [text[: 1900 + i] for i in range(100)]
    mecab, wordpiece = adapters[0], adapters[1]

    def raw_calls(typed: str) -> dict[str, float]:
        """The plain script: the same library calls for the same tokens with offsets.

        MeCab: surfaces and character offsets from the nodes; WordPiece-over-MeCab: the pieces,
        ids, offsets and word ids of those same words (one MeCab pass serves both, as in the
        lab); Unigram and byte-level BPE: pieces, ids and offsets of ``encode``.
        """
        took: dict[str, float] = {}
        start = time.perf_counter()
        words = mecab.raw(typed)[0]  # type: ignore[index]
        took["mecab"] = time.perf_counter() - start
        start = time.perf_counter()
        wordpiece.raw(typed, words)  # type: ignore[call-arg]
        took["wordpiece-ja"] = time.perf_counter() - start
        for name, adapter in zip(names[2:], adapters[2:], strict=True):
            start = time.perf_counter()
            adapter.raw(typed)
            took[name] = time.perf_counter() - start
        return took

    for adapter in adapters:  # warm up
        tokenize(adapter, text)
    raw_calls(text)

    print(f"{len(text):,} characters, {len(keystrokes)} keystrokes, median / p95 ms per keystroke")
    ours: dict[str, list[float]] = {name: [] for name in names}
    raw: dict[str, list[float]] = {name: [] for name in names}
    for typed in keystrokes:  # per keystroke, every row in turn (as the lab does)
        for name, adapter in zip(names, adapters, strict=True):
            start = time.perf_counter()
            tokenize(adapter, typed, focus=len(typed) - 1)  # the cursor on the last token
            ours[name].append((time.perf_counter() - start) * 1000)
        for name, seconds in raw_calls(typed).items():
            raw[name].append(seconds * 1000)
    for name in names:
        lab_m, raw_m = statistics.median(ours[name]), statistics.median(raw[name])
        print(
            f"  {name:<13} lab {lab_m:6.2f} / {_p95(ours[name]):6.2f}   "
            f"raw {raw_m:6.2f} / {_p95(raw[name]):6.2f}   x{lab_m / raw_m:.2f}"
        )
    total_ours = [sum(values) for values in zip(*ours.values(), strict=True)]
    total_raw = [sum(values) for values in zip(*raw.values(), strict=True)]
    ours_m, raw_m = statistics.median(total_ours), statistics.median(total_raw)
    print(
        f"  {'all four':<13} lab {ours_m:6.2f} / {_p95(total_ours):6.2f}   "
        f"raw {raw_m:6.2f} / {_p95(total_raw):6.2f}   x{ours_m / raw_m:.2f}"
    )
    gpt2 = load_tokenizer("gpt2")
    times = []
    for typed in keystrokes:
        start = time.perf_counter()
        tokenize(gpt2, typed)
        times.append((time.perf_counter() - start) * 1000)
    print(f"  (gpt2, not in the four: lab {statistics.median(times):.2f} ms)")


def _p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


if __name__ == "__main__":
    main()
