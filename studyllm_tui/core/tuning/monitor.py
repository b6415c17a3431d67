"""Follow a run from its events: loss and evaluation curves, steps per second, ETA, learning rate.

The tab feeds every event here (from its batched queue) and draws what this holds; a unit test
can feed the same events with made-up times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Evaluation metrics worth a curve, in order of preference (classification, SFT, DPO).
CURVE_METRICS = ("accuracy", "rewards/margins", "mean_token_accuracy", "rewards/accuracies")


@dataclass
class RunMonitor:
    total_steps: int = 0
    trainable: int = 0
    total_params: int = 0
    step: int = 0
    epoch: float = 0.0
    lr: float = 0.0
    loss: list[tuple[int, float]] = field(default_factory=list)
    eval_loss: list[tuple[int, float]] = field(default_factory=list)
    eval_metric: list[tuple[int, float]] = field(default_factory=list)
    metric_name: str = ""
    done: dict[str, Any] | None = None
    _first: tuple[int, float] | None = None
    _last: tuple[int, float] | None = None

    def feed(self, event: dict[str, Any], now: float) -> None:
        kind = event.get("event")
        if kind == "start":
            self.total_steps = int(event.get("total_steps") or 0)
            self.trainable = int(event.get("trainable_params") or 0)
            self.total_params = int(event.get("total_params") or 0)
        elif kind == "log":
            self.step, self.epoch, self.lr = int(event["step"]), float(event["epoch"]), float(event["lr"])
            self.loss.append((self.step, float(event["loss"])))
            if self._first is None:
                self._first = (self.step, now)
            self._last = (self.step, now)
        elif kind == "eval":
            step = int(event["step"])
            if "loss" in event:
                self.eval_loss.append((step, float(event["loss"])))
            name = self.metric_name or next((m for m in CURVE_METRICS if m in event), "")
            if name and name in event:
                self.metric_name = name
                self.eval_metric.append((step, float(event[name])))
        elif kind == "done":
            self.done = event

    @property
    def steps_per_second(self) -> float | None:
        if self._first is None or self._last is None or self._last[0] <= self._first[0]:
            return None
        elapsed = self._last[1] - self._first[1]
        return (self._last[0] - self._first[0]) / elapsed if elapsed > 0 else None

    @property
    def eta_seconds(self) -> float | None:
        rate = self.steps_per_second
        if rate is None or not self.total_steps:
            return None
        return max(0.0, (self.total_steps - self.step) / rate)

    @property
    def fraction(self) -> float | None:
        return min(1.0, self.step / self.total_steps) if self.total_steps else None


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = int(seconds + 0.5)
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60}:{seconds % 60:02d}"


def format_count(count: int) -> str:
    """1,234 / 22.7M style."""
    if count >= 10_000_000:
        return f"{count / 1e6:.1f}M"
    return f"{count:,}"
