"""Start-up stays light and the core stays free of the UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "studyllm_tui" / "core"


def test_core_never_imports_textual() -> None:
    offenders = []
    for file in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{file}: {n}" for n in names if n.split(".")[0] in ("textual", "rich")]
    assert not offenders


def test_core_has_no_top_level_heavy_imports() -> None:
    offenders = []
    for file in CORE.rglob("*.py"):
        for node in ast.parse(file.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            offenders += [f"{file}: {n}" for n in names if n.split(".")[0] in ("torch", "transformers")]
    assert not offenders


def test_first_screen_without_torch_or_transformers() -> None:
    """Start the real app headless, wait for the first screen, then look at sys.modules."""
    code = """
import asyncio, sys
from studyllm_tui.app import StudyApp

async def main():
    app = StudyApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.query("#glossary-tree"), "the glossary is on screen"
    heavy = [m for m in ("torch", "transformers") if m in sys.modules]
    print("HEAVY:" + ",".join(heavy))

asyncio.run(main())
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "HEAVY:\n" in result.stdout or result.stdout.strip().endswith("HEAVY:")


def test_first_screen_without_yaml_once_the_catalogue_is_cached() -> None:
    """No config file and a warm catalogue cache: nothing parses YAML before the first frame
    (the glossary itself is read afterwards, in a worker)."""
    code = """
import sys
from studyllm_tui.app import StudyApp

class Probe(StudyApp):
    def on_ready(self) -> None:
        print("YAML:" + str("yaml" in sys.modules))
        self.exit()

Probe().run(headless=True, size=(100, 30))
"""
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        for _ in range(2)
    ]
    for result in runs:
        assert result.returncode == 0, result.stderr
    assert "YAML:False" in runs[1].stdout  # the first run parsed the catalogue and cached it


async def test_a_tabs_style_sheet_is_added_when_the_tab_is_first_opened() -> None:
    import os

    from studyllm_tui.app import STYLES, StudyApp

    app = StudyApp(only_tabs=("glossary", "study"))
    sheet = os.path.abspath(STYLES / "study.tcss")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.stylesheet.has_source(os.path.abspath(STYLES / "glossary.tcss"))
        assert not app.stylesheet.has_source(sheet)
        await pilot.press("f6")
        await pilot.pause()
        assert app.stylesheet.has_source(sheet)
        # study.tcss: #study-counts { height: 1; padding: 0 1; ... }
        assert tuple(app.query_one("#study-counts").styles.padding) == (0, 1, 0, 1)
