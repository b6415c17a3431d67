"""``bpe`` and ``tokenize`` on hostile input: one line on stderr in the UI language, right exit code,
nothing from the input reaching the terminal as a control character."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from studyllm_tui.__main__ import main


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def _one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("studyllm-tui: "), err
    assert "Traceback" not in err and "\x1b" not in err
    return err


def test_bpe_invalid_utf8_on_stdin(monkeypatch, capsys) -> None:
    _stdin(monkeypatch, "たのしい\t6\n".encode() + b"\xff\xfe\n")
    assert main(["--lang", "en", "bpe", "-"]) == 1
    err = _one_line(capsys.readouterr().err)
    assert "-:2: not UTF-8: byte 0xff" in err


def test_tokenize_invalid_utf8_on_stdin(monkeypatch, capsys) -> None:
    _stdin(monkeypatch, b"ok\n\x80 bad")
    assert main(["tokenize", "-t", "mecab", "-"]) == 1
    err = _one_line(capsys.readouterr().err)
    assert "-:2:" in err and "UTF-8 ではないバイト 0x80" in err  # Japanese by default


def test_tokenize_stdin_too_big(monkeypatch, capsys) -> None:
    _stdin(monkeypatch, b"a" * (50 * 1024 * 1024 + 1))
    assert main(["--lang", "en", "tokenize", "-t", "mecab", "-"]) == 1
    assert "too big (the limit is 50 MB)" in _one_line(capsys.readouterr().err)


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: Path("/dev/zero"), "a device"),
        (_fifo, "a named pipe"),
        (_directory, "a directory"),
        (lambda p: p / "missing.txt", "no such file"),
    ],
    ids=["dev-zero", "fifo", "directory", "missing"],
)
def test_bpe_reads_only_regular_files(tmp_path: Path, capsys, make, words: str) -> None:
    path = make(tmp_path / "corpus")
    assert main(["--lang", "en", "bpe", str(path)]) == 1
    assert words in _one_line(capsys.readouterr().err)


@pytest.mark.parametrize("merges", ["-1", "2001", "99999999999"])
def test_bpe_merges_out_of_range_is_a_usage_error(tmp_path: Path, capsys, merges: str) -> None:
    file = tmp_path / "c.tsv"
    file.write_text("たのしい\t6\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["--lang", "en", "bpe", str(file), "--merges", merges])
    assert exit_info.value.code == 2
    assert "argument --merges: must be from 0 to 2,000" in _one_line(capsys.readouterr().err)


def test_bpe_count_of_thousands_of_digits(tmp_path: Path, capsys) -> None:
    file = tmp_path / "c.tsv"
    file.write_text("たのしい\t" + "9" * 5000 + "\n", encoding="utf-8")
    assert main(["--lang", "en", "bpe", str(file)]) == 1
    assert "line 1: expected WORD<TAB>COUNT" in _one_line(capsys.readouterr().err)


def test_bpe_output_shows_control_characters(tmp_path: Path, capsys) -> None:
    file = tmp_path / "c.tsv"
    file.write_text("a\x1b]0;x\x07b\t3\nab\u202ec\t2\n", encoding="utf-8")
    assert main(["--lang", "en", "bpe", str(file), "--merges", "2"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "␛" in out and "<U+202E>" in out


def test_bpe_speaks_the_chosen_language(tmp_path: Path, capsys) -> None:
    file = tmp_path / "c.tsv"
    file.write_text("たのしい\t6\nたのしさ\t2\n", encoding="utf-8")
    assert main(["--lang", "ja", "bpe", str(file), "--merges", "99"]) == 0
    out = capsys.readouterr().out
    assert "（出現 8 回）" in out and "語彙（" in out and "これ以上結合できる組" in out
    assert main(["--lang", "en", "bpe", str(file), "--merges", "99"]) == 0
    out = capsys.readouterr().out
    assert "(count 8)" in out and "vocabulary (" in out and "no pairs left" in out


def test_bpe_text_corpus_is_linear_in_mecab(tmp_path: Path, capsys) -> None:
    """One 100,000-character word (it took 10 s): MeCab gets bounded pieces, words are cut."""
    file = tmp_path / "big.txt"
    file.write_text("a" * 100_000, encoding="utf-8")
    assert main(["--lang", "en", "bpe", str(file), "--merges", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(len(word) <= 100 for word in data["segmentation"])


def test_tokenize_shows_control_characters(capsys) -> None:
    assert main(["tokenize", "-t", "mecab", "a\x1b[2Jb\u202ec\x85d"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\x85" not in out
    assert "␛" in out and "<U+202E>" in out and "<U+0085>" in out


def test_tokenize_an_escape_in_a_tokenizer_name(capsys) -> None:
    assert main(["tokenize", "-t", "/nowhere/\x1b]0;pwned\x07", "x"]) == 1
    err = _one_line(capsys.readouterr().err)
    assert "␛]0;pwned␇" in err


def test_tokenize_an_undecodable_argument(capsys) -> None:
    """``$'a\\xffb'`` arrives as a lone surrogate: replaced, never a crash on output."""
    assert main(["tokenize", "-t", "mecab", "--json", "a\udcffb"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "".join(token["text"] for token in data["mecab"]) == "a\ufffdb"


@pytest.mark.parametrize(
    ("lang", "words"),
    [("ja", ["トークン、", "見出し語", "語彙"]), ("en", ["tokens,", "entries", "vocabulary"])],
)
def test_tokenize_labels_in_the_chosen_language(capsys, lang: str, words: list[str]) -> None:
    assert main(["--lang", lang, "tokenize", "-t", "mecab", "-t", "gpt2", "猫"]) == 0
    out = capsys.readouterr().out
    assert all(word in out for word in words), out


def test_tokenize_trained_label_in_japanese(capsys) -> None:
    assert main(["--lang", "ja", "tokenize", "-t", "bpe-ja", "猫"]) == 0
    out = capsys.readouterr().out
    assert "バイトレベル BPE（同梱コーパス" in out
