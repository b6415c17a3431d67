"""core.models.gguf_load: one parse of a .gguf file per load, and gguf itself again afterwards.

The real tier (tests/real/test_real_models_present.py) checks the whole SmolLM2 load parses
its file once; these tests check the mechanism on a small file the test writes.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from studyllm_tui.core.models.gguf_load import parse_once
from studyllm_tui.core.models.source import ModelSource
from tests.test_hub_card import write_gguf

gguf = pytest.importorskip("gguf")


@pytest.fixture
def tiny(tmp_path: Path) -> ModelSource:
    write_gguf(tmp_path / "tiny.Q8_0.gguf")
    return ModelSource("tiny.Q8_0.gguf", tmp_path, "tiny.Q8_0.gguf")


def test_a_file_is_parsed_once_inside_and_afresh_outside(tiny: ModelSource) -> None:
    original = gguf.GGUFReader
    file = tiny.path / "tiny.Q8_0.gguf"
    with parse_once(tiny):
        first = gguf.GGUFReader(str(file))
        assert gguf.GGUFReader(file) is first  # a Path or a str, the same file
        assert gguf.GGUFReader(str(tiny.path / "." / "tiny.Q8_0.gguf")) is first
        assert [t.name for t in first.tensors] == ["blk.0.attn_q.weight", "output_norm.weight", "token_embd.weight"]
        arch = next(k for k, v in gguf.MODEL_ARCH_NAMES.items() if v == "llama")
        assert gguf.get_tensor_name_map(arch, 2) is gguf.get_tensor_name_map(arch, 2)
    assert gguf.GGUFReader is original
    assert isinstance(gguf.GGUFReader(str(file)), original)
    assert gguf.GGUFReader(str(file)) is not first


def test_blocks_nest_and_the_last_one_out_restores_gguf(tiny: ModelSource) -> None:
    original, name_map = gguf.GGUFReader, gguf.get_tensor_name_map
    file = str(tiny.path / "tiny.Q8_0.gguf")
    with parse_once(tiny):
        with parse_once(tiny):
            inner = gguf.GGUFReader(file)
        assert gguf.GGUFReader(file) is inner
    assert gguf.GGUFReader is original and gguf.get_tensor_name_map is name_map


def test_an_error_inside_still_restores_gguf(tiny: ModelSource) -> None:
    original = gguf.GGUFReader
    with pytest.raises(RuntimeError), parse_once(tiny):
        raise RuntimeError("load failed")
    assert gguf.GGUFReader is original


def test_a_folder_source_changes_nothing(tmp_path: Path) -> None:
    original = gguf.GGUFReader
    with parse_once(ModelSource("folder", tmp_path)):
        assert gguf.GGUFReader is original


def test_threads_loading_at_once_share_one_reader(tiny: ModelSource) -> None:
    file = str(tiny.path / "tiny.Q8_0.gguf")
    readers: list[object] = []
    start = threading.Barrier(4)

    def load() -> None:
        with parse_once(tiny):
            start.wait()
            readers.append(gguf.GGUFReader(file))
            start.wait()

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(readers) == 4 and all(reader is readers[0] for reader in readers)
