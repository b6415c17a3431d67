"""Every tab at 80x24, pinned (pytest-textual-snapshot): 80x24 is a first-class size."""

from __future__ import annotations

from pathlib import Path

from studyllm_tui.app import StudyApp
from studyllm_tui.core.glossary import load_glossary_files
from studyllm_tui.ui.tokenizer.row import TokenRow
from tests.glossary_fixtures import write_glossary
from tests.pilot_helpers import settle, wait_until


async def settle_twice(pilot) -> None:  # type: ignore[no-untyped-def]
    """Workers done, then once more after late layout (async field builds, row labels)."""
    await settle(pilot)
    await pilot.pause(0.5)
    await settle(pilot, wait_focus=False)

SIZE = (80, 24)


def test_glossary_80x24(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    glossary = load_glossary_files([[write_glossary(tmp_path)]])
    app = StudyApp(glossary=glossary, only_tabs=("glossary",))

    async def open_term(pilot) -> None:  # type: ignore[no-untyped-def]
        tree = pilot.app.query_one("#glossary-tree")
        await wait_until(pilot, lambda: bool(tree.root.children))
        await pilot.press(*"fain", "enter")
        await pilot.pause(0.5)  # the term's notes appear 0.25 s after it opens

    assert snap_compare(app, run_before=open_term, terminal_size=SIZE)


def test_tokenizer_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await wait_until(pilot, lambda: all(r.result is not None for r in app.query(TokenRow)))
        await settle_twice(pilot)

    app = StudyApp(only_tabs=["tokenizer"])
    assert snap_compare(app, press=["f3"], run_before=run_before, terminal_size=SIZE)


def test_bpe_stepper_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        view = pilot.app.query_one("#tok-bpe-view")
        await wait_until(pilot, lambda: view.stepper is not None)
        view.go_to(1)
        await wait_until(pilot, lambda: view.position == 1)
        await settle(pilot)

    app = StudyApp(only_tabs=["tokenizer"])
    assert snap_compare(app, press=["f3", "ctrl+t"], run_before=run_before, terminal_size=SIZE)


def test_tasks_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = StudyApp(only_tabs=("glossary", "tasks"))
    assert snap_compare(app, press=["f4"], run_before=settle, terminal_size=SIZE)


def test_prompt_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = StudyApp(only_tabs=("glossary", "prompt"))
    assert snap_compare(app, press=["f5"], run_before=settle_twice, terminal_size=SIZE)


def test_study_80x24(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    glossary = load_glossary_files([[write_glossary(tmp_path)]])
    app = StudyApp(glossary=glossary, only_tabs=("glossary", "study"))
    assert snap_compare(app, press=["f6"], run_before=settle, terminal_size=SIZE)


def test_inside_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = StudyApp(only_tabs=("glossary", "inside"))
    assert snap_compare(app, press=["f7"], run_before=settle, terminal_size=SIZE)


def test_tuning_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = StudyApp(only_tabs=("glossary", "tuning"))
    assert snap_compare(app, press=["f8"], run_before=settle_twice, terminal_size=SIZE)

