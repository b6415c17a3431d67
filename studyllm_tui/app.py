"""The Textual app: tabs, global keys, the command palette. Small on purpose."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from functools import partial
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Header, TabbedContent, TabPane

from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import set_language, t
from studyllm_tui.ui.commands import GlossaryCommands, StudyCommandPalette
from studyllm_tui.ui.footer import StudyFooter
from studyllm_tui.ui.linebreak import install as install_line_breaking
from studyllm_tui.ui.pane import Pane, WorkerFailed, describe_keys
from studyllm_tui.ui.tabs import TABS, TabSpec, available_tabs

if TYPE_CHECKING:
    from studyllm_tui.core.glossary import Glossary
    from studyllm_tui.core.problems import Problem

STYLES = Path(__file__).parent / "styles"


def startup_css(tabs: list[TabSpec]) -> list[str | PurePath]:
    """The style sheets the first screen needs: ``app.tcss``, the first tab's own sheet, and
    any sheet not named after a tab. A tab's ``<id>.tcss`` is added when the tab is opened."""
    tab_ids = {spec.id for spec in TABS}
    first = tabs[0].id if tabs else ""
    return [
        path
        for path in sorted(STYLES.glob("*.tcss"))
        if path.stem not in tab_ids or path.stem == first
    ]


def tab_label(spec: TabSpec, *, with_key: bool) -> Content:
    """A tab's title, with its F-key when the tab bar has room for every tab's key."""
    title = t(spec.title_key)
    return Content(f"{title} {spec.key.upper()}" if with_key else title)


def tab_bar_width(tabs: list[TabSpec], *, with_keys: bool) -> int:
    """Cells the tab bar needs for ``tabs`` (each tab has one cell of padding each side)."""
    return sum(tab_label(spec, with_key=with_keys).cell_length + 2 for spec in tabs)


def app_keys() -> list[BindingType]:
    """The app's own keys, described in the current UI language."""
    return [
        Binding("f1", "help", t("app.help"), id="app.help"),
        Binding("slash", "search_glossary", t("app.search"), show=False, id="app.search"),
        Binding("escape", "cancel_or_back", t("app.cancel"), show=False, id="app.cancel"),
        Binding("q", "quit", t("app.quit"), show=False, id="app.quit_q"),
        Binding("ctrl+q", "quit", t("app.quit"), priority=True, id="app.quit"),
        Binding(
            App.COMMAND_PALETTE_BINDING,
            "command_palette",
            t("app.palette"),
            show=False,  # the footer shows it on its right
            priority=True,
            id="app.palette",
        ),
        # priority: text areas bind some F-keys (TextArea: F6, F7) for themselves
        *(
            Binding(
                spec.key,
                f"show_tab('{spec.id}')",
                t(spec.title_key),
                show=False,  # the tab bar shows them (and F1 lists them): the footer has room
                priority=True,
                id=f"app.tab_{spec.id}",
            )
            for spec in TABS
        ),
    ]


class StudyApp(App[None]):
    """studyllm-tui: glossary, tokenizer lab, task panels, prompt lab and study."""

    COMMANDS = App.COMMANDS | {GlossaryCommands}
    BINDINGS = app_keys()

    def __init__(
        self,
        config: Config | None = None,
        config_problems: list[Problem] | None = None,
        glossary: Glossary | None = None,
        only_tabs: Collection[str] | None = None,
    ) -> None:
        self.config = config or Config()
        set_language(self.config.lang)
        install_line_breaking()
        self.config_problems = config_problems or []
        self._glossary = glossary
        self.tabs: list[TabSpec] = available_tabs(only_tabs)
        super().__init__(css_path=startup_css(self.tabs))
        describe_keys(self, app_keys())
        self.title = t("app.title")
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme

    @property
    def glossary(self) -> Glossary:
        """The glossary (shipped + the user's), loaded on first use."""
        if self._glossary is None:
            from studyllm_tui.core.glossary import load_glossary

            self._glossary = load_glossary()
        return self._glossary

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="tabs"):
            for index, spec in enumerate(self.tabs):
                with TabPane(tab_label(spec, with_key=True), id=spec.id):
                    if index == 0:  # the first screen; other panes are built when opened
                        yield spec.pane_class()(id=f"{spec.id}-pane")
        yield StudyFooter()

    def on_resize(self, event: Resize | None = None) -> None:
        """Tab labels lose their F-keys when all of them would not fit (80 columns, 7 tabs):
        no tab is hidden off the edge or cut in half. F1 still lists the keys."""
        width = event.size.width if event is not None else self.size.width
        with_keys = tab_bar_width(self.tabs, with_keys=True) <= width
        tabs = self.query_one("#tabs", TabbedContent)
        for spec in self.tabs:
            tab = tabs.get_tab(spec.id)
            label = tab_label(spec, with_key=with_keys)
            if tab.label.plain != label.plain:
                tab.label = label

    def on_mount(self) -> None:
        self.on_resize()
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

    async def ensure_pane(self, tab_id: str) -> Pane | None:
        """The pane of a tab, built (and its module imported) the first time it is needed."""
        spec = next((spec for spec in self.tabs if spec.id == tab_id), None)
        if spec is None:
            return None
        existing = self.query(f"#{tab_id}-pane")
        if existing:
            return existing.first(Pane)
        self.load_tab_css(tab_id)
        pane = spec.pane_class()(id=f"{tab_id}-pane")
        await self.query_one(f"TabPane#{tab_id}", TabPane).mount(pane)
        return pane

    def load_tab_css(self, tab_id: str) -> None:
        """Add ``styles/<tab_id>.tcss`` to the app's style sheet, once, before the tab's pane
        is built (the first screen parses only the sheets it needs)."""
        path = STYLES / f"{tab_id}.tcss"
        if not path.is_file() or self.stylesheet.has_source(os.path.abspath(path)):
            return
        self.stylesheet.read(path)
        if self.css_monitor is not None:  # textual run --dev: watch it like the others
            self.css_monitor.add_paths([path])
        self.refresh_css(animate=False)

    @on(TabbedContent.TabActivated)
    async def _tab_opened(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            await self.ensure_pane(event.pane.id)

    def active_pane(self) -> Pane | None:
        tabs = self.query_one("#tabs", TabbedContent)
        if not tabs.active:
            return None
        panes = self.query(f"#{tabs.active}-pane")
        return panes.first(Pane) if panes else None

    def has_tab(self, tab_id: str) -> bool:
        return any(spec.id == tab_id for spec in self.tabs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for tabs that this build does not have are neither shown nor run."""
        return not (action == "show_tab" and parameters and not self.has_tab(str(parameters[0])))

    async def action_show_tab(self, tab_id: str) -> Pane | None:
        pane = await self.ensure_pane(tab_id)
        if pane is None:
            return None
        tabs = self.query_one("#tabs", TabbedContent)
        if tabs.active != tab_id:
            # Unfocus first. Otherwise hiding the old tab's focused field makes Textual pass the
            # focus to a sibling in that (hidden) tab, TabbedContent switches back to the tab
            # holding the focus for a moment, and the new tab's field, hidden meanwhile, loses
            # the focus we are about to give it (the prompt lab's cursor landed nowhere).
            self.screen.set_focus(None)
        tabs.active = tab_id
        pane.focus_default()
        return pane

    async def open_target(self, target: str) -> None:
        """Open the pane behind a glossary ``try`` target (``tokenizer``, ``tasks/ner`` ...)."""
        tab_id, _, _ = target.partition("/")
        pane = await self.action_show_tab({"bpe": "tokenizer"}.get(tab_id, tab_id))
        if pane is not None:
            pane.show_target(target)

    async def open_term(self, term_id: str) -> None:
        """Show a glossary term in the glossary tab."""
        pane = await self.action_show_tab("glossary")
        if pane is not None:
            pane.show_target(f"term/{term_id}")

    # -- global actions ------------------------------------------------------------------

    def action_help(self) -> None:
        from studyllm_tui.ui.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        pane = self.active_pane()
        self.push_screen(HelpScreen(pane.HELP_KEY if pane else ""))

    async def action_search_glossary(self) -> None:
        """``/`` anywhere outside a text field: the glossary's search box."""
        await self.action_show_tab("glossary")

    def action_cancel_or_back(self) -> None:
        pane = self.active_pane()
        if pane is not None:
            pane.cancel_or_back()

    @on(WorkerFailed)
    def _worker_failed(self, event: WorkerFailed) -> None:
        """A worker outside any pane failed (panes handle their own): never silently."""
        self.notify(event.message, severity="error", markup=False, timeout=10)

    # -- the command palette ---------------------------------------------------------------

    def action_command_palette(self) -> None:
        if self.use_command_palette and not StudyCommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(StudyCommandPalette(id="--command-palette"))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(
            StudyCommandPalette(providers=[ThemeProvider], placeholder=t("app.palette_themes"))
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every entry in the UI language; Textual's own English entries are replaced
        (Theme, Maximize) or left out (Keys: F1 is the help; Screenshot)."""
        for spec in self.tabs:
            yield SystemCommand(
                t("app.cmd_switch_tab", name=t(spec.title_key)),
                spec.key.upper(),
                partial(self.action_show_tab, spec.id),
            )
        pane = self.active_pane()
        if pane is not None:
            yield from pane.commands()
        if self.has_tab("study"):
            yield SystemCommand(
                t("app.cmd_bookmarked"),
                t("app.cmd_bookmarked_help"),
                partial(self.open_target, "study/bookmarked"),
            )
        yield SystemCommand(t("app.help"), t("app.cmd_help_help"), self.action_help)
        yield SystemCommand(t("app.cmd_theme"), t("app.cmd_theme_help"), self.search_themes)
        if screen.maximized is not None:
            yield SystemCommand(
                t("app.cmd_minimize"), t("app.cmd_minimize_help"), screen.action_minimize
            )
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(
                t("app.cmd_maximize"), t("app.cmd_maximize_help"), screen.action_maximize
            )
        yield SystemCommand(t("app.quit"), t("app.cmd_quit_help"), self.exit)
