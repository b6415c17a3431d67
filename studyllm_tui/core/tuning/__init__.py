"""Fine-tuning for the tuning lab and ``studyllm-tui tune``: one runner per method family.

- ``classify``: sequence classification, full or LoRA, over transformers' ``Trainer`` (book ch.5).
- ``causal``: instruction tuning (trl ``SFTTrainer``) and preference tuning (trl ``DPOTrainer``)
  with LoRA (book II).

The CLI and the tab are thin front ends over :func:`run`; events (settings.py) stream progress.
Nothing heavy is imported here.
"""

from __future__ import annotations

import threading
from typing import Any

from studyllm_tui.core.tuning.settings import Emit, TuneSettings, emit_nothing


def run(settings: TuneSettings, emit: Emit = emit_nothing, cancel: threading.Event | None = None) -> dict[str, Any]:
    """Run ``settings.method``; returns (and emits) the ``done`` event."""
    if settings.method == "classify":
        from studyllm_tui.core.tuning.classify import run_classify

        return run_classify(settings, emit, cancel)
    from studyllm_tui.core.tuning.causal import run_causal

    return run_causal(settings, emit, cancel)


def count_trainable(settings: TuneSettings, cancel: threading.Event | None = None) -> tuple[int, int]:
    """(trainable, total) parameters of the run, computed without training."""
    if settings.method == "classify":
        from studyllm_tui.core.tuning.classify import count_trainable as count

        return count(settings, cancel)
    from studyllm_tui.core.tuning.causal import count_trainable as count_causal

    return count_causal(settings, cancel)
