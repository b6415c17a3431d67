"""Card generation: kinds, distractors, cloze, the book's predict cards."""

from __future__ import annotations

from dataclasses import replace

from studyllm_tui.core.i18n import set_language
from studyllm_tui.core.study.cards import (
    BLANK,
    KIND_CHOICE,
    KIND_CLOZE,
    KIND_PREDICT,
    generate_cards,
    mask_names,
    names_of,
)
from tests.test_study_helpers import small_glossary


def by_id(cards):
    return {card.id: card for card in cards}


def test_every_term_gets_meaning_and_term_cards():
    glossary = small_glossary()
    cards = by_id(generate_cards(glossary))
    for term_id, term in glossary.terms.items():
        meaning = cards[f"term/{term_id}/meaning"]
        assert term.ja in meaning.prompt
        assert meaning.answer == term.summary
        assert cards[f"term/{term_id}/term"].answer == term.title("ja")


def test_card_ids_are_stable_and_unique():
    first = [card.id for card in generate_cards(small_glossary())]
    second = [card.id for card in generate_cards(small_glossary())]
    assert first == second
    assert len(set(first)) == len(first)


def test_multiple_choice_distractors_are_distinct_and_from_the_category():
    glossary = small_glossary()
    titles = {term.title("ja"): term for term in glossary.terms.values()}
    choice_cards = [card for card in generate_cards(glossary) if card.kind == KIND_CHOICE]
    assert {card.term_id for card in choice_cards} == {
        "attention", "transformer", "ffn", "layer-norm", "residual"
    }
    for card in choice_cards:
        assert len(card.choices) == 4
        assert len(set(card.choices)) == 4
        assert card.choices[card.correct] == card.answer
        for choice in card.choices:
            assert titles[choice].category == glossary.terms[card.term_id].category


def test_categories_too_small_for_distractors_get_no_choice_card():
    cards = by_id(generate_cards(small_glossary()))
    assert "term/bpe/choice" not in cards  # only one other tokenization term
    assert "term/top-p/choice" not in cards


def test_choice_prompt_does_not_give_the_answer_away():
    card = by_id(generate_cards(small_glossary()))["term/attention/choice"]
    assert "アテンション" not in card.prompt
    assert BLANK in card.prompt


def test_cloze_hides_every_name_of_the_term():
    glossary = small_glossary()
    cards = by_id(generate_cards(glossary))
    for term_id in ("attention", "bpe", "transformer", "wordpiece"):
        card = cards[f"term/{term_id}/cloze"]
        assert card.kind == KIND_CLOZE
        assert BLANK in card.prompt
        for name in names_of(glossary.terms[term_id]):
            assert name.lower() not in card.prompt.lower(), (term_id, name)


def test_no_cloze_when_the_body_never_names_the_term():
    cards = by_id(generate_cards(small_glossary()))
    assert "term/residual/cloze" not in cards
    assert "term/top-p/cloze" not in cards


def test_mask_names_ignores_ascii_case_and_prefers_longer_names():
    assert mask_names("bpe と BPE-dropout", ["BPE"]) == f"{BLANK} と {BLANK}-dropout"
    assert mask_names("Transformer model", ["Transformer", "Trans"]) == f"{BLANK} model"


def test_predict_cards_carry_the_books_results():
    cards = by_id(generate_cards(small_glossary()))
    star = cards["predict/marc-star4"]
    assert star.kind == KIND_PREDICT
    assert star.inputs == ("絶対に買わないで。最悪です。星４つ。",)
    assert star.choices[star.correct] == "positive"
    omutsu = cards["predict/jnli-omutsu"]
    assert omutsu.task == "nli"
    assert "おむつ" in omutsu.inputs[0] and "オムツ" in omutsu.inputs[1]
    assert omutsu.choices[omutsu.correct] == "contradiction"
    assert "entailment" in omutsu.detail  # the gold label is shown with the answer


def test_english_cards_use_english_names():
    set_language("en")
    card = by_id(generate_cards(small_glossary(), "en"))["term/attention/meaning"]
    assert card.prompt.startswith("What is")
    assert "Attention" in card.prompt


def test_english_meaning_answers_are_not_repeated_below_the_answer():
    """Issue 10 item 6: with --lang en the summary was shown as the answer and again as the
    explanation."""
    set_language("en")
    glossary = small_glossary()
    attention = glossary.terms["attention"]
    glossary.terms["attention"] = replace(attention, summary_en="Weights that pick what to read.")
    card = by_id(generate_cards(glossary, "en"))["term/attention/meaning"]
    assert card.answer == "Weights that pick what to read."
    assert "Weights that pick" not in card.detail
    assert not any("\u3040" <= char <= "\u30ff" for char in card.detail)  # no Japanese


def test_japanese_meaning_keeps_the_body_but_never_a_body_equal_to_the_answer():
    glossary = small_glossary()
    card = by_id(generate_cards(glossary, "ja"))["term/attention/meaning"]
    assert card.detail == glossary.terms["attention"].body and card.detail_markdown
    same = replace(glossary.terms["bpe"], body="**" + glossary.terms["bpe"].summary + "**")
    glossary.terms["bpe"] = same
    card = by_id(generate_cards(glossary, "ja"))["term/bpe/meaning"]
    assert card.detail == "" and not card.detail_markdown
