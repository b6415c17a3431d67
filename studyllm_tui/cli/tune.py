"""``studyllm-tui tune classify|sft|dpo --base ID_OR_PATH --data FILE_OR_ID --out DIR [--json]``.

A thin front end over core/tuning: options become a TuneSettings, events become lines (text
on stderr, or JSON lines on stdout with ``--json``). Ctrl+C stops at the next step and leaves a
checkpoint; ``--resume`` continues from it.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any

from studyllm_tui.cli import fail
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import t

HELP = {
    "classify": "fine-tune a classifier (book ch.5): CSV/TSV/JSONL with text and label columns",
    "sft": "instruction-tune a causal LM with LoRA: JSONL with instruction, optional input, output "
    "(or messages in chat form)",
    "dpo": "preference-tune a causal LM with LoRA (DPO): JSONL with prompt, chosen, rejected",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tune",
        help="fine-tune a model (classification, SFT, DPO)",
        description="Fine-tune a model and save it as a folder the app loads "
        "(run sentiment / run generate / prompt --model DIR).",
    )
    methods = parser.add_subparsers(dest="method", metavar="METHOD", required=True)
    for method, text in HELP.items():
        sub = methods.add_parser(method, help=text, description=text)
        sub.add_argument("--base", required=True, metavar="ID_OR_PATH", help="Hub id, model folder or .gguf file")
        sub.add_argument("--data", required=True, metavar="FILE_OR_ID",
                         help="'bundled', a CSV/TSV/JSONL file, or a Hub dataset id")
        sub.add_argument("--eval", dest="eval_data", metavar="FILE",
                         help="held-out data (default: a seeded 20%% of --data)")
        if method == "classify":
            sub.add_argument("--text-column", metavar="C")
            sub.add_argument("--label-column", metavar="C")
        sub.add_argument("--lora", type=int, default=0 if method == "classify" else 8, metavar="R",
                         help="LoRA rank (classify: 0 = full fine-tuning; default %(default)s)")
        if method != "classify":
            sub.add_argument("--samples", type=int, default=3, metavar="N",
                             help="held-out prompts answered before and after (default 3)")
        if method == "dpo":
            sub.add_argument("--beta", type=float, default=0.1, metavar="B", help="DPO beta (default 0.1)")
        sub.add_argument("--epochs", type=float, metavar="N")
        sub.add_argument("--lr", type=float, metavar="X", help="learning rate (the book: 2e-5)")
        sub.add_argument("--batch-size", type=int, metavar="B", help="batch size (the book: 32)")
        sub.add_argument("--max-steps", type=int, default=-1, metavar="S")
        sub.add_argument("--max-length", type=int, metavar="T", help="tokens per example")
        sub.add_argument("--warmup", type=float, default=0.1, metavar="F", help="warm-up fraction (0.1)")
        sub.add_argument("--seed", type=int, default=42, metavar="S")
        sub.add_argument("--resume", action="store_true", help="continue from the last checkpoint in DIR")
        sub.add_argument("--out", required=True, metavar="DIR")
        sub.add_argument("--json", action="store_true", help="JSON lines on stdout")
        sub.set_defaults(func=run)


def settings_from(args: argparse.Namespace) -> Any:
    from studyllm_tui.core.tuning.settings import TuneSettings

    return TuneSettings(
        method=args.method, base=args.base, data=args.data, out=args.out,
        eval_data=args.eval_data, text_column=getattr(args, "text_column", None),
        label_column=getattr(args, "label_column", None), lora=max(0, args.lora),
        epochs=args.epochs, lr=args.lr, batch_size=args.batch_size, max_steps=args.max_steps,
        seed=args.seed, beta=getattr(args, "beta", 0.1), warmup=args.warmup,
        max_length=args.max_length, resume=args.resume,
        extra={"samples": max(0, args.samples)} if hasattr(args, "samples") else {},
    )


def _printer(as_json: bool) -> Any:
    def emit(event: dict[str, Any]) -> None:
        if as_json:
            sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
            sys.stdout.flush()
            return
        kind = event.get("event")
        if kind == "start":
            total = max(1, event["total_params"])
            line = t("tuning.cli_start", steps=event["total_steps"], trainable=event["trainable_params"],
                     total=event["total_params"], percent=100 * event["trainable_params"] / total)
        elif kind == "log":
            line = t("tuning.cli_log", **{k: event[k] for k in ("step", "epoch", "loss", "lr")})
        elif kind == "eval":
            metrics = ", ".join(
                f"{k} {v:.4g}" for k, v in event.items() if k not in ("event", "step", "epoch")
                and ("/" not in k) and k not in ("num_tokens", "entropy")
            )
            line = t("tuning.cli_eval", step=event["step"], metrics=metrics)
        else:
            return
        print(line, file=sys.stderr, flush=True)

    return emit


def _summary(done: dict[str, Any]) -> str:
    lines = [t("tuning.cli_done", out=done["out"], trainable=done["trainable_params"], total=done["total_params"])]
    for key, name in (("accuracy", "cli_accuracy"), ("loss", "cli_loss"), ("margin", "cli_margin")):
        if f"{key}_before" in done:
            lines.append(t(f"tuning.{name}", before=done[f"{key}_before"], after=done[f"{key}_after"]))
    return "\n".join(lines)


def run(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.hub import ModelNotAvailable
    from studyllm_tui.core.jobs import Cancelled
    from studyllm_tui.core.models.source import ModelLoadError, is_gguf_path
    from studyllm_tui.core.tuning import run as run_tuning
    from studyllm_tui.core.tuning.common import TuneError, checkpoints_dir, last_checkpoint
    from studyllm_tui.core.tuning.data import TuneDataError

    if (args.batch_size is not None and args.batch_size < 1) or (args.max_length is not None and args.max_length < 8):
        return fail(t("tuning.err_usage"), 2)
    cancel = threading.Event()
    previous = signal.getsignal(signal.SIGINT)
    in_main = threading.current_thread() is threading.main_thread()
    if in_main:
        signal.signal(signal.SIGINT, lambda *_: cancel.set())
    if is_gguf_path(args.base) and not args.json:
        print(t("tuning.gguf_note"), file=sys.stderr)
    try:
        done = run_tuning(settings_from(args), _printer(args.json), cancel)
    except Cancelled:
        found = last_checkpoint(args.out) if checkpoints_dir(args.out).is_dir() else None
        return fail(t("tuning.cancelled", checkpoint=found) if found else t("tuning.cancelled_none"))
    except (ModelNotAvailable, ModelLoadError, TuneError, TuneDataError) as error:
        return fail(str(error))
    except Exception as error:  # a library failure: one line, no traceback
        return fail(t("tuning.err_failed", reason=f"{type(error).__name__}: {str(error).strip()[:300]}"))
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
    if not args.json:
        print(_summary(done))
    return 0
