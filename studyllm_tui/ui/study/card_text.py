"""Texts the study tab draws for a card: the choices and the interval on each rating button."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text

from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible
from studyllm_tui.core.study import CardSpec

LETTERS = "abcd"


def format_interval(delta: timedelta) -> str:
    """A short interval: 1分, 10分, 3時間, 4日, 2か月 (or 1m, 10m, 3h, 4d, 2mo)."""
    seconds = max(0, int(delta.total_seconds()))
    minutes, hours, days = seconds / 60, seconds / 3600, seconds / 86400
    if minutes < 60:
        value, unit = max(1, round(minutes)), "minute"
    elif hours < 24:
        value, unit = round(hours), "hour"
    elif days < 31:
        value, unit = round(days), "day"
    elif days < 365:
        value, unit = round(days / 30), "month"
    else:
        value, unit = round(days / 365), "year"
    return t(f"study.unit_{unit}", n=value)


def choices_text(card: CardSpec, revealed: bool, chosen: int | None) -> Text:
    """The lettered choices; once revealed, the right one green and a wrong pick red."""
    text = Text()
    for index, choice in enumerate(card.choices):
        style = ""
        if revealed and index == card.correct:
            style = "bold green"
        elif revealed and index == chosen:
            style = "bold red"
        text.append(f"  {LETTERS[index]}) ", style="dim")
        text.append(visible(choice, keep_newlines=False), style=style)
        text.append("\n")
    return text
