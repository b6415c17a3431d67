"""The download path against a real HTTP server on 127.0.0.1 (tests/hub_server.py), through the
real huggingface_hub client and the app's hub.resolve / download_model.

How the client is pointed at the server: the app reads ``HF_ENDPOINT`` on every call and passes
it to huggingface_hub explicitly (``hf_hub_download(endpoint=...)``, ``HfApi(endpoint=...)``),
because huggingface_hub reads ``HF_ENDPOINT`` into ``constants.ENDPOINT`` once, at import.
Offline mode is the same kind of constant: tests/conftest.py sets ``HF_HUB_OFFLINE=1`` before
huggingface_hub is imported, so these tests unset the variable *and* set
``huggingface_hub.constants.HF_HUB_OFFLINE`` to False (monkeypatched, restored afterwards).
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from studyllm_tui.core import hub, hub_download
from studyllm_tui.core.i18n import set_language
from studyllm_tui.core.jobs import Cancelled, Progress
from tests.hub_server import COMMIT, FakeHub, HubServer
from tests.tiny_models import build_tiny_bert_encoder

REPO = "studyllm/tiny-bert"
WEIGHTS = "model.safetensors"


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_bert_encoder(tmp_path_factory.mktemp("served") / "tiny-bert")


@pytest.fixture
def server(model_folder: Path, monkeypatch: pytest.MonkeyPatch):
    from huggingface_hub import constants

    fake = FakeHub()
    fake.add_folder(REPO, model_folder)
    with HubServer(fake) as running:
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
        monkeypatch.setenv("HF_ENDPOINT", running.url)
        hub._reachable.clear()
        yield running
    hub._reachable.clear()


def _blobs() -> Path:
    return hub.hub_cache_dir() / f"models--{REPO.replace('/', '--')}" / "blobs"


def test_hub_reachable_sees_the_loopback_server(server: HubServer) -> None:
    assert hub.hub_reachable() is True
    assert hub.endpoint_host() == server.url.removeprefix("http://")


def test_download_through_the_real_client_reports_progress_and_fills_the_cache(
    server: HubServer, model_folder: Path
) -> None:
    seen: list[Progress] = []
    folder = hub.resolve(REPO, progress=seen.append)
    assert folder.parent.name == "snapshots" and folder.name == COMMIT
    for name in ("config.json", WEIGHTS, "vocab.txt", "tokenizer_config.json"):
        assert (folder / name).read_bytes() == (model_folder / name).read_bytes()
    assert seen[0] == Progress("connect", detail=hub.endpoint_host())
    downloads = [p for p in seen if p.stage == "download"]
    total = sum(p.stat().st_size for p in model_folder.iterdir())
    assert downloads[-1].done == downloads[-1].total == total
    assert [p.done for p in downloads] == sorted(p.done for p in downloads)
    assert hub.is_cached(REPO) and hub.cached_path(REPO) == folder
    paths = [path for _, path, _ in server.hub.requests]
    assert f"/api/models/{REPO}" in paths
    assert f"/{REPO}/resolve/main/{WEIGHTS}" in paths


def test_then_the_model_loads_from_the_cache_offline(
    server: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huggingface_hub import constants

    from studyllm_tui.core.models import ModelManager

    hub.resolve(REPO)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    before = len(server.hub.requests)
    loaded = ModelManager().load("embed", REPO)
    assert loaded.model_id == REPO and loaded.path == hub.cached_path(REPO)
    assert loaded.model.config.hidden_size == 32
    assert len(server.hub.requests) == before  # nothing asked of the server


def test_cancel_mid_file_stops_and_the_next_run_keeps_the_finished_files(
    server: HubServer, monkeypatch: pytest.MonkeyPatch, model_folder: Path
) -> None:
    """Escape mid-file: Cancelled comes within a piece. huggingface_hub 2.x deletes the partial
    file (it resumes only within one call), so the next run fetches only that file again."""
    from huggingface_hub import constants

    monkeypatch.setattr(hub_download, "CHUNK_BYTES", 16 * 1024)
    monkeypatch.setattr(constants, "DOWNLOAD_CHUNK_SIZE", constants.DOWNLOAD_CHUNK_SIZE)
    server.hub.throttle[WEIGHTS] = 0.05
    cancel = threading.Event()
    seen: list[float] = []

    def progress(report: Progress) -> None:
        if report.stage == "download":
            seen.append(report.done)
            if report.done > 40_000:
                cancel.set()  # Escape pressed while the weights come in

    with pytest.raises(Cancelled):
        hub.resolve(REPO, progress=progress, cancel=cancel)
    total = sum(p.stat().st_size for p in model_folder.iterdir())
    assert 40_000 < seen[-1] < total  # stopped mid-file
    assert not list(_blobs().glob("*.incomplete")) and not hub.is_cached(REPO)
    kept = {p.name for p in _blobs().iterdir()}
    assert server.hub.repos[REPO]["config.json"].etag in kept

    server.hub.throttle.clear()
    before = len(server.hub.requests)
    folder = hub.resolve(REPO)
    assert (folder / WEIGHTS).read_bytes() == (model_folder / WEIGHTS).read_bytes()
    fetched = [p for m, p, _ in server.hub.requests[before:] if m == "GET" and "/resolve/" in p]
    assert fetched == [f"/{REPO}/resolve/main/{WEIGHTS}"]


def test_a_connection_cut_mid_file_is_resumed(
    server: HubServer, model_folder: Path, monkeypatch: pytest.MonkeyPatch, capfd
) -> None:
    """huggingface_hub retries a broken transfer with a Range request from the last piece it
    wrote; the app keeps its warning off the terminal."""
    from huggingface_hub import constants

    monkeypatch.setattr(hub_download, "CHUNK_BYTES", 16 * 1024)
    monkeypatch.setattr(constants, "DOWNLOAD_CHUNK_SIZE", constants.DOWNLOAD_CHUNK_SIZE)
    server.hub.cut_once.add(WEIGHTS)
    folder = hub.resolve(REPO)
    assert (folder / WEIGHTS).read_bytes() == (model_folder / WEIGHTS).read_bytes()
    gets = [(path, r) for method, path, r in server.hub.requests if method == "GET"]
    weights = [r for path, r in gets if path.endswith(WEIGHTS)]
    assert len(weights) == 2 and weights[0] is None
    assert weights[1] is not None and weights[1].startswith("bytes=")  # resumed, not restarted
    assert int(weights[1].removeprefix("bytes=").rstrip("-")) > 0
    assert "Trying to resume" not in capfd.readouterr().err


def test_a_server_error_is_one_clear_line(server: HubServer) -> None:
    server.hub.fail.add(WEIGHTS)
    with pytest.raises(hub.ModelNotAvailable) as error:
        hub.resolve(REPO)
    message = str(error.value)
    assert "\n" not in message and WEIGHTS in message and "もう一度実行" in message
    set_language("en")
    with pytest.raises(hub.ModelNotAvailable, match="run it again"):
        hub.resolve(REPO)


@pytest.mark.parametrize("name", [WEIGHTS, "config.json"])
def test_content_that_does_not_match_its_hash_is_refused_and_removed(
    server: HubServer, model_folder: Path, name: str
) -> None:
    """huggingface_hub checks only the size; the app checks the sha256 (LFS) / blob id."""
    server.hub.corrupt.add(name)
    with pytest.raises(hub.ModelNotAvailable) as error:
        hub.resolve(REPO)
    assert name in str(error.value) and "ハッシュ" in str(error.value)
    expected = server.hub.repos[REPO][name].etag
    assert not (_blobs() / expected).exists()  # the bad blob is gone from the cache
    assert not hub.is_cached(REPO)
    server.hub.corrupt.clear()
    folder = hub.resolve(REPO)
    data = (folder / name).read_bytes()
    assert data == (model_folder / name).read_bytes()
    if name == WEIGHTS:
        assert hashlib.sha256(data).hexdigest() == expected


def test_verify_file_uses_the_hashes_the_hub_gives(tmp_path: Path) -> None:
    data = b"weights"
    sha = hashlib.sha256(data).hexdigest()
    blob = hashlib.sha1(b"blob 7\0" + data).hexdigest()
    file = tmp_path / "x"
    file.write_bytes(data)
    assert hub_download.verify_file(file, hub_download.RemoteFile("x", 7, sha256=sha))
    assert hub_download.verify_file(file, hub_download.RemoteFile("x", 7, blob_id=blob))
    assert not hub_download.verify_file(file, hub_download.RemoteFile("x", 7, sha256="0" * 64))
    assert not hub_download.verify_file(file, hub_download.RemoteFile("x", 7, blob_id="0" * 40))
    named = tmp_path / sha  # no hash from the API: the blob's name (its ETag) is checked
    named.write_bytes(b"other")
    assert not hub_download.verify_file(named, hub_download.RemoteFile("x", 5))
