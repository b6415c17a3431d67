"""Task panels vs raw transformers: classification latency and generation tokens/s.

A bert-base-sized classifier (768 hidden, 12 layers, 32,768 vocab: the cost of the book's
models) and a GPT-2-small-sized causal LM, random weights, built in a temporary folder and
loaded through the app's ModelManager. Targets: panel path <= 1.05x raw; streamed generation
>= 0.95x raw ``generate`` tokens/s.

    .venv/bin/python benchmarks/tasks.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# benchmarks/ holds scripts named like stdlib modules (tokenize.py): keep it off the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

TEXT = "この映画はとても面白かった。特に最後の場面は何度見ても泣けてしまう。" * 3


def timed(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import torch
    from transformers import BertConfig, BertForSequenceClassification, GPT2Config, GPT2LMHeadModel

    from studyllm_tui.core.config import Config
    from studyllm_tui.core.models import get_manager
    from studyllm_tui.core.models.generation import GenerationSettings, generate_steps
    from studyllm_tui.core.models.runners import run_classification
    from tests.tiny_models import build_bert_tokenizer, build_gpt2_tokenizer

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    root = Path(tempfile.mkdtemp(prefix="studyllm-bench-"))
    bert_dir = build_bert_tokenizer(root / "bert")
    config = BertConfig(
        vocab_size=32768, num_labels=2, id2label={0: "positive", 1: "negative"},
        label2id={"positive": 0, "negative": 1},
    )  # fmt: skip
    BertForSequenceClassification(config).save_pretrained(bert_dir)
    gpt_dir = build_gpt2_tokenizer(root / "gpt2")
    GPT2LMHeadModel(GPT2Config(vocab_size=50257, n_positions=1024)).save_pretrained(gpt_dir)

    manager = get_manager(Config(models={"sentiment": str(bert_dir), "generate": str(gpt_dir)}))
    loaded = manager.load("sentiment")
    tokenizer, model = loaded.tokenizer, loaded.model

    def raw() -> None:
        with torch.inference_mode():
            encoded = tokenizer(TEXT, truncation=True, max_length=512, return_tensors="pt")
            torch.softmax(model(**encoded).logits[0], dim=-1).tolist()

    def panel() -> None:
        run_classification(loaded, TEXT)

    raw_s = timed(raw, 20)
    panel_s = timed(panel, 20)
    print(f"device: {loaded.device}, torch threads: {torch.get_num_threads()}")
    print(f"classification (bert-base size, {len(tokenizer(TEXT)['input_ids'])} tokens)")
    print(f"  raw transformers call : {raw_s * 1000:7.1f} ms")
    print(f"  panel path            : {panel_s * 1000:7.1f} ms   ratio {panel_s / raw_s:.3f}x")

    gen = manager.load("generate")
    prompt = "今日は良い天気です。"
    new_tokens = 64
    encoded = gen.tokenizer(prompt, return_tensors="pt")

    def raw_generate() -> None:
        with torch.inference_mode():
            gen.model.generate(
                **encoded, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False,
                pad_token_id=gen.tokenizer.eos_token_id,
            )  # fmt: skip

    def streamed() -> None:
        settings = GenerationSettings(new_tokens, temperature=0.0)
        count = sum(1 for _ in generate_steps(gen, prompt, settings))
        assert count == new_tokens or count > 0

    raw_g = timed(raw_generate, 5)
    mine_g = timed(streamed, 5)
    print(f"generation (gpt2-small size, {new_tokens} new tokens, greedy)")
    print(f"  raw generate          : {new_tokens / raw_g:7.1f} tokens/s")
    print(
        f"  panel stream          : {new_tokens / mine_g:7.1f} tokens/s   ratio {raw_g / mine_g:.3f}x"
    )


if __name__ == "__main__":
    main()
