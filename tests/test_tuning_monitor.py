"""The run monitor (curves, steps/s, ETA) and the child-process command line of the tab."""

from __future__ import annotations

import sys

from studyllm_tui.cli.tune import register
from studyllm_tui.core.tuning.monitor import RunMonitor, format_count, format_eta
from studyllm_tui.core.tuning.process import _last_line, command
from studyllm_tui.core.tuning.settings import TuneSettings, total_steps


def test_monitor_follows_events() -> None:
    monitor = RunMonitor()
    monitor.feed({"event": "start", "total_steps": 100, "trainable_params": 10, "total_params": 1000}, 0.0)
    for step in range(10, 60, 10):
        monitor.feed({"event": "log", "step": step, "epoch": step / 100, "loss": 1 / step, "lr": 1e-5}, step / 5)
    monitor.feed({"event": "eval", "step": 50, "loss": 0.4, "accuracy": 0.8, "epoch": 0.5}, 10.0)
    assert monitor.step == 50 and monitor.lr == 1e-5
    assert monitor.steps_per_second == 5.0  # 40 steps in 8 s
    assert monitor.eta_seconds == 10.0  # 50 steps left
    assert monitor.fraction == 0.5
    assert monitor.eval_loss == [(50, 0.4)] and monitor.eval_metric == [(50, 0.8)]
    assert monitor.metric_name == "accuracy"
    dpo = RunMonitor()
    dpo.feed({"event": "eval", "step": 2, "loss": 0.6, "mean_token_accuracy": 0.1, "rewards/margins": 0.3}, 1.0)
    assert dpo.metric_name == "rewards/margins"
    assert format_eta(3725) == "1:02:05" and format_eta(65) == "1:05" and format_eta(None) == "–"
    assert format_count(22_713_216) == "22.7M" and format_count(1234) == "1,234"


def test_total_steps() -> None:
    settings = TuneSettings(method="classify", base="b", data="d", out="o", batch_size=32, epochs=3)
    assert total_steps(settings, 320) == 30
    assert total_steps(settings, 321) == 33
    settings.max_steps = 7
    assert total_steps(settings, 320) == 7


def test_child_command_round_trips_through_the_cli_parser() -> None:
    import argparse

    settings = TuneSettings(method="dpo", base="m.gguf", data="bundled", out="/tmp/o", lr=1e-4, beta=0.2,
                            max_steps=5, resume=True, extra={"samples": 2})
    argv = command(settings)
    assert argv[:3] == [sys.executable, "-m", "studyllm_tui"]
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv[3:])
    assert (args.method, args.base, args.beta, args.lr, args.max_steps, args.resume, args.samples, args.json) == (
        "dpo", "m.gguf", 0.2, 1e-4, 5, True, 2, True)
    assert _last_line("warning\nstudyllm-tui: something broke\n") == "something broke"
