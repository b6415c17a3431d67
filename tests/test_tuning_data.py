"""Tuning data: the bundled sets and the loaders (CSV/TSV/JSONL, columns, hostile files)."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from studyllm_tui.core.i18n import set_language
from studyllm_tui.core.tuning import data
from studyllm_tui.core.tuning.data import TuneDataError


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_bundled_sentiment_sizes_balance_split() -> None:
    folder = data.bundled_dir()
    train = _jsonl(folder / "sentiment_train.jsonl")
    held = _jsonl(folder / "sentiment_validation.jsonl")
    assert len(train) + len(held) >= 400
    assert (len(train), len(held)) == (320, 80)
    for rows in (train, held):
        assert Counter(r["label"] for r in rows) == {
            "positive": len(rows) // 2, "negative": len(rows) // 2
        }
    texts = [r["text"] for r in train + held]
    assert len(set(texts)) == len(texts), "no duplicate reviews"
    assert not {r["text"] for r in train} & {r["text"] for r in held}, "split is disjoint"
    assert all(5 <= len(t) <= 120 for t in texts)


def test_bundled_instructions_and_preferences() -> None:
    folder = data.bundled_dir()
    pairs = data.instruction_pairs(_jsonl(folder / "instructions.jsonl"), "bundled")
    assert len(pairs) >= 60
    assert len({p for p, _ in pairs}) == len(pairs)
    triples = data.preference_triples(_jsonl(folder / "preferences.jsonl"), "bundled")
    assert len(triples) >= 60
    assert len({p for p, _, _ in triples}) == len(triples)
    assert all(c != r for _, c, r in triples)
    assert (folder / "README.md").read_text(encoding="utf-8").count("MIT") >= 1


def test_bundled_classify_uses_fixed_validation() -> None:
    loaded = data.load_classify("bundled")
    assert loaded.labels == ["negative", "positive"] or set(loaded.labels) == {"positive", "negative"}
    assert (len(loaded.train_texts), len(loaded.eval_texts)) == (320, 80)
    ordered = data.load_classify("bundled", label_names=["positive", "negative"])
    assert ordered.labels == ["positive", "negative"]


def test_csv_tsv_jsonl_and_column_choice(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("review,stars,kind\n良い,good,x\n\"悪い, とても\",bad,y\n", encoding="utf-8")
    (tmp_path / "a.tsv").write_text("review\tstars\n良い\tgood\n悪い\tbad\n", encoding="utf-8")
    (tmp_path / "a.jsonl").write_text(
        '{"review": "良い", "stars": "good"}\n\n{"review": "悪い", "stars": "bad"}\n', encoding="utf-8"
    )
    for name in ("a.csv", "a.tsv", "a.jsonl"):
        rows = data.read_rows(tmp_path / name)
        assert data.columns(rows)[:2] == ["review", "stars"]
        pairs = data.classify_pairs(rows, "review", "stars", name)
        assert pairs[0] == ("良い", "good") and pairs[1][1] == "bad"
    assert data.read_rows(tmp_path / "a.csv")[1]["review"] == "悪い, とても"
    with pytest.raises(TuneDataError, match="review"):
        data.classify_pairs(data.read_rows(tmp_path / "a.csv"), None, None, "a.csv")


def test_seeded_twenty_percent_hold_out(tmp_path: Path) -> None:
    rows = [{"text": f"文{i}", "label": "pos" if i % 2 else "neg"} for i in range(50)]
    file = tmp_path / "d.jsonl"
    file.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    one = data.load_classify(str(file), seed=1)
    again = data.load_classify(str(file), seed=1)
    other = data.load_classify(str(file), seed=2)
    assert len(one.eval_texts) == 10 and len(one.train_texts) == 40
    assert one.eval_texts == again.eval_texts != other.eval_texts
    assert not set(one.eval_texts) & set(one.train_texts)


def _one_line(error: pytest.ExceptionInfo[TuneDataError]) -> str:
    message = str(error.value)
    assert "\n" not in message and message
    return message


def test_bad_files_give_one_line_errors(tmp_path: Path) -> None:
    set_language("en")
    cases = {
        "missing.jsonl": None,
        "bad.jsonl": '{"text": "a", "label": "x"}\n{not json\n',
        "list.jsonl": "[1, 2]\n",
        "short.csv": "text,label\na,b\nc\n",
        "empty.csv": "",
        "latin1.csv": "text,label\n\xe9,b\n",
        "notes.txt": "text,label\n",
    }
    expected = {
        "missing.jsonl": "no such file", "bad.jsonl": "bad.jsonl:2", "list.jsonl": "not a JSON object",
        "short.csv": "short.csv:3", "empty.csv": "no usable rows", "latin1.csv": "not UTF-8",
        "notes.txt": "unsupported format",
    }
    for name, text in cases.items():
        path = tmp_path / name
        if text is not None:
            path.write_bytes(text.encode("latin-1") if name == "latin1.csv" else text.encode("utf-8"))
        with pytest.raises(TuneDataError) as error:
            data.read_rows(path)
        assert expected[name] in _one_line(error), name


def test_hostile_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    set_language("en")
    folder = tmp_path / "dir.jsonl"
    folder.mkdir()
    with pytest.raises(TuneDataError) as error:
        data.read_rows(folder)
    assert "not a regular file" in _one_line(error)
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(TuneDataError) as error:
        data.read_rows(fifo)
    assert "not a regular file" in _one_line(error) and time.monotonic() - started < 2
    binary = tmp_path / "blob.jsonl"
    binary.write_bytes(b'{"text": "a"}\n\x00\x01\x02' * 10)
    with pytest.raises(TuneDataError) as error:
        data.read_rows(binary)
    assert "binary" in _one_line(error)
    long_field = tmp_path / "long.jsonl"
    long_field.write_text(json.dumps({"text": "あ" * 30000, "label": "x"}), encoding="utf-8")
    with pytest.raises(TuneDataError) as error:
        data.classify_pairs(data.read_rows(long_field), None, None, "long.jsonl")
    assert "too long" in _one_line(error)
    huge = tmp_path / "huge.csv"
    huge.write_text("text,label\n" + "a,b\n" * 300, encoding="utf-8")
    monkeypatch.setattr(data, "MAX_FILE_BYTES", 1000)
    with pytest.raises(TuneDataError) as error:
        data.read_rows(huge)
    assert "too large" in _one_line(error)


def test_instruction_and_preference_rows(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [
        {"instruction": "訳して", "input": "cat", "output": "猫"},
        {"messages": [{"role": "user", "content": "こんにちは"}, {"role": "assistant", "content": "どうも"}]},
    ]
    assert data.instruction_pairs(rows, "x") == [("訳して\n\ncat", "猫"), ("こんにちは", "どうも")]
    with pytest.raises(TuneDataError):
        data.instruction_pairs([{"messages": "oops"}], "x")
    with pytest.raises(TuneDataError):
        data.preference_triples([{"prompt": "a", "chosen": "b"}], "x")


def test_hub_dataset_offline_is_a_fast_clear_error() -> None:
    set_language("en")
    started = time.monotonic()
    with pytest.raises(TuneDataError) as error:
        data.load_rows("someone/some-dataset", "classify")
    assert "offline" in _one_line(error)
    assert time.monotonic() - started < 2
