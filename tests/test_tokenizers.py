"""Tokenizer adapters: MeCab, GPT-2, the locally trained ones and Hugging Face folders/ids."""

from __future__ import annotations

import json
import time

import pytest

from studyllm_tui.core.tokenizers import (
    TokenizerError,
    load_tokenizer,
    readable_bytes,
    tokenize,
)

BOOK = "自然言語処理にディープラーニングを使う"


def texts(name: str, text: str) -> list[str]:
    return [token.display for token in tokenize(load_tokenizer(name), text).tokens]


def test_mecab_morphemes_with_reading_and_lemma():
    result = tokenize(load_tokenizer("mecab"), BOOK)
    assert [t.display for t in result.tokens] == [
        "自然", "言語", "処理", "に", "ディープ", "ラーニング", "を", "使う",
    ]  # fmt: skip
    first = result.tokens[0]
    assert (first.start, first.end, first.id) == (0, 2, None)
    assert first.features["reading"] == "シゼン"
    assert first.features["pos"].startswith("名詞")
    assert result.tokens[-1].features["lemma"] == "使う"


def test_mecab_reads_past_nul_and_skips_spaces():
    result = tokenize(load_tokenizer("mecab"), "猫\x00 犬")
    assert [(t.display, t.start, t.end) for t in result.tokens] == [("猫", 0, 1), ("犬", 3, 4)]


def test_gpt2_is_the_real_gpt2():
    gpt2 = load_tokenizer("gpt2")
    assert "50,257" in gpt2.label
    result = tokenize(gpt2, "Hello world")
    assert [t.id for t in result.tokens] == [15496, 995]
    assert [t.piece for t in result.tokens] == ["Hello", "Ġworld"]
    assert result.tokens[1].kind == "space_marker"


def test_gpt2_partial_characters_are_shown_as_bytes():
    result = tokenize(load_tokenizer("gpt2"), "自然")
    shown = [t.display for t in result.tokens]
    assert shown[0] == "<e8>"
    assert all("\ufffd" not in s for s in shown)
    assert b"".join(t.data for t in result.tokens) == "自然".encode()
    assert {t.kind for t in result.tokens} == {"byte"}


@pytest.mark.slow
def test_gpt2_equals_transformers_gpt2_tokenizer():
    from transformers import AutoTokenizer

    from studyllm_tui.core.tokenizers.gpt2 import gpt2_folder

    reference = AutoTokenizer.from_pretrained(str(gpt2_folder()))
    text = f"{BOOK} and GPT-2's   spaces\n\t👨‍👩‍👧 e\u0301"
    ours = tokenize(load_tokenizer("gpt2"), text)
    encoded = reference(text, return_offsets_mapping=True, add_special_tokens=False)
    assert [t.id for t in ours.tokens] == encoded["input_ids"]
    assert [(t.start, t.end) for t in ours.tokens] == [tuple(o) for o in encoded["offset_mapping"]]


@pytest.mark.parametrize("name", ["wordpiece-ja", "unigram-ja", "bpe-ja"])
def test_trained_tokenizers_say_what_they_were_trained_on(name):
    adapter = load_tokenizer(name)
    assert "trained locally on" in adapter.label
    assert adapter.trained_chars > 4000  # type: ignore[attr-defined]
    assert f"vocabulary {adapter.vocab_size:,}" in adapter.label  # type: ignore[attr-defined]
    result = tokenize(adapter, BOOK)
    assert 1 <= len(result.tokens) <= len(BOOK) * 3


def test_trained_tokenizer_is_cached_on_disk(isolated_dirs):
    from studyllm_tui.core.tokenizers import trained

    first = trained.load_or_train("bpe-ja")
    files = list((isolated_dirs / "cache").rglob("bpe-ja-*/tokenizer.json"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    second = trained.load_or_train("bpe-ja")
    assert files[0].stat().st_mtime_ns == stamp
    assert second.vocab_size == first.vocab_size
    # another corpus is another cache entry
    trained.load_or_train("bpe-ja", lines=["猫が好きです。", "犬も好きです。"])
    assert len(list((isolated_dirs / "cache").rglob("bpe-ja-*/tokenizer.json"))) == 2


def test_special_pieces():
    wordpiece = tokenize(load_tokenizer("wordpiece-ja"), "使う😀")
    assert wordpiece.tokens[-1].piece == "[UNK]"
    assert wordpiece.tokens[-1].kind == "unknown"
    assert (wordpiece.tokens[-1].start, wordpiece.tokens[-1].end) == (2, 3)
    unigram = tokenize(load_tokenizer("unigram-ja"), "言語 モデル")
    assert any(t.piece.startswith("▁") and t.kind == "space_marker" for t in unigram.tokens)
    bpe = tokenize(load_tokenizer("bpe-ja"), "a 言語")
    assert any(t.display.startswith("Ġ") for t in bpe.tokens)


def test_wordpiece_continuation_pieces_carry_hashes():
    result = tokenize(load_tokenizer("wordpiece-ja"), "トークナイゼーション")
    assert any(t.kind == "continuation" and t.piece.startswith("##") for t in result.tokens)
    assert result.tokens[0].start == 0 and result.tokens[-1].end == len("トークナイゼーション")


def test_readable_bytes():
    assert readable_bytes("あい".encode()) == "あい"
    assert readable_bytes("あ".encode()[:2]) == "<e3 81>"
    assert readable_bytes(b"x" + "あ".encode()[1:]) == "x<81 82>"
    assert readable_bytes(" い".encode()[:2]) == " <e3>"


ODD = [
    "",
    "\x00",
    "a\x00b\x01\x7f",
    "👨‍👩‍👧 family",
    "e\u0301 n\u0303",
    "ｶﾞｷﾞｸﾞ ﾊﾝｶｸ",
    "[bold]太字[/bold] [red]x",
    "\x1b[31m赤\x1b[0m",
    "\n\n\t  \r\n",
    "\ud800 lone surrogate",
]


@pytest.mark.parametrize("name", ["mecab", "gpt2", "wordpiece-ja", "unigram-ja", "bpe-ja"])
@pytest.mark.parametrize("text", ODD)
def test_odd_text_does_not_break_any_tokenizer(name, text):
    result = tokenize(load_tokenizer(name), text)
    previous = (0, 0)
    for token in result.tokens:
        assert 0 <= token.start <= token.end <= len(text)
        assert (token.start, token.end) >= previous
        previous = (token.start, token.end)
        assert "\ufffd" not in token.display or "\ud800" in text


def test_huge_text_counts_are_exact():
    text = BOOK * 5000  # 95,000 characters
    result = tokenize(load_tokenizer("bpe-ja"), text)
    assert result.tokens[-1].end == len(text)
    single = len(tokenize(load_tokenizer("bpe-ja"), BOOK).tokens)
    assert len(result.tokens) == single * 5000


def test_hf_folder_gives_the_same_tokens(tmp_path):
    from studyllm_tui.core.tokenizers.gpt2 import gpt2_folder

    adapter = load_tokenizer(str(gpt2_folder()))
    assert adapter.byte_level
    ours = tokenize(load_tokenizer("gpt2"), BOOK)
    theirs = tokenize(adapter, BOOK)
    assert [(t.id, t.start, t.end, t.display) for t in theirs.tokens] == [
        (t.id, t.start, t.end, t.display) for t in ours.tokens
    ]


@pytest.mark.slow
def test_hf_slow_japanese_bert_is_aligned_to_the_text(tmp_path):
    from transformers import BertJapaneseTokenizer

    wordpiece = load_tokenizer("wordpiece-ja")
    vocab = tmp_path / "vocab.txt"
    pieces = sorted(wordpiece.tokenizer.get_vocab().items(), key=lambda kv: kv[1])  # type: ignore[attr-defined]
    vocab.write_text("".join(f"{p}\n" for p, _ in pieces), encoding="utf-8")
    bert = BertJapaneseTokenizer(
        str(vocab),
        do_lower_case=False,
        word_tokenizer_type="mecab",
        subword_tokenizer_type="wordpiece",
        mecab_kwargs={"mecab_dic": "unidic_lite"},
    )
    folder = tmp_path / "bert-ja"
    bert.save_pretrained(folder)
    adapter = load_tokenizer(str(folder))
    text = "自然言語処理 を使う😀"
    result = tokenize(adapter, text)
    assert [(t.piece, text[t.start : t.end]) for t in result.tokens] == [
        ("自然", "自然"), ("言語", "言語"), ("処理", "処理"), ("を", "を"), ("使う", "使う"),
        ("[UNK]", "😀"),
    ]  # fmt: skip
    assert result.tokens[-1].kind == "unknown"


def test_hub_id_from_the_cache(tmp_path, monkeypatch):
    from studyllm_tui.core.hub import hub_cache_dir
    from studyllm_tui.core.tokenizers.gpt2 import gpt2_folder

    snapshot = hub_cache_dir() / "models--someone--gpt2-copy" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    for file in gpt2_folder().iterdir():
        (snapshot / file.name).write_bytes(file.read_bytes())
    adapter = load_tokenizer("someone/gpt2-copy")
    assert [t.id for t in tokenize(adapter, "Hello world").tokens] == [15496, 995]


def test_hub_id_offline_and_not_cached_fails_fast():
    start = time.monotonic()
    with pytest.raises(TokenizerError, match="オフライン"):
        load_tokenizer("cl-tohoku/bert-base-japanese-v3")
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize("name", ["/no/such/folder", "not a tokenizer name"])
def test_bad_names_get_a_message(name):
    from studyllm_tui.core import i18n

    with pytest.raises(TokenizerError, match="そのフォルダはなく"):
        load_tokenizer(name)
    i18n.set_language("en")
    with pytest.raises(TokenizerError, match="no such folder"):
        load_tokenizer(name)


def test_hf_tokenizer_label_speaks_the_ui_language(tmp_path):
    from studyllm_tui.core import i18n
    from studyllm_tui.core.tokenizers.base import describe
    from studyllm_tui.core.tokenizers.gpt2 import gpt2_folder

    folder = str(gpt2_folder())
    adapter = load_tokenizer(folder)
    kind = type(adapter.tokenizer).__name__  # type: ignore[attr-defined]
    assert describe(adapter) == f"{folder}（{kind}、語彙 50,257）"
    i18n.set_language("en")
    assert describe(adapter) == f"{folder} ({kind}, vocabulary 50,257)"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(TokenizerError, match="no tokenizer files here"):
        load_tokenizer(str(empty))


def test_cli_tokenize_json(capsys):
    from studyllm_tui.__main__ import main

    code = main(["tokenize", "--tokenizer", "mecab", "--tokenizer", "gpt2", "--json", "猫"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["mecab", "gpt2"]
    assert data["mecab"] == [
        {
            "text": "猫", "piece": "猫", "id": None, "start": 0, "end": 1, "bytes": None,
            "kind": "word", "pos": "名詞-普通名詞", "reading": "ネコ", "lemma": "猫",
        }
    ]  # fmt: skip
    assert "".join(t["bytes"] for t in data["gpt2"]) == "猫".encode().hex()
    assert all(t["start"] == 0 and t["end"] == 1 for t in data["gpt2"])


def test_cli_tokenize_stdin_and_plain_output(capsys, monkeypatch):
    import io

    from studyllm_tui.__main__ import main

    monkeypatch.setattr("sys.stdin", io.StringIO("[bold]猫\x1b[0m\n"))
    assert main(["tokenize", "-t", "bpe-ja", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("bpe-ja: ")
    assert "[ | b | o | l | d | ]" in out and "| ␛ |" in out and "↵" not in out


def test_cli_tokenize_unknown_tokenizer(capsys):
    from studyllm_tui.__main__ import main

    assert main(["--lang", "en", "tokenize", "-t", "/nowhere", "-t", "mecab", "猫"]) == 1
    captured = capsys.readouterr()
    assert "/nowhere" in captured.err
    assert captured.out.startswith("mecab: 1 tokens")


def test_mecab_features_at_the_cursor_now_and_the_rest_on_demand():
    import fugashi

    from studyllm_tui.core.tokenizers.mecab import analyse

    text = "吾輩は猫である。 名前は\x00まだ無い。ｶﾀｶﾅ"
    found = analyse(text + "", focus=3)
    assert found.has_features(found.spans.index((3, 4)))
    assert not found.has_features(0)
    result = tokenize(load_tokenizer("mecab"), text, focus=3)
    plain = fugashi.Tagger()
    expected = []
    for segment in text.split("\x00"):
        expected += [(n.surface, n.feature.kana, n.feature.lemma, n.is_unk) for n in plain(segment)]
    got = [
        (
            text[t.start : t.end],
            t.features["reading"],
            t.features["lemma"],
            "unknown_word" in t.features,
        )
        for t in result.tokens
    ]
    assert got == [(s, k or "", lem or "", unk) for s, k, lem, unk in expected]
