"""The real-model tier has its files: the MiniLM folder and the SmolLM2 GGUF file."""

from __future__ import annotations

from pathlib import Path


def test_minilm_folder_is_a_transformers_model(minilm_dir: Path) -> None:
    assert (minilm_dir / "config.json").is_file()
    assert (minilm_dir / "model.safetensors").stat().st_size > 80_000_000
    assert (minilm_dir / "1_Pooling" / "config.json").is_file()


def test_smollm2_is_one_gguf_file(smollm2_gguf: Path) -> None:
    assert smollm2_gguf.read_bytes()[:4] == b"GGUF"
