"""What every tab's pane shares: its help text, its Escape behaviour, access to the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.containers import Container

if TYPE_CHECKING:
    from studyllm_tui.app import StudyApp


class Pane(Container):
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

    def show_target(self, target: str) -> None:
        """Show what a link points at (a glossary ``try`` target, ``term/<id>`` ...)."""

    def cancel_or_back(self) -> bool:
        """Escape: cancel this pane's running job or step back. True when something happened."""
        return False
