"""The HTTP side of an OpenAI-compatible server: POST a JSON body and read the answer, turn
refusals and network failures into BackendErrors, and pick the text out of a choice or SSE chunk.

``RemoteBackend`` (remote.py) builds on ``OpenAIHttpClient``; nothing here knows about prompts.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import threading
from typing import Any

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Cancelled, check_cancelled
from studyllm_tui.core.prompts.backend import BackendError, StreamInterrupted

_MAX_ERROR_BODY = 4000
# What one answer may hold. A server is not trusted to be reasonable: a 200 MB line would
# otherwise be read whole (and a stream could go on for ever).
MAX_ANSWER_CHARS = 1_000_000  # the answer's text
MAX_BODY_BYTES = 8 * 1024 * 1024  # a whole (non-streamed) JSON body
MAX_LINE_BYTES = 2 * 1024 * 1024  # one line of a streamed (SSE) answer


class AnswerTooLong(StreamInterrupted):
    """The server sent more than one answer may hold; ``partial`` keeps the first part."""

    def __init__(self, partial: str = "") -> None:
        super().__init__(t("prompt.err_answer_too_long", chars=f"{MAX_ANSWER_CHARS:,}"), partial)
        self.kind = "too_long"


def cut_marker() -> str:
    """What is put after an answer that was cut (so the cut is seen where the text ends)."""
    return t("prompt.answer_cut_marker", chars=f"{MAX_ANSWER_CHARS:,}")


def server_message(body: bytes) -> str:
    """The ``error.message`` of an OpenAI-style error body, else its first line."""
    text = body[:_MAX_ERROR_BODY].decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return text.splitlines()[0][:200] if text else ""
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        return str(error.get("message", ""))[:200]
    if isinstance(error, str):
        return error[:200]
    return text[:200]


class OpenAIHttpClient:
    """POSTs to ``url`` (``_scheme``://``_host``:``_port``/``_path``) with the key from ``api_key_env``."""

    url: str
    model: str
    api_key_env: str
    timeout_s: float
    _scheme: str
    _host: str
    _port: int | None
    _path: str

    def _headers(self) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        }
        key = os.environ.get(self.api_key_env, "") if self.api_key_env else ""
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _open(
        self, route: str, body: dict[str, Any], cancel: threading.Event | None
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse, threading.Event]:
        """POST ``body``; return the open connection, its response and a done-event for the watcher."""
        check_cancelled(cancel)
        connection_class = (
            http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        )
        conn = connection_class(self._host, self._port, timeout=self.timeout_s)
        done = threading.Event()
        payload = json.dumps({"model": self.model, **body}, ensure_ascii=False).encode("utf-8")
        try:
            conn.request("POST", f"{self._path}{route}", body=payload, headers=self._headers())
            # http.client forgets the socket once a closing response arrives: hold it here.
            if cancel is not None and conn.sock is not None:
                threading.Thread(target=_watch, args=(conn.sock, cancel, done), daemon=True).start()
            response = conn.getresponse()
        except BaseException as error:
            done.set()
            conn.close()
            if cancel is not None and cancel.is_set():
                raise Cancelled from error
            raise self._network_error(error) from error
        if response.status >= 400:
            try:
                message = server_message(response.read(_MAX_ERROR_BODY))
            except OSError:
                message = ""
            done.set()
            conn.close()
            retry_after = (response.getheader("Retry-After") or "")[:40] or None
            raise self._http_error(response.status, message, retry_after)
        return conn, response, done

    def _network_error(self, error: BaseException) -> BackendError:
        if isinstance(error, ConnectionRefusedError):
            return BackendError(t("prompt.err_refused", url=self.url), "refused")
        if isinstance(error, (TimeoutError, socket.timeout)):
            return BackendError(
                t("prompt.err_timeout", url=self.url, seconds=f"{self.timeout_s:g}"), "timeout"
            )
        if isinstance(error, socket.gaierror):
            return BackendError(t("prompt.err_unknown_host", host=self._host), "unreachable")
        if isinstance(error, (OSError, http.client.HTTPException)):
            return BackendError(
                t("prompt.err_network", url=self.url, reason=str(error) or type(error).__name__),
                "unreachable",
            )
        raise error

    def _http_error(self, status: int, message: str, retry_after: str | None) -> BackendError:
        detail = f" ({message})" if message else ""
        if status in (401, 403):
            key_set = bool(os.environ.get(self.api_key_env, "")) if self.api_key_env else False
            key = "err_auth_bad_key" if key_set else "err_auth_no_key"
            return BackendError(
                t(f"prompt.{key}", status=status, env=self.api_key_env) + detail, "auth"
            )
        if status == 404:
            return BackendError(
                t("prompt.err_not_found", model=self.model, url=self.url) + detail, "not_found"
            )
        if status == 429:
            wait = t("prompt.err_retry_after", seconds=retry_after) if retry_after else ""
            return BackendError(t("prompt.err_rate_limited") + wait + detail, "rate_limited")
        if status >= 500:
            return BackendError(t("prompt.err_server", status=status) + detail, "server")
        return BackendError(t("prompt.err_http", status=status) + detail, "http")

    def _post_json(
        self, route: str, body: dict[str, Any], cancel: threading.Event | None
    ) -> dict[str, Any]:
        conn, response, done = self._open(route, body, cancel)
        try:
            raw = response.read(MAX_BODY_BYTES + 1)
        except (OSError, http.client.HTTPException) as error:
            if cancel is not None and cancel.is_set():
                raise Cancelled from error
            raise self._network_error(error) from error
        finally:
            done.set()
            conn.close()
        if len(raw) > MAX_BODY_BYTES:
            raise BackendError(
                t("prompt.err_body_too_big", limit=f"{MAX_BODY_BYTES // (1024 * 1024)} MB"),
                "too_long",
            )
        try:
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            raise BackendError(
                t("prompt.err_malformed", start=raw[:80].decode("utf-8", "replace")), "malformed"
            ) from error
        if not isinstance(data, dict):
            raise BackendError(
                t("prompt.err_malformed", start=raw[:80].decode("utf-8", "replace")), "malformed"
            )
        if "error" in data:
            raise BackendError(t("prompt.err_server_said", message=server_message(raw)), "server")
        return data


def first_choice(data: dict[str, Any]) -> dict[str, Any]:
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise BackendError(t("prompt.err_no_choices"), "malformed")
    return choices[0]


def finish_reason(chunk: Any) -> bool:
    if not isinstance(chunk, dict):
        return False
    choices = chunk.get("choices")
    return bool(
        isinstance(choices, list)
        and choices
        and isinstance(choices[0], dict)
        and choices[0].get("finish_reason")
    )


def choice_text(data: Any, chat: bool, stream: bool) -> str:
    if not isinstance(data, dict):
        raise BackendError(t("prompt.err_no_choices"), "malformed")
    choices = data.get("choices")
    if stream and isinstance(choices, list) and not choices:
        return ""  # e.g. a final usage-only chunk
    choice = first_choice(data)
    if not chat:
        text = choice.get("text")
    elif stream:
        text = (choice.get("delta") or {}).get("content")
    else:
        text = (choice.get("message") or {}).get("content")
    return text if isinstance(text, str) else ""


def _watch(sock: socket.socket, cancel: threading.Event, done: threading.Event) -> None:
    """Shut the socket down when ``cancel`` is set, so that a blocked read returns at once."""
    while not done.wait(0.05):
        if cancel.is_set():
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            return
