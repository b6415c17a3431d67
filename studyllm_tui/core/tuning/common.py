"""What every tuning runner shares: loading the base, LoRA, the progress callback, saving.

torch, transformers and peft are imported inside the functions. The progress callback turns
the Trainer's logs into events (see settings.py) and stops training at the next step when the
cancel event is set, asking the Trainer to save a checkpoint first.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any

from studyllm_tui.core.i18n import t
from studyllm_tui.core.models.gguf_load import quiet_bar
from studyllm_tui.core.models.source import ModelLoadError, ModelSource, resolve_source
from studyllm_tui.core.tuning.settings import Emit, TuneSettings

CHECKPOINTS = "checkpoints"
INFO_FILE = "tuning.json"
_DROP_EVAL_KEYS = ("runtime", "samples_per_second", "steps_per_second")


class TuneError(Exception):
    """A run that cannot go on. The message is one line in the UI language."""


def resolve_base(base: str, cancel: threading.Event | None = None) -> ModelSource:
    if not base.strip():
        raise TuneError(t("tuning.err_no_base"))
    return resolve_source(base, cancel=cancel, context="model")


def quiet() -> None:
    """No progress bars or info logs from transformers/datasets on the terminal."""
    import warnings

    from transformers.utils import logging as hf_logging

    # Deprecation and configuration notices of the libraries are for their developers.
    warnings.filterwarnings("ignore", module=r"(transformers|peft|trl|accelerate|datasets|torch)(\..*)?$")
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    quiet_bar()  # the GGUF loader's own bar ignores the setting above
    try:
        from datasets.utils import logging as ds_logging

        ds_logging.disable_progress_bar()
        ds_logging.set_verbosity_error()
    except ImportError:  # pragma: no cover - datasets is a dependency
        pass


def load_tokenizer(source: ModelSource) -> Any:
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(source.path, **source.pretrained_kwargs())
    except Exception as error:
        raise ModelLoadError(
            t("tasks.err_bad_tokenizer", model=source.model_id, path=source.path, reason=short(error))
        ) from error
    if tokenizer.pad_token is None and tokenizer.eos_token is not None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_model(auto_class: Any, source: ModelSource, **kwargs: Any) -> Any:
    try:
        model = auto_class.from_pretrained(source.path, **source.pretrained_kwargs(), **kwargs)
    except Exception as error:
        raise ModelLoadError(
            t("tasks.err_bad_weights", model=source.model_id, path=source.path, reason=short(error))
        ) from error
    quantizer = getattr(model, "hf_quantizer", None)
    floating = all(parameter.dtype.is_floating_point for parameter in model.parameters())
    if source.is_gguf and quantizer is not None and floating:
        # A .gguf base is dequantized to full precision on loading: it is a plain float model
        # now, so it may be trained and is saved as a normal transformers folder.
        quantizer.remove_quantization_config(model)
    return model


def short(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


def use_cpu(settings: TuneSettings) -> bool:
    if settings.use_cpu is not None:
        return settings.use_cpu
    import torch

    return not torch.cuda.is_available()


def add_lora(model: Any, rank: int, task_type: str) -> Any:
    """``model`` wrapped with LoRA adapters of rank ``rank`` (peft's default target modules)."""
    from peft import get_peft_model

    return get_peft_model(model, lora_config(model, rank, task_type))


def lora_config(model: Any, rank: int, task_type: str) -> Any:
    from peft import LoraConfig
    from peft.utils.constants import TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING as known

    targets: Any = None if model.config.model_type in known else "all-linear"
    return LoraConfig(
        r=rank, lora_alpha=2 * rank, lora_dropout=0.05, task_type=task_type, target_modules=targets
    )


def load_config(source: ModelSource, **kwargs: Any) -> Any:
    import transformers

    try:
        return transformers.AutoConfig.from_pretrained(source.path, **source.pretrained_kwargs(), **kwargs)
    except Exception as error:
        raise ModelLoadError(
            t("tasks.err_bad_config", model=source.model_id, path=source.path, reason=short(error))
        ) from error


def architecture(auto_class: Any, config: Any) -> Any:
    """The model of ``config`` built on PyTorch's meta device: every parameter with its shape
    and none of its values, so counting them reads no weights and takes no memory (the tuning
    tab counts while the person types)."""
    import torch

    with torch.device("meta"):
        return auto_class.from_config(config, trust_remote_code=False)


def count_params(model: Any) -> tuple[int, int]:
    """(trainable, total) parameters; for a peft model the total counts base + adapters."""
    trainable = total = 0
    for parameter in model.parameters():
        total += parameter.numel()
        if parameter.requires_grad:
            trainable += parameter.numel()
    return trainable, total


def make_callback(emit: Emit, cancel: threading.Event | None) -> Any:
    """A TrainerCallback that emits log/eval events and stops (with a checkpoint) on cancel."""
    from transformers import TrainerCallback

    class ProgressCallback(TrainerCallback):
        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any) -> None:
            if not state.is_world_process_zero or not logs or "loss" not in logs:
                return
            emit({
                "event": "log",
                "step": int(state.global_step),
                "epoch": float(logs.get("epoch", state.epoch or 0.0)),
                "loss": float(logs["loss"]),
                "lr": float(logs.get("learning_rate", 0.0)),
            })

        def on_evaluate(self, args: Any, state: Any, control: Any, metrics: Any = None, **kwargs: Any) -> None:
            if not state.is_world_process_zero or not metrics:
                return
            event: dict[str, Any] = {"event": "eval", "step": int(state.global_step)}
            for key, value in metrics.items():
                name = key.removeprefix("eval_")
                if name not in _DROP_EVAL_KEYS and isinstance(value, (int, float)):
                    event[name] = float(value)
            emit(event)

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if cancel is not None and cancel.is_set():
                control.should_training_stop = True
                control.should_save = True

    return ProgressCallback()


def quiet_trainer(trainer: Any) -> Any:
    """Drop the Trainer's stdout printer (it prints every log dict when tqdm is off)."""
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    return trainer


def checkpoints_dir(out: str | Path) -> Path:
    return Path(out).expanduser() / CHECKPOINTS


def last_checkpoint(out: str | Path) -> str | None:
    folder = checkpoints_dir(out)
    if not folder.is_dir():
        return None
    from transformers.trainer_utils import get_last_checkpoint

    return get_last_checkpoint(str(folder))


def training_kwargs(settings: TuneSettings, steps: int, has_eval: bool) -> dict[str, Any]:
    """Keyword arguments shared by TrainingArguments / SFTConfig / DPOConfig."""
    eval_every = settings.eval_steps or max(1, steps // 5)
    return {
        "output_dir": str(checkpoints_dir(settings.out)),
        "per_device_train_batch_size": settings.batch,
        "per_device_eval_batch_size": settings.batch,
        "num_train_epochs": settings.num_epochs,
        "max_steps": settings.max_steps,
        "learning_rate": settings.learning_rate,
        "lr_scheduler_type": "linear",
        "warmup_steps": settings.warmup,
        "logging_strategy": "steps",
        "logging_steps": settings.logging_steps or max(1, min(10, steps // 20 or 1)),
        "eval_strategy": "steps" if has_eval else "no",
        "eval_steps": eval_every,
        "save_strategy": "steps",
        "save_steps": max(eval_every, 50),
        "save_total_limit": 2,
        "seed": settings.seed,
        "data_seed": settings.seed,
        "use_cpu": use_cpu(settings),
        "report_to": [],
        "disable_tqdm": True,
        "dataloader_num_workers": 0,
    }


def resume_from(settings: TuneSettings) -> str | None:
    if not settings.resume:
        return None
    found = last_checkpoint(settings.out)
    if found is None:
        raise TuneError(t("tuning.err_no_checkpoint", folder=str(checkpoints_dir(settings.out))))
    return found


def save_final(model: Any, tokenizer: Any, out: str | Path, info: dict[str, Any]) -> Path:
    """Save ``model`` (LoRA merged in) + tokenizer as a plain transformers folder at ``out``.

    Everything is written to a temporary folder first and then moved in, ``config.json``
    last, so ``out`` never holds a half-written model (a run stopped before this point leaves
    only its checkpoints).
    """
    folder = Path(out).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    if hasattr(model, "merge_and_unload"):
        model = model.merge_and_unload()
    temp = folder / f".saving-{os.getpid()}"
    shutil.rmtree(temp, ignore_errors=True)
    model.save_pretrained(temp)
    tokenizer.save_pretrained(temp)
    (temp / INFO_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "config.json").unlink(missing_ok=True)
    stale_suffixes = (".safetensors", ".bin", ".json", ".txt", ".model", ".jinja")
    for old in folder.iterdir():
        if old.is_file() and old.suffix in stale_suffixes and not (temp / old.name).exists():
            old.unlink()
    for new in sorted(temp.iterdir(), key=lambda p: p.name == "config.json"):
        os.replace(new, folder / new.name)
    temp.rmdir()
    return folder
