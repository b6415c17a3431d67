"""The shipped glossary: clean, large enough, and covering everything in the seed notes."""

from __future__ import annotations

import pytest

from studyllm_tui.core.glossary import CATEGORIES, Glossary, load_glossary
from studyllm_tui.core.glossary.search import search

SEED_TERMS = [
    "token", "tokenization", "tokenizer", "distributional-hypothesis", "pretraining",
    "downstream-task", "transfer-learning", "self-supervised-learning",
    "pretrained-language-model", "head", "fine-tuning", "prompt-engineering",
    "zero-shot-learning", "one-shot-learning", "few-shot-learning", "alignment", "hhh",
    "instruction-tuning", "rlhf", "alignment-tax", "gpt-2", "bert", "roberta", "spanbert",
    "deberta", "t5", "multilingual-bert", "xlm-roberta", "mt5", "bpe", "wordpiece",
    "sentiment-analysis", "natural-language-inference", "semantic-textual-similarity",
    "sentence-embedding", "named-entity-recognition", "summarization", "text-generation",
]
SEED_MODELS = [
    "llm-book/bert-base-japanese-v3-marc_ja",
    "llm-book/bert-base-japanese-v3-jnli",
    "llm-book/bert-base-japanese-v3-jsts",
    "llm-book/bert-base-japanese-v3-unsup-simcse-jawiki",
    "llm-book/bert-base-japanese-v3-ner-wikipedia-dataset",
    "llm-book/t5-base-long-livedoor-news-corpus",
    "abeja/gpt2-large-japanese",
    "cl-tohoku/bert-base-japanese-v3",
    "FacebookAI/roberta-base",
    "microsoft/deberta-v3-base",
    "retrieva-jp/t5-large-long",
]


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    return load_glossary(include_user=False)


def test_shipped_glossary_has_no_problems(shipped: Glossary) -> None:
    assert [str(p) for p in shipped.problems] == []


def test_size_and_every_category_used(shipped: Glossary) -> None:
    assert len(shipped) >= 150
    groups = shipped.by_category()
    assert set(groups) == set(CATEGORIES)
    assert all(len(terms) >= 3 for terms in groups.values())


def test_every_term_has_both_names_and_an_english_summary(shipped: Glossary) -> None:
    for term in shipped.terms.values():
        assert term.ja and term.en and term.summary_en, term.id
        assert "\n" not in term.summary, term.id


@pytest.mark.parametrize("term_id", SEED_TERMS)
def test_seed_terms_are_covered(shipped: Glossary, term_id: str) -> None:
    assert term_id in shipped


@pytest.mark.parametrize("model_id", SEED_MODELS)
def test_seed_models_are_named(shipped: Glossary, model_id: str) -> None:
    assert any(model_id in term.body for term in shipped.terms.values())


def test_seed_corrections_are_stated(shipped: Glossary) -> None:
    roberta = shipped.terms["roberta"].correction
    assert "次文予測" in roberta or "NSP" in roberta
    assert "one-shoe" in shipped.terms["one-shot-learning"].correction
    gpt_notes = shipped.terms["gpt-2"].correction + shipped.terms["auxiliary-lm-objective"].correction
    assert "GPT-2" in gpt_notes


@pytest.mark.parametrize(
    ("query", "term_id"),
    [("fain", "fine-tuning"), ("ファインチューニング", "fine-tuning"), ("wordpiece", "wordpiece"),
     ("ばーと", "bert"), ("RLHF", "rlhf"), ("転移学習", "transfer-learning")],
)
def test_search_the_shipped_glossary(shipped: Glossary, query: str, term_id: str) -> None:
    assert search(shipped, query)[0].id == term_id
