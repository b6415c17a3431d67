"""The prompt lab's core: prompt tasks, assembly per mode and format, backends, evaluation.

Nothing here imports textual; torch/transformers are imported only inside the local backend's
functions.
"""

from __future__ import annotations

from studyllm_tui.core.config import Config
from studyllm_tui.core.prompts.assemble import (
    AssembledPrompt,
    PromptError,
    assemble,
    input_values,
    select_examples,
)
from studyllm_tui.core.prompts.backend import (
    Answer,
    Backend,
    BackendError,
    LabelScores,
    ScoringUnavailable,
    StreamInterrupted,
)
from studyllm_tui.core.prompts.evaluate import ModeResult, evaluate, run_prompt
from studyllm_tui.core.prompts.loader import load_prompt_tasks
from studyllm_tui.core.prompts.model import FORMATS, MODES, Item, PromptLibrary, PromptTask

__all__ = [
    "FORMATS",
    "MODES",
    "Answer",
    "AssembledPrompt",
    "Backend",
    "BackendError",
    "Item",
    "LabelScores",
    "ModeResult",
    "PromptError",
    "PromptLibrary",
    "PromptTask",
    "ScoringUnavailable",
    "StreamInterrupted",
    "assemble",
    "evaluate",
    "input_values",
    "load_prompt_tasks",
    "make_backend",
    "run_prompt",
    "select_examples",
]


def make_backend(
    config: Config,
    *,
    backend: str | None = None,
    model: str = "",
    endpoint: str = "",
    endpoint_model: str = "",
) -> Backend:
    """The backend the config asks for, with any of its settings overridden."""
    settings = config.prompt
    kind = backend or ("remote" if endpoint else settings.backend)
    if kind == "remote":
        from studyllm_tui.core.prompts.remote import RemoteBackend

        return RemoteBackend(
            endpoint or settings.endpoint,
            endpoint_model or settings.endpoint_model,
            api_key_env=settings.api_key_env,
            timeout_s=settings.timeout_s,
        )
    from studyllm_tui.core.prompts.local import LocalBackend

    return LocalBackend(config, model)
