"""``studyllm-tui prompt TASK --mode zero|one|few ... INPUT`` and ``prompt TASK --evaluate``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from studyllm_tui.cli import err, fail, out, print_json
from studyllm_tui.cli._args import CliParser, count_arg, positive_int, seed_int, text_arg
from studyllm_tui.cli._output import ProgressLine, safe
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import language, t

MODE_CHOICES = ("zero", "one", "few", "all")


class _IntermixedParser(CliParser):
    """Lets INPUT come after the options (``prompt quiz --mode few 問題文``)."""

    _inside = False
    _capturing = False

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        if self._inside:
            return super().parse_known_args(args, namespace)
        self._inside = self._capturing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._inside = self._capturing = False

    def format_usage(self) -> str:
        """argparse's intermixed parsing keeps ``format_usage()[7:]``, as if the prefix were
        ``usage: ``; the first call inside it gets that prefix, so a Japanese one is not cut."""
        usage = super().format_usage()
        if self._capturing:
            self._capturing = False
            usage = "usage: " + usage.removeprefix(t("cli.argparse_usage"))
        return usage


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "prompt",
        help=t("cli.help_prompt"),
        description=t("cli.help_prompt_description"),
    )
    parser.__class__ = _IntermixedParser
    parser.add_argument("task", nargs="?", metavar="TASK", type=text_arg, help=t("cli.help_task"))
    parser.add_argument(
        "inputs", nargs="*", metavar="INPUT", type=text_arg, help=t("cli.help_inputs")
    )
    parser.add_argument("--list", action="store_true", help=t("cli.help_list"))
    parser.add_argument("--mode", choices=MODE_CHOICES, help=t("cli.help_mode"))
    parser.add_argument(
        "--k", type=count_arg(0, 1000), default=3, metavar="N", help=t("cli.help_k")
    )
    parser.add_argument("--seed", type=seed_int, default=0, metavar="S", help=t("cli.help_seed"))
    parser.add_argument("--examples", metavar="I,J,..", type=text_arg, help=t("cli.help_examples"))
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=("plain", "alpaca", "chat"),
        default="plain",
        help=t("cli.help_format"),
    )
    parser.add_argument(
        "--model",
        dest="model",
        default="",
        metavar="ID_OR_PATH",
        type=text_arg,
        help=t("cli.help_prompt_model"),
    )
    parser.add_argument(
        "--endpoint", default="", metavar="URL", type=text_arg, help=t("cli.help_endpoint")
    )
    parser.add_argument(
        "--endpoint-model",
        default="",
        metavar="NAME",
        type=text_arg,
        help=t("cli.help_endpoint_model"),
    )
    parser.add_argument("--show-prompt", action="store_true", help=t("cli.help_show_prompt"))
    parser.add_argument("--no-scores", action="store_true", help=t("cli.help_no_scores"))
    parser.add_argument("--evaluate", action="store_true", help=t("cli.help_evaluate"))
    parser.add_argument("--limit", type=positive_int, metavar="N", help=t("cli.help_limit"))
    parser.add_argument("--json", action="store_true", help=t("cli.help_json"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.hub import ModelNotAvailable
    from studyllm_tui.core.models.source import ModelLoadError
    from studyllm_tui.core.prompts import (
        BackendError,
        PromptError,
        StreamInterrupted,
        load_prompt_tasks,
        make_backend,
    )

    library = load_prompt_tasks()
    if args.list or not args.task:
        return _list(library, args.json) if args.list else fail(t("cli.prompt_name_task"), 2)
    for problem in library.problems:
        fail(problem)
    task = library.get(args.task)
    if task is None:
        known = ", ".join(sorted(library.tasks))
        return fail(t("cli.prompt_no_task", task=args.task, known=known), 2)
    if args.endpoint_model and not args.endpoint and not config.prompt.endpoint:
        return fail(t("cli.prompt_endpoint_model_alone"), 2)
    if args.model and args.endpoint:
        return fail(t("cli.prompt_model_and_endpoint"), 2)
    if args.limit is not None and not args.evaluate:
        return fail(t("cli.prompt_limit_without_evaluate"), 2)
    try:
        backend = make_backend(
            config,
            backend="local" if args.model else ("remote" if args.endpoint else None),
            model=args.model,
            endpoint=args.endpoint,
            endpoint_model=args.endpoint_model,
        )
        if args.evaluate:
            return _evaluate(args, task, backend)
        return _run_once(args, task, backend)
    except StreamInterrupted as error:
        return fail(str(error))
    except (PromptError, BackendError, ModelNotAvailable, ModelLoadError) as error:
        return fail(error)


def _list(library: Any, as_json: bool) -> int:
    if as_json:
        print_json(
            [
                {
                    "id": t.id,
                    "name": t.name,
                    "name_en": t.name_en,
                    "fields": list(t.fields),
                    "labels": list(t.labels),
                    "metric": t.metric,
                    "examples": len(t.examples),
                    "dev": len(t.dev),
                }
                for t in library.tasks.values()
            ]
        )
    else:
        for task in library.tasks.values():
            labels = ", ".join(task.labels)
            name = (
                f"{task.name_en} / {task.name}"
                if language() == "en"
                else f"{task.name} / {task.name_en}"
            )
            line = (
                t(
                    "cli.prompt_list_row",
                    examples=len(task.examples),
                    dev=len(task.dev),
                    labels=labels,
                )
                if labels
                else t("cli.prompt_list_row_plain", examples=len(task.examples), dev=len(task.dev))
            )
            out(f"{task.id:<12} {name}  {line}")
    for problem in library.problems:
        fail(problem)
    return 1 if library.problems else 0


def _picked(args: argparse.Namespace) -> list[int] | None:
    from studyllm_tui.core.prompts import PromptError

    if not args.examples:
        return None
    try:
        return [int(part) - 1 for part in args.examples.split(",") if part.strip()]
    except ValueError as error:
        raise PromptError(t("prompt.err_bad_examples_option", value=args.examples)) from error


def _run_once(args: argparse.Namespace, task: Any, backend: Any) -> int:
    from studyllm_tui.core.prompts import (
        PromptError,
        StreamInterrupted,
        assemble,
        run_prompt,
        select_examples,
    )

    if args.mode is None or args.mode == "all":
        raise PromptError(t("prompt.err_choose_mode"))
    if not args.inputs:
        raise PromptError(t("prompt.err_give_input", task=task.id, fields=", ".join(task.fields)))
    picked = _picked(args)
    examples = picked if picked is not None else select_examples(task, args.mode, args.k, args.seed)
    prompt = assemble(task, args.inputs, args.mode, examples, args.fmt)
    progress = ProgressLine()
    try:
        backend.prepare(progress, None)
    finally:
        progress.clear()
    shown = backend.render(prompt)
    if args.show_prompt and not args.json:
        out(shown)
        out("-" * 40)
    printed = [0]

    def echo(text: str) -> None:
        if not args.json:
            out(text[printed[0] :], end="")
            sys.stdout.flush()
            printed[0] = len(text)

    error = ""
    try:
        answer = run_prompt(
            backend, task, prompt, seed=args.seed, scores=not args.no_scores, on_text=echo
        )
        text, scores, note = answer.text, answer.scores, answer.scores_note
    except StreamInterrupted as cut:
        text, scores, note, error = cut.partial, None, "", str(cut)
    if args.json:
        data: dict[str, Any] = {
            "prompt": shown,
            "text": text,
            "label_scores": dict(scores.probs) if scores else None,
        }
        if error:
            data["error"] = error
        print_json(data)
    else:
        out()
        if scores:
            for label, prob in scores.probs.items():
                out(f"  {label:<10} {prob:6.1%} {'█' * round(prob * 30)}")
            if scores.note:
                out(f"  ({scores.note})")
        elif note:
            out(f"  ({note})")
    return fail(error) if error else 0


def _evaluate(args: argparse.Namespace, task: Any, backend: Any) -> int:
    from studyllm_tui.core.prompts import evaluate

    modes = ("zero", "one", "few") if args.mode in (None, "all") else (args.mode,)
    picked = _picked(args)
    examples = {mode: picked for mode in modes} if picked is not None else None
    loading = ProgressLine()
    try:
        backend.prepare(loading, None)
    finally:
        loading.clear()
    interactive = sys.stderr.isatty() and not args.json

    def progress(p: Any) -> None:
        if interactive and p.total:
            err(f"\r  {safe(p.detail, one_line=True):<16} {p.done:.0f}/{p.total:.0f}", end="")

    results = evaluate(
        task,
        backend,
        modes,
        k=args.k,
        seed=args.seed,
        fmt=args.fmt,
        examples=examples,
        limit=args.limit,
        progress=progress,
    )
    if interactive:
        err()
    if args.json:
        print_json(
            {
                mode: {
                    "accuracy": r.accuracy,
                    "correct": r.correct,
                    "total": r.total,
                    "mean_score": r.mean_score,
                    "method": r.method,
                    "examples": [i + 1 for i in r.examples],
                    "note": r.note,
                    "wrong": [
                        {
                            "item": w.index + 1,
                            "input": w.query,
                            "expected": w.expected,
                            "predicted": w.predicted,
                        }
                        for w in r.wrong
                    ],
                }
                for mode, r in results.items()
            }
        )
        return 0
    for mode, r in results.items():
        extra = (
            t("cli.prompt_char_f1", score=f"{r.mean_score:.2f}") if task.metric == "char_f1" else ""
        )
        accuracy = t(
            "cli.prompt_accuracy", accuracy=f"{r.accuracy:6.1%}", correct=r.correct, total=r.total
        )
        out(f"{mode:<5} {accuracy}{extra}  [{r.method}]")
        if r.note:
            out(f"      ({r.note})")
        for w in r.wrong:
            query = w.query.replace("\n", " / ")
            wrong = t("cli.prompt_wrong", expected=repr(w.expected), got=repr(w.predicted))
            out(f"      ✗ #{w.index + 1} {query}  {wrong}")
    return 0
