"""``studyllm-tui tune classify|sft|dpo --base ID_OR_PATH --data FILE_OR_ID --out DIR [--json]``.

A thin front end over core/tuning: options become a TuneSettings, events become lines (text
on stderr, or JSON lines on stdout with ``--json``). Ctrl+C stops at the next step and leaves a
checkpoint; ``--resume`` continues from it.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from studyllm_tui.cli import err, fail, out, print_json
from studyllm_tui.cli._args import count_arg, number_arg, seed_int, text_arg
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import t

METHODS = ("classify", "sft", "dpo")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tune", help=t("tuning.cli_opt_help"), description=t("tuning.cli_opt_description")
    )
    methods = parser.add_subparsers(dest="method", metavar="METHOD", required=True)
    for method in METHODS:
        text = t(f"tuning.cli_opt_help_{method}")
        sub = methods.add_parser(method, help=text, description=text)
        arg = sub.add_argument
        arg("--base", required=True, metavar="ID_OR_PATH", type=text_arg, help=t("tuning.cli_opt_base"))
        arg("--data", required=True, metavar="FILE_OR_ID", type=text_arg, help=t("tuning.cli_opt_data"))
        arg("--eval", dest="eval_data", metavar="FILE", type=text_arg, help=t("tuning.cli_opt_eval"))
        if method == "classify":
            arg("--text-column", metavar="C", type=text_arg, help=t("tuning.cli_opt_text_column"))
            arg("--label-column", metavar="C", type=text_arg, help=t("tuning.cli_opt_label_column"))
        arg(
            "--lora",
            type=count_arg(0, 1024),
            default=0 if method == "classify" else 8,
            metavar="R",
            help=t(f"tuning.cli_opt_lora_{'classify' if method == 'classify' else 'causal'}"),
        )
        if method != "classify":
            arg("--samples", type=count_arg(0, 100), default=3, metavar="N",
                help=t("tuning.cli_opt_samples"))
        if method == "dpo":
            arg("--beta", type=number_arg(1e-4, 100.0), default=0.1, metavar="B",
                help=t("tuning.cli_opt_beta"))
        arg("--epochs", type=number_arg(0.01, 1000.0), metavar="N", help=t("tuning.cli_opt_epochs"))
        arg("--lr", type=number_arg(1e-9, 1.0), metavar="X", help=t("tuning.cli_opt_lr"))
        arg("--batch-size", type=count_arg(1, 4096), metavar="B", help=t("tuning.cli_opt_batch_size"))
        arg("--max-steps", type=count_arg(-1, 10_000_000), default=-1, metavar="S",
            help=t("tuning.cli_opt_max_steps"))
        arg("--max-length", type=count_arg(8, 32768), metavar="T", help=t("tuning.cli_opt_max_length"))
        arg("--warmup", type=number_arg(0.0, 1.0), default=0.1, metavar="F",
            help=t("tuning.cli_opt_warmup"))
        arg("--seed", type=seed_int, default=42, metavar="S", help=t("tuning.cli_opt_seed"))
        arg("--resume", action="store_true", help=t("tuning.cli_opt_resume"))
        arg("--out", required=True, metavar="DIR", type=text_arg, help=t("tuning.cli_opt_out"))
        arg("--json", action="store_true", help=t("tuning.cli_opt_json"))
        arg("--stop-on-stdin", action="store_true", help=t("tuning.cli_opt_stop_on_stdin"))
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


def _stop_on_stdin(cancel: threading.Event) -> None:
    """Stop at the next step when a line ``stop`` arrives on stdin, or stdin ends (the program
    driving this one quit or died): how the tuning tab stops its child on every platform."""
    try:
        for line in sys.stdin:
            if line.strip() == "stop":
                break
    except (OSError, ValueError):  # stdin closed or unreadable: as good as ended
        pass
    cancel.set()


def _printer(as_json: bool) -> Any:
    def emit(event: dict[str, Any]) -> None:
        if as_json:
            print_json(event, line=True)
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
        err(line)

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

    cancel = threading.Event()
    previous = signal.getsignal(signal.SIGINT)
    in_main = threading.current_thread() is threading.main_thread()
    if in_main:
        signal.signal(signal.SIGINT, lambda *_: cancel.set())
    if args.stop_on_stdin:
        threading.Thread(target=_stop_on_stdin, args=(cancel,), daemon=True).start()
    if is_gguf_path(args.base) and not args.json:
        err(t("tuning.gguf_note"))
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
        out(_summary(done))
    return 0
