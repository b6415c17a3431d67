"""A job's progress report as one line in the UI language.

Every pane shows progress through :func:`describe_progress`, so that stage names
(``connect``, ``download``, ``load`` ...) never reach the screen as the English identifiers the
core uses. The one place to swap for a core ``describe_progress`` when there is one.
"""

from __future__ import annotations

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Progress
from studyllm_tui.core.safetext import visible


def _known(key: str) -> str | None:
    text = t(key)
    return None if text == key else text


def describe_progress(report: Progress) -> str:
    """``report`` as ``<stage> <percent> <detail>``, stage and known details translated."""
    stage = _known(f"app.stage_{report.stage}") or visible(report.stage, keep_newlines=False)
    parts = [stage]
    if report.fraction is not None:
        parts.append(f"{report.fraction:.0%}")
    if report.detail:
        detail = _known(f"app.detail_{report.detail}") if report.detail.isidentifier() else None
        parts.append(detail or visible(report.detail, keep_newlines=False))
    return " ".join(parts)
