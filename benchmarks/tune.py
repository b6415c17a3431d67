"""`tune classify` vs a plain transformers Trainer: time per training step.

A small BERT classifier (hidden 256, 4 layers, random weights, Japanese MeCab+WordPiece
tokenizer from the test helpers), the bundled sentiment set, batch 16, 64 tokens, on CPU.
Both trainers get the same model weights and the same encoded batches; a timing callback
measures each optimizer step (on_step_begin → on_step_end). The tune path adds its progress
callback, periodic evaluation and checkpoints; evaluation and saving happen between steps and
are reported separately (whole ``train()`` time). Target: median step ratio <= 1.05.

    .venv/bin/python benchmarks/tune.py [steps]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))


def step_timer() -> tuple[Any, list[float]]:
    from transformers import TrainerCallback

    times: list[float] = []

    class StepTimer(TrainerCallback):
        start = 0.0

        def on_step_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.start = time.perf_counter()

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            times.append(time.perf_counter() - self.start)

    return StepTimer(), times


def build_base(folder: Path) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    from tests.tiny_models import build_bert_tokenizer

    build_bert_tokenizer(folder)
    vocab = len((folder / "vocab.txt").read_text(encoding="utf-8").splitlines())
    torch.manual_seed(0)
    config = BertConfig(  # type: ignore[call-arg]
        vocab_size=vocab, hidden_size=256, num_hidden_layers=4, num_attention_heads=4,
                        intermediate_size=1024, num_labels=2, id2label={0: "positive", 1: "negative"},
                        label2id={"positive": 0, "negative": 1})
    BertForSequenceClassification(config).save_pretrained(folder)
    return folder


def main() -> None:
    import torch
    from transformers import DataCollatorWithPadding, Trainer, TrainingArguments

    from studyllm_tui.core.tuning import classify, common
    from studyllm_tui.core.tuning.settings import TuneSettings

    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    torch.set_num_threads(max(1, (os.cpu_count() or 2)))
    with tempfile.TemporaryDirectory() as tmp:
        base = build_base(Path(tmp) / "base")
        settings = TuneSettings(method="classify", base=str(base), data="bundled", out=str(Path(tmp) / "out"),
                                max_steps=steps, batch_size=16, lr=5e-5, max_length=64, use_cpu=True)
        results: dict[str, list[tuple[float, float]]] = {}
        for name in ("plain", "tune") * 3:
            model, tokenizer, data = classify.prepare(settings)
            timer, times = step_timer()
            if name.startswith("tune"):
                trainer = classify.build_trainer(
                    settings, model, tokenizer, data, [common.make_callback(lambda e: None, None), timer])
            else:
                args = TrainingArguments(
                    output_dir=str(Path(tmp) / name), per_device_train_batch_size=16, max_steps=steps,
                    learning_rate=5e-5, lr_scheduler_type="linear", warmup_steps=0.1, use_cpu=True,
                    report_to=[], disable_tqdm=True, save_strategy="no", seed=42, data_seed=42,
                    # same batches (order, hence padding) and logging cadence as the tune run
                    logging_steps=common.training_kwargs(settings, steps, True)["logging_steps"],
                )
                trainer = Trainer(
                    model=model, args=args, data_collator=DataCollatorWithPadding(tokenizer),
                    train_dataset=classify.encode(tokenizer, data.train_texts, data.train_labels, 64),
                    callbacks=[timer],
                )
                common.quiet_trainer(trainer)
            start = time.perf_counter()
            trainer.train()
            total = time.perf_counter() - start
            results.setdefault(name, []).append((statistics.median(times[2:]), total))
    # The best of three interleaved rounds each: on a shared machine the minimum is the
    # least disturbed measurement.
    plain_step = min(r[0] for r in results["plain"])
    tune_step = min(r[0] for r in results["tune"])
    print("rounds (median step ms):", {k: [round(r[0] * 1000, 1) for r in v] for k, v in results.items()})
    print(f"model: BERT hidden 256 x 4 layers, batch 16, 64 tokens, {steps} steps, CPU "
          f"({torch.get_num_threads()} threads)")
    print(f"plain Trainer   median step {plain_step * 1000:7.1f} ms   train() {min(r[1] for r in results['plain']):6.1f} s")
    print(f"tune classify   median step {tune_step * 1000:7.1f} ms   train() {min(r[1] for r in results['tune']):6.1f} s"
          "  (incl. evaluations and checkpoints)")
    print(f"step ratio tune/plain: {tune_step / plain_step:.3f}  (goal <= 1.05)")


if __name__ == "__main__":
    main()
