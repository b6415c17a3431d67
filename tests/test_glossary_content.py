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
    assert len(shipped) >= 250
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


# Second edition (issue 14): concepts a reader of both books looks up, each with a ▶ where a tab shows it.
NEW_TERMS = {
    "rope": "inside/positions", "alibi": "inside/positions", "flash-attention": "",
    "grouped-query-attention": "inside/heads", "multi-query-attention": "", "swiglu": "",
    "geglu": "", "rmsnorm": "", "dropout": "", "mixture-of-experts": "",
    "continual-pretraining": "", "vocabulary-expansion": "tokenizer", "lr-warmup": "tuning",
    "weight-decay": "", "data-contamination": "", "self-consistency": "prompt",
    "constitutional-ai": "", "rlaif": "", "agent": "prompt", "tool-use": "", "react": "prompt",
    "byte-fallback": "tokenizer", "sudachi": "tokenizer", "jumanpp": "tokenizer", "jcola": "",
    "jsnli": "", "wrime": "tasks/sentiment", "japanese-vicuna-qa": "", "do-not-answer-ja": "",
    "jmmlu": "", "japanese-mt-bench": "", "swallow": "prompt", "llm-jp": "", "elyza": "",
    "rinna": "", "calm": "", "plamo": "", "vllm": "", "paged-attention": "",
    "speculative-decoding": "", "repetition-penalty": "tasks/generate", "reranking": "",
    "multilingual-e5": "", "bge-m3": "", "attention-map": "inside/attention",
    "logit-lens": "inside/logit-lens", "residual-stream": "inside/logit-lens",
    "lora-rank-alpha": "tuning/classify", "dpo-beta": "tuning/dpo", "reward-margin": "tuning/dpo",
    "checkpoint": "tuning", "early-stopping": "tuning",
}
LINKED_TO_TABS = {
    "self-attention": "inside/attention", "multi-head-attention": "inside/heads",
    "positional-encoding": "inside/positions", "residual-connection": "inside/logit-lens",
    "layer-normalization": "inside/logit-lens", "logits": "inside/logit-lens",
    "softmax": "inside/attention", "fine-tuning": "tuning/classify", "lora": "tuning/classify",
    "peft": "tuning", "learning-rate": "tuning", "epoch-batch": "tuning", "overfitting": "tuning",
    "instruction-tuning": "tuning/sft", "dpo": "tuning/dpo", "rlhf": "tuning/dpo",
    "reward-model": "tuning/dpo",
}


@pytest.mark.parametrize(("term_id", "target"), sorted(NEW_TERMS.items()))
def test_new_terms_are_complete(shipped: Glossary, term_id: str, target: str) -> None:
    term = shipped.terms[term_id]
    assert term.ja and term.reading and term.en and term.summary and term.summary_en, term_id
    assert len(term.body) > 150, term_id
    assert term.related and all(term_id in shipped.terms[other].related for other in term.related)
    assert term.try_ == target


@pytest.mark.parametrize(("term_id", "target"), sorted(LINKED_TO_TABS.items()))
def test_book_concepts_link_to_the_new_tabs(shipped: Glossary, term_id: str, target: str) -> None:
    assert shipped.terms[term_id].try_ == target


def test_misspellings_are_found_but_never_shown(shipped: Glossary) -> None:
    for query, term_id in (("one-shoe学習", "one-shot-learning"), ("ロジッツ", "logits")):
        hit = search(shipped, query)[0]
        assert hit.id == term_id
        assert hit.matched == shipped.terms[term_id].ja
        assert query not in shipped.terms[term_id].aliases


@pytest.mark.parametrize(
    ("query", "term_id"),
    [("RoPE", "rope"), ("Swallow", "swallow"), ("FLAN", "flan"), ("注意機構", "attention-mechanism"),
     ("RMSNorm", "rmsnorm"), ("ウォームアップ", "lr-warmup"), ("早期終了", "early-stopping"),
     ("次トークン予測", "causal-language-modeling"), ("穴埋め", "fill-mask"), ("NF4", "qlora"),
     ("marc_ja", "marc-ja"), ("mC4", "corpus"), ("分かち書き", "morphological-analysis"),
     ("retrieva-jp/t5-large-long", "retrieva-t5"), ("LLM", "large-language-model")],
)
def test_each_alias_names_its_own_concept(shipped: Glossary, query: str, term_id: str) -> None:
    hits = search(shipped, query)
    assert hits[0].id == term_id
    assert [hit.id for hit in hits].count(term_id) == 1
    assert all(hit.score < 100 for hit in hits[1:])  # no second exact match


def test_max_length_names_both_of_its_meanings(shipped: Glossary) -> None:
    ids = [hit.id for hit in search(shipped, "max_length")[:2]]
    assert sorted(ids) == ["max-new-tokens", "padding-truncation"]


def test_simcse_says_which_split_each_figure_comes_from(shipped: Glossary) -> None:
    body = shipped.terms["simcse"].body
    assert "0.762" in body and "0.801" in body and "JSTS train" in body
    assert "0.803" in body and "0.816" in body and "JSTS validation" in body


def test_every_term_names_its_chapter_or_is_outside_the_books(shipped: Glossary) -> None:
    outside = [term.id for term in shipped.terms.values() if not term.book]
    for term_id in ("sentencepiece", "mecab", "ppo"):
        assert term_id not in outside
    assert all(not term.book.startswith("II ") for term in shipped.terms.values())
