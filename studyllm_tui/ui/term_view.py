"""One glossary term's page: names, Markdown body, the seed correction, links to follow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Markdown, OptionList, Static
from textual.widgets.option_list import Option

from studyllm_tui.core.glossary.display import compact_cjk_spaces
from studyllm_tui.core.i18n import language, t
from studyllm_tui.core.safetext import visible
from studyllm_tui.ui.cells import safe, safe_line

if TYPE_CHECKING:  # the model is imported with the glossary, off the first frame
    from textual.widget import AwaitMount

    from studyllm_tui.core.glossary.model import Glossary, Term
    from studyllm_tui.ui.term_notes import TermNotes

TRY_TABS = {"bpe": "tokenizer"}
NOTES_DELAY = 0.25  # seconds a term stays on screen before its notes are shown


def try_tab(target: str) -> str:
    """The tab that a ``try`` target opens: ``tasks/ner`` -> ``tasks``."""
    head = target.partition("/")[0]
    return TRY_TABS.get(head, head)


class TermView(Vertical):
    """Shows a term. Choosing a link posts :class:`LinkChosen` (``term/<id>`` or a try target)."""

    @dataclass
    class LinkChosen(Message):
        target: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.term: Term | None = None
        self.glossary: Glossary | None = None
        self._notes_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(t("glossary.pick_a_term")), id="term-title")
        yield Static("", id="term-meta", markup=False)
        with VerticalScroll(id="term-scroll"):
            yield Markdown("", id="term-body")  # #term-correction is added when first needed
        yield Static(Content(t("glossary.links")), id="term-links-title")
        yield OptionList(id="term-links", markup=False)

    def show(self, term: Term, available: Callable[[str], bool] = lambda _: True) -> None:
        self.term = term
        lang = language()
        self.query_one("#term-title", Static).update(safe_line(term.title(lang)))
        self.query_one("#term-meta", Static).update(safe(self._meta(term, lang)))
        body = f"**{term.summary_in(lang)}**\n\n{term.body}"
        if lang == "en" and term.summary_en:
            body = f"**{term.summary_en}**\n\n{term.summary}\n\n{term.body}"
        self.query_one("#term-body", Markdown).update(compact_cjk_spaces(visible(body)))
        self._show_correction(term)
        self._fill_links(term, lang, available)
        self._schedule_notes(term)
        self.query_one("#term-scroll").scroll_home(animate=False)

    def clear(self) -> None:
        """Show no term (the search found nothing to preview)."""
        self.term = None
        if self._notes_timer is not None:
            self._notes_timer.stop()
        for old in self.query(".term-notes"):
            old.remove()
        self.query_one("#term-title", Static).update(Content(t("glossary.pick_a_term")))
        self.query_one("#term-meta", Static).update("")
        self.query_one("#term-body", Markdown).update("")
        for correction in self.query("#term-correction"):
            correction.display = False
        self.query_one("#term-links", OptionList).clear_options()
        self.query_one("#term-links", OptionList).display = False
        self.query_one("#term-links-title").display = False

    def _show_correction(self, term: Term) -> None:
        """The seed's mistake that this entry corrects, if any, below the body."""
        shown = self.query("#term-correction")
        if not term.correction:
            if shown:
                shown.first().display = False
            return
        text = compact_cjk_spaces(visible(f"**{t('glossary.correction')}**\n\n{term.correction}"))
        if shown:
            correction = shown.first(Markdown)
            correction.update(text)
        else:
            correction = Markdown(text, id="term-correction")
            self.query_one("#term-scroll").mount(correction, after="#term-body")
        correction.display = True

    def _schedule_notes(self, term: Term) -> None:
        """Show the person's bookmark and note once the term has stayed on screen a moment,
        so that arrowing through a list does not open and close the study records each time."""
        for old in self.query(".term-notes"):
            old.remove()
        if self._notes_timer is not None:
            self._notes_timer.stop()
        self._notes_timer = self.set_timer(NOTES_DELAY, lambda: self._mount_notes(term) and None)

    def _mount_notes(self, term: Term) -> AwaitMount | None:
        from studyllm_tui.ui.term_notes import TermNotes  # opens the study database

        if self.term is term and not self.query(".term-notes"):
            return self.query_one("#term-scroll").mount(TermNotes(term.id, classes="term-notes"))
        return None

    async def notes(self) -> TermNotes | None:
        """The bookmark and note widget of the term shown (built now if not yet there)."""
        from studyllm_tui.ui.term_notes import TermNotes

        if self.term is None:
            return None
        if self._notes_timer is not None:
            self._notes_timer.stop()
        mounting = self._mount_notes(self.term)
        if mounting is not None:
            await mounting
        found = self.query(TermNotes)
        return found.first() if found else None

    def _meta(self, term: Term, lang: str) -> str:
        from studyllm_tui.core.glossary.model import CATEGORIES

        ja, en = CATEGORIES.get(term.category, (term.category, term.category))
        parts = [
            f"{t('glossary.reading')}: {term.reading}",
            f"{t('glossary.category')}: {ja if lang == 'ja' else en}",
        ]
        if term.book:
            parts.append(f"{t('glossary.book')}: {term.book}")
        meta = "   ".join(parts)
        if term.aliases:
            meta += f"\n{t('glossary.aliases')}: {', '.join(term.aliases)}"
        return meta

    def _fill_links(self, term: Term, lang: str, available: Callable[[str], bool]) -> None:
        links = self.query_one("#term-links", OptionList)
        links.clear_options()
        options: list[Option] = []
        if term.try_ and available(try_tab(term.try_)):
            label = t(f"glossary.try_{try_tab(term.try_)}")
            options.append(Option(safe_line(f"▶ {label}  ({term.try_})"), term.try_))
        glossary = self.glossary
        for other_id in term.related:
            other = glossary.get(other_id) if glossary else None
            if other is not None:
                options.append(Option(safe_line(f"→ {other.title(lang)}"), f"term/{other.id}"))
        if glossary is not None:
            for other in glossary.backlinks(term.id):
                if other.id not in term.related:
                    options.append(Option(safe_line(f"← {other.title(lang)}"), f"term/{other.id}"))
        links.add_options(options)
        links.display = bool(options)
        self.query_one("#term-links-title").display = bool(options)
        if options:
            links.highlighted = 0

    def focus_links(self) -> None:
        links = self.query_one("#term-links", OptionList)
        if links.option_count:
            links.focus()
        else:
            self.query_one("#term-scroll").focus()

    @on(OptionList.OptionSelected, "#term-links")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.LinkChosen(event.option.id))
