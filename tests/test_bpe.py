"""The BPE / WordPiece stepper: the book's toy corpus, correctness, and the tokenizers library."""

from __future__ import annotations

import json

import pytest

from studyllm_tui.core.bpe import (
    TOY_CORPUS,
    TOY_CORPUS_TEXT,
    CorpusError,
    Stepper,
    parse_corpus,
)


def library_merges(counts: dict[str, int], merges: int) -> list[tuple[str, str]]:
    """The merge sequence of the ``tokenizers`` library's BpeTrainer on the same word counts."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    alphabet = {char for word in counts for char in word}
    trainer = trainers.BpeTrainer(vocab_size=len(alphabet) + merges, show_progress=False)
    tokenizer.train_from_iterator([" ".join([w] * c) for w, c in counts.items()], trainer)
    found = json.loads(tokenizer.to_str())["model"]["merges"]
    return [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in found]


def has_no_ties(stepper: Stepper) -> bool:
    return all(
        len(step.table) < 2 or step.table[0].count != step.table[1].count for step in stepper.steps
    )


def test_toy_corpus_merges_as_the_book_describes():
    stepper = Stepper(TOY_CORPUS)
    stepper.run(3)
    assert stepper.merges() == [("し", "い"), ("た", "の"), ("たの", "しい")]
    assert stepper.steps[0].chosen.count == 10  # しい: 6 + 4
    assert stepper.segmentation(2)["たのしさ"] == ["たの", "し", "さ"]
    assert stepper.segmentation()["たのしい"] == ["たのしい"]


def test_every_chosen_pair_has_the_highest_count_and_the_run_ends():
    stepper = Stepper(TOY_CORPUS)
    stepper.run(100)
    assert stepper.finished
    assert len(stepper.steps) == 9  # every word became one symbol
    for step in stepper.steps:
        assert step.chosen == step.table[0]
        assert step.chosen.count == max(row.count for row in step.table)
    assert all(len(pieces) == 1 for pieces in stepper.segmentation().values())


def test_wordpiece_chooses_the_highest_score():
    stepper = Stepper(TOY_CORPUS, wordpiece=True)
    stepper.run(100)
    first = stepper.steps[0]
    # ##つ + ##く: 5 / (5 x 5) = 0.2 beats し+い's larger count (10 / (13 x 10))
    assert first.chosen.pair == ("##つ", "##く")
    assert first.chosen.score == pytest.approx(0.2)
    for step in stepper.steps:
        assert step.chosen.score == max(row.score or 0 for row in step.table)
    assert stepper.segmentation(0)["たのしい"] == ["た", "##の", "##し", "##い"]
    assert stepper.segmentation()["うつくしさ"] == ["うつくしさ"]


def test_merges_equal_the_tokenizers_bpe_trainer_on_a_corpus_without_ties():
    counts = {
        "おえ": 49, "けい": 48, "うお": 50, "おけく": 2,
        "きき": 28, "きお": 11, "うけく": 51, "くあ": 22,
    }  # fmt: skip
    stepper = Stepper(counts)
    stepper.run(50)
    assert has_no_ties(stepper), "the test corpus must not need a tie-break"
    assert stepper.merges() == library_merges(counts, 50)


def test_ties_are_broken_like_the_tokenizers_library():
    stepper = Stepper(TOY_CORPUS)
    stepper.run(50)
    assert not has_no_ties(stepper)  # う+つ and つ+く are both 5
    assert stepper.merges() == library_merges(TOY_CORPUS, 50)


def test_shipped_corpus_merges_equal_the_library():
    from studyllm_tui.core.tokenizers.trained import corpus_lines

    counts, kind = parse_corpus("\n".join(corpus_lines()))
    assert kind == "text"
    stepper = Stepper(counts)
    stepper.run(120)
    assert stepper.merges() == library_merges(counts, 120)


def test_forward_and_back_states_agree():
    stepper = Stepper(TOY_CORPUS)
    assert stepper.ensure(4) == 4
    assert stepper.vocab(0) == ["い", "う", "く", "さ", "し", "た", "つ", "の"]
    assert stepper.vocab(4)[-1] == "うつ"
    assert len(stepper.vocab(2)) == 10
    assert stepper.segmentation(1)["うつくしい"] == ["う", "つ", "く", "しい"]
    assert stepper.ensure(1000) == 9


def test_parse_counts_and_text():
    counts, kind = parse_corpus(TOY_CORPUS_TEXT)
    assert (counts, kind) == (TOY_CORPUS, "counts")
    assert parse_corpus("たのしい 6\nうつくしい×4")[0] == {"たのしい": 6, "うつくしい": 4}
    counts, kind = parse_corpus("猫が好き。犬も好き。")
    assert kind == "text"
    assert counts["好き"] == 2
    assert "。" not in counts


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("たのしい\t6\nうつくしい\tたくさん", "line 2"), ("たのしい\t0", "line 1")],
)
def test_bad_corpus_names_the_problem(text, message):
    from studyllm_tui.core import i18n

    i18n.set_language("en")
    with pytest.raises(CorpusError, match=message):
        parse_corpus(text)


def test_cli_bpe_json(tmp_path, capsys):
    from studyllm_tui.__main__ import main

    file = tmp_path / "toy.tsv"
    file.write_text(TOY_CORPUS_TEXT, encoding="utf-8")
    assert main(["bpe", str(file), "--merges", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["merges"] == [["し", "い"], ["た", "の"]]
    assert data["vocab"][-2:] == ["しい", "たの"]
    assert data["segmentation"]["たのしい"] == ["たの", "しい"]


def test_cli_bpe_wordpiece_text_and_errors(tmp_path, capsys):
    from studyllm_tui.__main__ import main

    file = tmp_path / "toy.tsv"
    file.write_text(TOY_CORPUS_TEXT, encoding="utf-8")
    assert main(["bpe", str(file), "--merges", "1", "--wordpiece"]) == 0
    assert "##つ + ##く -> ##つく" in capsys.readouterr().out
    assert main(["--lang", "en", "bpe", str(tmp_path / "missing.tsv")]) == 1
    assert "no such file" in capsys.readouterr().err
    file.write_text("たのしい\tx\n", encoding="utf-8")
    assert main(["--lang", "en", "bpe", str(file)]) == 1
    assert "line 1" in capsys.readouterr().err
