"""Statistics: reviews per day, retention, due forecast, and the bar charts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fsrs import Rating

from studyllm_tui.core.study import open_store
from studyllm_tui.core.study.stats import bar, bar_chart, compute_stats
from studyllm_tui.core.study.store import local_day, make_scheduler
from tests.test_study_helpers import T0


def test_stats_from_a_known_history(tmp_path: Path):
    store, _ = open_store(tmp_path / "s.sqlite3", scheduler=make_scheduler(fuzz=False))
    day1, day2 = T0, T0 + timedelta(days=1)
    for card in ("a", "b", "c"):
        store.record_review(card, Rating.Good, day1)
        store.record_review(card, Rating.Good, day1 + timedelta(minutes=10))
    # on day 2 the cards are mature (Review state): one forgotten, two remembered
    due_a = store.card("a").card.due
    store.record_review("a", Rating.Again, max(day2, due_a))
    store.record_review("b", Rating.Good, max(day2, store.card("b").card.due))
    store.record_review("c", Rating.Easy, max(day2, store.card("c").card.due))
    now = max(day2, due_a) + timedelta(hours=1)
    stats = compute_stats(store, now, days=7)
    assert stats.reviews_total == 9
    assert stats.cards_seen == 3
    assert stats.retention_reviews == 3
    assert abs(stats.retention - 2 / 3) < 1e-9
    assert abs(stats.correct_share - 8 / 9) < 1e-9
    per_day = dict(stats.per_day)
    assert sum(per_day.values()) == 9
    assert per_day[local_day(now)] >= 3
    assert sum(count for _, count in stats.forecast) <= 3
    year = compute_stats(store, now, days=365)
    assert sum(count for _, count in year.forecast) == 3  # every card falls due in a year
    assert year.forecast[0][1] == 1  # card a, forgotten, is relearning today
    consecutive = local_day(now) - local_day(day1) == timedelta(days=1)
    assert stats.streak_days == (2 if consecutive else 1)
    assert stats.as_json()["reviews_total"] == 9
    store.close()


def test_empty_history_has_no_retention(tmp_path: Path):
    store, _ = open_store(tmp_path / "s.sqlite3")
    stats = compute_stats(store, T0)
    assert stats.retention is None and stats.correct_share is None and stats.streak_days == 0
    store.close()


def test_bars_scale_to_the_largest_value():
    assert bar(10, 10, 8) == "█" * 8
    assert bar(5, 10, 8) == "█" * 4
    assert bar(0, 10, 8) == ""
    assert bar(1, 1000, 8) == "▏"  # a non-zero value always shows
    lines = bar_chart([("05-01", 2), ("05-02", 4)], width=4)
    assert lines == ["05-01 │██   2", "05-02 │████ 4"]
