"""No escape sequence from untrusted text reaches the terminal on the CLI (issue 9, group 3).

Each payload is a control sequence a terminal acts on (retitle, clipboard write through OSC 52,
clear screen, C1 CSI, hyperlinks, bidi override, bell, carriage return ...). It is put where
the app reads untrusted text (a user glossary file, a model's vocabulary and labels, a
server's answer and error, a path, the person's own input), and every byte the command writes
to stdout and stderr must then be free of control characters (newlines and tabs aside).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from studyllm_tui.__main__ import main
from studyllm_tui.core.safetext import is_clean
from tests.prompt_server import FakeServer, fake_server
from tests.tiny_models import tiny_models  # noqa: F401

PAYLOADS = {
    "osc-title": "\x1b]0;pwned\x07",
    "osc52-clipboard": "\x1b]52;c;ZWNobyBoaQ==\x07",
    "clear-screen": "\x1b[2J\x1b[H",
    "c1-csi": "\x9b2J",
    "c1-osc": "\x9d0;pwned\x9c",
    "hyperlink": "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "bidi-override": "\u202eevil\u202c",
    "bell-cr": "ok\x07\roverwritten",
}
FEW = ("osc-title", "osc52-clipboard", "clear-screen", "c1-csi")


def call(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = main(args)
    except SystemExit as exit_info:
        code = int(exit_info.code or 0)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def assert_clean(output: str) -> None:
    assert output, "the command printed nothing"
    assert is_clean(output), repr(output)
    assert "Traceback" not in output


# -- glossary: a user glossary file holding the payload in every field ----------------------


def _hostile_term(payload: str) -> str:
    q = json.dumps  # a JSON string is a YAML double-quoted scalar (\u001b and all)
    return (
        "terms:\n"
        "  - id: evil-term\n"
        f"    ja: {q('悪い' + payload)}\n"
        f"    reading: {q('わるい' + payload)}\n"
        f"    en: {q('evil ' + payload)}\n"
        f"    aliases: [{q('alias' + payload)}]\n"
        "    category: safety\n"
        f"    summary: {q('要約' + payload)}\n"
        f"    summary_en: {q('summary ' + payload)}\n"
        f"    body: {q('本文 ' + payload + ' おわり')}\n"
        f"    book: {q('第1章' + payload)}\n"
        "    related: []\n"
        f"  - id: {q('bad' + payload)}\n"
        f"    ja: {q(payload)}\n"
    )


@pytest.fixture
def hostile_glossary(user_data_dir: Path):
    def write(payload: str) -> Path:
        folder = user_data_dir / "glossary"
        folder.mkdir(parents=True, exist_ok=True)
        file = folder / "evil.yaml"
        file.write_text(_hostile_term(payload), encoding="utf-8")
        return file

    return write


GLOSSARY_COMMANDS = {
    "show": ["glossary", "show", "evil-term"],
    "show-en": ["--lang", "en", "glossary", "show", "evil-term"],
    "show-json": ["glossary", "show", "evil-term", "--json"],
    "search": ["glossary", "search", "evil"],
    "search-json": ["glossary", "search", "evil", "--json"],
    "check": ["glossary", "check"],
    "check-file": ["glossary", "check", "{file}"],
}


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize("command", sorted(GLOSSARY_COMMANDS))
def test_glossary_output_is_clean(
    command: str, payload: str, hostile_glossary, capsys: pytest.CaptureFixture[str]
) -> None:
    file = hostile_glossary(PAYLOADS[payload])
    args = [part.replace("{file}", str(file)) for part in GLOSSARY_COMMANDS[command]]
    _, output = call(args, capsys)
    assert_clean(output)
    if command.startswith("show") and not command.endswith("json"):
        assert "evil" in output  # the term itself is shown, only made visible


def test_glossary_json_keeps_the_text(hostile_glossary, capsys) -> None:
    """JSON escapes the controls; the document still holds exactly the file's text."""
    hostile_glossary(PAYLOADS["c1-csi"])
    _, output = call(["glossary", "show", "evil-term", "--json"], capsys)
    assert "\\u009b" in output and json.loads(output)["en"] == "evil " + PAYLOADS["c1-csi"]


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_glossary_search_echoes_query_safely(payload: str, capsys) -> None:
    _, output = call(["glossary", "search", "qzqzqz" + PAYLOADS[payload]], capsys)
    assert_clean(output)


# -- paths and names the person typed ---------------------------------------------------------


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize(
    "command",
    [
        ["--model", "generate=./{p}", "models"],
        ["--model", "sentiment=./{p}", "download", "sentiment"],
        ["run", "sentiment", "--model", "./{p}", "x"],
        ["prompt", "quiz", "--mode", "zero", "--model", "./{p}", "x"],
        ["glossary", "check", "./{p}.yaml"],
        ["glossary", "show", "{p}"],
    ],
    ids=["models", "download", "run", "prompt", "glossary-check", "glossary-show"],
)
def test_typed_names_are_shown_safely(command: list[str], payload: str, capsys) -> None:
    args = [part.replace("{p}", PAYLOADS[payload]) for part in command]
    _, output = call(args, capsys)
    assert_clean(output)


# -- a model whose vocabulary and labels hold the payload ------------------------------------


def _payload_generator(source: Path, folder: Path, payload: str) -> Path:
    """A copy of the tiny GPT-2 that always generates the added token ``payload``."""
    import torch
    from transformers import AutoTokenizer, GPT2LMHeadModel

    shutil.copytree(source, folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    tokenizer.add_tokens([payload])
    tokenizer.save_pretrained(folder)
    model = GPT2LMHeadModel.from_pretrained(folder)
    model.resize_token_embeddings(len(tokenizer))
    target = tokenizer.convert_tokens_to_ids(payload)
    with torch.no_grad():
        direction = torch.ones(model.config.n_embd)
        model.transformer.ln_f.weight.zero_()
        model.transformer.ln_f.bias.copy_(direction)
        model.transformer.wte.weight.mul_(0.01)
        model.transformer.wte.weight[target] = direction * 10
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def payload_models(tiny_models, tmp_path_factory: pytest.TempPathFactory):  # noqa: F811
    root = tmp_path_factory.mktemp("payload-models")
    return {
        name: _payload_generator(tiny_models.generate, root / name, PAYLOADS[name]) for name in FEW
    }


@pytest.mark.parametrize("payload", FEW)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_run_generate_output_is_clean(payload: str, as_json: bool, payload_models, capsys) -> None:
    args = ["run", "generate", "--model", str(payload_models[payload]), "こんにちは"]
    code, output = call(args + (["--json"] if as_json else []), capsys)
    assert code == 0, output
    assert_clean(output)
    marker = "\\u001b" if payload != "c1-csi" else "\\u009b"
    assert (marker in output) if as_json else ("␛" in output or "<U+009B>" in output)


@pytest.mark.parametrize("payload", FEW)
def test_prompt_local_output_is_clean(payload: str, payload_models, capsys) -> None:
    args = ["prompt", "quiz", "--mode", "zero", "--model", str(payload_models[payload]), "問題"]
    code, output = call(args, capsys)
    assert code == 0, output
    assert_clean(output)
    assert "␛" in output or "<U+009B>" in output  # the answer is there, made visible


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_run_classifier_labels_are_clean(payload: str, tiny_models, tmp_path, capsys) -> None:  # noqa: F811
    folder = tmp_path / "evil-labels"
    shutil.copytree(tiny_models.sentiment, folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["id2label"] = {"0": "pos" + PAYLOADS[payload], "1": "neg" + PAYLOADS[payload]}
    config["label2id"] = {label: int(i) for i, label in config["id2label"].items()}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    code, output = call(["run", "sentiment", "--model", str(folder), "良い"], capsys)
    assert code == 0, output
    assert_clean(output)


# -- a server's answers and errors -------------------------------------------------------------


@pytest.fixture
def server():
    with fake_server() as running:
        yield running


def _remote(server: FakeServer, *extra: str) -> list[str]:
    return ["prompt", "--endpoint", server.url, "--endpoint-model", "m", *extra]


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize(
    "extra",
    [
        ["quiz", "--mode", "zero", "問題"],
        ["quiz", "--mode", "zero", "--json", "問題"],
        ["sentiment", "--mode", "zero", "--show-prompt", "良い"],
    ],
    ids=["quiz", "quiz-json", "sentiment"],
)
def test_prompt_remote_answer_is_clean(
    extra: list[str], payload: str, server: FakeServer, capsys
) -> None:
    server.answer = "答え" + PAYLOADS[payload] + "です"
    _, output = call(_remote(server, *extra), capsys)
    assert_clean(output)


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_prompt_remote_error_and_own_input_are_clean(
    payload: str, server: FakeServer, capsys
) -> None:
    server.behaviour = "404"  # the error names the model we sent
    args = [
        "prompt", "--endpoint", server.url, "--endpoint-model", "m" + PAYLOADS[payload],
        "quiz", "--mode", "zero", "--show-prompt", "問題" + PAYLOADS[payload],
    ]  # fmt: skip
    code, output = call(args, capsys)
    assert code == 1
    assert_clean(output)


@pytest.mark.parametrize("offset", [0, 1], ids=["esc-starts-a-chunk", "esc-split-from-its-tail"])
@pytest.mark.parametrize("chat", [False, True], ids=["completions", "chat"])
def test_prompt_streamed_echo_is_clean(offset: int, chat: bool, server: FakeServer, capsys) -> None:
    """The answer is echoed as it streams (2 characters a chunk): an escape sequence spread
    over several chunks, ESC alone at the end of one, still never reaches the terminal."""
    server.answer = "答" + "!" * offset + "\x1b]0;x\x07" + "\x1b[2J" + "\x9b" + "了"
    extra = ["--format", "chat"] if chat else []
    code, output = call(_remote(server, "quiz", "--mode", "zero", *extra, "問題"), capsys)
    assert code == 0
    assert_clean(output)
    assert "␛]0;x␇␛[2J<U+009B>了" in output
    streamed = [r for r in server.requests if r[1].get("stream")]
    assert streamed, "the answer was not streamed"
