"""Glossary search latency per query, over the shipped glossary (target <= 1 ms).

    python benchmarks/search.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from studyllm_tui.core.glossary import load_glossary
from studyllm_tui.core.glossary.search import index_for

QUERIES = [
    "トークン", "ファイン", "ふぁいん", "fain", "tenni", "attention", "BERT", "rlhf",
    "微調整", "ｂｐｅ", "transformr", "温度", "top-p", "要約", "xyzzy", "s", "埋め込み",
    "ぜろしょっと", "lora", "beam",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    started = time.perf_counter()
    glossary = load_glossary(include_user=False)
    loaded = time.perf_counter()
    index = index_for(glossary)
    indexed = time.perf_counter()
    per_query: dict[str, float] = {}
    for query in QUERIES:
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            index.search(query)
            times.append(time.perf_counter() - t0)
        per_query[query] = statistics.median(times)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"glossary: {len(glossary)} terms, load {1000 * (loaded - started):.1f} ms, "
          f"index {1000 * (indexed - loaded):.1f} ms ({len(index.keys)} names)")
    for query, seconds in per_query.items():
        print(f"  {query!r:16} {seconds * 1e6:8.1f} µs")
    values = sorted(per_query.values())
    print(f"per query: median {statistics.median(values) * 1e6:.0f} µs, "
          f"worst {values[-1] * 1e6:.0f} µs (target <= 1000 µs)")


if __name__ == "__main__":
    main()
