"""The Textual app: tabs, global keys, the command palette. Small on purpose."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, TabbedContent, TabPane

from studyllm_tui.core.config import Config
from studyllm_tui.core.glossary import Glossary, load_glossary
from studyllm_tui.core.i18n import set_language, t
from studyllm_tui.core.problems import Problem
from studyllm_tui.ui.commands import GlossaryCommands
from studyllm_tui.ui.help import HelpScreen
from studyllm_tui.ui.pane import Pane
from studyllm_tui.ui.tabs import TABS, TabSpec, available_tabs

STYLES = Path(__file__).parent / "styles"


class StudyApp(App[None]):
    """studyllm-tui: glossary, tokenizer lab, task panels, prompt lab and study."""

    CSS_PATH = sorted(STYLES.glob("*.tcss"))
    COMMANDS = App.COMMANDS | {GlossaryCommands}
    BINDINGS = [
        Binding("f1", "help", t("app.help"), id="app.help"),
        Binding("slash", "search_glossary", t("app.search"), show=False, id="app.search"),
        Binding("escape", "cancel_or_back", t("app.cancel"), show=False, id="app.cancel"),
        Binding("q", "quit", t("app.quit"), show=False, id="app.quit_q"),
        Binding("ctrl+q", "quit", t("app.quit"), priority=True, id="app.quit"),
        # priority: text areas bind some F-keys (TextArea: F6, F7) for themselves
        *(
            Binding(
                spec.key,
                f"show_tab('{spec.id}')",
                t(spec.title_key),
                priority=True,
                id=f"app.tab_{spec.id}",
            )
            for spec in TABS
        ),
    ]

    def __init__(
        self,
        config: Config | None = None,
        config_problems: list[Problem] | None = None,
        glossary: Glossary | None = None,
        only_tabs: Collection[str] | None = None,
    ) -> None:
        self.config = config or Config()
        set_language(self.config.lang)
        self.config_problems = config_problems or []
        self._glossary = glossary
        self.tabs: list[tuple[TabSpec, type[Pane]]] = available_tabs(only_tabs)
        super().__init__()
        self.title = t("app.title")
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme

    @property
    def glossary(self) -> Glossary:
        """The glossary (shipped + the user's), loaded on first use."""
        if self._glossary is None:
            self._glossary = load_glossary()
        return self._glossary

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="tabs"):
            for spec, pane_class in self.tabs:
                with TabPane(Content(f"{t(spec.title_key)} {spec.key.upper()}"), id=spec.id):
                    yield pane_class(id=f"{spec.id}-pane")
        yield Footer()

    def on_mount(self) -> None:
        pane = self.active_pane()
        if pane is not None:
            pane.focus_default()
        if self.config_problems:
            lines = "\n".join(str(problem) for problem in self.config_problems[:5])
            self.notify(
                f"{t('app.config_problems', count=len(self.config_problems))}\n{lines}",
                severity="warning",
                timeout=12,
                markup=False,
            )

    # -- panes ---------------------------------------------------------------------------

    def active_pane(self) -> Pane | None:
        tabs = self.query_one("#tabs", TabbedContent)
        if not tabs.active:
            return None
        return self.query_one(f"#{tabs.active}-pane", Pane)

    def has_tab(self, tab_id: str) -> bool:
        return any(spec.id == tab_id for spec, _ in self.tabs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for tabs that this build does not have are neither shown nor run."""
        if action == "show_tab" and parameters and not self.has_tab(str(parameters[0])):
            return False
        return True

    def action_show_tab(self, tab_id: str) -> None:
        if not self.has_tab(tab_id):
            return
        self.query_one("#tabs", TabbedContent).active = tab_id
        pane = self.active_pane()
        if pane is not None:
            pane.focus_default()

    def open_target(self, target: str) -> None:
        """Open the pane behind a glossary ``try`` target (``tokenizer``, ``tasks/ner`` ...)."""
        tab_id, _, _detail = target.partition("/")
        tab_id = {"bpe": "tokenizer"}.get(tab_id, tab_id)
        if not self.has_tab(tab_id):
            return
        self.action_show_tab(tab_id)
        pane = self.active_pane()
        if pane is not None:
            pane.show_target(target)

    def open_term(self, term_id: str) -> None:
        """Show a glossary term in the glossary tab."""
        self.action_show_tab("glossary")
        pane = self.active_pane()
        if pane is not None:
            pane.show_target(f"term/{term_id}")

    # -- global actions ------------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        pane = self.active_pane()
        self.push_screen(HelpScreen(pane.HELP_KEY if pane else ""))

    def action_search_glossary(self) -> None:
        """``/`` anywhere outside a text field: the glossary's search box."""
        self.action_show_tab("glossary")

    def action_cancel_or_back(self) -> None:
        pane = self.active_pane()
        if pane is not None:
            pane.cancel_or_back()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for spec, _ in self.tabs:
            yield SystemCommand(
                t("app.cmd_switch_tab", name=t(spec.title_key)),
                spec.key.upper(),
                lambda tab_id=spec.id: self.action_show_tab(tab_id),
            )
        yield SystemCommand(t("app.help"), t("app.cmd_help_help"), self.action_help)
        yield SystemCommand(t("app.quit"), t("app.cmd_quit_help"), self.exit)
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Help"):
                yield command
