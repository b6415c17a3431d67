"""`tune` on real small models: MiniLM learns an easy English sentiment set (full and LoRA),
the saved folder answers the same through `run sentiment`; DPO on SmolLM2 raises the preference
margin and SFT lowers the held-out loss. Few steps, short sequences: each run stays short."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from studyllm_tui.core.tuning import run
from studyllm_tui.core.tuning.settings import TuneSettings

GOOD = ["I love this {}, it is wonderful.", "What a great {}, I am so happy with it.",
        "This {} is excellent and works perfectly.", "Fantastic {}, highly recommended."]
BAD = ["I hate this {}, it is terrible.", "What an awful {}, I am so disappointed.",
       "This {} is horrible and broke at once.", "Worst {} ever, do not buy it."]
TRAIN_NOUNS = ["phone", "movie", "book", "hotel", "camera", "song"]
HELD_NOUNS = ["laptop", "restaurant", "game"]


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sentiment(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("real-tune")

    def rows(nouns: list[str]) -> list[dict[str, str]]:
        return [{"text": template.format(noun), "label": label}
                for noun in nouns for templates, label in ((GOOD, "positive"), (BAD, "negative"))
                for template in templates]

    return _jsonl(root / "train.jsonl", rows(TRAIN_NOUNS)), _jsonl(root / "held.jsonl", rows(HELD_NOUNS))


def test_minilm_classification_learns_and_run_agrees(
    minilm_dir: Path, sentiment: tuple[Path, Path], tmp_path: Path
) -> None:
    from studyllm_tui.core.models.runners import run_task

    train, held = sentiment
    done = run(TuneSettings(method="classify", base=str(minilm_dir), data=str(train), eval_data=str(held),
                            out=str(tmp_path / "full"), max_steps=12, batch_size=8, lr=1e-4, max_length=32))
    assert done["accuracy_after"] >= 0.85 > 0.5, done
    assert done["accuracy_after"] > done["accuracy_before"]
    texts = [json.loads(line) for line in held.read_text().splitlines()]
    labels = [run_task("sentiment", [row["text"]], config=None, model=done["out"])["label"] for row in texts]
    accuracy = sum(label == row["label"] for label, row in zip(labels, texts, strict=True)) / len(texts)
    assert accuracy == pytest.approx(done["accuracy_after"]), "run sentiment predicts what the run measured"


def test_minilm_lora_trains_under_five_percent(
    minilm_dir: Path, sentiment: tuple[Path, Path], tmp_path: Path
) -> None:
    train, held = sentiment
    done = run(TuneSettings(method="classify", base=str(minilm_dir), data=str(train), eval_data=str(held),
                            out=str(tmp_path / "lora"), lora=8, max_steps=12, batch_size=8, lr=2e-3,
                            max_length=32))
    assert done["trainable_params"] / done["total_params"] < 0.05
    assert done["total_params"] > 20_000_000
    assert done["accuracy_after"] > 0.5


PAIRS = [
    ("What is the capital of France?", "The capital of France is Paris.", "Figure it out yourself."),
    ("How many days are in a week?", "A week has seven days.", "Who cares? Stop asking me."),
    ("What color is the sky on a clear day?", "It is blue.", "The sky is bright green."),
    ("What is two plus two?", "Two plus two is four.", "Two plus two is five."),
]


def test_smollm2_sft_lowers_the_loss_and_dpo_raises_the_margin(smollm2_gguf: Path, tmp_path: Path) -> None:
    # The usual pipeline: instruction-tune the .gguf base, then align the result with DPO
    # (which starts from the SFT folder: one slow GGUF parse instead of two).
    common: dict[str, Any] = {"batch_size": 2, "max_length": 96, "max_steps": 4, "eval_steps": 4,
                              "extra": {"samples": 0}}
    sft_train = _jsonl(tmp_path / "sft.jsonl", [
        {"instruction": f"Repeat the word '{w}' three times.", "output": f"{w} {w} {w}"}
        for w in ("apple", "river", "stone", "cloud", "green", "music", "table", "light")
    ])
    sft_held = _jsonl(tmp_path / "sft-held.jsonl", [
        {"instruction": f"Repeat the word '{w}' three times.", "output": f"{w} {w} {w}"}
        for w in ("paper", "ocean")
    ])
    sft = run(TuneSettings(method="sft", base=str(smollm2_gguf), data=str(sft_train),
                           eval_data=str(sft_held), out=str(tmp_path / "sft"), lr=1e-3, **common))
    assert sft["loss_after"] < sft["loss_before"], sft
    assert (Path(sft["out"]) / "model.safetensors").is_file()
    dpo_data = _jsonl(tmp_path / "dpo.jsonl", [{"prompt": p, "chosen": c, "rejected": r} for p, c, r in PAIRS])
    dpo = run(TuneSettings(method="dpo", base=sft["out"], data=str(dpo_data), eval_data=str(dpo_data),
                           out=str(tmp_path / "dpo"), lr=1e-3, **common))
    assert dpo["margin_after"] > dpo["margin_before"], dpo
