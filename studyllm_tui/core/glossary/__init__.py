"""The glossary: terms loaded from YAML, validated, and searched."""

from studyllm_tui.core.glossary.loader import load_glossary, load_glossary_files
from studyllm_tui.core.glossary.model import CATEGORIES, TRY_TARGETS, Glossary, Term
from studyllm_tui.core.glossary.search import SearchHit, search

__all__ = [
    "CATEGORIES",
    "TRY_TARGETS",
    "Glossary",
    "SearchHit",
    "Term",
    "load_glossary",
    "load_glossary_files",
    "search",
]
