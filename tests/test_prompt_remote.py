# ruff: noqa: F811  (pytest fixtures imported from tests.prompt_server)
"""The remote backend against a real OpenAI-compatible server on loopback, errors included."""

from __future__ import annotations

import json
import math
import threading
import time

import pytest

from studyllm_tui.__main__ import main
from studyllm_tui.core.jobs import Cancelled
from studyllm_tui.core.prompts import (
    BackendError,
    ScoringUnavailable,
    StreamInterrupted,
    assemble,
    load_prompt_tasks,
    run_prompt,
)
from studyllm_tui.core.prompts.evaluate import evaluate
from studyllm_tui.core.prompts.model import PromptTask
from studyllm_tui.core.prompts.remote import RemoteBackend
from tests.prompt_server import FakeServer, closed_port, sentiment, server  # noqa: F401


def backend(server: FakeServer, **kw: object) -> RemoteBackend:
    return RemoteBackend(
        server.url, "tiny-model", api_key_env="STUDYLLM_TEST_KEY", timeout_s=1.0, **kw
    )  # type: ignore[arg-type]


@pytest.mark.parametrize("streaming", [True, False])
@pytest.mark.parametrize("fmt", ["plain", "chat"])
def test_answer_streams_and_stops_at_newline(
    server: FakeServer, sentiment: PromptTask, streaming: bool, fmt: str
) -> None:
    prompt = assemble(sentiment, "とても良い", "few", [0, 1, 2], fmt)
    seen: list[str] = []
    answer = run_prompt(
        backend(server, streaming=streaming), sentiment, prompt, on_text=seen.append
    )
    assert answer.text == "ポジティブ"
    assert answer.stopped
    route, body, _ = server.requests[0]
    if fmt == "chat":
        assert route == "/v1/chat/completions"
        assert body["messages"][-1] == {"role": "user", "content": "レビュー：とても良い"}
    else:
        assert route == "/v1/completions"
        assert body["prompt"] == prompt.text
    assert body["model"] == "tiny-model"
    assert body.get("stream", False) is streaming
    if streaming:
        assert len(seen) >= 3 and seen[-1] == "ポジティブ"  # arrived piece by piece


def test_label_scores_from_echoed_logprobs(server: FakeServer, sentiment: PromptTask) -> None:
    prompt = assemble(sentiment, "とても良い", "zero", [])
    scores = backend(server).score_labels(prompt, sentiment.labels, None)
    assert scores.method == "full"
    assert scores.logprobs == {"ポジティブ": -0.2, "ネガティブ": -1.8}
    expected = 1 / (1 + math.exp(-1.6))
    assert scores.probs["ポジティブ"] == pytest.approx(expected)
    assert sum(scores.probs.values()) == pytest.approx(1.0)


def test_label_scores_fall_back_to_first_token(server: FakeServer, sentiment: PromptTask) -> None:
    server.echo_scores = {}
    server.logprobs = True
    prompt = assemble(sentiment, "とても良い", "zero", [])
    remote = backend(server)
    server.logprobs = False  # echo refused -> first-token top_logprobs, also refused
    with pytest.raises(ScoringUnavailable, match="logprobs"):
        remote.score_labels(prompt, sentiment.labels, None)
    server.logprobs = True
    server.echo_scores = {"ポジティブ": -0.2, "ネガティブ": -1.8}
    chat = assemble(sentiment, "とても良い", "zero", [], "chat")
    scores = remote.score_labels(chat, sentiment.labels, None)
    assert scores.method == "first-token"
    assert "近似" in scores.note
    assert scores.probs["ポジティブ"] == pytest.approx(1 / (1 + math.exp(-1.2)))


def test_no_logprobs_is_said_clearly_and_the_answer_stays(
    server: FakeServer, sentiment: PromptTask
) -> None:
    server.logprobs = False
    prompt = assemble(sentiment, "とても良い", "zero", [], "chat")
    answer = run_prompt(backend(server), sentiment, prompt)
    assert answer.text == "ポジティブ"
    assert answer.scores is None
    assert "logprobs" in answer.scores_note and "tiny-model" in answer.scores_note


def test_api_key_is_sent_from_the_environment_and_never_shown(
    server: FakeServer, sentiment: PromptTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.key = "sk-secret-123"
    prompt = assemble(sentiment, "良い", "zero", [])
    monkeypatch.delenv("STUDYLLM_TEST_KEY", raising=False)
    with pytest.raises(BackendError) as missing:
        run_prompt(backend(server), sentiment, prompt, scores=False)
    assert missing.value.kind == "auth" and "STUDYLLM_TEST_KEY" in str(missing.value)
    monkeypatch.setenv("STUDYLLM_TEST_KEY", "sk-wrong")
    with pytest.raises(BackendError) as wrong:
        run_prompt(backend(server), sentiment, prompt, scores=False)
    assert "sk-wrong" not in str(wrong.value) and "401" in str(wrong.value)
    monkeypatch.setenv("STUDYLLM_TEST_KEY", "sk-secret-123")
    assert run_prompt(backend(server), sentiment, prompt, scores=False).text == "ポジティブ"
    assert server.requests[-1][2]["Authorization"] == "Bearer sk-secret-123"


@pytest.mark.parametrize(
    ("behaviour", "kind", "words"),
    [
        ("403", "auth", "403"),
        ("404", "not_found", "tiny-model"),
        ("429", "rate_limited", "429"),
        ("500", "server", "CUDA out of memory"),
        ("malformed", "malformed", "JSON"),
    ],
)
@pytest.mark.parametrize("streaming", [True, False])
def test_http_errors_become_clear_messages(
    server: FakeServer,
    sentiment: PromptTask,
    behaviour: str,
    kind: str,
    words: str,
    streaming: bool,
) -> None:
    server.behaviour = behaviour
    prompt = assemble(sentiment, "良い", "zero", [])
    with pytest.raises(BackendError) as error:
        run_prompt(backend(server, streaming=streaming), sentiment, prompt, scores=False)
    if behaviour == "malformed" and streaming:
        # an HTML page where a stream was expected: no data lines, no end -> a cut stream
        assert error.value.kind == "stream_cut"
    else:
        assert error.value.kind == kind
        assert words in str(error.value)
    if behaviour == "429":
        assert "7" in str(error.value)


def test_connection_refused() -> None:
    remote = RemoteBackend(f"http://127.0.0.1:{closed_port()}/v1", "m", timeout_s=1.0)
    task = load_prompt_tasks(include_user=False).tasks["quiz"]
    with pytest.raises(BackendError) as error:
        run_prompt(remote, task, assemble(task, "q", "zero", []))
    assert error.value.kind == "refused"
    assert "接続できません" in str(error.value)


def test_timeout(server: FakeServer, sentiment: PromptTask) -> None:
    server.behaviour = "slow"
    remote = RemoteBackend(server.url, "m", timeout_s=0.3)
    start = time.monotonic()
    with pytest.raises(BackendError) as error:
        run_prompt(remote, sentiment, assemble(sentiment, "良い", "zero", []), scores=False)
    assert error.value.kind == "timeout"
    assert "0.3" in str(error.value)
    assert time.monotonic() - start < 2


@pytest.mark.parametrize("behaviour", ["cut", "malformed_stream"])
def test_a_stream_cut_mid_answer_keeps_what_arrived(
    server: FakeServer, sentiment: PromptTask, behaviour: str
) -> None:
    server.behaviour = behaviour
    seen: list[str] = []
    with pytest.raises(StreamInterrupted) as error:
        run_prompt(
            backend(server), sentiment, assemble(sentiment, "良い", "zero", []), on_text=seen.append
        )
    assert error.value.partial == "ポジティ"
    assert seen[-1] == "ポジティ"
    assert "ストリーム" in str(error.value)


def test_cancel_stops_a_stalled_stream_at_once(server: FakeServer, sentiment: PromptTask) -> None:
    server.behaviour = "stall"
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    start = time.monotonic()
    with pytest.raises(Cancelled):
        run_prompt(
            RemoteBackend(server.url, "m", timeout_s=10),
            sentiment,
            assemble(sentiment, "良い", "zero", []),
            cancel=cancel,
        )
    assert time.monotonic() - start < 1.5


def test_evaluate_on_remote_uses_label_scores(server: FakeServer, sentiment: PromptTask) -> None:
    results = evaluate(sentiment, backend(server), ["zero", "few"], k=2, limit=4)
    assert results["zero"].method == "label-scores"
    # the fake server always prefers ポジティブ: dev items 1 and 3 are positive, 2 and 4 negative
    assert results["zero"].correct == 2 and results["zero"].total == 4
    assert [w.index for w in results["few"].wrong] == [1, 3]


def test_bad_endpoint_settings() -> None:
    with pytest.raises(BackendError, match="URL"):
        RemoteBackend("", "m")
    with pytest.raises(BackendError, match="モデル名"):
        RemoteBackend("http://localhost:8000/v1", "")
    assert (
        RemoteBackend("localhost:8000/v1/chat/completions/", "m").url == "http://localhost:8000/v1"
    )


def test_cli_json_against_the_server(
    server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "prompt",
            "sentiment",
            "--mode",
            "few",
            "--k",
            "3",
            "--seed",
            "1",
            "--endpoint",
            server.url,
            "--endpoint-model",
            "tiny-model",
            "--json",
            "とても良い",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(out) == {"prompt", "text", "label_scores"}
    assert out["text"] == "ポジティブ"
    assert out["prompt"].endswith("レビュー：とても良い\n感情：")
    assert out["prompt"].count("感情：") == 4
    assert out["label_scores"]["ポジティブ"] > out["label_scores"]["ネガティブ"]


def test_cli_reports_a_refused_connection(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "prompt",
            "quiz",
            "--mode",
            "zero",
            "--endpoint",
            f"http://127.0.0.1:{closed_port()}/v1",
            "--endpoint-model",
            "m",
            "問題",
        ]
    )
    assert code == 1
    assert "接続できません" in capsys.readouterr().err


def test_cli_evaluate_json(server: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "prompt",
            "sentiment",
            "--evaluate",
            "--limit",
            "4",
            "--endpoint",
            server.url,
            "--endpoint-model",
            "tiny-model",
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(out) == {"zero", "one", "few"}
    assert out["zero"]["accuracy"] == 0.5
    assert out["zero"]["wrong"][0] == {
        "item": 2,
        "input": "レビュー：一度洗濯しただけで縫い目がほつれてきました。",
        "expected": "ネガティブ",
        "predicted": "ポジティブ",
    }
