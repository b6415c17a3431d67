"""Peak memory and time of ``glossary check`` on 10 MB files, friendly and hostile.

Each case runs ``python -m studyllm_tui glossary check FILE`` in a fresh process and reads its
peak resident memory from ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` (one child per
measuring process, so the figure is that command's own). The baseline is the shipped glossary.

    python benchmarks/glossary_check.py
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent

MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True)
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
last = (done.stdout.decode(errors="replace").strip().splitlines() or [""])[-1][:90]
err = (done.stderr.decode(errors="replace").strip().splitlines() or [""])[-1][:90]
print(f"{took:.2f}|{peak:.0f}|{done.returncode}|{last or err}")
"""


def _terms(size: int) -> str:
    """A valid glossary of about ``size`` bytes (terms of ~3.5 KB, like long real ones)."""
    body = "大規模言語モデルはトークンの列を受け取り、次のトークンの確率を出します。" * 30
    parts = ["terms:\n"]
    total, n = 7, 0
    while total < size - 4000:
        item = (
            f"  - id: term-{n}\n    ja: 用語{n}\n    reading: ようご\n    en: term {n}\n"
            f"    category: tokenization\n    summary: 要約 {n}\n    body: |\n      {body}\n"
        )
        parts.append(item)
        total += len(item.encode())
        n += 1
    return "".join(parts)


def _cases(folder: Path) -> dict[str, Path]:
    cases: dict[str, Path] = {}

    def write(name: str, text: str) -> None:
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        cases[name] = path

    write("valid terms, 10 MB", _terms(10 * MB - 100))
    write("[1,1,1,...] 10 MB", "terms: [" + "1," * (5 * MB - 10) + "1]\n")
    write("'- x' lines, 10 MB", "terms:\n" + "- x\n" * (10 * MB // 4 - 4))
    levels = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
    write("alias bomb (1 KB)", 'l0: &l0 "lol"\n' + levels + "terms: [*l9]\n")
    write("nesting 100k deep", "terms: " + "[" * 100_000 + "]" * 100_000 + "\n")
    big = folder / "over the limit.yaml"
    with big.open("wb") as handle:
        handle.truncate(10 * MB + 1)
    cases["10 MB + 1 byte"] = big
    cases["/dev/zero"] = Path("/dev/zero")
    return cases


def main() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="studyllm-bench-"))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{'case':<22} {'size':>9} {'time':>7} {'peak RSS':>9}  exit  last line")
    with tempfile.TemporaryDirectory() as tmp:
        cases = {"shipped glossary": None, **_cases(Path(tmp))}
        for name, path in cases.items():
            command = [sys.executable, "-m", "studyllm_tui", "--lang", "en", "glossary", "check"]
            if path is not None:
                command.append(str(path))
            size = (
                "-" if path is None or not path.is_file() else f"{path.stat().st_size / MB:.1f} MB"
            )
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", MEASURE, *command],
                capture_output=True,
                text=True,
                env=env,
                timeout=600,
            )
            took, peak, code, last = (
                done.stdout.strip() or f"{time.perf_counter() - start:.2f}|?|?|{done.stderr[-80:]}"
            ).split("|", 3)
            print(f"{name:<22} {size:>9} {took:>6}s {peak:>6} MB  {code:>4}  {last}", flush=True)


if __name__ == "__main__":
    main()
