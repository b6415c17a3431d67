"""core.hub: local folders, the HF cache, and the offline message (fast, no network)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from studyllm_tui.core import hub, hub_download
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
    assert "オフライン" in message and "studyllm-tui download sentiment" not in message
    assert "studyllm-tui download TASK" in message and ".gguf" in message
    assert error.value.offline
    set_language("en")
    with pytest.raises(hub.ModelNotAvailable) as error:
        hub.resolve("llm-book/bert-base-japanese-v3-marc_ja", task="sentiment")
    assert "cannot be reached (offline)" in str(error.value)
    assert "studyllm-tui download sentiment" in str(error.value)


def test_offline_mode_means_hub_unreachable_without_waiting():
    start = time.monotonic()
    assert hub.hub_reachable() is False
    assert time.monotonic() - start < 0.1


def test_unreachable_endpoint_fails_within_two_seconds(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard port: refused at once
    hub._reachable.clear()
    start = time.monotonic()
    with pytest.raises(hub.ModelNotAvailable, match=r"Hub（127\.0\.0\.1:9）にも接続できない"):
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
        hub_download.RemoteFile(name, 1)
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
    names = [f.name for f in hub_download.choose_files(files)]
    assert names == ["config.json", "model.safetensors", "vocab.txt"]
    only_bin = [hub_download.RemoteFile("config.json", 1), hub_download.RemoteFile("pytorch_model.bin", 5)]
    assert [f.name for f in hub_download.choose_files(only_bin)] == ["config.json", "pytorch_model.bin"]


def test_download_reports_bytes_and_can_be_cancelled(monkeypatch, isolated_dirs):
    """The download path with the Hub calls replaced: progress adds up, cancel stops it."""
    files = [hub_download.RemoteFile("config.json", 10), hub_download.RemoteFile("model.safetensors", 1000)]
    monkeypatch.setattr(hub_download, "remote_files", lambda model: files)
    cancel = threading.Event()
    seen: list[Progress] = []

    def fake_download(repo, filename, *, cache_dir, tqdm_class, etag_timeout, endpoint):
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
    folder = hub_download.download_model("org/m", progress=seen.append, cancel=cancel)
    assert (folder / "model.safetensors").exists()
    assert seen[-1].done == seen[-1].total == 1010
    assert "MB" in seen[-1].detail or "KB" in seen[-1].detail or "B" in seen[-1].detail

    cancel.set()
    with pytest.raises(Cancelled):
        hub_download.download_model("org/m", progress=seen.append, cancel=cancel)


def test_format_helpers():
    assert hub.format_bytes(445_000_000) == "445.0 MB"
    assert hub.format_duration(75) == "1m15s"


# -- offline advice worded for where it is shown (issue 10 item 7) ---------------------------


def test_offline_advice_fits_each_place():
    model = "cl-tohoku/bert-base-japanese-v3"
    download = hub.not_available_message(model, "download")
    assert "studyllm-tui download" not in download  # `download` itself
    assert "ネットワークにつないでからもう一度実行" in download
    tokenizer = hub.not_available_message(model, "tokenizer")
    assert "--model" not in tokenizer and "download" not in tokenizer
    assert "tokenizer.json" in tokenizer
    prompt = hub.not_available_message(model, "prompt")
    assert "prompt.model" in prompt and "--model" not in prompt and ".gguf" in prompt
    task = hub.not_available_message(model, "task", task="fill-mask")
    assert "studyllm-tui download fill-mask" in task and "--model fill-mask=PATH" in task
    assert len({download, tokenizer, prompt, task}) == 4
    set_language("en")
    assert "studyllm-tui download" not in hub.not_available_message(model, "download")
    assert "tokenizer.json" in hub.not_available_message(model, "tokenizer")


def test_resolve_words_its_offline_error_by_context():
    with pytest.raises(hub.ModelNotAvailable) as error:
        hub.resolve("someone/tok", context="tokenizer")
    assert error.value.offline and "tokenizer.json" in str(error.value)
    with pytest.raises(hub.ModelNotAvailable) as error:
        hub.resolve("someone/tok", context="download")
    assert "studyllm-tui download" not in str(error.value)


def test_progress_is_described_in_the_ui_language():
    connect = Progress("connect", detail="huggingface.co")
    assert hub.describe_progress(connect) == "Hub に接続中 huggingface.co"
    assert hub.describe_progress(Progress("load", 1, 3, "tokenizer")) == (
        "モデルを読み込み中 トークナイザー"
    )
    assert hub.describe_progress(Progress("download", 50, 100, "5 MB / 10 MB")).startswith(
        "ダウンロード中 50% 5 MB"
    )
    assert hub.describe_progress(Progress("mystery", detail="x")) == "mystery x"
    set_language("en")
    text = hub.describe_progress(connect)
    assert text == "Connecting to the Hub huggingface.co" and "connect " not in text


def test_connect_progress_names_the_configured_endpoint(monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9/")
    seen: list[Progress] = []
    with pytest.raises(hub.ModelNotAvailable):
        hub.resolve("someone/model", progress=seen.append)
    assert seen[0].stage == "connect" and seen[0].detail == "127.0.0.1:9"


def test_gguf_paths_are_paths_not_hub_ids(tmp_path):
    assert hub.looks_like_path("SmolLM2-135M-Instruct.Q4_1.gguf")  # matches a Hub id pattern
    assert hub.looks_like_path("models/x.GGUF")
    file = tmp_path / "m.gguf"
    assert not hub.is_cached(str(file))
    file.write_bytes(b"GGUF")
    assert hub.is_cached(str(file))
    folder = tmp_path / "dir.gguf"
    (folder / "x").mkdir(parents=True)
    assert not hub.is_cached(str(folder))  # a folder named like a .gguf file is not one


def test_hub_reachable_answers_for_a_loopback_endpoint(monkeypatch):
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    hub._reachable.clear()
    try:
        assert hub.hub_reachable() is True
        assert hub.reachable_known() is True
    finally:
        server.close()
        hub._reachable.clear()
    assert hub.hub_reachable() is False
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:abc")
    assert hub.hub_reachable() is False  # a bad port is "unreachable", not a traceback
    hub._reachable.clear()
