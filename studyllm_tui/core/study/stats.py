"""Study statistics and their terminal charts (plain text, block characters)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fsrs import Rating, State

from studyllm_tui.core.study.store import Store, local_day, utc

_EIGHTHS = " ▏▎▍▌▋▊▉"


@dataclass(frozen=True)
class Stats:
    today: date
    cards_seen: int
    reviews_total: int
    reviews_today: int
    new_today: int
    due_now: int
    streak_days: int
    retention: float | None  # share of reviews of mature (Review-state) cards not rated Again
    retention_reviews: int
    correct_share: float | None  # share of all reviews not rated Again
    per_day: list[tuple[date, int]]  # reviews per local day, oldest first
    forecast: list[tuple[date, int]]  # cards falling due per local day, today first

    def as_json(self) -> dict[str, object]:
        return {
            "today": self.today.isoformat(),
            "cards_seen": self.cards_seen,
            "reviews_total": self.reviews_total,
            "reviews_today": self.reviews_today,
            "new_today": self.new_today,
            "due_now": self.due_now,
            "streak_days": self.streak_days,
            "retention": self.retention,
            "retention_reviews": self.retention_reviews,
            "correct_share": self.correct_share,
            "reviews_per_day": [{"day": d.isoformat(), "count": n} for d, n in self.per_day],
            "due_forecast": [{"day": d.isoformat(), "count": n} for d, n in self.forecast],
        }


def compute_stats(store: Store, now: datetime, days: int = 14, window_days: int = 30) -> Stats:
    now = utc(now)
    today = local_day(now)
    reviews = store.reviews()
    per_day_counts = Counter(local_day(review.reviewed_at) for review in reviews)
    per_day = [
        (today - timedelta(days=offset), per_day_counts.get(today - timedelta(days=offset), 0))
        for offset in range(days - 1, -1, -1)
    ]
    since = now - timedelta(days=window_days)
    recent = [review for review in reviews if review.reviewed_at >= since]
    mature = [review for review in recent if review.state_before == int(State.Review)]
    retention = (
        sum(review.rating != Rating.Again for review in mature) / len(mature) if mature else None
    )
    correct = sum(review.rating != Rating.Again for review in recent) / len(recent) if recent else None
    rows = store.cards()
    forecast_counts: Counter[date] = Counter()
    due_now = 0
    for row in rows.values():
        if row.card.due <= now:
            due_now += 1
            forecast_counts[today] += 1
        else:
            forecast_counts[local_day(row.card.due)] += 1
    forecast = [
        (today + timedelta(days=offset), forecast_counts.get(today + timedelta(days=offset), 0))
        for offset in range(days)
    ]
    streak = 0
    day = today if per_day_counts.get(today) else today - timedelta(days=1)
    while per_day_counts.get(day):
        streak += 1
        day -= timedelta(days=1)
    return Stats(
        today=today,
        cards_seen=len(rows),
        reviews_total=len(reviews),
        reviews_today=per_day_counts.get(today, 0),
        new_today=store.introduced_on(today),
        due_now=due_now,
        streak_days=streak,
        retention=retention,
        retention_reviews=len(mature),
        correct_share=correct,
        per_day=per_day,
        forecast=forecast,
    )


def bar(value: float, maximum: float, width: int) -> str:
    """A horizontal bar of ``width`` cells at most, with eighth-cell precision."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / maximum * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def bar_chart(rows: list[tuple[str, int]], width: int = 40) -> list[str]:
    """One line per row: ``label │bar count``."""
    if not rows:
        return []
    label_width = max(len(label) for label, _ in rows)
    maximum = max(value for _, value in rows)
    count_width = len(str(maximum))
    lines = []
    for label, value in rows:
        drawn = bar(value, maximum, width)
        lines.append(f"{label.rjust(label_width)} │{drawn.ljust(width)} {str(value).rjust(count_width)}")
    return lines


def day_label(day: date, today: date) -> str:
    return day.strftime("%m-%d") + ("*" if day == today else " ")
