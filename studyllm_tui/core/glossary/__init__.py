"""The glossary: terms loaded from YAML, validated, and searched (``glossary.search``).

Names are imported on first use (PEP 562), so that importing ``glossary.model`` for its types
does not also import the loader or the search (rapidfuzz, jaconv) before the first screen.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studyllm_tui.core.glossary.loader import load_glossary as load_glossary
    from studyllm_tui.core.glossary.loader import load_glossary_files as load_glossary_files
    from studyllm_tui.core.glossary.model import CATEGORIES as CATEGORIES
    from studyllm_tui.core.glossary.model import TRY_TARGETS as TRY_TARGETS
    from studyllm_tui.core.glossary.model import Glossary as Glossary
    from studyllm_tui.core.glossary.model import Term as Term

_WHERE = {
    "load_glossary": "loader",
    "load_glossary_files": "loader",
    "CATEGORIES": "model",
    "TRY_TARGETS": "model",
    "Glossary": "model",
    "Term": "model",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
