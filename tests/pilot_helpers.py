"""Helpers for Pilot and snapshot tests."""

from __future__ import annotations


async def wait_focused(pilot, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until the active tab has focused its first field (``focus()`` runs a moment later)."""
    waited = 0.0
    while waited < timeout:
        pane, focused = pilot.app.active_pane(), pilot.app.focused
        if pane is not None and focused is not None and pane in focused.ancestors_with_self:
            return
        await pilot.pause(0.05)
        waited += 0.05


async def settle(pilot, wait_focus: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Put the tab in one known state for a snapshot: workers done, blinking off, the tab's
    focus checked to land in its first text field (where a person starts typing), and then
    no focus (no cursor) for the picture.

    A tab focuses its field with ``focus()``, which Textual runs a moment later, and a pane
    that rebuilds its fields may move the focus once more: so the focus is set, waited on and
    set again rather than trusted to have settled. A second ``settle`` (``wait_focus=False``)
    skips waiting for the tab's own focus, which the first one has already checked and taken away.
    """
    from textual.widgets import TextArea

    await pilot.app.workers.wait_for_complete()
    if wait_focus:
        await wait_focused(pilot)
    for _ in range(4):
        pane = pilot.app.active_pane()
        areas = [area for area in pane.query(TextArea) if area.display] if pane else []
        for area in pilot.app.query(TextArea):
            area.cursor_blink = False  # a blinking cursor makes the picture random
        if areas:
            areas[0].focus()
        else:
            pilot.app.set_focus(None)
        await pilot.pause(0.1)
    expected = areas[0] if areas else None
    assert pilot.app.focused is expected
    # Then no focus at all: whether a focused field draws its cursor also depends on the
    # terminal's own focus state, which varied between runs; Pilot tests check the focus.
    # A pane that rebuilds its fields may focus one again a moment later: blur until it stays.
    for _ in range(5):
        pilot.app.set_focus(None)
        for area in pilot.app.query(TextArea):  # fields a pane built meanwhile blink too
            area.cursor_blink = False
            area._cursor_visible = False
        await pilot.pause(0.2)
    assert pilot.app.focused is None


async def wait_until(pilot, predicate, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    """Pause until ``predicate()`` holds; fail the test after ``timeout`` seconds."""
    waited = 0.0
    while not predicate():
        if waited > timeout:
            raise AssertionError("timed out waiting")
        await pilot.pause(0.05)
        waited += 0.05


def screen_lines(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The text on the screen now, one string per terminal row (what a person reads)."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(screen_lines(app))
