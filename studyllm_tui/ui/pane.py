"""What every tab's pane shares: its help text, its Escape behaviour, access to the app."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, cast

from textual.binding import Binding
from textual.containers import Container

if TYPE_CHECKING:
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
