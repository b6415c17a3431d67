"""Drawing a run: the curves (textual-plotext) and the before/after table (Rich).

Model answers, prompts and label names come from data or models: they go into Rich ``Text``
cells (never markup) after :func:`visible`.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual_plotext import PlotextPlot

from studyllm_tui.core.i18n import t
from studyllm_tui.core.safetext import visible
from studyllm_tui.core.tuning.monitor import RunMonitor


def draw_curves(loss_plot: PlotextPlot, eval_plot: PlotextPlot, monitor: RunMonitor) -> None:
    """Redraw both plots from the monitor (called a few times a second at most)."""
    plt = loss_plot.plt
    plt.clear_data()
    plt.title(t("tuning.curve_loss"))
    if monitor.loss:
        plt.plot([s for s, _ in monitor.loss], [v for _, v in monitor.loss], label=t("tuning.curve_train"))
    if monitor.eval_loss:
        plt.plot([s for s, _ in monitor.eval_loss], [v for _, v in monitor.eval_loss],
                 label=t("tuning.curve_eval"), marker="dot")
    plt.xlabel(t("tuning.curve_step"))
    loss_plot.refresh()
    plt = eval_plot.plt
    plt.clear_data()
    plt.title(t("tuning.curve_metric", name=monitor.metric_name or "–"))
    if monitor.eval_metric:
        plt.plot([s for s, _ in monitor.eval_metric], [v for _, v in monitor.eval_metric], marker="dot")
    plt.xlabel(t("tuning.curve_step"))
    eval_plot.refresh()


def _confusion(matrix: list[list[int]], labels: list[str], title: str) -> Table:
    table = Table(title=title, show_edge=False, pad_edge=False, title_justify="left")
    table.add_column(Text(t("tuning.true_predicted")))
    for label in labels:
        table.add_column(Text(visible(label, keep_newlines=False)), justify="right")
    for label, row in zip(labels, matrix, strict=True):
        table.add_row(Text(visible(label, keep_newlines=False)), *[Text(str(v)) for v in row])
    return table


def render_done(done: dict[str, Any]) -> RenderableType:
    """The before/after comparison of a finished run."""
    parts: list[RenderableType] = []
    summary = Table(show_edge=False, pad_edge=False, box=None)
    summary.add_column("")
    summary.add_column(Text(t("tuning.before")), justify="right")
    summary.add_column(Text(t("tuning.after")), justify="right")
    for key, name, fmt in (("accuracy", "tuning.accuracy", "{:.3f}"), ("loss", "tuning.heldout_loss", "{:.4f}"),
                           ("margin", "tuning.margin", "{:.3f}")):
        if f"{key}_before" in done:
            summary.add_row(Text(t(name)), fmt.format(done[f"{key}_before"]), fmt.format(done[f"{key}_after"]))
    parts.append(summary)
    if "confusion_after" in done:
        labels = [str(x) for x in done.get("labels", [])]
        parts.append(_confusion(done["confusion_before"], labels, t("tuning.confusion_before")))
        parts.append(_confusion(done["confusion_after"], labels, t("tuning.confusion_after")))
    samples = done.get("samples") or []
    if samples:
        table = Table(title=t("tuning.samples_title"), title_justify="left", show_lines=True, expand=True)
        table.add_column(Text(t("tuning.prompt")), ratio=1)
        table.add_column(Text(t("tuning.before")), ratio=2)
        table.add_column(Text(t("tuning.after")), ratio=2)
        for sample in samples:
            table.add_row(*(Text(visible(str(sample[k])), overflow="fold") for k in ("prompt", "before", "after")))
        parts.append(table)
    parts.append(Text(t("tuning.saved_to", out=visible(str(done.get("out", "")), keep_newlines=False))))
    return Group(*parts)
