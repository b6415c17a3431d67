"""What ``run`` and ``download`` say while they work and when they are cancelled."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from studyllm_tui.__main__ import main
from studyllm_tui.cli._output import ProgressLine
from studyllm_tui.core import i18n
from studyllm_tui.core.jobs import Cancelled, Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("lang", "progress", "expected"),
    [
        ("ja", Progress("load", detail="weights"), "m: モデルを読み込み中 重み"),
        ("en", Progress("load", detail="weights"), "m: Loading the model weights"),
        ("ja", Progress("download", 50, 200, "a.bin"), "m: ダウンロード中 25% a.bin"),
        (
            "en",
            Progress("connect", detail="huggingface.co"),
            "m: Connecting to the Hub huggingface.co",
        ),
        ("en", Progress("train", 1, 4), "m: Training 25%"),
    ],
)
def test_progress_line_speaks_the_ui_language(
    lang: str, progress: Progress, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stage and part names come from the catalogue (core.hub.describe_progress), like
    the app's status lines; never the raw stage name."""
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    i18n.set_language(lang)
    line = ProgressLine("m")
    line(progress)
    assert terminal.getvalue().lstrip("\r").rstrip() == expected
    line.clear()
    assert terminal.getvalue().endswith("\r")


def test_progress_line_is_silent_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    ProgressLine("m")(Progress("load", detail="weights"))
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ja", ["取得済みのファイルは残して", "残りのファイル"]),
        ("en", ["files already fetched are kept", "fetches the rest"]),
    ],
)
def test_download_cancelled_says_what_is_kept(
    lang: str, words: list[str], monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path
) -> None:
    """huggingface_hub does not resume a file across runs: the message does not promise it."""
    from studyllm_tui.core import hub

    def cancelled(*args: object, **kwargs: object) -> Path:
        raise Cancelled()

    monkeypatch.setattr(hub, "is_cached", lambda model: False)
    monkeypatch.setattr(hub, "hub_reachable", lambda *a, **k: True)
    monkeypatch.setattr(hub, "resolve", cancelled)
    assert main(["--lang", lang, "download", "sentiment"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert all(word in err for word in words), err
    assert "resume" not in err and "再開" not in err
