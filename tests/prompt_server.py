"""A small OpenAI-compatible server on loopback for the prompt backend's tests.

It speaks ``/v1/completions`` and ``/v1/chat/completions``, streamed (SSE) and not, and can be
told to fail the ways real servers do (``server.behaviour``).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.behaviour = "ok"
        self.answer = "ポジティブ\n次の"
        self.key = ""  # when set, requests must carry it as a bearer token
        self.echo_scores = {"ポジティブ": -0.2, "ネガティブ": -1.8}
        self.top = {"ポジ": -0.3, "ネガ": -1.5, "の": -3.0}
        self.logprobs = True
        self.requests: list[tuple[str, dict[str, Any], dict[str, str]]] = []

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a cancelled or timed-out request) is expected here."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class Handler(BaseHTTPRequestHandler):
    server: FakeServer
    protocol_version = "HTTP/1.0"

    def log_message(self, *args: Any) -> None:
        pass

    def send_json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        body = (
            json.dumps(data, ensure_ascii=False).encode() if not isinstance(data, bytes) else data
        )
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        server = self.server
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        server.requests.append((self.path, body, dict(self.headers)))
        chat = self.path.endswith("/chat/completions")
        if not self.path.startswith("/v1/") or not (chat or self.path.endswith("/completions")):
            return self.send_json(404, {"error": {"message": "no such route"}})
        if server.key and self.headers.get("Authorization") != f"Bearer {server.key}":
            return self.send_json(401, {"error": {"message": "invalid api key"}})
        behaviour = server.behaviour
        if behaviour == "404":
            return self.send_json(
                404, {"error": {"message": f"model {body['model']} does not exist"}}
            )
        if behaviour == "403":
            return self.send_json(403, {"error": {"message": "forbidden"}})
        if behaviour == "429":
            return self.send_json(429, {"error": {"message": "slow down"}}, {"Retry-After": "7"})
        if behaviour == "500":
            return self.send_json(500, {"error": {"message": "CUDA out of memory"}})
        if behaviour == "malformed":
            return self.send_json(200, b"<html>not json{")
        if behaviour in HOSTILE:
            return HOSTILE[behaviour](self, body, chat)
        if behaviour == "slow":
            time.sleep(3)
        if body.get("stream"):
            return self.stream(chat)
        if body.get("echo"):
            if not server.logprobs:
                return self.send_json(400, {"error": {"message": "echo is not supported"}})
            prompt = body["prompt"]
            label = next(lab for lab in server.echo_scores if prompt.endswith(lab))
            start = len(prompt) - len(label)
            logprobs = {
                "tokens": [prompt[:start], label],
                "token_logprobs": [None, server.echo_scores[label]],
                "text_offset": [0, start],
            }
            return self.send_json(
                200,
                {"choices": [{"text": prompt, "logprobs": logprobs, "finish_reason": "length"}]},
            )
        if chat:
            choice: dict[str, Any] = {
                "message": {"role": "assistant", "content": server.answer},
                "finish_reason": "stop",
            }
            if body.get("logprobs") and server.logprobs:
                top = [{"token": t, "logprob": v} for t, v in server.top.items()]
                choice["logprobs"] = {
                    "content": [{"token": "ポジ", "logprob": -0.3, "top_logprobs": top}]
                }
        else:
            choice = {"text": server.answer, "finish_reason": "stop"}
            if body.get("logprobs") and server.logprobs:
                choice["logprobs"] = {
                    "tokens": ["ポジ"],
                    "token_logprobs": [-0.3],
                    "top_logprobs": [server.top],
                }
        return self.send_json(
            200, {"choices": [choice], "usage": {"prompt_tokens": 42, "completion_tokens": 3}}
        )

    def stream(self, chat: bool) -> None:
        server = self.server
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        pieces = [server.answer[i : i + 2] for i in range(0, len(server.answer), 2)]
        for index, piece in enumerate(pieces):
            if server.behaviour == "cut" and index == 2:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if server.behaviour == "malformed_stream" and index == 2:
                self.wfile.write(b'data: {"choices": [ broken\n\n')
                self.wfile.flush()
                return
            if server.behaviour == "stall" and index == 2:
                time.sleep(3)
            delta = {"delta": {"content": piece}} if chat else {"text": piece}
            chunk = {"choices": [{**delta, "index": 0, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()
        end = {
            "choices": [{"delta": {}, "index": 0, "finish_reason": "stop"}]
            if chat
            else [{"text": "", "finish_reason": "stop"}]
        }
        self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())


@contextmanager
def fake_server() -> Iterator[FakeServer]:
    server = FakeServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    """A fake server for one test."""
    with fake_server() as running:
        yield running


@pytest.fixture(scope="module")
def sentiment() -> Any:
    """The bundled sentiment prompt task (the remote tests' usual task)."""
    from studyllm_tui.core.prompts import load_prompt_tasks

    return load_prompt_tasks(include_user=False).tasks["sentiment"]


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- answers no server should send (the backend must stay bounded) ------------------------------


def _sse(handler: Handler, chunks: Iterator[bytes]) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    try:
        for chunk in chunks:
            handler.wfile.write(chunk)
    except OSError:  # the client stopped reading, as it should
        pass


def _piece(text: str, chat: bool) -> bytes:
    delta = {"delta": {"content": text}} if chat else {"text": text}
    return f"data: {json.dumps({'choices': [delta]})}\n\n".encode()


def _huge_line(handler: Handler, body: dict[str, Any], chat: bool) -> None:
    """One SSE line of 200 MB (the answer of a server gone wrong), never ending."""

    def chunks() -> Iterator[bytes]:
        yield b'data: {"choices": [{"text": "'
        for _ in range(200):
            yield b"a" * (1024 * 1024)

    _sse(handler, chunks())


def _endless(handler: Handler, body: dict[str, Any], chat: bool) -> None:
    """Well-formed pieces of 10,000 characters, 500 of them (5 million characters)."""
    _sse(handler, (_piece("あ" * 10_000, chat) for _ in range(500)))


def _tiny_pieces(handler: Handler, body: dict[str, Any], chat: bool) -> None:
    """200,000 one-character pieces, then a proper end."""

    def chunks() -> Iterator[bytes]:
        one = _piece("x", chat)
        for _ in range(200):
            yield one * 1000
        yield b'data: {"choices": [{"text": "", "finish_reason": "stop"}]}\n\ndata: [DONE]\n\n'

    _sse(handler, chunks())


def _huge_body(handler: Handler, body: dict[str, Any], chat: bool) -> None:
    """A JSON body of 50 MB."""
    handler.send_json(200, b'{"choices": [{"text": "' + b"a" * (50 * 1024 * 1024) + b'"}]}')


def _long_answer_body(handler: Handler, body: dict[str, Any], chat: bool) -> None:
    """A body under the size limit holding an answer over the length limit."""
    choice = {"message": {"content": "b" * 1_500_000}} if chat else {"text": "b" * 1_500_000}
    handler.send_json(200, {"choices": [choice]})


def _huge_error(handler: Handler, body: dict[str, Any], chat: bool) -> None:
    """A 500 whose body is 50 MB of one line."""
    handler.send_json(500, b'{"error": {"message": "' + b"e" * (50 * 1024 * 1024) + b'"}}')


def _deep_error(handler: Handler, body: dict[str, Any], chat: bool) -> None:
    handler.send_json(500, b"[" * 3000 + b"]" * 3000)


def _deep_chunk(handler: Handler, body: dict[str, Any], chat: bool) -> None:
    _sse(handler, iter([b"data: " + b"[" * 100_000 + b"]" * 100_000 + b"\n\n"]))


HOSTILE = {
    "huge_line": _huge_line,
    "endless": _endless,
    "tiny_pieces": _tiny_pieces,
    "huge_body": _huge_body,
    "long_answer_body": _long_answer_body,
    "huge_error": _huge_error,
    "deep_error": _deep_error,
    "deep_chunk": _deep_chunk,
}
