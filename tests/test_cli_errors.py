"""Every sub-command and option through its error paths (issue 9, group 2).

Each case asserts what a person sees: no traceback, exactly one line on stderr, and the exit
code (1 for an error, 2 for a usage error). Commands run in-process through ``main``; cases
that need the real process boundary (bytes that are not UTF-8 in argv or on stdin) run the
CLI in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studyllm_tui.__main__ import main
from tests.prompt_server import closed_port
from tests.tiny_models import tiny_models  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
MISSING = "/nonexistent/studyllm-folder"

# (arguments, exit code, text the one line must hold or ""); {name} fills from the fixtures.
CASES: list[tuple[list[str], int, str]] = [
    # top level
    (["--lang", "xx", "models"], 2, "--lang"),
    (["--model", "nosuchtask=X", "models"], 2, "sentiment, nli"),
    (["--model", "bad", "models"], 2, "TASK=ID_OR_PATH"),
    (["--model", "sentiment=", "models"], 2, "TASK=ID_OR_PATH"),
    (["--model", "=x", "models"], 2, "TASK=ID_OR_PATH"),
    (["--config"], 2, "--config"),
    (["nosuchcommand"], 2, "nosuchcommand"),
    (["--config", MISSING, "models"], 0, "そのファイルはありません"),
    # glossary
    (["glossary"], 2, ""),
    (["glossary", "frob"], 2, "frob"),
    (["glossary", "search"], 2, "QUERY"),
    (["glossary", "search", "x", "--limit", "99999999999999999999"], 2, "--limit"),
    (["glossary", "search", "x", "--limit", "0"], 2, "--limit"),
    (["glossary", "search", "x", "--limit", "-3"], 2, "--limit"),
    (["glossary", "search", "x", "--limit", "abc"], 2, "--limit"),
    (["glossary", "search", "x", "--limit", "1e3"], 2, "--limit"),
    (["glossary", "search", "x", "--limit"], 2, "--limit"),
    (["glossary", "search", "x", "--bogus"], 2, "--bogus"),
    (["glossary", "show"], 2, "ID"),
    (["glossary", "show", "nope"], 1, "'nope'"),
    (["glossary", "show", "nope", "--json"], 1, "'nope'"),
    (["glossary", "check", MISSING], 1, MISSING),
    (["glossary", "check", "{broken}"], 1, "1"),
    # models
    (["models", "--bogus"], 2, "--bogus"),
    # download
    (["download"], 2, "--all"),
    (["download", "nope"], 2, "'nope'"),
    (["download", "sentiment"], 1, "オフライン"),
    (["download", "--all", "--bogus"], 2, "--bogus"),
    # run
    (["run"], 2, "TASK"),
    (["run", "nope", "x"], 2, "nope"),
    (["run", "sentiment"], 2, "INPUT"),
    (["run", "sentiment", "x"], 1, "llm-book/bert-base-japanese-v3-marc_ja"),
    (["run", "sentiment", "--json", "x"], 1, "llm-book/bert-base-japanese-v3-marc_ja"),
    (["run", "sentiment", "--model", MISSING, "x"], 1, MISSING),
    (["run", "sentiment", "--model", "{generate}", "x"], 1, "GPT2LMHeadModel"),
    (["run", "sentiment", "--model", "{sentiment}", "   "], 1, "空"),
    (["run", "sentiment", "--model", "{sentiment}", "a\udcffb"], 2, "UTF-8"),
    (["run", "sentiment", "--model", "a\udcffb", "x"], 2, "UTF-8"),
    (["run", "sentiment", "--model", "{sentiment}", "x" * 100_001], 1, "100,000"),
    (["run", "nli", "--model", "{nli}", "一つ"], 1, "nli"),
    (["run", "sts", "--model", "{sts}", "一つ", "二つ", "三つ"], 1, "sts"),
    (["run", "embed", "--model", "{embed}", "一つ"], 1, ""),
    (["--model", "sentiment={generate}", "run", "sentiment", "x"], 1, "GPT2LMHeadModel"),
    (["run", "sentiment", "--seed", "3", "x"], 2, "--seed"),
    (["run", "embed", "--temperature", "0.5", "a", "b"], 2, "generate"),
    (["run", "generate", "--top-p", "2", "x"], 2, "--top-p"),
    (["run", "generate", "--temperature", "nan", "x"], 2, "--temperature"),
    (["run", "generate", "--temperature", "abc", "x"], 2, "--temperature"),
    (["run", "generate", "--max-new-tokens", "0", "x"], 2, "--max-new-tokens"),
    (["run", "generate", "--seed", "-1", "x"], 2, "--seed"),
    (["run", "summarize", "--preset", "nope", "x"], 2, "greedy"),
    (["run", "embed", "--pooling", "max", "a", "b"], 2, "mean"),
    (["run", "fill-mask", "--top-k", "0", "x[MASK]"], 2, "--top-k"),
    # prompt
    (["prompt"], 2, "TASK"),
    (["prompt", "nosuch", "--mode", "zero", "x"], 2, "'nosuch'"),
    (["prompt", "quiz", "x"], 1, "--mode"),
    (["prompt", "quiz", "--mode", "zero"], 1, "quiz"),
    (["prompt", "quiz", "--mode", "bogus", "x"], 2, "--mode"),
    (["prompt", "quiz", "--mode", "zero", "--format", "bogus", "x"], 2, "--format"),
    (["prompt", "quiz", "--mode", "zero", "x"], 1, "abeja/gpt2-large-japanese"),
    (["prompt", "quiz", "--mode", "zero", "--json", "x"], 1, "abeja/gpt2-large-japanese"),
    (["prompt", "quiz", "--evaluate"], 1, "abeja/gpt2-large-japanese"),
    (["prompt", "quiz", "--evaluate", "--json"], 1, "abeja/gpt2-large-japanese"),
    (["prompt", "quiz", "--evaluate", "--limit", "-3"], 2, "--limit"),
    (["prompt", "quiz", "--evaluate", "--limit", "0"], 2, "--limit"),
    (["prompt", "quiz", "--evaluate", "--limit", "abc"], 2, "--limit"),
    (["prompt", "quiz", "--mode", "zero", "--limit", "3", "x"], 2, "--limit"),
    (["prompt", "quiz", "--mode", "few", "--k", "abc", "x"], 2, "--k"),
    (["prompt", "quiz", "--mode", "few", "--k", "40", "x"], 1, "k"),
    (["prompt", "quiz", "--mode", "few", "--k", "99999999999999999999", "x"], 2, "--k"),
    (["prompt", "quiz", "--mode", "zero", "--seed", "-1", "x"], 2, "--seed"),
    (["prompt", "quiz", "--mode", "zero", "--seed", "99999999999999999999", "x"], 2, "--seed"),
    (["prompt", "quiz", "--mode", "few", "--examples", "a,b", "x"], 1, "--examples"),
    (["prompt", "quiz", "--mode", "few", "--examples", "0,1", "x"], 1, "0"),
    (["prompt", "quiz", "--mode", "few", "--examples", "1,99", "x"], 1, "99"),
    (["prompt", "quiz", "--mode", "few", "--examples", "1,1", "x"], 1, ""),
    (["prompt", "quiz", "--mode", "zero", "--model", MISSING, "x"], 1, MISSING),
    (["prompt", "quiz", "--mode", "zero", "--model", MISSING, "--json", "x"], 1, MISSING),
    (["prompt", "quiz", "--evaluate", "--model", MISSING], 1, MISSING),
    (["prompt", "quiz", "--mode", "zero", "--model", "{sentiment}", "x"], 1, "{sentiment}"),
    (["prompt", "quiz", "--evaluate", "--model", "{embed}"], 1, "{embed}"),
    (["prompt", "quiz", "--mode", "zero", "--model", "a", "--endpoint", "http://x/v1", "x"], 2, ""),
    (["prompt", "quiz", "--mode", "zero", "--endpoint-model", "m", "x"], 2, "--endpoint"),
    (["prompt", "quiz", "--mode", "zero", "a\udcffb"], 2, "UTF-8"),
    (["prompt", "nli", "--mode", "zero", "only premise"], 1, "nli"),
    (["prompt", "quiz", "--mode", "zero", "--endpoint", "{closed}", "x"], 1, "endpoint"),
    (
        [
            "prompt",
            "quiz",
            "--mode",
            "zero",
            "--endpoint",
            "{closed}",
            "--endpoint-model",
            "m",
            "x",
        ],
        1,
        "127.0.0.1",
    ),
    # tokenize (helper "bounds" owns the module; the paths below already hold)
    (["tokenize"], 2, "TEXT"),
    (["tokenize", "-t", MISSING, "x"], 1, MISSING),
    (["tokenize", "-t", "{empty}", "x"], 1, "{empty}"),
    # bpe ("bounds")
    (["bpe"], 2, "FILE"),
    (["bpe", MISSING], 1, MISSING),
    (["bpe", "x", "--merges", "abc"], 2, "--merges"),
    # study (helper "study")
    (["study"], 2, ""),
    (["study", "export"], 2, "FILE"),
    (["study", "import"], 2, "FILE"),
]


@pytest.fixture
def fill(tiny_models, tmp_path: Path):  # noqa: F811
    broken = tmp_path / "broken.yaml"
    broken.write_text("terms:\n  - id: x\n    ja: [\n", encoding="utf-8")
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    (empty / "README").write_text("no tokenizer here", encoding="utf-8")
    values = {
        "broken": str(broken),
        "empty": str(empty),
        "closed": f"http://127.0.0.1:{closed_port()}/v1",
        **{
            name: str(getattr(tiny_models, name))
            for name in ("sentiment", "nli", "sts", "embed", "generate")
        },
    }

    def apply(text: str) -> str:
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return text

    return apply


def call(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exit_info:
        code = int(exit_info.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _ids(case: tuple[list[str], int, str]) -> str:
    return " ".join(part[:20] for part in case[0]) or "-"


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_error_is_one_line(case, fill, capsys: pytest.CaptureFixture[str]) -> None:
    raw_args, expected_code, needle = case
    args = [fill(part) for part in raw_args]
    code, out, err = call(args, capsys)
    assert "Traceback" not in out + err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("studyllm-tui: ")
    assert code == expected_code, err
    assert fill(needle) in lines[0]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_usage_error_speaks_the_language(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(["--lang", lang, "glossary", "search", "x", "--limit", "0"], capsys)
    assert code == 2
    assert ("--help を参照" in err) == (lang == "ja")
    assert ("see studyllm-tui glossary search --help" in err) == (lang == "en")


@pytest.mark.parametrize(
    "raised, code, needle",
    [
        (RuntimeError("boom\nsecond line"), 1, "RuntimeError"),
        (ValueError(""), 1, "ValueError"),
        (KeyError("k"), 1, "KeyError"),
        (MemoryError(), 1, "メモリ"),
        (PermissionError(13, "Permission denied", "/x/y"), 1, "/x/y"),
        (UnicodeDecodeError("utf-8", b"a\xffb", 1, 2, "invalid start byte"), 1, "0xff"),
        (KeyboardInterrupt(), 130, "中断"),
    ],
)
def test_unexpected_failures_are_one_line(
    raised: BaseException, code: int, needle: str, monkeypatch, capsys
) -> None:
    import studyllm_tui.cli.models as models

    def explode(args, config):
        raise raised

    monkeypatch.setattr(models, "run", explode)
    got, _out, err = call(["models"], capsys)
    assert got == code
    assert len(err.splitlines()) == 1 and needle in err and "Traceback" not in err


def test_app_errors_keep_their_message(monkeypatch, capsys) -> None:
    import studyllm_tui.cli.models as models
    from studyllm_tui.core.models.source import ModelLoadError

    def explode(args, config):
        raise ModelLoadError("line one\nline two")

    monkeypatch.setattr(models, "run", explode)
    code, _, err = call(["models"], capsys)
    assert code == 1 and err == "studyllm-tui: line one line two\n"


def test_closed_pipe_is_quiet(monkeypatch, capsys) -> None:
    import studyllm_tui.cli.models as models

    def explode(args, config):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(models, "run", explode)
    assert call(["models"], capsys) == (0, "", "")


def _subprocess(args: list[bytes], home: Path, stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONIOENCODING="utf-8",
        HF_HUB_OFFLINE="1",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        HF_HOME=str(home / "hf"),
    )
    return subprocess.run(
        [sys.executable.encode(), b"-m", b"studyllm_tui", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [
        [b"run", b"sentiment", b"a\xffb"],
        [b"prompt", b"quiz", b"--mode", b"zero", b"a\xffb"],
        [b"glossary", b"search", b"a\xffb"],
        [b"glossary", b"show", b"a\xffb"],
        [b"--model", b"sentiment=a\xffb", b"models"],
    ],
    ids=["run", "prompt", "glossary-search", "glossary-show", "model-override"],
)
def test_undecodable_argument(args: list[bytes], tmp_path: Path) -> None:
    result = _subprocess(args, tmp_path)
    err = result.stderr.decode("utf-8")
    assert result.returncode == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "a\\xffb" in err and "UTF-8" in err


@pytest.mark.parametrize(
    "args", [[b"tokenize", b"-t", b"mecab", b"-"], [b"bpe", b"-"]], ids=["tokenize", "bpe"]
)
def test_invalid_utf8_on_stdin(args: list[bytes], tmp_path: Path) -> None:
    result = _subprocess(args, tmp_path, stdin=b"caf\xe9 \xff\xfe\n")
    err = result.stderr.decode("utf-8")
    assert result.returncode == 1, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err and "utf-8" in err.lower()
