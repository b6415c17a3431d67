"""Files read in layers: the shipped ones, then the user's, whose entries replace by ``id``.

The glossary and the prompt-task library both load this way. Two entries with the same ``id``
within one layer are a problem (the first is kept); a later layer's entry replaces an earlier
one's silently, since that is how a person overrides a shipped entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, TypeVar

from studyllm_tui.core.i18n import t
from studyllm_tui.core.problems import Problem


class Sourced(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def source(self) -> Path | None: ...
    @property
    def line(self) -> int: ...


Entry = TypeVar("Entry", bound=Sourced)


def yaml_files(folder: Path) -> list[Path]:
    """The ``.yaml``/``.yml`` files of a folder, sorted; none when it does not exist."""
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def merge_layers(
    layers: Iterable[Iterable[Path]],
    read: Callable[[Path], Iterable[Entry]],
    entries: dict[str, Entry],
    files: list[Path],
    problems: list[Problem],
) -> None:
    """Read every file of every layer into ``entries`` (by id), noting files and problems."""
    for layer in layers:
        seen: dict[str, Entry] = {}
        for file in layer:
            files.append(file)
            for entry in read(file):
                first = seen.get(entry.id)
                if first is not None:
                    problems.append(
                        Problem(
                            file,
                            entry.line,
                            t(
                                "files.duplicate_id",
                                id=entry.id,
                                first=f"{first.source}:{first.line}",
                            ),
                        )
                    )
                    continue
                seen[entry.id] = entry
                entries[entry.id] = entry
