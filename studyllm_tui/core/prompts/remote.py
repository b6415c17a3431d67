"""A remote backend: any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, LM Studio ...).

``plain`` and ``alpaca`` prompts go to ``/completions`` as the exact text; ``chat`` prompts go to
``/chat/completions`` as messages. The API key is read from the environment variable the
config names, sent as a bearer token, and never written anywhere or shown.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import math
import os
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import SplitResult, urlsplit

from studyllm_tui.core.i18n import t
from studyllm_tui.core.jobs import Cancelled, Progress, ProgressCallback
from studyllm_tui.core.prompts.assemble import AssembledPrompt
from studyllm_tui.core.prompts.backend import (
    BackendError,
    LabelScores,
    ScoringUnavailable,
    StreamInterrupted,
    normalise,
)
from studyllm_tui.core.prompts.openai_http import (
    MAX_ANSWER_CHARS,
    MAX_LINE_BYTES,
    AnswerTooLong,
    OpenAIHttpClient,
    choice_text,
    finish_reason,
    first_choice,
    server_message,
)

TOP_LOGPROBS = 20


class RemoteBackend(OpenAIHttpClient):
    name = "remote"

    def __init__(
        self,
        endpoint: str,
        model: str,
        api_key_env: str = "OPENAI_API_KEY",
        timeout_s: float = 60.0,
        streaming: bool = True,
    ) -> None:
        if not endpoint.strip():
            raise BackendError(t("prompt.err_no_endpoint"), "config")
        if not model.strip():
            raise BackendError(t("prompt.err_no_endpoint_model"), "config")
        base = endpoint.strip().rstrip("/")
        for tail in ("/chat/completions", "/completions"):
            if base.endswith(tail):
                base = base[: -len(tail)]
        parts, port = parse_endpoint(base, endpoint)
        self.url = f"{parts.scheme}://{parts.netloc}{parts.path}"
        self._scheme, self._host, self._port = parts.scheme, parts.hostname or "", port
        self._path = parts.path
        self.model = model.strip()
        self.api_key_env = api_key_env
        self.timeout_s = timeout_s
        self.streaming = streaming
        self.prompt_tokens: dict[str, int] = {}  # prompt text -> tokens the server reported

    def describe(self) -> str:
        return f"{self.model} @ {self.url}"

    def prepare(self, progress: ProgressCallback, cancel: threading.Event | None) -> None:
        """Nothing to load (the server holds the model); a key about to go out unencrypted is
        reported through ``progress`` (the CLI prints it on stderr, the tab in its status)."""
        warning = self.key_warning()
        if warning:
            progress(Progress(t("prompt.warning_stage"), detail=warning))

    def key_warning(self) -> str:
        """A warning when an API key would go over plain http to a host that is not loopback."""
        key = os.environ.get(self.api_key_env, "") if self.api_key_env else ""
        if not key or self._scheme != "http" or is_loopback(self._host):
            return ""
        return t("prompt.warn_key_plain_http", env=self.api_key_env, url=self.url)

    def render(self, prompt: AssembledPrompt) -> str:
        return prompt.text

    def count_tokens(self, prompt: AssembledPrompt) -> int | None:
        return self.prompt_tokens.get(prompt.text)

    # -- generation ------------------------------------------------------------------------

    def _body(
        self, prompt: AssembledPrompt, max_new_tokens: int, stop: tuple[str, ...], seed: int
    ) -> tuple[str, dict[str, Any]]:
        body: dict[str, Any] = {"max_tokens": max_new_tokens, "temperature": 0.0, "seed": seed}
        if stop:
            body["stop"] = list(stop)[:4]
        if prompt.is_chat:
            return "/chat/completions", {"messages": list(prompt.messages), **body}
        return "/completions", {"prompt": prompt.text, **body}

    def stream(
        self,
        prompt: AssembledPrompt,
        *,
        max_new_tokens: int,
        stop: tuple[str, ...],
        seed: int,
        cancel: threading.Event | None,
    ) -> Iterator[str]:
        route, body = self._body(prompt, max_new_tokens, stop, seed)
        if not self.streaming:
            data = self._post_json(route, body, cancel)
            self._note_usage(prompt, data)
            text = choice_text(data, prompt.is_chat, stream=False)
            yield text[:MAX_ANSWER_CHARS]
            if len(text) > MAX_ANSWER_CHARS:
                raise AnswerTooLong(text[:MAX_ANSWER_CHARS])
            return
        conn, response, done = self._open(route, {**body, "stream": True}, cancel)
        received = ""
        finished = False
        try:
            while True:
                try:
                    line = response.readline(MAX_LINE_BYTES + 1)
                except (OSError, http.client.HTTPException) as error:
                    if cancel is not None and cancel.is_set():
                        raise Cancelled from error
                    reason = self._network_error(error)
                    raise StreamInterrupted(
                        t("prompt.err_stream_cut", chars=len(received)) + f" ({reason})", received
                    ) from error
                if cancel is not None and cancel.is_set():
                    raise Cancelled
                if not line:
                    break
                if len(line) > MAX_LINE_BYTES:
                    raise AnswerTooLong(received)
                text = line.decode("utf-8", "replace").strip()
                if not text.startswith("data:"):
                    continue
                data_text = text[5:].strip()
                if data_text == "[DONE]":
                    finished = True
                    break
                try:
                    chunk = json.loads(data_text)
                except (ValueError, RecursionError) as error:
                    raise StreamInterrupted(
                        t("prompt.err_malformed_chunk", start=data_text[:80]), received
                    ) from error
                if isinstance(chunk, dict) and "error" in chunk:
                    message = t(
                        "prompt.err_server_said", message=server_message(data_text.encode())
                    )
                    raise StreamInterrupted(message, received)
                piece = choice_text(chunk, prompt.is_chat, stream=True)
                self._note_usage(prompt, chunk)
                if finish_reason(chunk):
                    finished = True
                if len(received) + len(piece) > MAX_ANSWER_CHARS:
                    piece = piece[: MAX_ANSWER_CHARS - len(received)]
                    if piece:
                        yield piece
                    raise AnswerTooLong(received + piece)
                if piece:
                    received += piece
                    yield piece
        finally:
            done.set()
            conn.close()
        if not finished:
            raise StreamInterrupted(t("prompt.err_stream_cut", chars=len(received)), received)

    def _note_usage(self, prompt: AssembledPrompt, data: Any) -> None:
        usage = data.get("usage") if isinstance(data, dict) else None
        if isinstance(usage, dict) and isinstance(usage.get("prompt_tokens"), int):
            self.prompt_tokens[prompt.text] = usage["prompt_tokens"]

    # -- label scores ----------------------------------------------------------------------

    def score_labels(
        self, prompt: AssembledPrompt, labels: tuple[str, ...], cancel: threading.Event | None
    ) -> LabelScores:
        if prompt.is_chat:
            return self._first_token_scores(prompt, labels, cancel)
        try:
            return self._echo_scores(prompt, labels, cancel)
        except ScoringUnavailable:
            return self._first_token_scores(prompt, labels, cancel)
        except BackendError as error:
            if error.kind not in ("http", "server"):
                raise
            return self._first_token_scores(prompt, labels, cancel)

    def _echo_scores(
        self, prompt: AssembledPrompt, labels: tuple[str, ...], cancel: threading.Event | None
    ) -> LabelScores:
        """Each label's full log-probability: the prompt + label echoed back with logprobs."""
        logprobs: dict[str, float] = {}
        start = len(prompt.text)
        for label in labels:
            body = {
                "prompt": prompt.text + label,
                "max_tokens": 0,
                "echo": True,
                "logprobs": 1,
                "temperature": 0.0,
            }
            data = self._post_json("/completions", body, cancel)
            info = first_choice(data).get("logprobs") or {}
            tokens, values, offsets = (
                info.get("tokens"),
                info.get("token_logprobs"),
                info.get("text_offset"),
            )
            if not (
                isinstance(tokens, list) and isinstance(values, list) and isinstance(offsets, list)
            ):
                raise ScoringUnavailable(t("prompt.no_echo_logprobs"))
            total, counted = 0.0, 0
            for token, value, offset in zip(tokens, values, offsets, strict=False):
                if (
                    isinstance(offset, int)
                    and offset + len(str(token)) > start
                    and value is not None
                ):
                    total += float(value)
                    counted += 1
            if not counted:
                raise ScoringUnavailable(t("prompt.no_echo_logprobs"))
            logprobs[label] = total
        return LabelScores(normalise(logprobs), logprobs, "full")

    def _first_token_scores(
        self, prompt: AssembledPrompt, labels: tuple[str, ...], cancel: threading.Event | None
    ) -> LabelScores:
        """Only the next token's top log-probabilities: each label scored by its first token."""
        if prompt.is_chat:
            body = {
                "messages": list(prompt.messages),
                "max_tokens": 1,
                "temperature": 0.0,
                "logprobs": True,
                "top_logprobs": TOP_LOGPROBS,
            }
            data = self._post_json("/chat/completions", body, cancel)
            content = (first_choice(data).get("logprobs") or {}).get("content")
            top = content[0].get("top_logprobs") if isinstance(content, list) and content else None
            pairs = (
                [(str(e.get("token", "")), e.get("logprob")) for e in top]
                if isinstance(top, list)
                else None
            )
        else:
            body = {
                "prompt": prompt.text,
                "max_tokens": 1,
                "temperature": 0.0,
                "logprobs": TOP_LOGPROBS,
            }
            data = self._post_json("/completions", body, cancel)
            tops = (first_choice(data).get("logprobs") or {}).get("top_logprobs")
            first = tops[0] if isinstance(tops, list) and tops else None
            pairs = list(first.items()) if isinstance(first, dict) else None
        if not pairs:
            raise ScoringUnavailable(t("prompt.no_logprobs", model=self.model, url=self.url))
        logprobs = {label: -math.inf for label in labels}
        for token, value in pairs:
            piece = token.strip()
            if not piece or not isinstance(value, (int, float)):
                continue
            for label in labels:
                if label.startswith(piece) or piece.startswith(label):
                    logprobs[label] = float(_logaddexp(logprobs[label], float(value)))
        if all(v == -math.inf for v in logprobs.values()):
            raise ScoringUnavailable(t("prompt.no_label_in_top", top=TOP_LOGPROBS))
        return LabelScores(
            normalise(logprobs), logprobs, "first-token", t("prompt.first_token_note")
        )


def parse_endpoint(base: str, given: str) -> tuple[SplitResult, int | None]:
    """The parts and port of an endpoint URL; a one-line BackendError when it cannot be used."""
    try:
        parts = urlsplit(base if "://" in base else f"http://{base}")
        parts.hostname  # noqa: B018 - "[::1" raises here
    except ValueError:
        raise BackendError(t("prompt.err_bad_endpoint", url=given), "config") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BackendError(t("prompt.err_bad_endpoint", url=given), "config")
    if parts.username is not None or parts.password is not None:
        raise BackendError(t("prompt.err_endpoint_userinfo"), "config")
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in parts.netloc + parts.path):
        raise BackendError(t("prompt.err_bad_endpoint", url=given), "config")
    try:
        port = parts.port
    except ValueError:
        port_text = parts.netloc.rpartition(":")[2]
        raise BackendError(
            t("prompt.err_bad_port", url=given, port=port_text[:20]), "config"
        ) from None
    if port == 0:
        raise BackendError(t("prompt.err_bad_port", url=given, port="0"), "config")
    return parts, port


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() in ("localhost", "localhost.") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _logaddexp(a: float, b: float) -> float:
    if a == -math.inf:
        return b
    top = max(a, b)
    return top + math.log(math.exp(a - top) + math.exp(b - top))
