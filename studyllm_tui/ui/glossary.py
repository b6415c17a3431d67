"""The glossary tab: categories, incremental search, a term's page, links and history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static, Tree
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode

from studyllm_tui.core.glossary.history import History
from studyllm_tui.core.i18n import language, t
from studyllm_tui.core.safetext import visible
from studyllm_tui.ui.cells import safe_line
from studyllm_tui.ui.pane import Pane, describe_keys
from studyllm_tui.ui.term_view import TermView

if TYPE_CHECKING:  # the model is imported with the glossary, off the first frame
    from studyllm_tui.core.glossary.model import Glossary, Term

MAX_RESULTS = 50


def glossary_keys() -> list[BindingType]:
    """The pane's keys, described in the current UI language."""
    return [
        Binding("slash", "focus_search", t("glossary.key_search"), id="glossary.search"),
        Binding("alt+left,backspace", "back", t("glossary.key_back"), id="glossary.back"),
        Binding("alt+right", "forward", t("glossary.key_forward"), id="glossary.forward"),
        Binding("b", "toggle_bookmark", t("glossary.key_bookmark"), id="glossary.bookmark"),
        Binding("n", "edit_note", t("glossary.key_note"), id="glossary.note"),
    ]


class GlossaryTree(Tree[str]):
    """The category tree; a label too long for the column ends in "…" instead of running
    off under a horizontal scrollbar (which showed as a stray ``▌`` on the last row)."""

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        text = super().render_label(node, base_style, style)
        depth, parent = 0, node.parent
        while parent is not None and parent is not self.root:
            depth, parent = depth + 1, parent.parent
        room = self.scrollable_content_region.width - depth * self.guide_depth
        if room > 4 and text.cell_len > room:
            text.truncate(room, overflow="ellipsis")
        return text

    def on_resize(self) -> None:
        self._invalidate()


class GlossaryPane(Pane):
    """Browse by category, search as you type, follow links, go back and forward."""

    HELP_KEY = "glossary.help"
    BINDINGS = glossary_keys()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        describe_keys(self, glossary_keys())
        self.history = History()
        self.glossary: Glossary | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="glossary-left"):
            yield Input(placeholder=t("glossary.search_placeholder"), id="glossary-search")
            yield Static(t("glossary.loading"), id="glossary-status", markup=False)
            tree = GlossaryTree(Text(t("glossary.tree_root")), id="glossary-tree")
            tree.show_root = False
            yield tree
            yield OptionList(id="glossary-results", markup=False)
        yield TermView(id="term-view")

    def on_mount(self) -> None:
        # after the first frame: the loading thread would otherwise compete with it
        self.call_after_refresh(self.load_glossary)

    @work(thread=True, exclusive=True, group="glossary:load", exit_on_error=False)
    def load_glossary(self) -> None:
        from studyllm_tui.core.glossary.search import index_for

        glossary = self.study_app.glossary
        index_for(glossary)  # build the search index off the UI thread
        self.app.call_from_thread(self._show_glossary, glossary)

    def _show_glossary(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.query_one(TermView).glossary = glossary
        self._fill_tree(glossary)
        self._set_status(self._overview())
        if glossary.problems:
            lines = visible("\n".join(str(problem) for problem in glossary.problems[:3]))
            self.notify(
                f"{t('glossary.problems', count=len(glossary.problems))}\n{lines}",
                severity="warning",
                timeout=12,
                markup=False,
            )
        query = self.query_one("#glossary-search", Input).value
        if query:
            self._search(query)

    def _overview(self) -> str:
        assert self.glossary is not None
        text = t("glossary.count", count=len(self.glossary))
        if self.glossary.problems:
            text += "  " + t("glossary.problems_short", count=len(self.glossary.problems))
        return text

    def _fill_tree(self, glossary: Glossary) -> None:
        from studyllm_tui.core.glossary.model import CATEGORIES

        tree: Tree[str] = self.query_one("#glossary-tree", Tree)
        tree.clear()
        lang = language()
        for category, terms in glossary.by_category().items():
            ja, en = CATEGORIES.get(category, (category, category))
            name = ja if lang == "ja" else en
            label = visible(f"{name} ({len(terms)})", keep_newlines=False)
            branch = tree.root.add(Text(label, style="bold"), data="")
            for term in terms:
                name = term.ja if lang == "ja" else term.en
                branch.add_leaf(Text(visible(name, keep_newlines=False)), data=term.id)
        first = tree.root.children[0] if tree.root.children else None
        if first is not None:
            first.expand()

    def _set_status(self, text: str) -> None:
        self.query_one("#glossary-status", Static).update(safe_line(text))

    # -- search -------------------------------------------------------------------------

    @on(Input.Changed, "#glossary-search")
    def _query_changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, query: str) -> None:
        tree = self.query_one("#glossary-tree")
        results = self.query_one("#glossary-results", OptionList)
        if self.glossary is None:
            return
        if not query.strip():
            tree.display, results.display = True, False
            self._set_status(self._overview())
            return
        tree.display, results.display = False, True
        from studyllm_tui.core.glossary.search import index_for

        index = index_for(self.glossary)
        hits = index.search(query, limit=MAX_RESULTS)
        results.clear_options()
        lang = language()
        if hits:
            results.add_options(
                Option(safe_line(f"{hit.term.title(lang)}  · {hit.term.summary_in(lang)}"), hit.id)
                for hit in hits
            )
            results.highlighted = 0
            self._set_status(t("glossary.results", count=len(hits)))
        else:
            nearest = index.suggest(query)
            names = "、".join(term.title(lang) for term in nearest)
            self._set_status(t("glossary.no_result", query=query, nearest=names))
            results.add_options(Option(safe_line(term.title(lang)), term.id) for term in nearest)
        # the preview shows a term of this list, or none: never one left from an earlier query
        view = self.query_one(TermView)
        listed = {hit.id for hit in hits}
        if view.term is not None and view.term.id not in listed:
            view.clear()

    @on(Input.Submitted, "#glossary-search")
    def _open_first(self) -> None:
        results = self.query_one("#glossary-results", OptionList)
        if results.display and results.option_count:
            option = results.get_option_at_index(results.highlighted or 0)
            if option.id:
                self.open_term(option.id, focus_links=True)

    def on_key(self, event: events.Key) -> None:
        search = self.query_one("#glossary-search", Input)
        if event.key == "down" and search.has_focus:
            target = self.query_one("#glossary-results" if search.value else "#glossary-tree")
            target.focus()
            event.stop()

    @on(OptionList.OptionHighlighted, "#glossary-results")
    def _preview_result(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.open_term(event.option.id, record=False)

    @on(OptionList.OptionSelected, "#glossary-results")
    def _select_result(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_term(event.option.id, focus_links=True)

    @on(Tree.NodeHighlighted, "#glossary-tree")
    def _preview_node(self, event: Tree.NodeHighlighted[str]) -> None:
        if event.node.data:
            self.open_term(event.node.data, record=False)

    @on(Tree.NodeSelected, "#glossary-tree")
    def _select_node(self, event: Tree.NodeSelected[str]) -> None:
        if event.node.data:
            self.open_term(event.node.data, focus_links=True)

    # -- terms and history --------------------------------------------------------------

    def open_term(self, term_id: str, *, record: bool = True, focus_links: bool = False) -> None:
        if self.glossary is None or term_id not in self.glossary:
            return
        if record:
            self.history.visit(term_id)
        else:
            self.history.preview(term_id)
        view = self.query_one(TermView)
        view.show(self.glossary.terms[term_id], available=self.study_app.has_tab)
        if focus_links:
            view.focus_links()

    @on(TermView.LinkChosen)
    async def _follow(self, event: TermView.LinkChosen) -> None:
        if event.target.startswith("term/"):
            self.open_term(event.target.removeprefix("term/"), focus_links=True)
        else:
            await self.study_app.open_target(event.target)

    def action_back(self) -> None:
        term_id = self.history.back()
        if term_id:
            self.open_term(term_id, record=False, focus_links=True)

    def action_forward(self) -> None:
        term_id = self.history.forward()
        if term_id:
            self.open_term(term_id, record=False, focus_links=True)

    def action_focus_search(self) -> None:
        self.query_one("#glossary-search", Input).focus()

    # -- bookmark and note of the term shown ---------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_bookmark", "edit_note"):
            return self.query_one(TermView).term is not None
        return True

    async def action_toggle_bookmark(self) -> None:
        notes = await self.query_one(TermView).notes()
        if notes is not None:
            notes.toggle_bookmark()

    async def action_edit_note(self) -> None:
        notes = await self.query_one(TermView).notes()
        if notes is not None:
            notes.start_edit()

    def commands(self) -> Iterable[SystemCommand]:
        if self.query_one(TermView).term is None:
            return
        yield SystemCommand(
            t("app.cmd_bookmark"), t("app.cmd_bookmark_help"), self.action_toggle_bookmark
        )
        yield SystemCommand(t("app.cmd_note"), t("app.cmd_note_help"), self.action_edit_note)

    # -- Pane hooks -----------------------------------------------------------------------

    def focus_default(self) -> None:
        self.action_focus_search()

    def show_target(self, target: str) -> None:
        if target.startswith("term/"):
            term_id = target.removeprefix("term/")
            if self.glossary is None:
                self.glossary = self.study_app.glossary
                self._show_glossary(self.glossary)
            self.open_term(term_id, focus_links=True)

    def cancel_or_back(self) -> bool:
        search = self.query_one("#glossary-search", Input)
        if search.value:
            search.value = ""
            search.focus()
            return True
        if not search.has_focus:
            search.focus()
            return True
        return False

    def current_term(self) -> Term | None:
        view = self.query_one(TermView)
        return view.term
