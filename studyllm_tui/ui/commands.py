"""Command palette: glossary terms (the app's own actions come from get_system_commands)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from studyllm_tui.core.i18n import language, t

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
            yield Hit(
                hit.score / 100,
                Content(term.title(language())),
                partial(self.study_app.open_term, term.id),
                text=term.title(language()),
                help=escape(f"{t('app.cmd_open_term')} · {term.summary_in(language())}"),
            )

    async def discover(self) -> Hits:
        return
        yield DiscoveryHit("", lambda: None)  # pragma: no cover - makes this a generator
