"""The study tab: review cards by keyboard, filters, a model check, and statistics."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone

from fsrs import Rating
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Checkbox, ContentSwitcher, Markdown, Select, Static
from textual.worker import Worker

from studyllm_tui.core.glossary.display import compact_cjk_spaces
from studyllm_tui.core.glossary.model import CATEGORIES
from studyllm_tui.core.i18n import language, t
from studyllm_tui.core.safetext import visible
from studyllm_tui.core.study import (
    MODES,
    CardSpec,
    ReviewSession,
    Store,
    StoreError,
    StudyFilter,
    cards_for,
    default_store,
    take_notices,
)
from studyllm_tui.core.study.cards import KIND_PREDICT, category_name
from studyllm_tui.core.study.predict import Prediction
from studyllm_tui.ui.study.card_text import choices_text, format_interval
from studyllm_tui.ui.study.model_check import ModelCheck
from studyllm_tui.ui.study.notes_screen import NotesScreen
from studyllm_tui.ui.study.stats_view import StatsView

RATING_KEYS = {Rating.Again: "1", Rating.Hard: "2", Rating.Good: "3", Rating.Easy: "4"}
ALL = "__all__"


class StudyPane(ModelCheck):
    """Spaced repetition over the glossary, with the book's 'predict the model' cards."""

    HELP_KEY = "study.help"
    BINDINGS = [
        Binding("space,enter", "reveal", t("study.reveal"), id="study.reveal"),
        Binding("1", "rate(1)", t("study.rate_again"), id="study.again"),
        Binding("2", "rate(2)", t("study.rate_hard"), id="study.hard"),
        Binding("3", "rate(3)", t("study.rate_good"), id="study.good"),
        Binding("4", "rate(4)", t("study.rate_easy"), id="study.easy"),
        Binding("a", "choose(0)", "a", show=False, id="study.choose_a"),
        Binding("b", "choose(1)", "b", show=False, id="study.choose_b"),
        Binding("c", "choose(2)", "c", show=False, id="study.choose_c"),
        Binding("d", "choose(3)", "d", show=False, id="study.choose_d"),
        Binding("m", "run_model", t("study.run_model"), id="study.run_model"),
        Binding("asterisk", "bookmark", t("study.bookmark"), id="study.bookmark"),
        Binding("n", "notes", t("study.notes"), id="study.notes"),
        Binding("o", "open_term", t("study.open_term"), show=False, id="study.open_term"),
        Binding("s", "toggle_stats", t("study.stats"), id="study.stats"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
        self.store: Store | None = None
        self.session: ReviewSession | None = None
        self.revealed = False
        self.chosen: int | None = None
        self.shown_at = time.monotonic()
        self.model_text: Text | None = None
        self._model_worker: Worker[Prediction] | None = None

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        lang = language()
        categories: list[tuple[str, str]] = [(t("study.all_categories"), ALL)]
        categories += [(category_name(c, lang), c) for c in CATEGORIES]
        with Horizontal(id="study-filters"):
            yield Select(
                categories, value=ALL, allow_blank=False, id="study-category", compact=True
            )
            yield Select(
                [(t(f"study.mode_{mode}"), mode) for mode in MODES],
                value="all",
                allow_blank=False,
                id="study-mode",
                compact=True,
            )
            yield Checkbox(t("study.bookmarked_only"), id="study-bookmarked", compact=True)
        yield Static(id="study-counts", markup=False)
        with ContentSwitcher(initial="study-review", id="study-switcher"):
            with VerticalScroll(id="study-review"):
                yield Static(id="study-kind", markup=False)
                yield Static(id="study-prompt", markup=False)
                yield Static(id="study-choices", markup=False)
                yield Static(id="study-answer", markup=False)
                yield Static(id="study-detail", markup=False)
                yield Markdown("", id="study-detail-md")
                yield Static(id="study-model", markup=False)
            yield StatsView(id="study-stats")
        with Vertical(id="study-bottom"):
            yield Static(id="study-hint", markup=False)
            with Horizontal(id="study-ratings"):
                for rating, key in RATING_KEYS.items():
                    button = Button(
                        "",
                        id=f"study-rate-{key}",
                        classes=f"rate-{rating.name.lower()}",
                        compact=True,
                    )
                    button.can_focus = False
                    yield button

    def on_mount(self) -> None:
        self.query_one("#study-review", VerticalScroll).can_focus = True
        self.open_store()

    def focus_default(self) -> None:
        self.query_one("#study-review", VerticalScroll).focus()

    # -- state --------------------------------------------------------------------------

    def open_store(self) -> None:
        try:
            self.store = default_store()
        except (StoreError, OSError) as error:
            self.store = None
            self.show_message(t("study.store_failed", error=str(error)))
            return
        for notice in take_notices():
            self.app.notify(notice, severity="warning", timeout=30, markup=False)
        self.start_session()

    def current_filter(self) -> StudyFilter:
        category = self.query_one("#study-category", Select).value
        mode = self.query_one("#study-mode", Select).value
        return StudyFilter(
            categories=frozenset() if category == ALL else frozenset({str(category)}),
            bookmarked_only=self.query_one("#study-bookmarked", Checkbox).value,
            mode=str(mode) if mode in MODES else "all",
        )

    def start_session(self) -> None:
        if self.store is None:
            return
        specs = cards_for(self.study_app.glossary, language())
        new_per_day = self.study_app.config.study.new_per_day
        answered = self.session.answered if self.session else 0  # a new filter keeps counting
        self.session = ReviewSession(
            specs, self.store, new_per_day, self.current_filter(), answered
        )
        self.session.refresh(self.clock())
        self.show_card()

    @property
    def card(self) -> CardSpec | None:
        return self.session.current if self.session else None

    # -- rendering ----------------------------------------------------------------------

    def show_message(self, message: str) -> None:
        for name in ("kind", "choices", "answer", "detail", "model"):
            self.query_one(f"#study-{name}", Static).update("")
        self.query_one("#study-detail-md", Markdown).display = False
        self.query_one("#study-prompt", Static).update(Content(message))
        self.query_one("#study-hint", Static).update("")
        self.query_one("#study-ratings").display = False

    def show_card(self) -> None:
        self.cancel_model()
        self.revealed = False
        self.chosen = None
        self.model_text = None
        self.shown_at = time.monotonic()
        self.update_counts()
        card = self.card
        if card is None:
            self.show_message(self.done_message())
            return
        self.render_card()
        self.refresh_bindings()

    def done_message(self) -> str:
        if not self.study_app.glossary.terms and self.session and not self.session.specs:
            return t("study.no_cards")
        queue = self.session.queue if self.session else None
        lines = [t("study.done")]
        if queue is not None and queue.next_due is not None:
            when = queue.next_due.astimezone().strftime("%Y-%m-%d %H:%M")
            lines.append(t("study.next_due", when=when))
        if queue is not None and queue.new_left_today == 0:
            lines.append(t("study.new_limit_reached"))
        return "\n".join(lines)

    def update_counts(self) -> None:
        if self.session is None or self.store is None:
            return
        queue = self.session.queue
        today = self.store.reviewed_on(self.clock().astimezone().date())
        self.query_one("#study-counts", Static).update(
            t(
                "study.counts",
                due=len(queue.due),
                new=len(queue.new),
                today=today,
                session=self.session.answered,
            )
        )

    def render_card(self) -> None:
        card = self.card
        if card is None:
            return
        lang = language()
        kind = t(f"study.kind_{card.kind}")
        where = category_name(card.category, lang)
        bookmark = ""
        if card.term_id and self.store is not None and self.store.is_bookmarked(card.term_id):
            bookmark = " ★"
        self.query_one("#study-kind", Static).update(
            Content(visible(f"{kind} · {where}{bookmark}"))
        )
        # cards come from glossary files (the user's too) and imports: control characters shown
        self.query_one("#study-prompt", Static).update(Content(visible(card.prompt)))
        self.query_one("#study-choices", Static).update(
            choices_text(card, self.revealed, self.chosen)
        )
        answer = self.query_one("#study-answer", Static)
        detail = self.query_one("#study-detail", Static)
        model = self.query_one("#study-model", Static)
        ratings = self.query_one("#study-ratings")
        markdown = self.query_one("#study-detail-md", Markdown)
        if not self.revealed:
            answer.update("")
            detail.update("")
            markdown.display = False
            model.update("")
            ratings.display = False
            hint = "study.hint_choose" if card.choices else "study.hint_reveal"
            self.query_one("#study-hint", Static).update(Content(t(hint)))
            return
        verdict = ""
        if card.choices and self.chosen is not None:
            verdict = t("study.right") if self.chosen == card.correct else t("study.wrong")
            verdict += "  "
        answer.update(Text(f"{verdict}{t('study.answer')}: {visible(card.answer)}", style="bold"))
        # The glossary's explanation is the app's own Markdown; anything else (notes, model
        # inputs) is shown literally.
        detail.display = not card.detail_markdown
        markdown.display = card.detail_markdown
        if card.detail_markdown:
            detail.update("")
            markdown.update(compact_cjk_spaces(visible(card.detail)))
        else:
            detail.update(Content(visible(card.detail)))
        model.update(self.model_text or "")
        ratings.display = True
        self.label_ratings()
        hint = "study.hint_rate_model" if card.kind == KIND_PREDICT else "study.hint_rate"
        self.query_one("#study-hint", Static).update(Content(t(hint)))

    def label_ratings(self) -> None:
        card = self.card
        if card is None or self.store is None:
            return
        intervals = self.store.preview(card.id, self.clock())
        for rating, key in RATING_KEYS.items():
            label = t(f"study.rate_{rating.name.lower()}")
            button = self.query_one(f"#study-rate-{key}", Button)
            button.label = Content(f"{key} {label} · {format_interval(intervals[rating])}")

    # -- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        card = self.card
        reviewing = self.query_one("#study-switcher", ContentSwitcher).current == "study-review"
        if action == "reveal":
            return card is not None and not self.revealed and reviewing
        if action == "rate":
            return card is not None and self.revealed and reviewing
        if action == "choose":
            index = int(str(parameters[0])) if parameters else 0
            return card is not None and not self.revealed and index < len(card.choices)
        if action == "run_model":
            return card is not None and card.kind == KIND_PREDICT and self.revealed
        if action in ("bookmark", "notes", "open_term"):
            return card is not None and bool(card.term_id) and reviewing
        return True

    def action_reveal(self) -> None:
        if self.card is None or self.revealed:
            return
        self.revealed = True
        self.render_card()
        self.refresh_bindings()

    def action_choose(self, index: int) -> None:
        card = self.card
        if card is None or self.revealed or index >= len(card.choices):
            return
        self.chosen = index
        self.action_reveal()

    def action_rate(self, value: int) -> None:
        if self.session is None or self.card is None or not self.revealed:
            return
        duration = int((time.monotonic() - self.shown_at) * 1000)
        try:
            self.session.answer(Rating(value), self.clock(), duration)
        except Exception as error:  # the database went away: say so, keep the card
            self.app.notify(
                t("study.save_failed", error=str(error)), severity="error", markup=False
            )
            return
        self.show_card()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("study-rate-"):
            event.stop()
            self.action_rate(int(event.button.id.rsplit("-", 1)[1]))

    def action_bookmark(self) -> None:
        card = self.card
        if card is None or not card.term_id or self.store is None:
            return
        on = not self.store.is_bookmarked(card.term_id)
        try:
            self.store.set_bookmark(card.term_id, on)
        except StoreError as error:  # read-only, or in use by another app
            self.app.notify(str(error), severity="error", markup=False)
            return
        self.app.notify(t("study.bookmarked" if on else "study.unbookmarked"), markup=False)
        self.render_card()

    def action_notes(self) -> None:
        card = self.card
        if card is None or not card.term_id:
            return
        term = self.study_app.glossary.get(card.term_id)
        title = term.title(language()) if term else card.term_id
        self.app.push_screen(NotesScreen(card.term_id, title))

    def action_open_term(self) -> None:
        card = self.card
        if card is not None and card.term_id:
            self.call_later(self.study_app.open_term, card.term_id)

    def action_toggle_stats(self) -> None:
        switcher = self.query_one("#study-switcher", ContentSwitcher)
        if switcher.current == "study-stats":
            switcher.current = "study-review"
            self.focus_default()
        else:
            if self.store is None:
                return
            self.query_one(StatsView).show(self.store, self.clock())
            switcher.current = "study-stats"
            self.query_one(StatsView).focus()
        self.refresh_bindings()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.session is not None:
            self.start_session()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if self.session is not None:
            self.start_session()

    def cancel_or_back(self) -> bool:
        if self.cancel_model():
            self.model_text = Text(t("study.model_cancelled"), style="dim")
            self.query_one("#study-model", Static).update(self.model_text)
            return True
        if self.query_one("#study-switcher", ContentSwitcher).current == "study-stats":
            self.action_toggle_stats()
            return True
        return False

    def show_target(self, target: str) -> None:
        if target == "study/bookmarked":
            self.query_one("#study-bookmarked", Checkbox).value = True
        self.focus_default()
