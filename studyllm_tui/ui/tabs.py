"""The app's tabs, in order. A tab whose module is not part of this build is left out."""

from __future__ import annotations

import importlib
from collections.abc import Collection
from dataclasses import dataclass

from studyllm_tui.ui.pane import Pane


@dataclass(frozen=True)
class TabSpec:
    id: str
    title_key: str
    key: str  # the F-key that opens it
    module: str
    class_name: str


TABS = (
    TabSpec("glossary", "app.tab_glossary", "f2", "studyllm_tui.ui.glossary", "GlossaryPane"),
    TabSpec("tokenizer", "app.tab_tokenizer", "f3", "studyllm_tui.ui.tokenizer", "TokenizerLab"),
    TabSpec("tasks", "app.tab_tasks", "f4", "studyllm_tui.ui.tasks", "TasksPane"),
    TabSpec("prompt", "app.tab_prompt", "f5", "studyllm_tui.ui.prompt", "PromptLab"),
    TabSpec("study", "app.tab_study", "f6", "studyllm_tui.ui.study", "StudyPane"),
)


def available_tabs(only: Collection[str] | None = None) -> list[tuple[TabSpec, type[Pane]]]:
    """The tabs whose pane module exists in this build (of ``only``, when given)."""
    found = []
    for spec in TABS:
        if only is not None and spec.id not in only:
            continue
        try:
            module = importlib.import_module(spec.module)
        except ModuleNotFoundError as error:
            if error.name == spec.module:
                continue
            raise
        found.append((spec, getattr(module, spec.class_name)))
    return found
