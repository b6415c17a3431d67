"""Code from a model or tokenizer folder never runs (issue 9, group 1).

Each hostile folder holds a working tiny model plus an ``auto_map`` pointing at ``evil.py``,
which would create a marker file when imported. Through every CLI path that loads a model or
tokenizer (``tokenize``, ``run``, ``prompt``; a folder and a cached Hub id), the folder is
refused with one line naming it and why, nothing reads standard input, and the marker never
appears.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from studyllm_tui.__main__ import main
from tests.tiny_models import build_gpt2_tokenizer, tiny_models  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent

EVIL_CODE = """
from pathlib import Path
Path({marker!r}).write_text("custom code ran")
from transformers import GPT2Config as EvilConfig, GPT2LMHeadModel as EvilModel
from transformers import GPT2TokenizerFast as EvilTokenizer
"""

AUTO_MAPS = {
    "config": {
        "config.json": {
            "AutoConfig": "evil.EvilConfig",
            "AutoModelForCausalLM": "evil.EvilModel",
        }
    },
    "tokenizer_config": {"tokenizer_config.json": {"AutoTokenizer": ["evil.EvilTokenizer", None]}},
    "both": {
        "config.json": {"AutoConfig": "evil.EvilConfig"},
        "tokenizer_config.json": {"AutoTokenizer": ["evil.EvilTokenizer", None]},
    },
}


def make_hostile(source: Path, target: Path, kind: str, marker: Path) -> Path:
    """A copy of ``source`` whose configs ask for ``evil.py`` (``kind``: which configs)."""
    shutil.copytree(source, target)
    (target / "evil.py").write_text(EVIL_CODE.format(marker=str(marker)), encoding="utf-8")
    for name, auto_map in AUTO_MAPS[kind].items():
        file = target / name
        data = json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
        data["auto_map"] = auto_map
        file.write_text(json.dumps(data), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def gpt2_tokenizer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = build_gpt2_tokenizer(tmp_path_factory.mktemp("tok") / "gpt2tok")
    config = folder / "config.json"
    config.write_text(json.dumps({"model_type": "gpt2"}), encoding="utf-8")
    return folder


def _cli(args: list[str], env_home: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess whose standard input says "y" to any question."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        HF_HUB_OFFLINE="1",
        XDG_CONFIG_HOME=str(env_home / "config"),
        XDG_DATA_HOME=str(env_home / "data"),
        XDG_CACHE_HOME=str(env_home / "cache"),
        HF_HOME=str(env_home / "hf"),
    )
    return subprocess.run(
        [sys.executable, "-m", "studyllm_tui", *args],
        input="y\ny\ny\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=str(env_home),
    )


def _assert_refused(result: subprocess.CompletedProcess[str], folder: str, marker: Path) -> None:
    assert not marker.exists(), "code from the model folder ran"
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "[y/N]" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert folder in lines[0] and "auto_map" in lines[0]


@pytest.mark.parametrize("kind", sorted(AUTO_MAPS))
def test_tokenize_refuses_custom_code_folder(
    kind: str, gpt2_tokenizer_dir: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "MARKER"
    folder = make_hostile(gpt2_tokenizer_dir, tmp_path / "evil-tok", kind, marker)
    result = _cli(["--lang", "en", "tokenize", "-t", str(folder), "hello"], tmp_path)
    _assert_refused(result, str(folder), marker)


def test_tokenize_refuses_cached_hub_id_with_auto_map(
    gpt2_tokenizer_dir: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "MARKER"
    repo = tmp_path / "hf" / "hub" / "models--evil--tok"
    snapshot = repo / "snapshots" / ("a" * 40)
    snapshot.parent.mkdir(parents=True)
    make_hostile(gpt2_tokenizer_dir, snapshot, "tokenizer_config", marker)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40, encoding="utf-8")
    result = _cli(["--lang", "en", "tokenize", "-t", "evil/tok", "hello"], tmp_path)
    _assert_refused(result, "evil/tok", marker)


def test_hf_tokenizer_refuses_before_importing_transformers(
    gpt2_tokenizer_dir: Path, tmp_path: Path
) -> None:
    """The refusal comes from the folder's files alone: transformers is never imported."""
    marker = tmp_path / "MARKER"
    folder = make_hostile(gpt2_tokenizer_dir, tmp_path / "evil-tok", "both", marker)
    code = (
        "import sys\n"
        "from studyllm_tui.core.tokenizers.hf import tokenizer_folder\n"
        "from studyllm_tui.core.tokenizers.base import TokenizerError\n"
        f"try:\n    tokenizer_folder({str(folder)!r})\nexcept TokenizerError as e:\n"
        "    print('REFUSED', e)\n"
        "print('transformers' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.stdout.startswith("REFUSED"), result.stderr
    assert result.stdout.strip().endswith("False")
    assert not marker.exists()


@pytest.mark.parametrize("kind", sorted(AUTO_MAPS))
@pytest.mark.parametrize(
    "command",
    [
        ["run", "generate", "--model", "{folder}", "こんにちは"],
        ["prompt", "quiz", "--mode", "zero", "--model", "{folder}", "日本の首都は？"],
        ["prompt", "quiz", "--evaluate", "--limit", "1", "--model", "{folder}"],
        ["--model", "generate={folder}", "run", "generate", "こんにちは"],
    ],
    ids=["run", "prompt", "prompt-evaluate", "run-override"],
)
def test_run_and_prompt_refuse_custom_code_folder(
    command: list[str],
    kind: str,
    tiny_models,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    marker = tmp_path / "MARKER"
    folder = make_hostile(tiny_models.generate, tmp_path / "evil-model", kind, marker)
    args = ["--lang", "en", *(part.replace("{folder}", str(folder)) for part in command)]
    code = main(args)
    captured = capsys.readouterr()
    assert not marker.exists()
    assert code == 1
    lines = captured.err.splitlines()
    assert len(lines) == 1 and str(folder) in lines[0] and "auto_map" in lines[0], captured.err
    assert "evil" not in sys.modules


def test_weights_format_and_models_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from studyllm_tui.core.models.source import weights_format

    pickled = tmp_path / "pickled"
    pickled.mkdir()
    (pickled / "config.json").write_text('{"model_type": "gpt2"}', encoding="utf-8")
    (pickled / "pytorch_model.bin").write_bytes(b"\0")
    assert weights_format(pickled) == "pickle"
    both = tmp_path / "both"
    shutil.copytree(pickled, both)
    (both / "model.safetensors").write_bytes(b"\0")
    assert weights_format(both) == "safetensors"
    assert weights_format(tmp_path / "missing") is None

    assert main(["--lang", "en", "--model", f"generate={pickled}", "models"]) == 0
    lines = capsys.readouterr().out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("generate"))
    assert "no safetensors" in lines[at + 1] and "pickle" in lines[at + 1]
    assert sum("no safetensors" in line for line in lines) == 1
    assert main(["--model", f"generate={pickled}", "models"]) == 0
    assert "safetensors がありません" in capsys.readouterr().out
    assert main(["--model", f"generate={pickled}", "models", "--json"]) == 0
    rows = {row["task"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["generate"]["weights"] == "pickle"


def test_task_card_says_pickle_only(tmp_path: Path) -> None:
    from studyllm_tui.core.i18n import set_language
    from studyllm_tui.ui.tasks.panel import TaskPanel

    pickled = tmp_path / "pickled"
    pickled.mkdir()
    (pickled / "config.json").write_text('{"model_type": "gpt2"}', encoding="utf-8")
    (pickled / "pytorch_model.bin").write_bytes(b"\0")
    set_language("en")
    assert "no safetensors" in TaskPanel("generate", str(pickled), True).card().plain
    (pickled / "model.safetensors").write_bytes(b"\0")
    assert "safetensors" not in TaskPanel("generate", str(pickled), True).card().plain
