"""Turning core/inspect results into what the views show (tables, maps, text); no workers."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from studyllm_tui.core.i18n import t
from studyllm_tui.core.inspect.lens import OUTPUT, LensResult
from studyllm_tui.ui.inside.heatmap import MapData
from studyllm_tui.ui.inside.palette import level, styles

OUTPUT_TOP = 5
POSITIONS = 64
DIMS = 64


def lens_row_names(result: LensResult) -> list[str]:
    names = []
    for row in result.rows:
        if row.layer == OUTPUT:
            names += [f"{t('inside.lens_output')} {k + 1}" for k in range(OUTPUT_TOP)]
        else:
            names.append(f"{row.layer}")
    return names


def lens_guesses(result: LensResult, table_row: int, position: int) -> tuple[str, list[Any]]:
    """The layer name and the guesses behind one cell of the lens table."""
    layers = len(result.rows) - 1
    if table_row < layers:
        row = result.rows[table_row]
        return t("inside.lens_layer", layer=row.layer), row.top[position]
    return t("inside.lens_output"), result.rows[-1].top[position][:OUTPUT_TOP]


def fill_lens_table(table: DataTable[Any], result: LensResult) -> None:
    """Layers (top) to the real output (bottom, top 5) × positions; cells shaded by prob."""
    table.clear(columns=True)
    table.add_columns(*[Text(f"{i} {token}") for i, token in enumerate(result.tokens)])
    backgrounds, _ = styles(False)
    names = lens_row_names(result)
    rows: list[list[Any]] = [row.top for row in result.rows[:-1]]
    output = result.rows[-1].top
    for rank in range(min(OUTPUT_TOP, len(output[0]) if output else 0)):
        rows.append([[position[rank]] for position in output])
    for name, row in zip(names, rows, strict=False):
        cells = []
        for guesses in row:
            guess = guesses[0]
            style = backgrounds[level(guess.prob, 0.0, 1.0)]
            cells.append(Text(f"{guess.token} {guess.prob:.2f}", style=style))
        table.add_row(*cells, label=Text(name))


def attention_map(matrix: list[list[float]], tokens: list[str], causal: bool) -> MapData:
    return MapData(matrix, tokens, tokens, 0.0, 1.0, causal)


def positions_map(values: list[list[float]], diverging: bool = True) -> MapData:
    return MapData(values, [""] * len(values), None, -1.0, 1.0, False, diverging)


def rotary_formula(rope: Any, limit: int = 64) -> str:
    pairs = "\n".join(
        t(
            "inside.rotary_pair",
            i=i,
            theta=f"{theta:.6g}",
            period=f"{2 * 3.141592653589793 / theta:.4g}",
        )
        for i, theta in enumerate(rope.theta[:limit])
    )
    return t(
        "inside.formula_rotary",
        base=f"{rope.base:g}",
        dims=rope.rotary_dims,
        rope_type=rope.rope_type,
        frequencies=pairs,
    )
