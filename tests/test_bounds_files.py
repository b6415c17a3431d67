"""Only regular files under a size limit are read; a cache is checked, never trusted."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyllm_tui.__main__ import main
from studyllm_tui.core import i18n
from studyllm_tui.core.config import load_config
from studyllm_tui.core.files import (
    MB,
    FileReadError,
    read_bytes_file,
    read_stdin_text,
    read_text_file,
)
from studyllm_tui.core.glossary.loader import load_glossary_files
from studyllm_tui.core.prompts.loader import load_task_files


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _big(path: Path, size: int = 10 * MB + 1) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)  # sparse: a real file of that size on disk, written in no time
    return path


# (name, make the path, words the reason must hold)
NOT_READ = [
    ("fifo", _fifo, "not a regular file"),
    ("directory", lambda p: (p.mkdir(), p)[1], "not a regular file"),
    ("too-big", _big, "too big"),
    ("dangling-link", lambda p: (p.symlink_to(p.with_name("nowhere")), p)[1], "no such file"),
]


@pytest.mark.parametrize(("name", "make", "words"), NOT_READ, ids=[c[0] for c in NOT_READ])
def test_files_that_are_not_read(tmp_path: Path, name: str, make, words: str) -> None:
    i18n.set_language("en")
    path = make(tmp_path / "x.yaml")
    with pytest.raises(FileReadError) as caught:
        read_text_file(path)
    assert words in caught.value.reason
    assert str(caught.value).startswith(f"{path}: ")


@pytest.mark.parametrize(("name", "make", "words"), NOT_READ[:3], ids=[c[0] for c in NOT_READ[:3]])
def test_every_reader_reports_them_as_a_problem(
    tmp_path: Path, name: str, make, words: str
) -> None:
    i18n.set_language("en")
    glossary = load_glossary_files([[make(tmp_path / "g.yaml")]])
    assert [words in p.message for p in glossary.problems] == [True]
    library = load_task_files([[make(tmp_path / "t.yaml")]])
    assert [words in p.message for p in library.problems] == [True]
    config, problems = load_config(make(tmp_path / "config.yaml"))
    assert [words in p.message for p in problems] == [True] and config.lang == "ja"


def test_glossary_check_on_dev_zero_reads_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "glossary", "check", "/dev/zero"]) == 1
    out = capsys.readouterr().out
    assert "/dev/zero: not a regular file (a device); not read" in out


def test_a_file_whose_size_lies_is_still_bounded() -> None:
    """``/proc`` files say size 0; the read itself stops at the limit."""
    path = Path("/proc/self/maps")
    if not path.exists():
        pytest.skip("no /proc")
    assert path.stat().st_size == 0
    with pytest.raises(FileReadError):
        read_bytes_file(path, limit=16)
    assert read_bytes_file(path, limit=10 * MB)


def test_invalid_utf8_names_its_line(tmp_path: Path) -> None:
    i18n.set_language("en")
    path = tmp_path / "x.yaml"
    path.write_bytes("a: 1\nb: é\nc: \xff\n".encode("latin-1"))
    with pytest.raises(FileReadError) as caught:
        read_text_file(path)
    assert caught.value.line == 2
    assert str(caught.value) == f"{path}:2: not UTF-8: byte 0xe9 at byte offset 8"


def test_a_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"\xef\xbb\xbfhello")
    assert read_text_file(path) == "hello"


def test_stdin_is_bounded_and_checked() -> None:
    i18n.set_language("en")
    assert read_stdin_text(100, io.BytesIO("日本".encode())) == "日本"
    with pytest.raises(FileReadError, match="too big"):
        read_stdin_text(100, io.BytesIO(b"x" * 101))
    with pytest.raises(FileReadError, match=r"^-:1: not UTF-8: byte 0xff"):
        read_stdin_text(100, io.BytesIO(b"a\xffb"))


def test_the_limit_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "x"
    path.write_bytes(b"x" * 100)
    assert len(read_bytes_file(path, 100)) == 100
    with pytest.raises(FileReadError):
        read_bytes_file(path, 99)


# -- the catalogue's cache --------------------------------------------------------------------


@pytest.fixture
def catalogue_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "i18n"
    folder.mkdir()
    (folder / "demo.yaml").write_text('hello: {ja: "こんにちは", en: "Hello"}\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "CATALOGUE_DIR", folder)
    i18n._area.cache_clear()
    yield folder
    i18n._area.cache_clear()


def _stamp() -> list[object]:
    return i18n._stamp(i18n.CATALOGUE_DIR / "demo.yaml")


BAD_CACHES = {
    "garbage": lambda: b"\x00\xff garbage",
    "marshal-bomb": lambda: b"[\xff\xff\xff\x7f" + b"\x00" * 64,  # marshal: a 2**31-item list
    "wrong-shape": lambda: json.dumps({"stamp": _stamp(), "area": {"hello": ["x"]}}).encode(),
    "not-text": lambda: json.dumps({"stamp": _stamp(), "area": {"hello": {"ja": 1}}}).encode(),
    "stale-stamp": lambda: json.dumps({"stamp": [0], "area": {"hello": {"ja": "x"}}}).encode(),
    "list": lambda: json.dumps([_stamp(), {"hello": {"ja": "x"}}]).encode(),
    "deep-json": lambda: b"[" * 200_000 + b"]" * 200_000,
    "huge": lambda: b" " * (i18n.CACHE_LIMIT + 1),
}


@pytest.mark.parametrize("name", list(BAD_CACHES))
def test_a_bad_cache_is_ignored_and_rewritten(catalogue_dir: Path, name: str) -> None:
    cache = i18n.cache_file("demo")
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(BAD_CACHES[name]())
    assert i18n.t("demo.hello") == "こんにちは"
    stored = json.loads(cache.read_text(encoding="utf-8"))
    assert stored == {"stamp": _stamp(), "area": {"hello": {"ja": "こんにちは", "en": "Hello"}}}


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_cache_path_that_is_not_a_file_is_not_read(catalogue_dir: Path, kind: str) -> None:
    cache = i18n.cache_file("demo")
    cache.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(cache)  # reading it would wait forever
    else:
        cache.mkdir()
    assert i18n.t("demo.hello") == "こんにちは"


def test_the_shipped_catalogue_round_trips_through_its_cache() -> None:
    i18n._area.cache_clear()
    first = i18n.t("files.too_big", limit="1 MB")
    assert i18n.cache_file("files").is_file()
    i18n._area.cache_clear()
    assert i18n.t("files.too_big", limit="1 MB") == first
