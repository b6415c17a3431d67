"""The app's tabs, in order. A tab whose module is not part of this build is left out.

Pane modules are imported, and panes built, only when their tab is first opened: the first
screen pays for the glossary alone.
"""

from __future__ import annotations

import importlib
import importlib.util
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

    def pane_class(self) -> type[Pane]:
        pane_class: type[Pane] = getattr(importlib.import_module(self.module), self.class_name)
        return pane_class


TABS = (
    TabSpec("glossary", "app.tab_glossary", "f2", "studyllm_tui.ui.glossary", "GlossaryPane"),
    TabSpec("tokenizer", "app.tab_tokenizer", "f3", "studyllm_tui.ui.tokenizer", "TokenizerLab"),
    TabSpec("tasks", "app.tab_tasks", "f4", "studyllm_tui.ui.tasks", "TasksPane"),
    TabSpec("prompt", "app.tab_prompt", "f5", "studyllm_tui.ui.prompt", "PromptLab"),
    TabSpec("study", "app.tab_study", "f6", "studyllm_tui.ui.study", "StudyPane"),
    TabSpec("inside", "app.tab_inside", "f7", "studyllm_tui.ui.inside", "InsidePane"),
    TabSpec("tuning", "app.tab_tuning", "f8", "studyllm_tui.ui.tuning", "TuningPane"),
)


def available_tabs(only: Collection[str] | None = None) -> list[TabSpec]:
    """The tabs whose pane module exists in this build (of ``only``, when given)."""
    return [
        spec
        for spec in TABS
        if (only is None or spec.id in only) and importlib.util.find_spec(spec.module) is not None
    ]
