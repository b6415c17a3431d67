"""A job's progress report as one line in the UI language.

Every pane shows progress through :func:`describe_progress`, so that stage names
(``connect``, ``download``, ``load`` ...) never reach the screen as the English identifiers the
core uses. Stages the core knows (``hub.stage_*``: connect, download, load ...) are described by
``core.hub.describe_progress``, as on the command line; the panes' own stages by ``app.stage_*``.
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
    if _known(f"hub.stage_{report.stage}"):
        from studyllm_tui.core.hub import describe_progress as describe_core

        return visible(describe_core(report), keep_newlines=False)
    stage = _known(f"app.stage_{report.stage}") or visible(report.stage, keep_newlines=False)
    parts = [stage]
    if report.fraction is not None:
        parts.append(f"{report.fraction:.0%}")
    if report.detail:
        detail = _known(f"app.detail_{report.detail}") if report.detail.isidentifier() else None
        parts.append(detail or visible(report.detail, keep_newlines=False))
    return " ".join(parts)
