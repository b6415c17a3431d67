# ruff: noqa: F811  (pytest fixtures imported from tests.prompt_server)
"""The remote backend stays bounded whatever a server sends, and refuses endpoints it cannot use."""

from __future__ import annotations

import threading
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyllm_tui.__main__ import main
from studyllm_tui.core import i18n
from studyllm_tui.core.jobs import Progress
from studyllm_tui.core.prompts import (
    BackendError,
    StreamInterrupted,
    assemble,
)
from studyllm_tui.core.prompts.assemble import cut_at_stop
from studyllm_tui.core.prompts.backend import generate_answer
from studyllm_tui.core.prompts.model import PromptTask
from studyllm_tui.core.prompts.openai_http import MAX_ANSWER_CHARS
from studyllm_tui.core.prompts.remote import RemoteBackend, is_loopback
from tests.prompt_server import FakeServer, sentiment, server  # noqa: F401


def _ask(server: FakeServer, task: PromptTask, streaming: bool, **kw: object):
    backend = RemoteBackend(server.url, "m", api_key_env="", timeout_s=20, streaming=streaming)
    prompt = assemble(task, "良い", "zero", [], "plain")
    return generate_answer(backend, prompt, max_new_tokens=10, stop=(), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("behaviour", "streaming"),
    [("huge_line", True), ("endless", True), ("long_answer_body", False)],
)
def test_an_answer_too_long_is_cut_with_a_marker_and_memory_stays_small(
    server: FakeServer, sentiment: PromptTask, behaviour: str, streaming: bool
) -> None:
    i18n.set_language("en")
    server.behaviour = behaviour
    tracemalloc.start()
    try:
        with pytest.raises(StreamInterrupted) as caught:
            _ask(server, sentiment, streaming)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    error = caught.value
    assert error.kind == "too_long"
    assert "cut at 1,000,000 characters" in str(error) and "\n" not in str(error)
    assert error.partial.endswith("[… cut here: the answer went over 1,000,000 characters]")
    assert len(error.partial) <= MAX_ANSWER_CHARS + 100
    assert peak < 64 * 1024 * 1024, peak  # the 200 MB line and 5 M characters were not kept


def test_a_body_too_big_is_refused(server: FakeServer, sentiment: PromptTask) -> None:
    i18n.set_language("en")
    server.behaviour = "huge_body"
    with pytest.raises(BackendError, match=r"too big \(the limit is 8 MB\)") as caught:
        _ask(server, sentiment, streaming=False)
    assert caught.value.kind == "too_long"


@pytest.mark.parametrize("behaviour", ["huge_error", "deep_error"])
def test_an_error_body_is_read_only_in_part(
    server: FakeServer, sentiment: PromptTask, behaviour: str
) -> None:
    server.behaviour = behaviour
    with pytest.raises(BackendError) as caught:
        _ask(server, sentiment, streaming=True)
    assert caught.value.kind == "server" and len(str(caught.value)) < 400


def test_a_deeply_nested_chunk_is_a_malformed_answer(
    server: FakeServer, sentiment: PromptTask
) -> None:
    server.behaviour = "deep_chunk"
    with pytest.raises(StreamInterrupted) as caught:
        _ask(server, sentiment, streaming=True)
    assert len(str(caught.value)) < 400


def test_many_tiny_pieces_are_not_handed_on_one_by_one(
    server: FakeServer, sentiment: PromptTask
) -> None:
    """200,000 one-character pieces: the text so far is built a few hundred times, not 200,000."""
    server.behaviour = "tiny_pieces"
    seen: list[int] = []
    answer = _ask(server, sentiment, streaming=True, on_text=lambda text: seen.append(len(text)))
    assert answer.text == "x" * 200_000
    assert seen[-1] == 200_000 and seen == sorted(seen)
    assert len(seen) < 2_000


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=" \nab。", max_size=4), max_size=12),
    st.lists(st.text(alphabet=" \nab。", min_size=1, max_size=3), max_size=3),
)
def test_stops_are_found_as_cut_at_stop_finds_them(pieces: list[str], stop: list[str]) -> None:
    """The incremental search agrees with cutting the whole text after every piece."""

    class Pieces:
        name = "fake"

        def stream(self, prompt, **kw):
            yield from pieces

    answer = generate_answer(Pieces(), None, max_new_tokens=1, stop=tuple(stop))  # type: ignore[arg-type]
    raw, expected, stopped = "", "", False
    for piece in pieces:
        raw += piece
        expected, stopped = cut_at_stop(raw, tuple(stop))
        if stopped:
            break
    assert (answer.text, answer.stopped) == (expected.strip(), stopped)


BAD_ENDPOINTS = [
    ("port-too-big", "http://127.0.0.1:99999/v1", "99999"),
    ("port-not-a-number", "http://127.0.0.1:abc/v1", "abc"),
    ("port-zero", "http://127.0.0.1:0/v1", "port"),
    ("ftp", "ftp://example.com/v1", "URL"),
    ("file", "file:///etc/passwd", "URL"),
    ("javascript", "javascript:alert(1)", "URL"),
    ("broken-ipv6", "http://[::1/v1", "URL"),
    ("space-in-host", "http://exa mple.com/v1", "URL"),
    ("control-char", "http://example.com/v1\x1b[2J", "URL"),
    ("user-and-password", "http://user:secret@example.com/v1", "password"),
]


@pytest.mark.parametrize(("name", "url", "words"), BAD_ENDPOINTS, ids=[c[0] for c in BAD_ENDPOINTS])
def test_endpoints_that_cannot_be_used(name: str, url: str, words: str) -> None:
    i18n.set_language("en")
    with pytest.raises(BackendError) as caught:
        RemoteBackend(url, "m")
    message = str(caught.value)
    assert caught.value.kind == "config" and words in message and "\n" not in message
    assert "secret" not in message


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/v1", "http://127.0.0.1:abc/v1"])
def test_cli_bad_port_is_one_line(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["--lang", "en", "prompt", "--endpoint", url, "--endpoint-model", "m", "sentiment", "x"]
    )
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "cannot be used" in err


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://example.com/v1", True),
        ("http://10.0.0.5:8000/v1", True),
        ("https://example.com/v1", False),
        ("http://127.0.0.1:8000/v1", False),
        ("http://localhost:8000/v1", False),
        ("http://[::1]:8000/v1", False),
    ],
)
def test_a_key_over_plain_http_to_another_host_is_warned(
    monkeypatch: pytest.MonkeyPatch, url: str, warned: bool
) -> None:
    i18n.set_language("en")
    monkeypatch.setenv("STUDYLLM_TEST_KEY", "sk-secret")
    backend = RemoteBackend(url, "m", api_key_env="STUDYLLM_TEST_KEY")
    seen: list[Progress] = []
    backend.prepare(seen.append, threading.Event())
    if warned:
        (progress,) = seen
        assert progress.stage == "warning"
        assert "plain http" in progress.detail and backend.url in progress.detail
        assert "$STUDYLLM_TEST_KEY" in progress.detail and "sk-secret" not in progress.detail
    else:
        assert seen == [] and backend.key_warning() == ""
    monkeypatch.delenv("STUDYLLM_TEST_KEY")
    assert backend.key_warning() == ""  # no key, nothing to warn about


def test_loopback_hosts() -> None:
    assert is_loopback("127.0.0.2") and is_loopback("::1") and is_loopback("LOCALHOST")
    assert not is_loopback("example.com") and not is_loopback("192.168.1.1")
