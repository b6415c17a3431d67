"""Pictures of task results as Rich Text: bars, a gauge, a heatmap, highlighted entities.

Model and user text is always appended as plain text (never parsed as markup), with its
control characters made visible (:func:`studyllm_tui.core.safetext.visible`); widths are
terminal cells (:mod:`studyllm_tui.ui.cells`).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible
from studyllm_tui.ui.cells import cell_len, clip, pad

BAR_WIDTH = 30
ENTITY_COLOURS = {
    "人名": "#e06c75",
    "法人名": "#61afef",
    "地名": "#98c379",
    "政治的組織名": "#c678dd",
    "施設名": "#e5c07b",
    "製品名": "#56b6c2",
    "イベント名": "#d19a66",
    "その他の組織名": "#abb2bf",
}


def _one_line(text: str) -> str:
    return visible(text.replace("\n", " "), keep_newlines=False)


def bar(value: float, width: int = BAR_WIDTH) -> str:
    value = max(0.0, min(1.0, value))
    full = round(value * width * 8)
    blocks = " ▏▎▍▌▋▊▉█"
    text = "█" * (full // 8) + (blocks[full % 8] if full % 8 else "")
    return text.ljust(width, "·")


def probability_bars(
    scores: dict[str, float], best: str | None = None, width: int = BAR_WIDTH
) -> Text:
    out = Text()
    names = {label: clip(_one_line(label), 24) for label in scores}
    name_width = max((cell_len(name) for name in names.values()), default=0)
    for label, score in scores.items():
        style = "bold green" if label == best else ""
        out.append(pad(names[label], name_width), style=style)
        out.append("  ")
        out.append(bar(score, width), style="green" if label == best else "blue")
        out.append(f" {score:6.1%}\n")
    return out


def gauge(score: float, low: float = 0.0, high: float = 5.0, width: int = 40) -> Text:
    """A 0-5 gauge with a marker at ``score`` (clamped for display)."""
    position = round((max(low, min(high, score)) - low) / (high - low) * (width - 1))
    out = Text()
    out.append(f"{low:g} ")
    for index in range(width):
        if index == position:
            out.append("●", style="bold yellow")
        else:
            out.append("━", style="green" if index < position else "grey50")
    out.append(f" {high:g}   ")
    out.append(f"{score:.2f}", style="bold")
    return out


def heat_colour(value: float) -> str:
    """Blue (-1) through dark (0) to red (1)."""
    value = max(-1.0, min(1.0, value))
    if value >= 0:
        return f"rgb({int(40 + 200 * value)},{int(40 + 40 * value)},{int(60 - 20 * value)})"
    value = -value
    return f"rgb({int(40 - 20 * value)},{int(40 + 60 * value)},{int(60 + 180 * value)})"


def heatmap(matrix: list[list[float]], sentences: list[str]) -> Text:
    out = Text()
    out.append("     ")
    for column in range(len(matrix)):
        out.append(f"  #{column + 1:<4}")
    out.append("\n")
    for row, values in enumerate(matrix):
        out.append(f" #{row + 1:<3}")
        for value in values:
            out.append(f" {value:5.2f} ", style=f"bold white on {heat_colour(value)}")
        out.append("\n")
    out.append("\n")
    for index, sentence in enumerate(sentences):
        out.append(f" #{index + 1}: ", style="bold")
        out.append(clip(_one_line(sentence), 200))
        out.append("\n")
    return out


def entity_colour(kind: str) -> str:
    return ENTITY_COLOURS.get(kind, "#888888")


def highlighted_entities(text: str, entities: list[Any]) -> Text:
    """``text`` with each entity's span coloured; each piece made visible on its own, so
    that the offsets stay right even where a control character becomes several."""
    out = Text()
    at = 0
    for entity in sorted(entities, key=lambda e: e.start):
        if entity.start < at:
            continue
        out.append(visible(text[at : entity.start]))
        style = f"bold black on {entity_colour(entity.type)}"
        out.append(visible(text[entity.start : entity.end]), style=style)
        at = entity.end
    out.append(visible(text[at:]))
    return out


def entity_legend(entities: list[Any]) -> Text:
    out = Text()
    for kind, colour in ENTITY_COLOURS.items():
        count = sum(1 for e in entities if e.type == kind)
        out.append(f" {kind} ", style=f"bold black on {colour}")
        out.append(f" {count}  ")
    return out


def entity_list(entities: list[Any]) -> Text:
    out = Text()
    if not entities:
        out.append(t("tasks.no_entities"), style="italic")
        return out
    for entity in entities:
        out.append(f" {entity.type} ", style=f"bold black on {entity_colour(entity.type)}")
        out.append(" ")
        out.append(_one_line(entity.text))
        out.append(f"  [{entity.start}:{entity.end}] {entity.score:.3f}\n", style="dim")
    return out


def bio_table(tokens: list[Any]) -> Text:
    out = Text()
    out.append(
        pad(t("tasks.bio_token"), 15)
        + pad(t("tasks.bio_label"), 17)
        + pad(t("tasks.bio_span"), 11)
        + "score\n",
        style="bold",
    )
    for tag in tokens:
        span = f"{tag.start}-{tag.end}" if tag.start is not None else "-"
        label_style = "dim" if tag.label == "O" else "bold"
        out.append(pad(clip(_one_line(tag.token), 14), 14) + " ")
        out.append(pad(clip(_one_line(tag.label), 17), 17), style=label_style)
        out.append(f"{span:<10} {tag.score:.3f}\n")
    return out


def fill_candidates(candidates: list[Any]) -> Text:
    scores = {c.token: c.score for c in candidates}
    out = probability_bars(scores, candidates[0].token if candidates else None)
    out.append("\n")
    for candidate in candidates[:3]:
        out.append("→ ", style="dim")
        out.append(_one_line(candidate.sequence))
        out.append("\n")
    return out


def next_token_table(candidates: list[Any], temperature: float, chosen: int | None) -> Text:
    out = Text()
    out.append(
        pad(t("tasks.nt_token"), 16) + pad("p (T=1)", 23) + f"p (T={temperature:g})\n", style="bold"
    )
    for candidate in candidates:
        mark = "▶ " if candidate.token_id == chosen else "  "
        out.append(mark, style="bold yellow")
        out.append(pad(clip(_one_line(candidate.token), 13), 14))
        out.append(" ")
        out.append(bar(candidate.prob, 14), style="blue")
        out.append(f" {candidate.prob:5.1%}  ")
        out.append(bar(candidate.prob_at_temperature, 14), style="magenta")
        out.append(f" {candidate.prob_at_temperature:5.1%}\n")
    return out
