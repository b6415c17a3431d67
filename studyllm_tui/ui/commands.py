"""Command palette: glossary terms, the palette itself in the UI language.

The app's own actions come from ``StudyApp.get_system_commands``; Textual's own entries
(Keys, Screenshot ...) are replaced there, and :class:`StudyCommandPalette` gives the palette
its placeholder and its "no matches" line from the catalogue.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape
from textual.widgets.option_list import Option

from studyllm_tui.core.i18n import language, t
from studyllm_tui.core.safetext import visible
from studyllm_tui.ui.cells import safe_line

if TYPE_CHECKING:
    from studyllm_tui.app import StudyApp


class GlossaryCommands(Provider):
    """Finds glossary terms by any of their names, the same way the glossary search does."""

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    async def search(self, query: str) -> Hits:
        from studyllm_tui.core.glossary.search import index_for

        glossary = self.study_app.glossary
        for hit in index_for(glossary).search(query, limit=15):
            term = hit.term
            title = safe_line(term.title(language()))
            yield Hit(
                hit.score / 100,
                title,
                partial(self.study_app.open_term, term.id),
                text=title.plain,
                help=escape(visible(f"{t('app.cmd_open_term')} · {term.summary_in(language())}")),
            )

    async def discover(self) -> Hits:
        return
        yield DiscoveryHit("", lambda: None)  # pragma: no cover - makes this a generator


class StudyCommandPalette(CommandPalette):
    """Textual's palette with its placeholder and "no matches" line in the UI language."""

    def __init__(self, placeholder: str | None = None, **kwargs: object) -> None:
        super().__init__(placeholder=placeholder or t("app.palette_placeholder"), **kwargs)  # type: ignore[arg-type]

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own method with the catalogue's words (it adds the line in English)
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(t("app.palette_no_matches"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
