"""The values a study record may hold, checked field by field.

Rows reach the store from two places the app does not control: an imported JSON export and a
database written by an older (or a broken) version. Every field is checked for its type, range,
finiteness, allowed values and, for times, that it parses and lies in a sensible span, so that
nothing read later can make the scheduler, the queue or the statistics raise.

A :class:`RowCheck` collects the problems of one row (``cards[3].state: ...``); the ``*_row``
functions return the row's values in the form the store writes, or ``None`` when a problem
was found.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from fsrs import State

from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible

# Times outside these years are refused: far-off dates overflow date arithmetic (a due date in
# 9999 at -14:00 is past the last representable UTC moment), and fsrs never schedules a card
# more than 100 years ahead.
MIN_YEAR = 1970
MAX_YEAR = 2300
MAX_COUNT = 10_000_000  # reps, lapses, learning steps
MAX_DURATION_MS = 7 * 24 * 3600 * 1000
MAX_ID = 300  # characters of a card or term id
MAX_NOTE = 200_000  # characters of one note
STABILITY = (0.001, 1_000_000.0)  # days (fsrs clamps at 0.001)
DIFFICULTY = (1.0, 10.0)  # fsrs's range
STATES = tuple(int(state) for state in State)
RATINGS = (1, 2, 3, 4)
MISSING = object()


def describe(value: Any) -> str:
    """A short, printable description of a value for an error message."""
    if value is None or isinstance(value, (bool, int, float, str)):
        text = repr(value)
        if len(text) > 40:
            text = text[:39] + "…"
        return visible(text, keep_newlines=False)
    kind = "list" if isinstance(value, (list, tuple)) else "object"
    return t(f"study.value_{kind}")


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


@dataclass
class RowCheck:
    """Checks the fields of one row, collecting ``where.field: problem`` lines."""

    row: Mapping[str, Any]
    where: str
    problems: list[str] = field(default_factory=list)

    def problem(self, name: str, message: str) -> None:
        self.problems.append(f"{self.where}.{name}: {message}")

    def get(self, name: str, required: bool) -> Any:
        value = self.row.get(name, MISSING)
        if value is MISSING or value is None:
            if required:
                self.problem(name, t("study.check_missing"))
            return MISSING
        return value

    def text(self, name: str, *, required: bool = True, limit: int = MAX_ID) -> str | None:
        value = self.get(name, required)
        if value is MISSING:
            return None
        if not isinstance(value, str):
            self.problem(name, t("study.check_text", got=describe(value)))
            return None
        if required and not value.strip():
            self.problem(name, t("study.check_empty"))
            return None
        if len(value) > limit:
            self.problem(name, t("study.check_too_long", limit=limit))
            return None
        return value

    def integer(
        self, name: str, low: int, high: int, *, required: bool = True
    ) -> int | None:
        value = self.get(name, required)
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(name, t("study.check_integer", got=describe(value)))
            return None
        if not low <= value <= high:
            self.problem(name, t("study.check_range", low=low, high=high, got=describe(value)))
            return None
        return value

    def choice(self, name: str, choices: tuple[int, ...]) -> int | None:
        value = self.get(name, True)
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value not in choices:
            allowed = ", ".join(str(choice) for choice in choices)
            self.problem(name, t("study.check_choice", choices=allowed, got=describe(value)))
            return None
        return value

    def number(self, name: str, low: float, high: float) -> float | None:
        value = self.get(name, False)
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(name, t("study.check_number", got=describe(value)))
            return None
        number = float(value)
        if not math.isfinite(number):
            self.problem(name, t("study.check_finite", got=describe(value)))
            return None
        if not low <= number <= high:
            self.problem(name, t("study.check_range", low=low, high=high, got=describe(value)))
            return None
        return number

    def moment(self, name: str, *, required: bool = True) -> datetime | None:
        value = self.get(name, required)
        if value is MISSING:
            return None
        if not isinstance(value, str) or len(value) > 64:
            self.problem(name, t("study.check_date", got=describe(value)))
            return None
        try:
            moment = _utc(value)
        except (ValueError, OverflowError):
            self.problem(name, t("study.check_date", got=describe(value)))
            return None
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            self.problem(
                name, t("study.check_year", low=MIN_YEAR, high=MAX_YEAR, got=describe(value))
            )
            return None
        return moment


@dataclass(frozen=True)
class CardValues:
    card_id: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    first_review: datetime
    reps: int
    lapses: int


def card_row(check: RowCheck) -> CardValues | None:
    """A card's scheduling state; fsrs needs a step while learning and both memory values
    (stability, difficulty) once the card is in review."""
    card_id = check.text("card_id")
    state = check.choice("state", STATES)
    step = check.integer("step", 0, MAX_COUNT, required=False)
    stability = check.number("stability", *STABILITY)
    difficulty = check.number("difficulty", *DIFFICULTY)
    due = check.moment("due")
    last_review = check.moment("last_review", required=False)
    first_review = check.moment("first_review")
    reps = check.integer("reps", 0, MAX_COUNT, required=False) or 0
    lapses = check.integer("lapses", 0, MAX_COUNT, required=False) or 0
    if state in (int(State.Learning), int(State.Relearning)) and check.row.get("step") is None:
        check.problem("step", t("study.check_step"))
    if state == int(State.Review):
        for name in ("stability", "difficulty"):
            if check.row.get(name) is None:
                check.problem(name, t("study.check_review_needs"))
    if check.problems or card_id is None or state is None or due is None or first_review is None:
        return None
    if state == int(State.Review):
        step = None
    return CardValues(
        card_id, state, step, stability, difficulty, due, last_review, first_review, reps, lapses
    )


@dataclass(frozen=True)
class ReviewValues:
    card_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int | None
    state_before: int | None
    due_after: datetime | None


def review_row(check: RowCheck) -> ReviewValues | None:
    card_id = check.text("card_id")
    rating = check.choice("rating", RATINGS)
    reviewed_at = check.moment("reviewed_at")
    duration = check.integer("duration_ms", 0, MAX_DURATION_MS, required=False)
    state_before = check.integer("state_before", 0, max(STATES), required=False)
    due_after = check.moment("due_after", required=False)
    if check.problems or card_id is None or rating is None or reviewed_at is None:
        return None
    return ReviewValues(card_id, rating, reviewed_at, duration, state_before, due_after)


def bookmark_row(check: RowCheck) -> tuple[str, datetime | None] | None:
    term_id = check.text("term_id")
    created = check.moment("created", required=False)
    if check.problems or term_id is None:
        return None
    return term_id, created


def note_row(check: RowCheck) -> tuple[str, str, datetime | None] | None:
    term_id = check.text("term_id")
    text = check.text("text", limit=MAX_NOTE)
    updated = check.moment("updated", required=False)
    if check.problems or term_id is None or text is None:
        return None
    return term_id, text, updated
