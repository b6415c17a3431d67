"""What a tuning run is asked to do, the book's hyper-parameters, and the events a run emits.

Events are plain dicts (JSON-ready), the same for the CLI's ``--json`` lines and the tab:

- ``{"event": "start", "total_steps", "trainable_params", "total_params", "resumed_from"}``
- ``{"event": "log", "step", "epoch", "loss", "lr"}`` as training goes
- ``{"event": "eval", "step", ...metrics}`` after each evaluation
- ``{"event": "done", "out", "trainable_params", "total_params", ...}`` last
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

METHODS = ("classify", "sft", "dpo")

# Book ch.5 (fine-tuning cl-tohoku/bert-base-japanese-v3 on MARC-ja): AdamW, learning rate 2e-5,
# batch 32, 3 epochs, linear decay after a 10% warm-up.
BOOK: dict[str, Any] = {"lr": 2e-5, "batch_size": 32, "epochs": 3.0, "warmup": 0.1, "scheduler": "linear"}
# CPU-friendly defaults: small batches keep memory and step time down; LoRA needs a larger
# learning rate than full fine-tuning (only a few small matrices move).
CPU_DEFAULTS: dict[str, dict[str, Any]] = {
    "classify": {"lr": 5e-5, "batch_size": 16, "epochs": 1.0, "lora_lr": 5e-4, "max_length": 128},
    "sft": {"lr": 2e-4, "batch_size": 4, "epochs": 1.0, "lora_lr": 2e-4, "max_length": 256},
    "dpo": {"lr": 5e-5, "batch_size": 4, "epochs": 1.0, "lora_lr": 5e-5, "max_length": 256},
}
DEFAULT_LORA_R = 8
DEFAULT_BETA = 0.1
CLASSIFY_BASE = "cl-tohoku/bert-base-japanese-v3"

Emit = Callable[[dict[str, Any]], None]


@dataclass
class TuneSettings:
    """One run. ``lora`` is the LoRA rank (0 = full fine-tuning; SFT/DPO always use LoRA)."""

    method: str
    base: str
    data: str
    out: str
    eval_data: str | None = None
    text_column: str | None = None
    label_column: str | None = None
    lora: int = 0
    epochs: float | None = None
    lr: float | None = None
    batch_size: int | None = None
    max_steps: int = -1
    seed: int = 42
    beta: float = DEFAULT_BETA
    warmup: float = 0.1
    max_length: int | None = None
    resume: bool = False
    eval_steps: int | None = None
    logging_steps: int | None = None
    use_cpu: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(self.method)
        if self.method in ("sft", "dpo") and self.lora <= 0:
            self.lora = DEFAULT_LORA_R

    @property
    def defaults(self) -> dict[str, Any]:
        return CPU_DEFAULTS[self.method]

    @property
    def learning_rate(self) -> float:
        if self.lr is not None:
            return self.lr
        return float(self.defaults["lora_lr" if self.lora > 0 else "lr"])

    @property
    def batch(self) -> int:
        return int(self.batch_size or self.defaults["batch_size"])

    @property
    def num_epochs(self) -> float:
        return float(self.epochs if self.epochs is not None else self.defaults["epochs"])

    @property
    def seq_len(self) -> int:
        return int(self.max_length or self.defaults["max_length"])


def total_steps(settings: TuneSettings, train_rows: int, world_size: int = 1) -> int:
    """Optimizer steps the run will take (what the Trainer computes for one process)."""
    if settings.max_steps > 0:
        return settings.max_steps
    per_epoch = max(1, -(-train_rows // (settings.batch * max(1, world_size))))
    return max(1, int(per_epoch * settings.num_epochs + 0.999999))


def emit_nothing(_: dict[str, Any]) -> None:
    """An event sink that ignores events."""
