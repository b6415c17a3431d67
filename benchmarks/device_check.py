"""The CUDA path: the app's own loading and inference code on a GPU, checked against the CPU.

Small random models are built here (a BERT classifier with a plain WordPiece tokenizer, T5 and
GPT-2), loaded through ``ModelManager`` once with device "cpu" and once with "cuda", and run
through the same functions the panels and the prompt lab use. The results must agree. Then a
GPT-2-small-sized model is timed: token-by-token generation (the panel path) against raw
``generate`` on each device. Without a CUDA device it says so and checks nothing.

    python benchmarks/device_check.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

TEXT = "この映画はとても面白かった。最後の場面は何度見ても泣けてしまう。"
PROMPT = "問題：日本で一番高い山は？\n解答："
failures: list[str] = []


def check(name: str, ok: bool, detail: str) -> None:
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}")
    if not ok:
        failures.append(name)


def build_bert(folder: Path) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    chars = sorted({c for c in TEXT + PROMPT + "富士山です。" if not c.isspace()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    (folder / "vocab.txt").write_text("\n".join(specials + chars) + "\n", encoding="utf-8")
    BertTokenizerFast(str(folder / "vocab.txt"), tokenize_chinese_chars=True).save_pretrained(
        folder
    )
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(specials) + len(chars), hidden_size=32, num_hidden_layers=2,
        num_attention_heads=2, intermediate_size=37, num_labels=2,
        id2label={0: "positive", 1: "negative"}, label2id={"positive": 0, "negative": 1},
    )  # fmt: skip
    BertForSequenceClassification(config).save_pretrained(folder)
    return folder


def run_on(device: str, folders: dict[str, str]) -> dict[str, object]:
    from studyllm_tui.core.models.generation import stream_generate
    from studyllm_tui.core.models.manager import ModelManager
    from studyllm_tui.core.models.runners import run_loaded
    from studyllm_tui.core.prompts.local import label_logprobs

    manager = ModelManager(device=device)
    manager.overrides = dict(folders)
    out: dict[str, object] = {}
    sentiment = manager.load("sentiment")
    out["device"] = str(sentiment.device)
    out["sentiment"] = run_loaded(sentiment, [TEXT]).to_json()["scores"]
    summarize = manager.load("summarize")
    out["summary"] = run_loaded(
        summarize, [TEXT], {"num_beams": 1, "do_sample": False, "max_new_tokens": 12}
    ).to_json()["text"]
    generate = manager.load("generate")
    out["generated"] = "".join(
        stream_generate(generate, PROMPT, max_new_tokens=16, temperature=0.0)
    )
    out["label_logprobs"] = label_logprobs(
        generate.model, generate.tokenizer, PROMPT, ("富士山", "北岳"), generate.device
    )
    return out


def tokens_per_second(device: str, folder: Path) -> tuple[float, float]:
    import torch

    from studyllm_tui.core.models.generation import GenerationSettings, generate_steps
    from studyllm_tui.core.models.manager import ModelManager

    manager = ModelManager(device=device)
    manager.overrides = {"generate": str(folder)}
    loaded = manager.load("generate")
    new_tokens = 64

    def panel() -> float:
        start = time.perf_counter()
        settings = GenerationSettings(new_tokens, 0.0, 0, 1.0, None, False)
        count = sum(1 for _ in generate_steps(loaded, PROMPT, settings))
        if device == "cuda":
            torch.cuda.synchronize()
        return max(count, 1) / (time.perf_counter() - start)

    def raw() -> float:
        ids = loaded.tokenizer(PROMPT, return_tensors="pt").to(loaded.device)
        start = time.perf_counter()
        with torch.no_grad():
            out = loaded.model.generate(
                **ids, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False,
                pad_token_id=loaded.tokenizer.eos_token_id,
            )  # fmt: skip
        if device == "cuda":
            torch.cuda.synchronize()
        return (out.shape[1] - ids["input_ids"].shape[1]) / (time.perf_counter() - start)

    panel(), raw()  # warm up
    return statistics.median(panel() for _ in range(5)), statistics.median(raw() for _ in range(5))


def main() -> int:
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    from tests.tiny_models import build_gpt2_tokenizer, build_tiny_gpt2, build_tiny_t5

    if not torch.cuda.is_available():
        print("SKIP: no CUDA device here; nothing checked")
        return 0
    print(f"device: {torch.cuda.get_device_name(0)}, torch {torch.__version__}")
    root = Path(tempfile.mkdtemp(prefix="studyllm-device-"))
    folders = {
        "sentiment": str(build_bert(root / "bert")),
        "summarize": str(build_tiny_t5(root / "t5")),
        "generate": str(build_tiny_gpt2(root / "gpt2")),
    }
    cpu, cuda = run_on("cpu", folders), run_on("cuda", folders)
    check("device chosen", str(cuda["device"]).startswith("cuda"), f"{cuda['device']}")
    cpu_scores, gpu_scores = cpu["sentiment"], cuda["sentiment"]
    assert isinstance(cpu_scores, dict) and isinstance(gpu_scores, dict)
    diff = max(abs(cpu_scores[k] - gpu_scores[k]) for k in cpu_scores)
    check("sentiment scores", diff < 1e-3, f"cpu {cpu_scores} cuda {gpu_scores}")
    check("greedy summary", cpu["summary"] == cuda["summary"], repr(cuda["summary"]))
    check("streamed greedy generation", cpu["generated"] == cuda["generated"],
          repr(cuda["generated"]))  # fmt: skip
    cpu_lp, gpu_lp = cpu["label_logprobs"], cuda["label_logprobs"]
    assert isinstance(cpu_lp, dict) and isinstance(gpu_lp, dict)
    diff = max(abs(cpu_lp[k] - gpu_lp[k]) for k in cpu_lp)
    check("label log-probabilities", diff < 1e-3, f"cpu {cpu_lp} cuda {gpu_lp}")

    small = build_gpt2_tokenizer(root / "gpt2-small")
    torch.manual_seed(0)
    GPT2LMHeadModel(GPT2Config(vocab_size=50257, n_positions=1024)).save_pretrained(small)
    for device in ("cpu", "cuda"):
        panel, raw = tokens_per_second(device, small)
        print(f"gpt2-small-size greedy, 64 new tokens, {device}: panel path {panel:.1f} tokens/s, "
              f"raw generate {raw:.1f} tokens/s, ratio {panel / raw:.2f}")  # fmt: skip
    print("all agree" if not failures else f"FAILED: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
