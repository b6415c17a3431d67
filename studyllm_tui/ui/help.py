"""F1: help for the focused pane, above the keys that work everywhere."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from studyllm_tui.core.i18n import t


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", t("app.cancel"), id="help.close"),
        Binding("f1", "dismiss", t("app.help"), show=False, id="help.close_f1"),
    ]

    def __init__(self, pane_help_key: str = "") -> None:
        super().__init__()
        self.pane_help_key = pane_help_key

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(t("app.help_title"), id="help-title", markup=False)
            if self.pane_help_key:
                yield Markdown(t(self.pane_help_key), id="help-pane")
            yield Markdown(t("app.help_global", tabs=self.tab_keys()), id="help-global")
            yield Static(t("app.help_close"), id="help-footer", markup=False)

    def tab_keys(self) -> str:
        tabs = getattr(self.app, "tabs", [])
        keys = [f"**{spec.key.upper()}** {t(spec.title_key)}" for spec in tabs]
        return t("app.list_sep").join(keys) or "-"

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(result)
