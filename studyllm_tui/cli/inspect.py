"""``studyllm-tui inspect attention|logit-lens|positions|embeddings ...`` (book chapter 2).

Prints the numbers the "inside the model" tab draws, computed by the same core functions.
Models load with eager attention (SDPA returns no attention weights).
"""

from __future__ import annotations

import argparse
from typing import Any

from rich.cells import cell_len

from studyllm_tui.cli import fail, out, print_json
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import t

SHADES = (" ·", "░░", "▒▒", "▓▓", "██")
LABEL_CELLS = 16


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "inspect",
        help=t("inside.cli_opt_help"),
        description=t("inside.cli_opt_description"),
    )
    views = parser.add_subparsers(dest="view", metavar="VIEW", required=True)

    attention = views.add_parser(
        "attention",
        help=t("inside.cli_opt_attention_help"),
        description=t("inside.cli_opt_attention_description"),
    )
    _model_option(attention)
    attention.add_argument("--layer", type=int, default=0, metavar="L", help=t("inside.cli_opt_layer"))
    attention.add_argument(
        "--head", type=int, default=None, metavar="H", help=t("inside.cli_opt_head")
    )
    attention.add_argument("--json", action="store_true", help=t("inside.cli_opt_json"))
    attention.add_argument("text", metavar="TEXT", help=t("inside.cli_opt_text"))
    attention.set_defaults(func=run_attention)

    lens = views.add_parser(
        "logit-lens",
        help=t("inside.cli_opt_lens_help"),
        description=t("inside.cli_opt_lens_description"),
    )
    _model_option(lens)
    lens.add_argument("--top", type=int, default=5, metavar="K", help=t("inside.cli_opt_top_lens"))
    lens.add_argument("--json", action="store_true", help=t("inside.cli_opt_json"))
    lens.add_argument("text", metavar="TEXT", help=t("inside.cli_opt_text"))
    lens.set_defaults(func=run_lens)

    positions = views.add_parser(
        "positions",
        help=t("inside.cli_opt_positions_help"),
        description="PE(pos,2i) = sin(pos/10000^(2i/d)), PE(pos,2i+1) = cos(pos/10000^(2i/d)).",
    )
    positions.add_argument("--length", type=int, default=32, metavar="N", help=t("inside.cli_opt_length"))
    positions.add_argument("--dims", type=int, default=64, metavar="D", help=t("inside.cli_opt_dims"))
    positions.add_argument("--json", action="store_true", help=t("inside.cli_opt_json"))
    positions.set_defaults(func=run_positions)

    embeddings = views.add_parser(
        "embeddings",
        help=t("inside.cli_opt_embeddings_help"),
    )
    _model_option(embeddings)
    embeddings.add_argument(
        "--position", type=int, default=None, metavar="P", help=t("inside.cli_opt_position")
    )
    embeddings.add_argument("--top", type=int, default=10, metavar="K", help=t("inside.cli_opt_top_embeddings"))
    embeddings.add_argument("--json", action="store_true", help=t("inside.cli_opt_json"))
    embeddings.add_argument("text", metavar="TEXT", help=t("inside.cli_opt_text"))
    embeddings.set_defaults(func=run_embeddings)


def _model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        dest="model",
        metavar="ID_OR_PATH",
        help=t("inside.cli_opt_model"),
    )


def _load(args: argparse.Namespace, config: Config, progress: Any) -> Any:
    from studyllm_tui.core.inspect import DECODER, default_model, load_model

    return load_model(
        args.model or default_model(DECODER, config),
        device=config.device,
        memory_budget_mb=config.memory_budget_mb,
        progress=progress,
    )


def _guarded(compute: Any) -> tuple[Any, int]:
    """Run ``compute(progress)``; errors become one line on stderr and exit 1."""
    from studyllm_tui.cli._output import ProgressLine
    from studyllm_tui.core.hub import ModelNotAvailable
    from studyllm_tui.core.inspect import InspectError
    from studyllm_tui.core.jobs import Cancelled
    from studyllm_tui.core.models.source import ModelLoadError

    progress = ProgressLine()
    try:
        result = compute(progress)
    except (ModelNotAvailable, ModelLoadError, InspectError) as error:
        progress.clear()
        return None, fail(str(error).strip().splitlines()[0] if str(error).strip() else "?")
    except Cancelled:
        progress.clear()
        return None, fail(t("inside.cancelled"))
    except Exception as error:  # a model that breaks at run time: one line, no traceback
        progress.clear()
        reason = f"{type(error).__name__}: {str(error).strip()[:300]}"
        return None, fail(t("inside.failed", what="inspect", reason=reason))
    progress.clear()
    return result, 0


def _label(text: str, cells: int = LABEL_CELLS) -> str:
    """``text`` in exactly ``cells`` cells; a longer one ends in a visible ``…``."""
    if cell_len(text) > cells:
        out = ""
        for char in text:
            if cell_len(out + char) > cells - 1:
                break
            out += char
        text = out + "…"
    return text + " " * (cells - cell_len(text))


def _shade(value: float) -> str:
    return SHADES[min(len(SHADES) - 1, int(value * len(SHADES)))]


def attention_text(
    model: str,
    tokens: list[str],
    matrix: list[list[float]],
    layer: int,
    head: int | None,
    causal: bool,
) -> str:
    which = t("inside.cli_mean") if head is None else t("inside.cli_head", head=head)
    width = min(LABEL_CELLS, max(cell_len(token) for token in tokens))
    lines = [t("inside.cli_attention_title", model=model, layer=layer, which=which)]
    lines.append(" " * (5 + width) + "".join(f"{j % 100:>2}" for j in range(len(tokens))))
    for i, (token, row) in enumerate(zip(tokens, matrix, strict=True)):
        cells = "".join("  " if causal and j > i else _shade(value) for j, value in enumerate(row))
        lines.append(f"{i:>3}  {_label(token, width)}{cells}")
    lines.append(t("inside.cli_scale", scale="|".join(SHADES)))
    return "\n".join(lines)


def run_attention(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.inspect.attention import attention_matrix, run_forward

    def compute(progress: Any) -> Any:
        loaded = _load(args, config, progress)
        run = run_forward(loaded, args.text, progress=progress)
        return loaded, run, attention_matrix(run, args.layer, args.head)

    result, code = _guarded(compute)
    if code:
        return code
    loaded, run, matrix = result
    if args.json:
        print_json(
            {
                "model": loaded.model_id,
                "tokens": run.tokens,
                "layers": run.num_layers,
                "heads": run.num_heads,
                "layer": args.layer,
                "head": args.head,
                "attention": matrix,
            }
        )
    else:
        out(
            attention_text(loaded.model_id, run.tokens, matrix, args.layer, args.head, run.causal)
        )
    return 0


def run_lens(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.inspect import InspectError
    from studyllm_tui.core.inspect.lens import OUTPUT, logit_lens

    def compute(progress: Any) -> Any:
        if args.top < 1:
            raise InspectError(t("inside.err_top"))
        loaded = _load(args, config, progress)
        return logit_lens(loaded, args.text, top_k=args.top, progress=progress)

    result, code = _guarded(compute)
    if code:
        return code
    if args.json:
        print_json(result.to_json())
        return 0
    lines = [t("inside.cli_lens_title", model=result.model_id)]
    for position, token in enumerate(result.tokens):
        lines.append(f"{position:>3} {token}")
        for row in result.rows:
            guesses = row.top[position] if row.layer == OUTPUT else row.top[position][:1]
            name = t("inside.lens_output") if row.layer == OUTPUT else f"{row.layer:>3}"
            shown = ", ".join(f"{g.token} {g.prob:.3f}" for g in guesses)
            lines.append(f"    {' ' * (6 - cell_len(name))}{name}  {shown}")
    out("\n".join(lines))
    return 0


def run_positions(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.inspect.positions import sinusoidal

    result, code = _guarded(lambda _: sinusoidal(args.length, args.dims))
    if code:
        return code
    if args.json:
        print_json({"encoding": result})
        return 0
    out(t("inside.formula_sinusoidal"))
    out(t("inside.positions_sinusoidal", length=args.length, dims=args.dims))
    for pos, row in enumerate(result):
        out(f"{pos:>4} " + "".join(_shade((value + 1) / 2) for value in row))
    out(t("inside.cli_scale", scale="|".join(SHADES)) + "  (-1 → 1)")
    return 0


def run_embeddings(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.inspect import InspectError
    from studyllm_tui.core.inspect.attention import encode
    from studyllm_tui.core.inspect.embeddings import nearest_tokens
    from studyllm_tui.core.inspect.tokens import token_labels

    def compute(progress: Any) -> Any:
        if args.top < 1:
            raise InspectError(t("inside.err_top"))
        loaded = _load(args, config, progress)
        ids = encode(loaded, args.text)
        position = args.position if args.position is not None else min(1, len(ids) - 1)
        if not 0 <= position < len(ids):
            raise InspectError(t("inside.err_position", position=position, last=len(ids) - 1))
        tokens = token_labels(loaded.tokenizer, ids)
        return loaded, tokens, ids, position, nearest_tokens(loaded, ids[position], args.top)

    result, code = _guarded(compute)
    if code:
        return code
    loaded, tokens, ids, position, nearest = result
    if args.json:
        print_json(
            {
                "model": loaded.model_id,
                "tokens": tokens,
                "position": position,
                "id": ids[position],
                "nearest": [
                    {"token": n.token, "id": n.id, "similarity": n.similarity} for n in nearest
                ],
            }
        )
        return 0
    out(
        t(
            "inside.cli_embeddings_title",
            model=loaded.model_id,
            token=tokens[position],
            position=position,
            id=ids[position],
        )
    )
    for rank, n in enumerate(nearest, 1):
        out(f"{rank:>3}. {n.similarity:.4f}  {n.token}  ({n.id})")
    return 0
