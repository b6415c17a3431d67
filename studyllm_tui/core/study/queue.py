"""What to study now: the due queue, today's new cards, filters, and a review session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fsrs import Rating, State

from studyllm_tui.core.study.cards import CardSpec
from studyllm_tui.core.study.store import CardRow, Store, local_day, utc

MODES = ("all", "due", "new")
# When nothing else is left, learning cards due this soon are shown early (as Anki does).
LEARN_AHEAD = timedelta(minutes=20)


@dataclass(frozen=True)
class StudyFilter:
    categories: frozenset[str] = frozenset()  # empty: every category
    bookmarked_only: bool = False
    mode: str = "all"  # all | due | new

    def admits(self, card: CardSpec, bookmarks: set[str]) -> bool:
        if self.categories and card.category not in self.categories:
            return False
        return not (self.bookmarked_only and card.term_id not in bookmarks)


@dataclass
class Queue:
    due: list[CardSpec] = field(default_factory=list)
    new: list[CardSpec] = field(default_factory=list)
    new_left_today: int = 0
    next_due: datetime | None = None  # the earliest due time among cards not yet due

    @property
    def cards(self) -> list[CardSpec]:
        return [*self.due, *self.new]

    def __len__(self) -> int:
        return len(self.due) + len(self.new)


def build_queue(
    specs: list[CardSpec],
    store: Store,
    now: datetime,
    new_per_day: int,
    study_filter: StudyFilter | None = None,
) -> Queue:
    """Due cards (earliest first), then today's new cards within the daily limit."""
    study_filter = study_filter or StudyFilter()
    now = utc(now)
    rows = store.cards()
    bookmarks = store.bookmarks() if study_filter.bookmarked_only else set()
    new_left = max(0, new_per_day - store.introduced_on(local_day(now)))
    queue = Queue(new_left_today=new_left)
    due: list[tuple[datetime, CardSpec]] = []
    ahead: list[tuple[datetime, CardSpec]] = []
    for spec in specs:
        if not study_filter.admits(spec, bookmarks):
            continue
        row = rows.get(spec.id)
        if row is None:
            if study_filter.mode != "due" and len(queue.new) < new_left:
                queue.new.append(spec)
            continue
        if study_filter.mode == "new":
            continue
        if row.card.due <= now:
            due.append((row.card.due, spec))
            continue
        if queue.next_due is None or row.card.due < queue.next_due:
            queue.next_due = row.card.due
        if row.card.state != State.Review and row.card.due <= now + LEARN_AHEAD:
            ahead.append((row.card.due, spec))
    due.sort(key=lambda item: (item[0], item[1].id))
    queue.due = [spec for _, spec in due]
    if not queue.due and not queue.new and ahead:
        ahead.sort(key=lambda item: (item[0], item[1].id))
        queue.due = [spec for _, spec in ahead]
    return queue


class ReviewSession:
    """Cards one at a time; every answer is committed before the next card is chosen."""

    def __init__(
        self,
        specs: list[CardSpec],
        store: Store,
        new_per_day: int,
        study_filter: StudyFilter | None = None,
        answered: int = 0,
    ) -> None:
        """``answered``: answers already given in this sitting (a new filter keeps counting)."""
        self.specs = specs
        self.store = store
        self.new_per_day = new_per_day
        self.study_filter = study_filter or StudyFilter()
        self.queue = Queue()
        self.current: CardSpec | None = None
        self.answered = answered
        self._last: str | None = None

    def refresh(self, now: datetime) -> CardSpec | None:
        """Rebuild the queue at ``now`` and pick the next card (None when nothing is left)."""
        self.queue = build_queue(
            self.specs, self.store, now, self.new_per_day, self.study_filter
        )
        cards = self.queue.cards
        # Do not show the card just answered again straight away when another one waits.
        if len(cards) > 1 and cards[0].id == self._last:
            cards = [*cards[1:], cards[0]]
        self.current = cards[0] if cards else None
        return self.current

    def answer(self, rating: Rating, now: datetime, duration_ms: int | None = None) -> CardRow:
        """Record the answer to the current card (committed), then move on."""
        if self.current is None:
            raise RuntimeError("no card to answer")
        row = self.store.record_review(self.current.id, rating, now, duration_ms)
        self.answered += 1
        self._last = self.current.id
        self.refresh(now)
        return row
