"""Training data for the tuning lab: bundled sets, local CSV/TSV/JSONL files, Hub datasets.

Every loader returns plain lists of dicts (no ``datasets`` objects leak out) and raises
:class:`TuneDataError` with one line in the UI language when a file cannot be used: missing,
not a regular file, too large, binary, malformed, or without the columns a method needs.
``datasets`` is imported only for a Hub dataset id.
"""

from __future__ import annotations

import csv
import io
import json
import random
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studyllm_tui.core.hub import format_bytes
from studyllm_tui.core.i18n import t
from studyllm_tui.core.paths import package_data_dir

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_ROWS = 200_000
MAX_FIELD_CHARS = 20_000
BUNDLED = "bundled"
BUNDLED_FILES = {
    "classify": ("sentiment_train.jsonl", "sentiment_validation.jsonl"),
    "sft": ("instructions.jsonl", None),
    "dpo": ("preferences.jsonl", None),
}
SUFFIXES = (".csv", ".tsv", ".jsonl", ".json")


class TuneDataError(Exception):
    """Data that cannot be used for tuning. The message is one line in the UI language."""


@dataclass(frozen=True)
class ClassifyData:
    """Texts and label ids, split into train and held-out parts, with the label names."""

    train_texts: list[str]
    train_labels: list[int]
    eval_texts: list[str]
    eval_labels: list[int]
    labels: list[str]


def bundled_dir() -> Path:
    return package_data_dir("tuning")


def bundled_path(method: str) -> Path:
    return bundled_dir() / BUNDLED_FILES[method][0]


def _check_file(path: Path) -> Path:
    """Refuse what is not a regular, readable, reasonably small text file."""
    name = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise TuneDataError(t("tuning.err_no_file", file=name)) from None
    except OSError as error:
        raise TuneDataError(t("tuning.err_cannot_read", file=name, reason=error.strerror)) from None
    if not stat.S_ISREG(info.st_mode):
        raise TuneDataError(t("tuning.err_not_regular", file=name))
    if info.st_size > MAX_FILE_BYTES:
        raise TuneDataError(
            t("tuning.err_too_large", file=name, size=format_bytes(info.st_size), limit=format_bytes(MAX_FILE_BYTES))
        )
    if path.suffix.lower() not in SUFFIXES:
        raise TuneDataError(t("tuning.err_suffix", file=name, suffixes=", ".join(SUFFIXES)))
    return path


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise TuneDataError(t("tuning.err_cannot_read", file=str(path), reason=error.strerror)) from None
    if b"\x00" in raw[:65536]:
        raise TuneDataError(t("tuning.err_binary", file=str(path)))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TuneDataError(t("tuning.err_not_utf8", file=str(path), offset=error.start)) from None


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a CSV/TSV (header line) or JSONL (one object a line) file."""
    file = _check_file(Path(path).expanduser())
    text = _read_text(file)
    if file.suffix.lower() in (".jsonl", ".json"):
        rows = _jsonl_rows(file, text)
    else:
        rows = _csv_rows(file, text, "\t" if file.suffix.lower() == ".tsv" else ",")
    if not rows:
        raise TuneDataError(t("tuning.err_empty", file=str(file)))
    return rows


def _jsonl_rows(file: Path, text: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise TuneDataError(t("tuning.err_bad_json", file=str(file), line=number)) from None
        if not isinstance(row, dict):
            raise TuneDataError(t("tuning.err_not_object", file=str(file), line=number))
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise TuneDataError(t("tuning.err_too_many_rows", file=str(file), limit=MAX_ROWS))
    return rows


def _csv_rows(file: Path, text: str, delimiter: str) -> list[dict[str, Any]]:
    csv.field_size_limit(MAX_FIELD_CHARS * 4)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise TuneDataError(t("tuning.err_empty", file=str(file)))
        names = [h.strip() for h in header]
        rows: list[dict[str, Any]] = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(names):
                raise TuneDataError(
                    t("tuning.err_bad_row", file=str(file), line=reader.line_num,
                      found=len(cells), expected=len(names))
                )
            rows.append(dict(zip(names, cells, strict=True)))
            if len(rows) > MAX_ROWS:
                raise TuneDataError(t("tuning.err_too_many_rows", file=str(file), limit=MAX_ROWS))
    except csv.Error as error:
        raise TuneDataError(
            t("tuning.err_bad_csv", file=str(file), line=reader.line_num, reason=str(error))
        ) from None
    return rows


def columns(rows: list[dict[str, Any]]) -> list[str]:
    """The column names of ``rows`` in first-seen order (for the tab's column choice)."""
    seen: dict[str, None] = {}
    for row in rows[:1000]:
        for key in row:
            seen.setdefault(str(key), None)
    return list(seen)


def load_rows(data: str, method: str) -> list[dict[str, Any]]:
    """Rows of ``data``: ``bundled``, a local file, or a Hub dataset id (train split)."""
    data = data.strip()
    if not data:
        raise TuneDataError(t("tuning.err_no_data"))
    if data == BUNDLED:
        return read_rows(bundled_path(method))
    path = Path(data).expanduser()
    if path.exists() or path.suffix.lower() in SUFFIXES or data.startswith((".", "/", "~")):
        return read_rows(path)
    return hub_rows(data)


def hub_rows(dataset_id: str, split: str = "train") -> list[dict[str, Any]]:
    """The ``split`` of a Hub dataset that ``datasets`` loads without custom code."""
    from studyllm_tui.core import hub

    if hub.offline_mode() or not hub.hub_reachable():
        raise TuneDataError(t("tuning.err_dataset_offline", dataset=dataset_id))
    try:
        import datasets

        loaded = datasets.load_dataset(dataset_id, split=split)
    except RuntimeError as error:
        if "scripts are no longer supported" in str(error):
            raise TuneDataError(t("tuning.err_dataset_script", dataset=dataset_id)) from None
        raise TuneDataError(t("tuning.err_dataset", dataset=dataset_id, reason=_short(error))) from None
    except Exception as error:
        raise TuneDataError(t("tuning.err_dataset", dataset=dataset_id, reason=_short(error))) from None
    return [dict(row) for row in loaded.select(range(min(len(loaded), MAX_ROWS)))]


def _short(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


def _field(row: dict[str, Any], column: str, where: str, number: int) -> str:
    if column not in row:
        raise TuneDataError(t("tuning.err_no_column", column=column, file=where, row=number))
    value = row[column]
    text = "" if value is None else str(value)
    if len(text) > MAX_FIELD_CHARS:
        raise TuneDataError(t("tuning.err_field_long", column=column, file=where, row=number))
    return text


def guess_column(names: list[str], wanted: tuple[str, ...]) -> str | None:
    lowered = {n.lower(): n for n in names}
    for name in wanted:
        if name in lowered:
            return lowered[name]
    return None


TEXT_COLUMNS = ("text", "sentence", "review", "review_body", "content", "review_text")
LABEL_COLUMNS = ("label", "labels", "sentiment", "class", "category")


def classify_pairs(
    rows: list[dict[str, Any]], text_column: str | None, label_column: str | None, where: str
) -> list[tuple[str, str]]:
    """(text, label name) pairs; columns guessed (text/label ...) when not given."""
    names = columns(rows)
    text_col = text_column or guess_column(names, TEXT_COLUMNS)
    label_col = label_column or guess_column(names, LABEL_COLUMNS)
    if text_col is None or label_col is None:
        raise TuneDataError(t("tuning.err_columns", file=where, columns=", ".join(names)))
    pairs = []
    for number, row in enumerate(rows, 1):
        text = _field(row, text_col, where, number).strip()
        label = _field(row, label_col, where, number).strip()
        if text and label:
            pairs.append((text, label))
    if not pairs:
        raise TuneDataError(t("tuning.err_empty", file=where))
    return pairs


def load_classify(
    data: str,
    eval_data: str | None = None,
    *,
    text_column: str | None = None,
    label_column: str | None = None,
    seed: int = 42,
    eval_fraction: float = 0.2,
    label_names: list[str] | None = None,
) -> ClassifyData:
    """Classification data; without ``eval_data`` a seeded 20% is held out.

    ``label_names`` (the base model's id2label, when it has meaningful names) fixes the order of
    known labels so a tuned sentiment model keeps ``positive`` = 0 like the book's.
    """
    train = classify_pairs(load_rows(data, "classify"), text_column, label_column, data)
    if data.strip() == BUNDLED and eval_data is None:
        held = classify_pairs(read_rows(bundled_dir() / "sentiment_validation.jsonl"), None, None, data)
    elif eval_data:
        held = classify_pairs(load_rows(eval_data, "classify"), text_column, label_column, eval_data)
    else:
        shuffled = list(train)
        random.Random(seed).shuffle(shuffled)
        count = max(1, round(len(shuffled) * eval_fraction))
        if len(shuffled) - count < 1:
            raise TuneDataError(t("tuning.err_too_few", file=data, count=len(shuffled)))
        held, train = shuffled[:count], shuffled[count:]
    found = sorted({label for _, label in train + held})
    if len(found) < 2:
        raise TuneDataError(t("tuning.err_one_label", file=data))
    known = [name for name in (label_names or []) if name in found]
    labels = known + [name for name in found if name not in known]
    index = {name: i for i, name in enumerate(labels)}
    return ClassifyData(
        [x for x, _ in train], [index[y] for _, y in train],
        [x for x, _ in held], [index[y] for _, y in held], labels,
    )


def instruction_pairs(rows: list[dict[str, Any]], where: str) -> list[tuple[str, str]]:
    """(user message, answer) from instruction/input/output rows or chat ``messages``."""
    pairs: list[tuple[str, str]] = []
    for number, row in enumerate(rows, 1):
        if "messages" in row:
            pairs.append(_from_messages(row["messages"], where, number))
            continue
        instruction = _field(row, "instruction", where, number).strip()
        extra = str(row.get("input") or "").strip()
        output = _field(row, "output", where, number).strip()
        if instruction and output:
            pairs.append((f"{instruction}\n\n{extra}" if extra else instruction, output))
    if not pairs:
        raise TuneDataError(t("tuning.err_empty", file=where))
    return pairs


def _from_messages(messages: Any, where: str, number: int) -> tuple[str, str]:
    if not isinstance(messages, list):
        raise TuneDataError(t("tuning.err_messages", file=where, row=number))
    user = [m.get("content") for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    reply = [m.get("content") for m in messages if isinstance(m, dict) and m.get("role") == "assistant"]
    if not user or not reply or not isinstance(user[-1], str) or not isinstance(reply[-1], str):
        raise TuneDataError(t("tuning.err_messages", file=where, row=number))
    return user[-1][:MAX_FIELD_CHARS], reply[-1][:MAX_FIELD_CHARS]


def preference_triples(rows: list[dict[str, Any]], where: str) -> list[tuple[str, str, str]]:
    triples = []
    for number, row in enumerate(rows, 1):
        prompt = _field(row, "prompt", where, number).strip()
        chosen = _field(row, "chosen", where, number).strip()
        rejected = _field(row, "rejected", where, number).strip()
        if prompt and chosen and rejected:
            triples.append((prompt, chosen, rejected))
    if not triples:
        raise TuneDataError(t("tuning.err_empty", file=where))
    return triples


def split_held_out(items: list[Any], seed: int, fraction: float = 0.2) -> tuple[list[Any], list[Any]]:
    """(train, held-out): a seeded ``fraction`` held out (at least one, train keeps one)."""
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    if len(shuffled) < 2:
        raise TuneDataError(t("tuning.err_too_few", file="", count=len(shuffled)))
    count = min(len(shuffled) - 1, max(1, round(len(shuffled) * fraction)))
    return shuffled[count:], shuffled[:count]
