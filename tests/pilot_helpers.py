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


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait for the tab's workers and its deferred focus, then blur: no text cursor to blink."""
    from textual.widgets import TextArea

    await pilot.app.workers.wait_for_complete()
    await wait_focused(pilot)
    for area in pilot.app.query(TextArea):
        # Textual's blink timer keeps toggling a blurred TextArea's cursor: stop it
        area.cursor_blink = False
    for _ in range(8):  # a pane that rebuilds its fields may move the focus once more
        pilot.app.set_focus(None)
        await pilot.pause(0.1)
    assert pilot.app.focused is None
