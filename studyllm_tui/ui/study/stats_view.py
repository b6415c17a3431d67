"""Statistics of the study record as terminal charts."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from studyllm_tui.core.i18n import t
from studyllm_tui.core.study import Store
from studyllm_tui.core.study.stats import Stats, bar_chart, compute_stats, day_label


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def stats_text(stats: Stats, width: int = 40) -> Text:
    """The whole statistics page: figures, reviews per day, due forecast."""
    text = Text()
    text.append(t("study.stats_title") + "\n", style="bold")
    figures = [
        (t("study.stat_reviews_today"), str(stats.reviews_today)),
        (t("study.stat_new_today"), str(stats.new_today)),
        (t("study.stat_due_now"), str(stats.due_now)),
        (t("study.stat_cards_seen"), str(stats.cards_seen)),
        (t("study.stat_reviews_total"), str(stats.reviews_total)),
        (t("study.stat_streak"), t("study.days", n=stats.streak_days)),
        (
            t("study.stat_retention"),
            f"{_share(stats.retention)} ({t('study.reviews_n', n=stats.retention_reviews)})",
        ),
        (t("study.stat_correct"), _share(stats.correct_share)),
    ]
    for label, value in figures:
        text.append(f"  {label}: ", style="dim")
        text.append(f"{value}\n")
    for title, rows in (
        (t("study.chart_per_day"), stats.per_day),
        (t("study.chart_forecast"), stats.forecast),
    ):
        text.append(f"\n{title}\n", style="bold")
        labelled = [(day_label(day, stats.today), count) for day, count in rows]
        for line in bar_chart(labelled, width):
            text.append(f"  {line}\n")
    return text


class StatsView(VerticalScroll):
    """Shows :func:`stats_text` for a store at a moment."""

    def compose(self) -> ComposeResult:
        yield Static(id="study-stats-body", markup=False)

    def show(self, store: Store, now: datetime) -> None:
        width = max(10, min(60, (self.size.width or 80) - 24))
        self.query_one("#study-stats-body", Static).update(
            stats_text(compute_stats(store, now), width)
        )
