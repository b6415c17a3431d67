"""Regression checks for the expert audit of the glossary's second edition.

Each check pins a fact that was wrong once (see the commit messages of the audit) so that a
later edit cannot bring it back unnoticed.
"""

from __future__ import annotations

import pytest

from studyllm_tui.core.glossary import Glossary, load_glossary


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    return load_glossary(include_user=False)


def test_speculative_decoding_resamples_from_the_residual_distribution(shipped: Glossary) -> None:
    body = shipped.terms["speculative-decoding"].body
    assert "max(0, p − q)" in body  # Leviathan et al. 2023 / Chen et al. 2023
    assert "ターゲットモデルの分布から取り直す" not in body


def test_repetition_penalty_cites_the_ctrl_value(shipped: Glossary) -> None:
    body = shipped.terms["repetition-penalty"].body
    assert "1.2" in body and "1.1〜1.3" not in body


def test_early_stopping_does_not_require_load_best_model_at_end(shipped: Glossary) -> None:
    body = shipped.terms["early-stopping"].body
    assert "`load_best_model_at_end=True` と `metric_for_best_model` の指定が必要" not in body
    assert "eval_strategy" in body


def test_byte_fallback_example_bytes_are_the_characters_utf8(shipped: Glossary) -> None:
    body = shipped.terms["byte-fallback"].body
    assert "「鰯」U+9C2F" in body
    shown = " ".join(f"`<0x{b:02X}>`" for b in "鰯".encode())
    assert shown in body


# An alias is displayed as another name of the term: these name a different concept.
NOT_ALIASES = {
    "rope": "RoFormer", "swiglu": "GLU変種", "mixture-of-experts": "Mixtral",
    "logit-lens": "tuned lens", "vllm": "推論サーバ", "reranking": "cross-encoder",
    "multilingual-e5": "E5", "bge-m3": "BGE", "japanese-vicuna-qa": "Vicuna QA",
    "do-not-answer-ja": "Do-Not-Answer", "jmmlu": "MMLU", "japanese-mt-bench": "MT-Bench",
    "jcola": "CoLA", "jumanpp": "KNP", "continual-pretraining": "継続学習",
    "trainer": "SFTTrainer", "reward-margin": "マージン",
}


@pytest.mark.parametrize(("term_id", "name"), sorted(NOT_ALIASES.items()))
def test_other_concepts_are_not_aliases(shipped: Glossary, term_id: str, name: str) -> None:
    assert name not in shipped.terms[term_id].aliases
