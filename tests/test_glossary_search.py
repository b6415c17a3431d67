"""Search: Japanese, kana either way, romaji, English, aliases, width/case, fuzzy, nothing."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from studyllm_tui.core.glossary import Glossary, load_glossary_files
from studyllm_tui.core.glossary.romaji import loose_romaji, to_romaji
from studyllm_tui.core.glossary.search import EXACT, fold, index_for, search
from tests.glossary_fixtures import write_glossary


@pytest.fixture
def glossary(tmp_path: Path) -> Glossary:
    return load_glossary_files([[write_glossary(tmp_path)]])


def top(glossary: Glossary, query: str) -> str:
    hits = search(glossary, query)
    assert hits, f"no hit for {query!r}"
    return hits[0].id


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ファインチューニング", "fine-tuning"),  # exact ja
        ("ファイン", "fine-tuning"),  # prefix
        ("ふぁいん", "fine-tuning"),  # hiragana for a katakana name
        ("てんいがくしゅう", "transfer-learning"),  # reading
        ("テンイ", "transfer-learning"),  # katakana for a hiragana reading
        ("fain", "fine-tuning"),  # romaji
        ("fainchuuningu", "fine-tuning"),  # romaji, long vowel doubled
        ("tenni", "transfer-learning"),  # romaji prefix, loose
        ("Fine-Tuning", "fine-tuning"),  # English, case
        ("ＦＩＮＥ", "fine-tuning"),  # full-width
        ("微調整", "fine-tuning"),  # alias
        ("bert", "bert"),
        ("ﾄｰｸﾝ", "token"),  # half-width katakana
        ("transfer lerning", "transfer-learning"),  # fuzzy (typo)
    ],
)
def test_finds(glossary: Glossary, query: str, expected: str) -> None:
    assert top(glossary, query) == expected


def test_ranking_exact_before_prefix_before_fuzzy(glossary: Glossary) -> None:
    hits = search(glossary, "token")
    assert hits[0].id == "token" and hits[0].score == EXACT
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))


def test_no_result_and_nearest(glossary: Glossary) -> None:
    index = index_for(glossary)
    assert index.search("xyzzyq") == []
    assert index.search("   ") == []
    assert index.suggest("tokun")[0].id == "token"


def test_limit(glossary: Glossary) -> None:
    assert len(search(glossary, "e", limit=2)) <= 2


def test_index_is_rebuilt_when_terms_change(glossary: Glossary) -> None:
    first = index_for(glossary)
    assert index_for(glossary) is first
    del glossary.terms["bert"]
    assert index_for(glossary) is not first


def test_fold_and_romaji() -> None:
    assert fold("ＢＥＲＴ　モデル") == "bertもでる"
    assert to_romaji("がっこう") == "gakkou"
    assert to_romaji("まっちゃ") == "matcha"
    assert to_romaji("じーぴーてぃー") == "ji-pi-ti-"
    assert loose_romaji("shinsou") == loose_romaji("sinsoo")
