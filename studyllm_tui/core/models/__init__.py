"""Task models: the registry of the seed's tasks, the ModelManager, and the task runners.

Importing this package is cheap: torch and transformers are imported when a model is loaded.
"""

from studyllm_tui.core.hub import ModelNotAvailable
from studyllm_tui.core.models.manager import (
    LoadedModel,
    ModelLoadError,
    ModelManager,
    choose_device,
    get_manager,
)
from studyllm_tui.core.models.registry import TASK_IDS, TASKS, TaskSpec

__all__ = [
    "TASKS",
    "TASK_IDS",
    "LoadedModel",
    "ModelLoadError",
    "ModelManager",
    "ModelNotAvailable",
    "TaskSpec",
    "choose_device",
    "get_manager",
]
