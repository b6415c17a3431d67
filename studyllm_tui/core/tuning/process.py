"""Run a tuning job in a child process (``studyllm-tui tune ... --json``) and stream its events.

The tab trains this way: a training loop in a thread of the app's own process would hold
Python's GIL for most of every step (tokenizing, the optimizer's Python side, logging) and make
typing in the other tabs stutter. The child is the same CLI a person runs; its JSON lines are
the same events. Escape writes ``stop`` to its standard input (``--stop-on-stdin``), which the
CLI turns into "stop at the next step and save a checkpoint"; a pipe works on every platform,
and when the app quits or dies the pipe ends, which stops the child the same way.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from studyllm_tui.core.i18n import language
from studyllm_tui.core.jobs import Cancelled
from studyllm_tui.core.tuning.common import TuneError
from studyllm_tui.core.tuning.settings import Emit, TuneSettings, emit_nothing

_PACKAGE_PARENT = str(Path(__file__).resolve().parents[3])


def command(settings: TuneSettings) -> list[str]:
    """The ``studyllm-tui tune`` command line for ``settings``."""
    argv = [sys.executable, "-m", "studyllm_tui", "--lang", language(), "tune", settings.method,
            "--base", settings.base, "--data", settings.data, "--out", settings.out, "--json",
            "--lora", str(settings.lora), "--seed", str(settings.seed), "--warmup", str(settings.warmup),
            "--max-steps", str(settings.max_steps), "--stop-on-stdin"]
    optional: dict[str, Any] = {
        "--eval": settings.eval_data, "--epochs": settings.epochs, "--lr": settings.lr,
        "--batch-size": settings.batch_size, "--max-length": settings.max_length,
    }
    if settings.method == "classify":
        optional |= {"--text-column": settings.text_column, "--label-column": settings.label_column}
    else:
        optional["--samples"] = settings.extra.get("samples")
    if settings.method == "dpo":
        optional["--beta"] = settings.beta
    for option, value in optional.items():
        if value is not None:
            argv += [option, str(value)]
    if settings.resume:
        argv.append("--resume")
    return argv


def run_subprocess(
    settings: TuneSettings, emit: Emit = emit_nothing, cancel: threading.Event | None = None
) -> dict[str, Any]:
    """Run ``settings`` in a child process; returns its ``done`` event.

    Raises :class:`Cancelled` when ``cancel`` stopped it, :class:`TuneError` with the child's
    one-line message when it failed.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_PARENT, env.get("PYTHONPATH", "")) if p)
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errors:
        child = subprocess.Popen(
            command(settings), stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.PIPE,
            text=True, encoding="utf-8", env=env, start_new_session=True,
        )
        stop = threading.Event()
        watcher = threading.Thread(target=_watch, args=(child, cancel, stop), daemon=True)
        watcher.start()
        done: dict[str, Any] | None = None
        assert child.stdout is not None
        try:
            for line in child.stdout:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    if event.get("event") == "done":
                        done = event
                    emit(event)
            code = child.wait()
        finally:
            stop.set()
            if child.poll() is None:
                child.kill()
                child.wait()
            if child.stdin is not None:
                with contextlib.suppress(OSError):  # the pipe is gone already
                    child.stdin.close()
        errors.seek(0)
        message = _last_line(errors.read())
    if cancel is not None and cancel.is_set():
        raise Cancelled
    if code != 0 or done is None:
        raise TuneError(message or f"exit {code}")
    return done


def _watch(child: subprocess.Popen[str], cancel: threading.Event | None, stop: threading.Event) -> None:
    """Forward a cancel to the child as a ``stop`` line (the CLI then stops at the next step)."""
    if cancel is None:
        return
    while not stop.is_set():
        if cancel.wait(0.2):
            if child.poll() is None and child.stdin is not None:
                with contextlib.suppress(OSError, ValueError):  # it has just ended
                    child.stdin.write("stop\n")
                    child.stdin.flush()
            return


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    return lines[-1].removeprefix("studyllm-tui: ")[:300]
