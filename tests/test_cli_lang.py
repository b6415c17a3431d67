"""One language at a time on the command line (issue 10, item 8).

With ``--lang en`` no message or label of these sub-commands holds Japanese (data such as a
term's Japanese name aside); with ``--lang ja`` the messages are Japanese, not English.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from studyllm_tui.__main__ import main
from tests.glossary_fixtures import write_glossary
from tests.tiny_models import tiny_models  # noqa: F401

JAPANESE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e「」（）。、]")


def call(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exit_info:
        code = int(exit_info.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def english(text: str, *data: str) -> bool:
    """No Japanese in ``text`` once the ``data`` (names from files, ids) are taken out."""
    for item in data:
        text = text.replace(item, "")
    return JAPANESE.search(text) is None


@pytest.fixture
def small_shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "shipped"
    write_glossary(folder)
    monkeypatch.setattr("studyllm_tui.core.paths.shipped_glossary_dir", lambda: folder)
    return folder


TERM_NAMES = ("ファインチューニング", "転移学習", "トークン")  # data: the terms' Japanese names

# Commands whose whole output (stdout and stderr) is the app's own words in English.
MESSAGES = [
    ["glossary", "search", "zzzzzzzz"],
    ["glossary", "show", "nope"],
    ["glossary", "check"],
    ["glossary", "check", "/nonexistent/x.yaml"],
    ["glossary", "search", "x", "--limit", "0"],
    ["run", "sentiment", "x"],
    ["run", "nli", "--model", "/nonexistent/m", "one"],
    ["run", "sentiment", "--model", "{sentiment}", "   "],
    ["run", "sentiment", "--model", "{sentiment}", "x" * 100_001],
    ["download", "sentiment"],
    ["download"],
    ["download", "nope"],
    ["--model", "nope=x", "models"],
    ["prompt", "nosuch", "--mode", "zero", "x"],
    ["prompt", "quiz", "--mode", "zero", "--limit", "2", "x"],
    ["prompt", "quiz", "--mode", "zero", "x"],
    ["prompt", "quiz", "--evaluate", "--limit", "-3"],
    ["prompt"],
]


def _fill(args: list[str], tiny_models) -> list[str]:  # noqa: F811
    return [part.replace("{sentiment}", str(tiny_models.sentiment)) for part in args]


@pytest.mark.parametrize("args", MESSAGES, ids=lambda a: " ".join(p[:12] for p in a) or "-")
def test_messages_in_english(args, small_shipped, tiny_models, capsys) -> None:  # noqa: F811
    _, out, err = call(["--lang", "en", *_fill(args, tiny_models)], capsys)
    assert out + err
    assert english(out + err, *TERM_NAMES), out + err


@pytest.mark.parametrize("args", MESSAGES, ids=lambda a: " ".join(p[:12] for p in a) or "-")
def test_messages_in_japanese(args, small_shipped, tiny_models, capsys) -> None:  # noqa: F811
    _, out, err = call(["--lang", "ja", *_fill(args, tiny_models)], capsys)
    assert JAPANESE.search(out + err), out + err
    for phrase in ("no term matches", "no such", "not in the local", "unknown task", "see "):
        assert phrase not in out + err


def test_glossary_show_labels(small_shipped, capsys) -> None:
    _, out, _ = call(["--lang", "en", "glossary", "show", "fine-tuning"], capsys)
    lines = out.splitlines()
    assert lines[0].startswith("fine-tuning / ファインチューニング")
    assert "Reading: ふぁいんちゅーにんぐ" in lines[1]
    assert "Category: Fine-tuning and training" in lines[1] and "Book: 第5章" in lines[1]
    assert lines[2] == "Also: 微調整, FT"
    assert lines[4].startswith("Adapting a pretrained model")
    assert "Related: transfer-learning, token" in out
    for label in ("読み", "分類", "本:", "別名", "関連", "Category: tuning"):
        assert label not in out.replace("fine-tuning", "")
    _, out, _ = call(["--lang", "ja", "glossary", "show", "fine-tuning"], capsys)
    assert "読み: ふぁいんちゅーにんぐ" in out and "分類: ファインチューニングと学習" in out
    assert "本: 第5章" in out and "別名: 微調整, FT" in out and "関連:" in out
    assert out.splitlines()[4].startswith("事前学習済みモデル")


def test_glossary_search_and_check(small_shipped, capsys) -> None:
    _, out, _ = call(["--lang", "en", "glossary", "search", "転移"], capsys)
    assert "transfer learning / 転移学習" in out
    _, out, _ = call(["--lang", "ja", "glossary", "search", "転移"], capsys)
    assert "転移学習 / transfer learning" in out
    # Checked as a user's file: the shipped glossary's house rules (book, links both ways)
    # do not apply to it.
    small = small_shipped.parent / "mine.yaml"
    small.write_text((small_shipped / "small.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    _, out, _ = call(["--lang", "en", "glossary", "check", str(small)], capsys)
    assert "4 terms in 1 files, 0 problem(s)" in out
    _, out, _ = call(["--lang", "ja", "glossary", "check", str(small)], capsys)
    assert "1 ファイルに 4 語、問題 0 件" in out


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_models_table(lang: str, tiny_models, capsys) -> None:  # noqa: F811
    folder = str(tiny_models.ner)
    _, out, _ = call(["--lang", lang, "--model", f"ner={folder}", "models"], capsys)
    lines = out.splitlines()
    assert len(lines) == 8
    if lang == "en":
        assert all(english(line, folder) for line in lines), out
        assert "not cached" in out and "local folder" in out
    else:
        assert "未ダウンロード" in out and "ローカル" in out and "not cached" not in out


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_run_output_labels(lang: str, tiny_models, capsys) -> None:  # noqa: F811
    _, out, _ = call(
        ["--lang", lang, "run", "sts", "--model", str(tiny_models.sts), "猫", "犬"], capsys
    )
    assert out.startswith("score:" if lang == "en" else "スコア:")
    assert english(out) == (lang == "en")


def test_download_offline_advice_is_not_download(capsys) -> None:
    """``download`` offline does not tell the person to run ``download``."""
    for lang in ("en", "ja"):
        code, _, err = call(["--lang", lang, "download", "sentiment"], capsys)
        assert code == 1 and "studyllm-tui download" not in err


@pytest.mark.parametrize(
    "args",
    [["run"], ["frob"], ["glossary", "search", "x", "--limit", "0"], ["prompt", "--mode", "x"]],
    ids=["required", "choice", "type", "choice-option"],
)
def test_argparse_speaks_the_language(args: list[str], capsys) -> None:
    code, _, err = call(["--lang", "en", *args], capsys)
    assert code == 2 and english(err) and "--help" in err
    code, _, err = call(["--lang", "ja", *args], capsys)
    assert code == 2 and JAPANESE.search(err)
    for phrase in ("argument ", "required", "invalid choice", "see "):
        assert phrase not in err


def test_help_headings_in_japanese(capsys) -> None:
    code, out, _ = call(["--lang", "ja", "glossary", "--help"], capsys)
    assert code == 0 and out.startswith("使い方: ") and "位置引数" in out
    code, out, _ = call(["--lang", "en", "glossary", "--help"], capsys)
    assert out.startswith("usage: ") and english(out)


def _commands() -> list[list[str]]:
    """Every sub-command and sub-sub-command of the parser, found by walking it."""
    import argparse

    from studyllm_tui.__main__ import build_parser

    found: list[list[str]] = [[]]

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.append([*path, name])
                    walk(sub, [*path, name])

    walk(build_parser(), [])
    return found


COMMANDS = _commands()
# Data in help text: the book's title, names of tasks and tokenizers are not sentences.
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?: [a-z]{2,}){2,}\b")


def test_every_command_is_walked() -> None:
    names = {" ".join(command) for command in COMMANDS}
    assert {"bpe", "tokenize", "study due", "study import", "glossary check", "prompt"} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_help_in_english(command: list[str], capsys) -> None:
    code, out, _ = call(["--lang", "en", *command, "--help"], capsys)
    assert code == 0 and out.startswith("usage: studyllm-tui")
    assert english(out, "大規模言語モデル入門"), out
    helps = [line for line in out.splitlines() if line.startswith("  -") or line.startswith("    ")]
    assert helps


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_help_in_japanese(command: list[str], capsys) -> None:
    from rich.cells import cell_len

    code, out, _ = call(["--lang", "ja", *command, "--help"], capsys)
    assert code == 0 and out.startswith("使い方: studyllm-tui " + " ".join(command))
    assert "位置引数" in out or "オプション" in out
    usage, _, rest = out.partition("\n\n")
    for line in rest.splitlines():
        assert not ENGLISH_SENTENCE.search(line), line
        assert cell_len(line) <= 80 or " " not in line.strip(), line  # wrapped in cells
        assert line.strip()[:1] not in tuple("、。）」"), line  # no line starts with these
    assert JAPANESE.search(rest)
    assert "udyllm" not in usage.replace("studyllm", "")  # the prefix cuts nothing of prog


@pytest.mark.parametrize("command", [c for c in COMMANDS if c], ids=" ".join)
def test_usage_error_in_both_languages(command: list[str], capsys) -> None:
    code, _, err = call(["--lang", "en", *command, "--no-such-option"], capsys)
    assert code == 2 and len(err.splitlines()) == 1 and english(err), err
    code, _, err = call(["--lang", "ja", *command, "--no-such-option"], capsys)
    assert code == 2 and len(err.splitlines()) == 1 and JAPANESE.search(err), err
    assert "unrecognized" not in err and "see " not in err
