"""Problems found in user-editable files, reported as ``FILE:LINE: message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file. ``line`` is 1-based; 0 when the whole file is concerned."""

    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}: {self.message}"
        return f"{self.file}: {self.message}"


def yaml_error_line(error: Exception) -> int:
    """The 1-based line a PyYAML error points at, or 0 when it names none."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return mark.line + 1 if mark is not None else 0
