"""core.models.card: where a model is, and what a .gguf file holds (read from its header)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyllm_tui.core import hub
from studyllm_tui.core.i18n import set_language
from studyllm_tui.core.models.card import (
    availability,
    describe_gguf,
    format_params,
    read_gguf_info,
)
from studyllm_tui.core.models.source import ModelLoadError


def write_gguf(path: Path) -> Path:
    """A small GGUF file: llama metadata, a tokenizer array, one Q8_0 and two F32 tensors."""
    import gguf
    import numpy as np

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("Tiny test llama")
    writer.add_block_count(2)
    writer.add_context_length(64)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
    writer.add_array("tokenizer.ggml.tokens", [f"tok{i}" for i in range(300)])
    writer.add_array("tokenizer.ggml.scores", [float(i) for i in range(300)])
    writer.add_chat_template("{{ messages }}")
    weights = np.random.default_rng(0).standard_normal((8, 64)).astype(np.float32)
    quantized = gguf.quants.quantize(weights, gguf.GGMLQuantizationType.Q8_0)
    writer.add_tensor("blk.0.attn_q.weight", quantized, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    writer.add_tensor("output_norm.weight", np.ones(64, dtype=np.float32))
    writer.add_tensor("token_embd.weight", np.zeros((10, 64), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_gguf_header_agrees_with_the_gguf_package(tmp_path):
    import gguf

    file = write_gguf(tmp_path / "tiny.Q8_0.gguf")
    info = read_gguf_info(file)
    reader = gguf.GGUFReader(str(file))
    assert info.architecture == "llama" and info.name == "Tiny test llama"
    assert info.file_type == "Q8_0"
    assert info.tensor_types == {"F32": 2, "Q8_0": 1}
    assert info.parameters == sum(int(t.n_elements) for t in reader.tensors) == 8 * 64 + 64 + 640
    assert info.memory_bytes == info.parameters * 4
    assert info.disk_bytes == file.stat().st_size
    assert info.layers == 2 and info.context_length == 64 and info.has_chat_template


def test_gguf_card_line_in_both_languages(tmp_path):
    file = write_gguf(tmp_path / "tiny.gguf")
    line = describe_gguf(str(file))
    assert line is not None and "llama" in line and "Q8_0" in line and "fp32" in line
    set_language("en")
    line = describe_gguf(str(file))
    assert line is not None and "in memory after dequantizing" in line
    assert describe_gguf(str(tmp_path / "missing.gguf")) is None
    assert describe_gguf("org/model") is None


@pytest.mark.parametrize(
    "content",
    [b"", b"NOPE" + b"\0" * 40, b"GGUF\x03\0\0\0" + b"\xff" * 16, b"GGUF\x03\0\0\0\1\0"],
)
def test_a_file_that_is_not_gguf_is_one_clear_error(tmp_path, content):
    file = tmp_path / "bad.gguf"
    file.write_bytes(content)
    with pytest.raises(ModelLoadError, match="GGUF"):
        read_gguf_info(file)
    assert "GGUF" in (describe_gguf(str(file)) or "")


def test_format_params():
    assert format_params(134_515_008) == "135M"
    assert format_params(1_240_000_000) == "1.24B"


def test_availability_never_promises_a_download_offline(tmp_path):
    state = availability("llm-book/bert-base-japanese-v3-marc_ja")
    assert state.state == "offline" and not state.on_disk
    assert "初回の実行でダウンロードします" not in state.text
    assert "オフライン" in state.text and ".gguf" in state.text
    file = tmp_path / "m.gguf"
    assert availability(str(file)).state == "missing_gguf"
    file.write_bytes(b"GGUF")
    assert availability(str(file)).state == "gguf" and availability(str(file)).on_disk
    assert availability(str(tmp_path / "nope")).state == "missing_folder"


def test_availability_online_and_unknown(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    hub._reachable.clear()
    try:
        assert availability("org/model").state == "unknown"  # not probed: no promise either way
        assert availability("org/model", probe=True).state == "offline"
        hub._reachable[hub.endpoint()] = (hub.time.monotonic(), True)
        state = availability("org/model")
        assert state.state == "downloadable" and "初回の実行でダウンロードします" in state.text
    finally:
        hub._reachable.clear()


def test_cli_models_describes_a_gguf_model(tmp_path, capsys):
    from studyllm_tui.__main__ import main

    file = write_gguf(tmp_path / "tiny.Q8_0.gguf")
    assert main(["--model", f"generate={file}", "models", "--json"]) == 0
    import json

    rows = {row["task"]: row for row in json.loads(capsys.readouterr().out)}
    row = rows["generate"]
    assert row["state"] == "gguf" and row["cached"] and row["local_folder"]
    assert row["gguf"]["architecture"] == "llama" and row["gguf"]["quantization"] == "Q8_0"
    assert row["gguf"]["memory_bytes"] == row["gguf"]["parameters"] * 4
    assert row["size_bytes"] == file.stat().st_size
    assert rows["sentiment"]["state"] == "offline"
    assert main(["--model", f"generate={file}", "models"]) == 0
    out = capsys.readouterr().out
    assert "GGUF: llama" in out and "初回の実行でダウンロードします" not in out


def test_offline_messages_where_they_are_shown(capsys):
    """download does not advise running download; a tokenizer gets tokenizer advice; the
    prompt lab gets prompt-lab advice."""
    from studyllm_tui.__main__ import main
    from studyllm_tui.core.config import Config
    from studyllm_tui.core.prompts.backend import BackendError
    from studyllm_tui.core.prompts.local import LocalBackend
    from studyllm_tui.core.tokenizers.base import TokenizerError
    from studyllm_tui.core.tokenizers.hf import tokenizer_folder

    assert main(["download", "sentiment"]) == 1
    err = capsys.readouterr().err
    assert "オフライン" in err and "studyllm-tui download" not in err
    with pytest.raises(TokenizerError) as error:
        tokenizer_folder("cl-tohoku/bert-base-japanese-v3")
    assert "tokenizer.json" in str(error.value) and "--model" not in str(error.value)
    backend = LocalBackend(Config(device="cpu"), "abeja/gpt2-large-japanese")
    with pytest.raises((hub.ModelNotAvailable, BackendError)) as error:
        backend.prepare(lambda _: None, None)
    assert "prompt.model" in str(error.value) and "--model" not in str(error.value)
