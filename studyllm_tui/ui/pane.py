"""What every tab's pane shares: its help text, its Escape behaviour, access to the app."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.binding import Binding
from textual.containers import Container
from textual.message import Message
from textual.worker import Worker, WorkerState

from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible

if TYPE_CHECKING:
    from textual.app import SystemCommand
    from textual.binding import BindingType
    from textual.dom import DOMNode

    from studyllm_tui.app import StudyApp


def describe_keys(node: DOMNode, bindings: Iterable[BindingType]) -> None:
    """Give ``node``'s bindings the descriptions of ``bindings`` with the same id.

    A class's ``BINDINGS`` are described when its module is imported, which may be before the
    UI language is chosen (``StudyApp(Config(lang="en"))``); calling this from ``__init__``
    with freshly described bindings makes the footer follow the language.
    """
    descriptions = {
        binding.id: binding.description
        for binding in bindings
        if isinstance(binding, Binding) and binding.id
    }
    keys = node._bindings.key_to_bindings  # this node's own dict; its lists are the class's
    for key, key_bindings in keys.items():
        keys[key] = [
            replace(b, description=descriptions[b.id]) if b.id in descriptions else b
            for b in key_bindings
        ]


def describe_failure(error: BaseException) -> str:
    """One line for a job that failed: the app's own errors say what happened in the UI
    language already; anything else is named by its class, so it is never silent."""
    text = str(error).strip()
    line = visible(text.splitlines()[0] if text else "", keep_newlines=False)[:300]
    if type(error).__module__.startswith("studyllm_tui.") and line:
        return line
    return t("app.worker_failed", kind=type(error).__name__, error=line or "-")


class WorkerFailed(Message):
    """A worker ended with an exception; bubbles from the widget that ran it to its pane."""

    def __init__(self, group: str, error: BaseException) -> None:
        super().__init__()
        self.group = group
        self.error = error
        self.message = describe_failure(error)


class ReportsFailures:
    """Mixin for every widget that runs workers (``exit_on_error=False``).

    Textual posts ``Worker.StateChanged`` to the worker's own widget only; this turns an
    ERROR into a :class:`WorkerFailed` that bubbles up to the pane (and the app), where it is
    shown. A worker catches only the exceptions it expects; everything else ends up here.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.post_message(  # type: ignore[attr-defined]
                WorkerFailed(event.worker.group, event.worker.error)
            )


class Pane(ReportsFailures, Container):
    """Base class of a tab's content.

    ``HELP_KEY`` names the catalogue entry (Markdown) that F1 shows while the pane is active.
    """

    HELP_KEY: ClassVar[str] = ""

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    def focus_default(self) -> None:
        """Focus the widget a person would start with when the tab opens."""
        for widget in self.query("*"):
            if widget.focusable:
                widget.focus()
                return

    def commands(self) -> Iterable[SystemCommand]:
        """This pane's entries in the command palette (while it is the active tab)."""
        return ()

    def show_target(self, target: str) -> None:
        """Show what a link points at (a glossary ``try`` target, ``term/<id>`` ...)."""

    def cancel_or_back(self) -> bool:
        """Escape: cancel this pane's running job or step back. True when something happened."""
        return False

    @on(WorkerFailed)
    def _worker_failed(self, event: WorkerFailed) -> None:
        event.stop()
        self.show_failure(event.group, event.message)

    def show_failure(self, group: str, message: str) -> None:
        """A job of this pane failed: say so. Panes also put it on their status line."""
        self.notify(message, severity="error", markup=False, timeout=10)
