"""``studyllm-tui prompt TASK --mode zero|one|few ... INPUT`` and ``prompt TASK --evaluate``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from studyllm_tui.cli import fail, print_json
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import t

MODE_CHOICES = ("zero", "one", "few", "all")


class _IntermixedParser(argparse.ArgumentParser):
    """Lets INPUT come after the options (``prompt quiz --mode few 問題文``)."""

    _inside = False

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        if self._inside:
            return super().parse_known_args(args, namespace)
        self._inside = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._inside = False


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "prompt",
        help="ask a prompt task zero-, one- or few-shot; evaluate on its dev set",
        description="Ask a prompt task zero-, one- or few-shot, or evaluate modes on its dev set. "
        "Tasks with two inputs (nli) take two INPUT arguments.",
    )
    parser.__class__ = _IntermixedParser
    parser.add_argument("task", nargs="?", metavar="TASK", help="task id (see --list)")
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help="the input text(s)")
    parser.add_argument(
        "--list", action="store_true", help="list the prompt tasks and their problems"
    )
    parser.add_argument(
        "--mode", choices=MODE_CHOICES, help="zero, one or few (evaluate: default all)"
    )
    parser.add_argument(
        "--k", type=int, default=3, metavar="N", help="few-shot examples (default 3)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="seed for choosing examples"
    )
    parser.add_argument(
        "--examples", metavar="I,J,..", help="hand-picked examples by number (1-based), in order"
    )
    parser.add_argument(
        "--format", dest="fmt", choices=("plain", "alpaca", "chat"), default="plain"
    )
    parser.add_argument(
        "--model", dest="model", default="", metavar="ID_OR_PATH", help="local model"
    )
    parser.add_argument("--endpoint", default="", metavar="URL", help="OpenAI-compatible base URL")
    parser.add_argument(
        "--endpoint-model", default="", metavar="NAME", help="model name at the endpoint"
    )
    parser.add_argument("--show-prompt", action="store_true", help="print the exact prompt first")
    parser.add_argument("--no-scores", action="store_true", help="skip label-likelihood scoring")
    parser.add_argument("--evaluate", action="store_true", help="accuracy per mode on the dev set")
    parser.add_argument(
        "--limit", type=int, metavar="N", help="evaluate only the first N dev items"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from studyllm_tui.core.prompts import (
        BackendError,
        PromptError,
        StreamInterrupted,
        load_prompt_tasks,
        make_backend,
    )

    library = load_prompt_tasks()
    if args.list or not args.task:
        return _list(library, args.json) if args.list else fail("name a TASK (see --list)")
    for problem in library.problems:
        print(f"studyllm-tui: {problem}", file=sys.stderr)
    task = library.get(args.task)
    if task is None:
        known = ", ".join(sorted(library.tasks))
        return fail(f"no prompt task {args.task!r} (known: {known})")
    if args.endpoint_model and not args.endpoint and not config.prompt.endpoint:
        return fail("--endpoint-model needs --endpoint URL (or prompt.endpoint in the config)")
    if args.model and args.endpoint:
        return fail("use either --model (local) or --endpoint (remote), not both")
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
    except (PromptError, BackendError) as error:
        return fail(str(error))


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
        for t in library.tasks.values():
            labels = f"  labels: {', '.join(t.labels)}" if t.labels else ""
            print(
                f"{t.id:<12} {t.name} / {t.name_en}  ({len(t.examples)} examples, {len(t.dev)} dev){labels}"
            )
    for problem in library.problems:
        print(problem, file=sys.stderr)
    return 1 if library.problems else 0


def _picked(args: argparse.Namespace) -> list[int] | None:
    from studyllm_tui.core.prompts import PromptError

    if not args.examples:
        return None
    try:
        return [int(part) - 1 for part in args.examples.split(",") if part.strip()]
    except ValueError as error:
        raise PromptError(t("prompt.err_bad_examples_option", value=args.examples)) from error


def _progress_printer(quiet: bool) -> Any:
    def show(progress: Any) -> None:
        if not quiet and progress.stage != "evaluate":
            detail = f" {progress.detail}" if progress.detail else ""
            print(f"… {progress.stage}{detail}", file=sys.stderr)

    return show


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
    backend.prepare(_progress_printer(args.json), None)
    shown = backend.render(prompt)
    if args.show_prompt and not args.json:
        print(shown)
        print("-" * 40)
    printed = [0]

    def echo(text: str) -> None:
        if not args.json:
            sys.stdout.write(text[printed[0] :])
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
        print()
        if scores:
            for label, prob in scores.probs.items():
                print(f"  {label:<10} {prob:6.1%} {'█' * round(prob * 30)}")
            if scores.note:
                print(f"  ({scores.note})")
        elif note:
            print(f"  ({note})")
    return fail(error) if error else 0


def _evaluate(args: argparse.Namespace, task: Any, backend: Any) -> int:
    from studyllm_tui.core.prompts import evaluate

    modes = ("zero", "one", "few") if args.mode in (None, "all") else (args.mode,)
    picked = _picked(args)
    examples = {mode: picked for mode in modes} if picked is not None else None
    backend.prepare(_progress_printer(args.json), None)

    def progress(p: Any) -> None:
        if not args.json and p.total:
            print(
                f"\r  {p.detail:<16} {p.done:.0f}/{p.total:.0f}",
                end="",
                file=sys.stderr,
                flush=True,
            )

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
    if not args.json:
        print(file=sys.stderr)
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
        extra = f"  mean char-F1 {r.mean_score:.2f}" if task.metric == "char_f1" else ""
        print(f"{mode:<5} accuracy {r.accuracy:6.1%} ({r.correct}/{r.total}){extra}  [{r.method}]")
        if r.note:
            print(f"      ({r.note})")
        for w in r.wrong:
            query = w.query.replace("\n", " / ")
            print(f"      ✗ #{w.index + 1} {query}  expected {w.expected!r}, got {w.predicted!r}")
    return 0
