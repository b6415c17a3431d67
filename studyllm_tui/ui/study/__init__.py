"""The study tab."""

from studyllm_tui.ui.study.pane import StudyPane

__all__ = ["StudyPane"]
