"""What a model card says about a model before it is loaded: where it is, and for a ``.gguf``
file what is inside (architecture, quantization, parameters, size on disk and in memory).

The GGUF header is read here with a small parser over the file's key/value and tensor tables
(it skips the tokenizer's long arrays instead of decoding them: well under a second for a
vocabulary of 50k tokens, where ``gguf.GGUFReader`` decodes everything); the names of
quantization types and file types come from the ``gguf`` package. No tensor data is read.
"""

from __future__ import annotations

import struct
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from studyllm_tui.core import hub
from studyllm_tui.core.i18n import t
from studyllm_tui.core.models.source import ModelLoadError

_MAGIC = b"GGUF"
# value type -> struct format of one scalar (8: string, 9: array are handled apart)
_SCALARS = {
    0: "B",
    1: "b",
    2: "H",
    3: "h",
    4: "I",
    5: "i",
    6: "f",
    7: "?",
    10: "Q",
    11: "q",
    12: "d",
}
_STRING, _ARRAY = 8, 9
_MAX_STRING = 64 * 1024 * 1024
_MAX_COUNT = 1 << 32
# Keys kept from the header (arrays are skipped; only their length is kept).
_KEEP_PREFIXES = ("general.",)
_KEEP_SUFFIXES = (".block_count", ".context_length", ".embedding_length", ".attention.head_count")


@dataclass(frozen=True)
class GgufInfo:
    """The header of a GGUF file."""

    path: Path
    architecture: str
    name: str
    file_type: str  # "Q4_1" ... from general.file_type, or the most common tensor type
    tensor_types: dict[str, int]  # quantization type name -> number of tensors
    parameters: int
    disk_bytes: int
    layers: int | None = None
    context_length: int | None = None
    has_chat_template: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def memory_bytes(self) -> int:
        """Size of the weights once transformers has dequantized them to float32."""
        return self.parameters * 4


class _Reader:
    def __init__(self, handle: BinaryIO, order: str) -> None:
        self.handle = handle
        self.order = order

    def scalar(self, fmt: str) -> Any:
        size = struct.calcsize(fmt)
        data = self.handle.read(size)
        if len(data) != size:
            raise ValueError("file ends inside the header")
        return struct.unpack(self.order + fmt, data)[0]

    def string(self, keep: bool = True) -> str:
        length = self.scalar("Q")
        if length > _MAX_STRING:
            raise ValueError(f"string of {length} bytes")
        if not keep:
            self.handle.seek(length, 1)
            return ""
        data = self.handle.read(length)
        if len(data) != length:
            raise ValueError("file ends inside the header")
        return data.decode("utf-8", errors="replace")

    def value(self, kind: int, keep: bool) -> Any:
        if kind in _SCALARS:
            return self.scalar(_SCALARS[kind])
        if kind == _STRING:
            return self.string(keep)
        if kind != _ARRAY:
            raise ValueError(f"unknown value type {kind}")
        item_kind, count = self.scalar("I"), self.scalar("Q")
        if count > _MAX_COUNT:
            raise ValueError(f"array of {count} items")
        if item_kind in _SCALARS:
            self.handle.seek(struct.calcsize(_SCALARS[item_kind]) * count, 1)
        else:
            for _ in range(count):
                self.value(item_kind, keep=False)
        return count  # arrays: only their length


def _quant_name(kind: int) -> str:
    import gguf

    try:
        return gguf.GGMLQuantizationType(kind).name
    except ValueError:
        return f"type {kind}"


def _file_type_name(value: Any) -> str | None:
    import gguf

    try:
        name = gguf.LlamaFileType(int(value)).name
    except (ValueError, TypeError):
        return None
    return name.removeprefix("MOSTLY_").removeprefix("ALL_")


def read_gguf_info(path: Path | str) -> GgufInfo:
    """The header of the GGUF file ``path``; ModelLoadError when it is not one."""
    path = Path(path).expanduser()
    try:
        with path.open("rb") as handle:
            if handle.read(4) != _MAGIC:
                raise ValueError("no GGUF magic number")
            version_bytes = handle.read(4)
            order = "<" if struct.unpack("<I", version_bytes)[0] < 0x10000 else ">"
            reader = _Reader(handle, order)
            tensor_count, kv_count = reader.scalar("Q"), reader.scalar("Q")
            if tensor_count > _MAX_COUNT or kv_count > _MAX_COUNT:
                raise ValueError("implausible header counts")
            metadata: dict[str, Any] = {}
            for _ in range(kv_count):
                key = reader.string()
                kind = reader.scalar("I")
                keep = key.startswith(_KEEP_PREFIXES) or key.endswith(_KEEP_SUFFIXES)
                value = reader.value(kind, keep or key == "tokenizer.chat_template")
                if keep or key == "tokenizer.chat_template":
                    metadata[key] = value
            types: Counter[str] = Counter()
            parameters = 0
            for _ in range(tensor_count):
                reader.string(keep=False)
                dims = reader.scalar("I")
                if dims > 8:
                    raise ValueError(f"tensor with {dims} dimensions")
                count = 1
                for _ in range(dims):
                    count *= reader.scalar("Q")
                types[_quant_name(reader.scalar("I"))] += 1
                reader.scalar("Q")  # offset of the data
                parameters += count
            disk = path.stat().st_size
    except (OSError, ValueError, struct.error) as error:
        raise ModelLoadError(t("hub.bad_gguf", model=str(path), reason=error)) from error
    architecture = str(metadata.get("general.architecture", "?"))
    file_type = _file_type_name(metadata.get("general.file_type"))
    if file_type is None:
        file_type = types.most_common(1)[0][0] if types else "?"

    def arch_int(suffix: str) -> int | None:
        value = metadata.get(f"{architecture}.{suffix}")
        return int(value) if isinstance(value, int) else None

    return GgufInfo(
        path=path,
        architecture=architecture,
        name=str(metadata.get("general.name", path.stem)),
        file_type=file_type,
        tensor_types=dict(types.most_common()),
        parameters=parameters,
        disk_bytes=disk,
        layers=arch_int("block_count"),
        context_length=arch_int("context_length"),
        has_chat_template=bool(metadata.get("tokenizer.chat_template")),
        metadata=metadata,
    )


def format_params(count: int) -> str:
    """135M, 1.2B ... as model cards write parameter counts."""
    if count >= 1_000_000_000:
        return f"{count / 1e9:.2f}B"
    if count >= 1_000_000:
        return f"{count / 1e6:.0f}M"
    return f"{count / 1e3:.0f}K"


def gguf_summary(info: GgufInfo) -> str:
    """One line for a model card (UI language)."""
    return t(
        "hub.gguf_card",
        architecture=info.architecture,
        quantization=info.file_type,
        params=format_params(info.parameters),
        disk=hub.format_bytes(info.disk_bytes),
        memory=hub.format_bytes(info.memory_bytes),
    )


@dataclass(frozen=True)
class Availability:
    """Where a model is: ``state`` (cached, local, missing_folder, gguf, missing_gguf,
    downloadable, offline, unknown) and the line a model card shows for it."""

    state: str
    text: str

    @property
    def on_disk(self) -> bool:
        return self.state in ("cached", "local", "gguf")


def availability(model: str, probe: bool = False) -> Availability:
    """Whether ``model`` is on disk, and if not whether it can be downloaded now.

    With ``probe`` the Hub is asked (a short connection check, cached for a while); without,
    the last known answer is used and ``unknown`` comes when there is none. Offline mode
    answers at once.
    """
    model = model.strip()
    if hub.looks_like_path(model):
        gguf = model.lower().endswith(".gguf")
        if hub.is_cached(model):
            state = "gguf" if gguf else "local"
        else:
            state = "missing_gguf" if gguf else "missing_folder"
    elif hub.is_cached(model):
        state = "cached"
    else:
        reachable = hub.hub_reachable() if probe else hub.reachable_known()
        state = {True: "downloadable", False: "offline", None: "unknown"}[reachable]
    return Availability(state, t(f"hub.state_{state}"))


def describe_gguf(model: str) -> str | None:
    """The GGUF card line of ``model`` when it is a ``.gguf`` file (its problem when it cannot
    be read), else None. Headers are read once per file version."""
    if not model.strip().lower().endswith(".gguf"):
        return None
    file = Path(model.strip()).expanduser()
    try:
        stat = file.stat()
    except OSError:
        return None
    if not file.is_file():
        return None
    try:
        info = _cached_info(str(file.resolve()), stat.st_size, stat.st_mtime_ns)
    except ModelLoadError as error:
        return str(error)
    return gguf_summary(info)


@lru_cache(maxsize=32)
def _cached_info(path: str, size: int, mtime_ns: int) -> GgufInfo:
    return read_gguf_info(path)


def gguf_fields(model: str) -> dict[str, Any] | None:
    """What ``studyllm-tui models --json`` says of a ``.gguf`` model (None for others)."""
    if not model.strip().lower().endswith(".gguf"):
        return None
    file = Path(model.strip()).expanduser()
    if not file.is_file():
        return None
    try:
        stat = file.stat()
        info = _cached_info(str(file.resolve()), stat.st_size, stat.st_mtime_ns)
    except (OSError, ModelLoadError) as error:
        return {"error": str(error), "summary": str(error)}
    return {
        "architecture": info.architecture,
        "name": info.name,
        "quantization": info.file_type,
        "tensor_types": info.tensor_types,
        "parameters": info.parameters,
        "params": format_params(info.parameters),
        "disk_bytes": info.disk_bytes,
        "memory_bytes": info.memory_bytes,
        "layers": info.layers,
        "context_length": info.context_length,
        "chat_template": info.has_chat_template,
        "summary": gguf_summary(info),
    }
