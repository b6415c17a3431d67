"""Time to first screen: studyllm-tui against a bare Textual app with the same widget types.

Each run is a fresh Python process, run headless; it measures from the process's first line
(before importing anything of ours or Textual's) to Textual's ``Ready`` event, which is sent
once the first frame has been drawn. The two apps are measured alternately in the same run,
and the median of each is printed with their ratio (target: studyllm-tui <= 1.1x bare).

    python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile

OURS = """
import time; t0 = time.perf_counter()
import sys
from studyllm_tui.app import StudyApp

class Timed(StudyApp):
    def on_ready(self) -> None:
        print(f"READY {time.perf_counter() - t0:.6f}")
        self.exit()

Timed().run(headless=True, size=(120, 36))
heavy = [m for m in ("torch", "transformers") if m in sys.modules]
print("HEAVY " + ",".join(heavy))
"""

BARE = """
import time; t0 = time.perf_counter()
from textual.app import App
from textual.containers import Vertical, VerticalScroll
from textual.widgets import (
    Footer, Header, Input, Markdown, OptionList, Static, TabbedContent, TabPane, Tree,
)

class Bare(App):
    def compose(self):
        yield Header()
        with TabbedContent():
            with TabPane("one"):
                with Vertical():
                    yield Input(placeholder="search")
                    yield Static("status")
                    tree = Tree("root")
                    tree.root.add_leaf("leaf")
                    yield tree
                    yield OptionList("a", "b")
                with Vertical():
                    yield Static("title")
                    with VerticalScroll():
                        yield Markdown("# body")
                    yield OptionList("link")
        yield Footer()

    def on_ready(self) -> None:
        print(f"READY {time.perf_counter() - t0:.6f}")
        self.exit()

Bare().run(headless=True, size=(120, 36))
print("HEAVY ")
"""


def run_once(code: str, env: dict[str, str]) -> tuple[float, str]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    ready = next(line for line in out.splitlines() if line.startswith("READY"))
    heavy = next(line for line in out.splitlines() if line.startswith("HEAVY"))
    return float(ready.split()[1]), heavy.removeprefix("HEAVY").strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        # Both apps run as installed: from compiled .pyc files (pip compiles them on install;
        # here they go to a private cache, written by the warm-up runs, whatever
        # PYTHONDONTWRITEBYTECODE says), with empty config, data and cache folders.
        env = {**os.environ, "XDG_CONFIG_HOME": home, "XDG_DATA_HOME": home,
               "XDG_CACHE_HOME": home, "PYTHONPYCACHEPREFIX": os.path.join(home, "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        run_once(OURS, env), run_once(BARE, env)  # warm the file cache and .pyc files
        ours, bare, heavy = [], [], set()
        for _ in range(args.runs):
            seconds, loaded = run_once(OURS, env)
            ours.append(seconds)
            heavy |= set(filter(None, loaded.split(",")))
            bare.append(run_once(BARE, env)[0])
    mo, mb = statistics.median(ours), statistics.median(bare)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"runs: {args.runs} each, alternating")
    print(f"studyllm-tui first screen: median {mo * 1000:.0f} ms "
          f"(min {min(ours) * 1000:.0f}, max {max(ours) * 1000:.0f})")
    print(f"bare Textual app:          median {mb * 1000:.0f} ms "
          f"(min {min(bare) * 1000:.0f}, max {max(bare) * 1000:.0f})")
    print(f"ratio: {mo / mb:.2f}x (target <= 1.10x)")
    print(f"heavy modules imported by the first screen: {', '.join(sorted(heavy)) or 'none'}")


if __name__ == "__main__":
    main()
