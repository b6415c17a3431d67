"""The real-model tier has its files: the MiniLM folder and the SmolLM2 GGUF file."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_minilm_folder_is_a_transformers_model(minilm_dir: Path) -> None:
    assert (minilm_dir / "config.json").is_file()
    assert (minilm_dir / "model.safetensors").stat().st_size > 80_000_000
    assert (minilm_dir / "1_Pooling" / "config.json").is_file()


def test_smollm2_is_one_gguf_file(smollm2_gguf: Path) -> None:
    assert smollm2_gguf.read_bytes()[:4] == b"GGUF"


def test_loading_smollm2_parses_its_gguf_file_once(smollm2_app: Any, smollm2_parses: list[str]) -> None:
    # config, tokenizer and weights share one parse (core/models/gguf_load.parse_once): the
    # parse of its 49,152-token vocabulary alone takes seconds
    assert [Path(p).name for p in smollm2_parses] == ["SmolLM2-135M-Instruct.Q4_1.gguf"]
    assert smollm2_app.model.config.model_type == "llama"
