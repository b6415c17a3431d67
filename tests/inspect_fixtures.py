"""Tiny random decoders and an encoder for the inside-the-model tests (eager attention).

The final norms get random weights and biases: with the default init (weight 1, bias 0) a
second norm over an already normed state changes almost nothing, and a test of the logit
lens could not notice it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.tiny_models import build_gpt2_tokenizer, build_tiny_bert_mlm, build_tiny_gpt2


def _randomize_norms(model, names: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    import torch

    for name, module in model.named_modules():
        if name.rsplit(".", 1)[-1] in names:
            with torch.no_grad():
                module.weight.uniform_(0.5, 3.0)
                if getattr(module, "bias", None) is not None:
                    module.bias.uniform_(-1.0, 1.0)


def build_gpt2(folder: Path, seed: int = 1) -> Path:
    return build_tiny_gpt2(
        folder, seed, layers=3, heads=4, positions=128,
        adjust=lambda model: _randomize_norms(model, ("ln_f",)),
    )  # fmt: skip


def build_llama(folder: Path, seed: int = 2) -> Path:
    import torch
    from transformers import GPT2TokenizerFast, LlamaConfig, LlamaForCausalLM

    build_gpt2_tokenizer(folder)
    tokenizer = GPT2TokenizerFast.from_pretrained(folder)
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=48,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=128,
        rope_theta=500.0,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        tie_word_embeddings=False,
    )
    model = LlamaForCausalLM(config)
    _randomize_norms(model, ("norm",))
    model.save_pretrained(folder)
    return folder


@dataclass(frozen=True)
class InspectModels:
    gpt2: Path
    llama: Path
    bert: Path


@pytest.fixture(scope="session")
def inspect_models(tmp_path_factory: pytest.TempPathFactory) -> InspectModels:
    root = tmp_path_factory.mktemp("inspect-models")
    return InspectModels(
        gpt2=build_gpt2(root / "gpt2"),
        llama=build_llama(root / "llama"),
        bert=build_tiny_bert_mlm(root / "bert"),
    )


async def wait_until(pilot, predicate, timeout: float = 15.0) -> bool:  # type: ignore[no-untyped-def]
    """Let the app run until ``predicate()`` holds (focus, workers and redraws take a moment)."""
    waited = 0.0
    await pilot.pause()
    while not predicate() and waited < timeout:
        await pilot.pause(0.05)
        waited += 0.05
    return bool(predicate())


async def open_inside_and_run(pilot, model: str, text: str):  # type: ignore[no-untyped-def]
    """F7, type the text and the model, ctrl+j, and wait for the run (or its error line)."""
    from textual.widgets import Input, Static

    from studyllm_tui.ui.inside import InsidePane

    await pilot.press("f7")
    assert await wait_until(pilot, lambda: bool(pilot.app.query(InsidePane)))
    pane = pilot.app.query_one(InsidePane)
    field = pane.query_one("#inside-text", Input)
    field.value = text
    pane.query_one("#inside-model", Input).value = model
    field.focus()
    assert await wait_until(pilot, lambda: pilot.app.focused is field)
    await pilot.press("ctrl+j")
    status = pane.query_one("#inside-status", Static)

    def finished() -> bool:
        line = str(status.render())
        return pane.run is not None or line.startswith(("Error", "エラー"))

    assert await wait_until(pilot, finished)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pane
