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
