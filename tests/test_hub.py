"""core.hub: local folders, the HF cache, and the offline message (fast, no network)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from studyllm_tui.core import hub
from studyllm_tui.core.i18n import set_language
from studyllm_tui.core.jobs import Cancelled, Progress


def _fake_snapshot(cache: Path, repo: str, files: dict[str, str]) -> Path:
    repo_dir = cache / f"models--{repo.replace('/', '--')}"
    commit = "0123456789abcdef0123456789abcdef01234567"
    (repo_dir / "refs").mkdir(parents=True)
    (repo_dir / "refs" / "main").write_text(commit)
    snapshot = repo_dir / "snapshots" / commit
    snapshot.mkdir(parents=True)
    for name, text in files.items():
        (snapshot / name).write_text(text)
    return snapshot


def test_offline_message_comes_fast_and_says_what_to_do():
    start = time.monotonic()
    with pytest.raises(hub.ModelNotAvailable) as error:
        hub.resolve("llm-book/bert-base-japanese-v3-marc_ja")
    assert time.monotonic() - start < 2.0
    message = str(error.value)
    assert "llm-book/bert-base-japanese-v3-marc_ja" in message
    assert "オフライン" in message and "studyllm-tui download" in message
    set_language("en")
    with pytest.raises(hub.ModelNotAvailable) as error:
        hub.resolve("llm-book/bert-base-japanese-v3-marc_ja")
    assert "cannot be reached (offline)" in str(error.value)


def test_offline_mode_means_hub_unreachable_without_waiting():
    start = time.monotonic()
    assert hub.hub_reachable() is False
    assert time.monotonic() - start < 0.1


def test_unreachable_endpoint_fails_within_two_seconds(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard port: refused at once
    hub._reachable.clear()
    start = time.monotonic()
    with pytest.raises(hub.ModelNotAvailable, match="Hub にも接続できません"):
        hub.resolve("someone/some-model")
    assert time.monotonic() - start < 2.0
    hub._reachable.clear()


def test_local_folder_is_returned(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    assert hub.resolve(str(tmp_path)) == tmp_path.resolve()
    assert hub.is_cached(str(tmp_path))


def test_missing_and_empty_folders_are_clear_errors(tmp_path):
    with pytest.raises(hub.ModelNotAvailable, match="そのフォルダはありません"):
        hub.resolve(str(tmp_path / "nope"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(hub.ModelNotAvailable, match="フォルダが空です"):
        hub.resolve(str(empty))
    assert not hub.is_cached(str(tmp_path / "nope"))


def test_cache_respects_hf_home(isolated_dirs):
    assert hub.hub_cache_dir() == isolated_dirs / "hf" / "hub"


def test_complete_cached_snapshot_is_found(isolated_dirs):
    cache = hub.hub_cache_dir()
    snapshot = _fake_snapshot(cache, "org/model", {"config.json": "{}", "model.safetensors": "x"})
    assert hub.is_cached("org/model")
    assert hub.resolve("org/model") == snapshot


def test_incomplete_snapshot_is_not_cached(isolated_dirs):
    cache = hub.hub_cache_dir()
    _fake_snapshot(cache, "org/partial", {"config.json": "{}"})
    assert not hub.is_cached("org/partial")
    with pytest.raises(hub.ModelNotAvailable):
        hub.resolve("org/partial")


def test_missing_shard_makes_snapshot_incomplete(isolated_dirs):
    index = '{"weight_map": {"a": "model-1.safetensors", "b": "model-2.safetensors"}}'
    files = {
        "config.json": "{}",
        "model.safetensors.index.json": index,
        "model-1.safetensors": "x",
    }
    _fake_snapshot(hub.hub_cache_dir(), "org/sharded", files)
    assert not hub.is_cached("org/sharded")


def test_files_prefer_safetensors_and_skip_other_frameworks():
    files = [
        hub.RemoteFile(name, 1)
        for name in (
            "config.json",
            "model.safetensors",
            "pytorch_model.bin",
            "tf_model.h5",
            "flax_model.msgpack",
            "vocab.txt",
            "runs/events.out",
            ".gitattributes",
        )
    ]
    names = [f.name for f in hub.choose_files(files)]
    assert names == ["config.json", "model.safetensors", "vocab.txt"]
    only_bin = [hub.RemoteFile("config.json", 1), hub.RemoteFile("pytorch_model.bin", 5)]
    assert [f.name for f in hub.choose_files(only_bin)] == ["config.json", "pytorch_model.bin"]


def test_download_reports_bytes_and_can_be_cancelled(monkeypatch, isolated_dirs):
    """The download path with the Hub calls replaced: progress adds up, cancel stops it."""
    files = [hub.RemoteFile("config.json", 10), hub.RemoteFile("model.safetensors", 1000)]
    monkeypatch.setattr(hub, "remote_files", lambda model: files)
    cancel = threading.Event()
    seen: list[Progress] = []

    def fake_download(repo, filename, *, cache_dir, tqdm_class, etag_timeout):
        size = next(f.size for f in files if f.name == filename)
        bar = tqdm_class(total=size)
        for _ in range(10):
            bar.update(size // 10)
        folder = Path(cache_dir) / "models--org--m" / "snapshots" / "abc"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / filename).write_text("x")
        return str(folder / filename)

    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", fake_download)
    folder = hub.download_model("org/m", progress=seen.append, cancel=cancel)
    assert (folder / "model.safetensors").exists()
    assert seen[-1].done == seen[-1].total == 1010
    assert "MB" in seen[-1].detail or "KB" in seen[-1].detail or "B" in seen[-1].detail

    cancel.set()
    with pytest.raises(Cancelled):
        hub.download_model("org/m", progress=seen.append, cancel=cancel)


def test_format_helpers():
    assert hub.format_bytes(445_000_000) == "445.0 MB"
    assert hub.format_duration(75) == "1m15s"
