"""A small Hugging Face Hub on 127.0.0.1 for tests of the real download code.

It answers the routes huggingface_hub 2.x uses to download a model file by file:

- ``GET /api/models/{repo}`` and ``/api/models/{repo}/revision/{rev}``: the model's info with
  ``sha`` (the commit) and ``siblings`` (``rfilename``, ``size``, ``blobId`` and, for LFS files,
  ``lfs.sha256``), as ``HfApi.model_info(files_metadata=True)`` reads it.
- ``HEAD``/``GET /{repo}/resolve/{rev}/{file}``: ``ETag`` (sha256 for LFS files, the git blob
  id for the others, quoted), ``X-Repo-Commit``, ``Content-Length``, ``Accept-Ranges`` and
  ``Range`` requests answered with 206 + ``Content-Range``.

Faults a test can switch on per file: ``throttle`` (seconds to sleep between 16 KiB pieces),
``cut_once`` (the next GET sends half the body and drops the connection), ``corrupt`` (the
body has the right length but other bytes; the headers still describe the true file) and
``fail`` (GET answers 500). Every request is logged in ``requests`` as
``(method, path, range header)``.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

COMMIT = "c0ffee" + "0" * 34
PIECE = 16 * 1024
_LFS_SUFFIXES = (".safetensors", ".bin", ".gguf", ".model", ".pt")
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
_API = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+?)(?:/revision/(?P<rev>[^/]+))?/?$")


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class HubFile:
    name: str
    data: bytes

    @property
    def lfs(self) -> bool:
        return self.name.endswith(_LFS_SUFFIXES)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def etag(self) -> str:
        return self.sha256 if self.lfs else git_blob_id(self.data)

    def sibling(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "rfilename": self.name,
            "size": len(self.data),
            "blobId": git_blob_id(self.data),
        }
        if self.lfs:
            entry["lfs"] = {"sha256": self.sha256, "size": len(self.data), "pointerSize": 134}
        return entry


@dataclass
class FakeHub:
    """The server's state: repositories and the faults switched on."""

    repos: dict[str, dict[str, HubFile]] = field(default_factory=dict)
    throttle: dict[str, float] = field(default_factory=dict)
    cut_once: set[str] = field(default_factory=set)
    corrupt: set[str] = field(default_factory=set)
    fail: set[str] = field(default_factory=set)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_folder(self, repo: str, folder: Path) -> None:
        """Serve every top-level file of ``folder`` as repository ``repo``."""
        self.repos[repo] = {
            p.name: HubFile(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file()
        }

    def info(self, repo: str) -> dict[str, Any]:
        files = self.repos[repo]
        return {
            "_id": "0" * 24,
            "id": repo,
            "modelId": repo,
            "sha": COMMIT,
            "private": False,
            "disabled": False,
            "gated": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "lastModified": "2025-01-01T00:00:00.000Z",
            "createdAt": "2025-01-01T00:00:00.000Z",
            "siblings": [f.sibling() for f in files.values()],
        }


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    @property
    def hub(self) -> FakeHub:
        return self.server.hub

    def _send_json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_found(self) -> None:
        self.send_response(404)
        self.send_header("X-Error-Code", "RepoNotFound")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _route(self) -> None:
        path = unquote(urlsplit(self.path).path)
        with self.hub.lock:
            self.hub.requests.append((self.command, path, self.headers.get("Range")))
        api = _API.match(path)
        if api and self.command == "GET":
            if api["repo"] not in self.hub.repos:
                return self._not_found()
            return self._send_json(200, self.hub.info(api["repo"]))
        resolve = _RESOLVE.match(path)
        if not resolve or resolve["repo"] not in self.hub.repos:
            return self._not_found()
        file = self.hub.repos[resolve["repo"]].get(resolve["file"])
        if file is None:
            self.send_response(404)
            self.send_header("X-Error-Code", "EntryNotFound")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return self._file(file)

    def _file(self, file: HubFile) -> None:
        data = file.data
        if file.name in self.hub.corrupt:
            data = bytes(b ^ 0xFF for b in data[:64]) + data[64:]
        start = 0
        match = re.match(r"bytes=(\d+)-$", self.headers.get("Range") or "")
        if match:
            start = min(int(match[1]), len(data))
        if self.command == "GET" and file.name in self.hub.fail:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(206 if match else 200)
        self.send_header("ETag", f'"{file.etag}"')
        if file.lfs:
            self.send_header("X-Linked-Etag", f'"{file.etag}"')
            self.send_header("X-Linked-Size", str(len(file.data)))
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data) - start))
        if match:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if self.command == "HEAD":
            return
        body = data[start:]
        with self.hub.lock:
            cut = file.name in self.hub.cut_once
            self.hub.cut_once.discard(file.name)
        if cut:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        delay = self.hub.throttle.get(file.name, 0.0)
        for offset in range(0, len(body), PIECE):
            try:
                self.wfile.write(body[offset : offset + PIECE])
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return
            if delay:
                threading.Event().wait(delay)

    def do_GET(self) -> None:
        self._route()

    def do_HEAD(self) -> None:
        self._route()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    hub: FakeHub


class HubServer:
    """``with HubServer(hub) as server:`` serves ``hub`` at ``server.url`` (random port)."""

    def __init__(self, hub: FakeHub) -> None:
        self.hub = hub
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.hub = hub
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> HubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
