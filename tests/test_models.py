# ruff: noqa: F811  (pytest fixtures imported from tests.tiny_models)
"""Task models on tiny random models, through the same loading code users run."""

from __future__ import annotations

import json
import re
import shutil
import threading

import pytest

from studyllm_tui.core.i18n import set_language
from studyllm_tui.core.jobs import Cancelled
from studyllm_tui.core.models import ModelLoadError, ModelManager, get_manager, token_text
from studyllm_tui.core.models.align import align_tokens, normalize
from studyllm_tui.core.models.generation import (
    GenerationSettings,
    generate_steps,
    next_token_candidates,
    stream_generate,
)
from studyllm_tui.core.models.results import SUMMARY_PRESETS
from studyllm_tui.core.models.runners import (
    TaskInputError,
    run_embeddings,
    run_loaded,
    run_ner,
    run_task,
)
from studyllm_tui.core.models.token_text import split_utf8
from tests.tiny_models import NER_LABELS, NER_TYPES, tiny_config, tiny_models  # noqa: F401

pytestmark = pytest.mark.slow


@pytest.fixture
def manager(tiny_config):
    return get_manager(tiny_config)


def test_sentiment_labels_and_probabilities(tiny_config):
    data = run_task("sentiment", ["この映画はとても面白かった。"], config=tiny_config)
    assert set(data) == {"label", "scores"}
    assert list(data["scores"]) == ["positive", "negative"]
    assert sum(data["scores"].values()) == pytest.approx(1.0, abs=1e-5)
    assert data["label"] == max(data["scores"], key=data["scores"].get)


def test_nli_has_three_labels(tiny_config):
    data = run_task("nli", ["猫が窓の外を見ている。", "猫がいる。"], config=tiny_config)
    assert list(data["scores"]) == ["entailment", "contradiction", "neutral"]
    assert sum(data["scores"].values()) == pytest.approx(1.0, abs=1e-5)


def test_sts_is_a_raw_regression_value(tiny_config, manager):
    import torch

    data = run_task("sts", ["猫が走る。", "犬が走る。"], config=tiny_config)
    assert set(data) == {"score"} and isinstance(data["score"], float)
    loaded = manager.load("sts")
    encoded = loaded.tokenizer("猫が走る。", "犬が走る。", return_tensors="pt")
    with torch.inference_mode():
        raw = float(loaded.model(**encoded).logits[0, 0])
    assert data["score"] == pytest.approx(raw, abs=1e-5)  # no sigmoid applied


def test_embed_heatmap_values_match_cls_pooling(tiny_config, manager):
    import torch

    sentences = ["猫が走る。", "犬が走る。", "日本の首都は東京です。"]
    data = run_task("embed", sentences, config=tiny_config)
    matrix = data["similarity"]
    assert len(matrix) == 3 and all(len(row) == 3 for row in matrix)
    loaded = manager.load("embed")
    with torch.inference_mode():
        hidden = loaded.model(**loaded.tokenizer(sentences, padding=True, return_tensors="pt"))
    cls = torch.nn.functional.normalize(hidden.last_hidden_state[:, 0], dim=-1)
    expected = (cls @ cls.T).tolist()
    for i in range(3):
        assert matrix[i][i] == pytest.approx(1.0, abs=1e-5)
        for j in range(3):
            assert matrix[i][j] == pytest.approx(expected[i][j], abs=1e-5)
            assert matrix[i][j] == pytest.approx(matrix[j][i], abs=1e-6)
    mean = run_embeddings(loaded, sentences, pooling="mean")
    assert mean.pooling == "mean" and mean.similarity != matrix


def test_embed_needs_two_sentences(tiny_config):
    with pytest.raises(TaskInputError, match="embed の入力は 2 個以上"):
        run_task("embed", ["一つだけ"], config=tiny_config)


def test_align_tokens_wordpiece_unk_and_spaces():
    text = "大谷翔平は  ロサンゼルスで☃野球"
    tokens = ["[CLS]", "大谷", "翔", "##平", "は", "ロサンゼルス", "で", "[UNK]", "野球", "[SEP]"]
    spans = align_tokens(text, tokens, special=frozenset({"[CLS]", "[SEP]", "[UNK]"}))
    pieces = [text[a:b] if (a, b) else None for a, b in (s or (0, 0) for s in spans)]
    assert spans[0] is None and spans[-1] is None
    assert pieces[1:9] == ["大谷", "翔", "平", "は", "ロサンゼルス", "で", "☃", "野球"]


def test_normalize_maps_back_to_original_positions():
    text = "ＡＢＣ株式会社と①"
    normalized = normalize(text)
    assert normalized.text == "ABC株式会社と1"
    start = normalized.text.index("株式会社")
    assert normalized.span(start, start + 4) == (3, 7)
    assert normalized.span(0, 3) == (0, 3)


def test_ner_offsets_point_at_the_typed_text(tiny_config, manager):
    text = "ＡＢＣ株式会社の大谷翔平は  東京都で[bold]野球[/bold]をする。"
    loaded = manager.load("ner")
    result = run_ner(loaded, text)
    assert result.tokens, "every token is listed"
    for tag in result.tokens:
        assert tag.label in NER_LABELS
        if tag.start is not None:
            piece = tag.token.removeprefix("##")
            assert (
                text[tag.start : tag.end].lower() == piece.lower()
                or tag.token == "[UNK]"
                or (
                    # full-width letters normalise to ASCII: compare after NFKC
                    normalize(text[tag.start : tag.end]).text.lower() == piece.lower()
                )
            )
    for entity in result.entities:
        assert entity.type in NER_TYPES
        assert entity.text == text[entity.start : entity.end]
        assert 0 <= entity.score <= 1
    data = run_task("ner", [text], config=tiny_config)
    assert all(set(e) == {"text", "type", "start", "end", "score"} for e in data["entities"])


def test_ner_groups_bio_runs(tiny_config, manager, monkeypatch):
    """B-人名 I-人名 forms one entity spanning both tokens; a new B starts another."""
    import torch

    loaded = manager.load("ner")
    text = "大谷翔平は東京"
    tokens = loaded.tokenizer.tokenize(text)
    assert tokens == ["大谷", "翔平", "は", "東京"]
    label_ids = {label: i for i, label in enumerate(NER_LABELS)}
    wanted = ["O", "B-人名", "I-人名", "O", "B-地名", "O"]  # with [CLS] and [SEP]
    logits = torch.full((1, len(wanted), len(NER_LABELS)), -10.0)
    for position, label in enumerate(wanted):
        logits[0, position, label_ids[label]] = 10.0

    class FakeOutput:
        def __init__(self, value):
            self.logits = value

    monkeypatch.setattr(loaded, "model", _Wrapped(loaded.model, FakeOutput(logits)))
    result = run_ner(loaded, text)
    assert [(e.text, e.type, e.start, e.end) for e in result.entities] == [
        ("大谷翔平", "人名", 0, 4),
        ("東京", "地名", 5, 7),
    ]


class _Wrapped:
    def __init__(self, model, output):
        self.config = model.config
        self._output = output

    def __call__(self, **kwargs):
        return self._output


def test_fill_mask_candidates(tiny_config):
    data = run_task("fill-mask", ["今日は[MASK]です。"], config=tiny_config, options={"top_k": 4})
    assert len(data["candidates"]) == 4
    scores = [c["score"] for c in data["candidates"]]
    assert scores == sorted(scores, reverse=True)
    with pytest.raises(TaskInputError, match=r"埋めたい語の位置に \[MASK\]"):
        run_task("fill-mask", ["マスクがない"], config=tiny_config)


def test_long_input_is_truncated_with_notice(manager):
    loaded = manager.load("sentiment")
    result = run_loaded(loaded, ["良い" * 600])
    assert result.truncated
    assert not run_loaded(loaded, ["良い"]).truncated


def test_empty_input_is_refused(tiny_config):
    with pytest.raises(TaskInputError, match="テキストが空です"):
        run_task("sentiment", ["   "], config=tiny_config)
    set_language("en")
    with pytest.raises(TaskInputError, match="the text is empty"):
        run_task("sentiment", ["   "], config=tiny_config)
    with pytest.raises(TaskInputError, match="at most 100,000"):
        run_task("sentiment", ["あ" * 100_001], config=tiny_config)


def test_summarize_presets_and_cancel(manager):
    loaded = manager.load("summarize")
    for preset in SUMMARY_PRESETS:
        result = run_loaded(
            loaded, ["今日は良い天気です。"], {**preset.options, "max_new_tokens": 8}
        )
        assert isinstance(result.text, str)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        run_loaded(loaded, ["今日は良い天気です。"], {"max_new_tokens": 8}, cancel)


def test_greedy_stream_matches_raw_generate(manager):
    loaded = manager.load("generate")
    prompt = "今日は"
    encoded = loaded.tokenizer(prompt, return_tensors="pt")
    raw = loaded.model.generate(**encoded, max_new_tokens=12, do_sample=False)
    raw_ids = raw[0, encoded["input_ids"].shape[1] :].tolist()
    steps = list(generate_steps(loaded, prompt, GenerationSettings(12, temperature=0.0)))
    assert [s.token_id for s in steps][: len(raw_ids)] == raw_ids
    pieces = list(stream_generate(loaded, prompt, max_new_tokens=12, temperature=0))
    special = set(loaded.tokenizer.all_special_ids)
    data = b"".join(
        token_text.token_bytes(loaded.tokenizer, i) or b"" for i in raw_ids if i not in special
    )
    assert data.decode("utf-8", "replace") == loaded.tokenizer.decode(
        raw_ids, skip_special_tokens=True
    )
    assert "".join(pieces) == split_utf8(data, final=True)[0]  # undecodable bytes as <xx>


def test_sampling_is_reproducible_with_a_seed(manager):
    loaded = manager.load("generate")
    one = list(stream_generate(loaded, "猫が", max_new_tokens=10, temperature=1.2, seed=7))
    two = list(stream_generate(loaded, "猫が", max_new_tokens=10, temperature=1.2, seed=7))
    assert one == two


def test_split_utf8_shows_impossible_bytes_as_hex() -> None:
    assert split_utf8("あい".encode()) == ("あい", b"")
    assert split_utf8(b"\xe3\x81") == ("", b"\xe3\x81")  # may still become a character
    assert split_utf8(b"\xe3\x81", final=True) == ("<e3 81>", b"")
    assert split_utf8(b"a\xff\xfeb") == ("a<ff fe>b", b"")
    assert split_utf8(b"\xe3A") == ("<e3>A", b"")  # a lead byte the next byte cannot finish


def _byte_ids(tokenizer, data: bytes) -> list[int]:
    table = {byte: char for char, byte in token_text.byte_decoder().items()}
    return [tokenizer.convert_tokens_to_ids(table[byte]) for byte in data]


def test_text_tracker_holds_partial_characters_and_shows_bad_bytes(manager):
    tokenizer = manager.load("generate").tokenizer
    tracker = token_text.TextTracker(tokenizer)
    pieces = [tracker.add(i) for i in _byte_ids(tokenizer, "あ".encode())]
    assert pieces == ["", "", "あ"]
    assert [tracker.add(i) for i in _byte_ids(tokenizer, b"\xffa")] == ["<ff>", "a"]
    assert tracker.add(_byte_ids(tokenizer, b"\xe3")[0]) == ""
    assert tracker.flush() == "<e3>"
    # a candidate that is part of a character shows its bytes, never U+FFFD
    label = token_text.token_label(tokenizer, _byte_ids(tokenizer, b"\xe3")[0])
    assert label == "<e3>"


def test_random_byte_level_model_never_streams_replacement_characters(manager):
    loaded = manager.load("generate")
    settings = GenerationSettings(60, temperature=3.0, top_k=0, seed=0)
    steps = list(generate_steps(loaded, "猫が", settings, show_candidates=8))
    raw = loaded.tokenizer.decode([s.token_id for s in steps], skip_special_tokens=True)
    assert "\ufffd" in raw  # the tiny model does emit bytes that are not UTF-8 ...
    text = "".join(s.text for s in steps)
    assert "\ufffd" not in text and re.search(r"<[0-9a-f]{2}( [0-9a-f]{2})*>", text)
    assert not any("\ufffd" in c.token for s in steps for c in s.candidates)
    assert not any("\ufffd" in s.token for s in steps)
    streamed = "".join(
        stream_generate(loaded, "猫が", max_new_tokens=60, temperature=3.0, top_k=0, seed=0)
    )
    assert streamed == text
    candidates = next_token_candidates(loaded, "猫が", top_k=50)
    assert not any("\ufffd" in c.token for c in candidates)


def test_cancel_mid_generation(manager):
    loaded = manager.load("generate")
    cancel = threading.Event()
    seen = 0
    with pytest.raises(Cancelled):
        for _step in generate_steps(loaded, "猫が", GenerationSettings(100, 0.0), cancel=cancel):
            seen += 1
            if seen == 3:
                cancel.set()
    assert seen == 3


def test_next_token_view_and_temperature(manager):
    loaded = manager.load("generate")
    low = next_token_candidates(loaded, "今日は", top_k=5, temperature=0.5)
    high = next_token_candidates(loaded, "今日は", top_k=5, temperature=2.0)
    assert [c.token_id for c in low] == [c.token_id for c in high]
    assert [c.prob for c in low] == pytest.approx([c.prob for c in high])
    assert low[0].prob_at_temperature > low[0].prob > high[0].prob_at_temperature
    steps = list(generate_steps(loaded, "今日は", GenerationSettings(3, 0.0), show_candidates=5))
    assert all(len(s.candidates) == 5 for s in steps)
    assert steps[0].token_id == steps[0].candidates[0].token_id  # greedy takes the top one


def test_lru_eviction_frees_old_models(tiny_config):
    manager = ModelManager(memory_budget_mb=1)
    manager.configure(tiny_config)
    manager.memory_budget_mb = 1
    first = manager.load("sentiment")
    assert manager.load("sentiment") is first  # cached
    budget = first.size_bytes * 1.5 / (1024 * 1024)
    manager.memory_budget_mb = budget  # room for one model
    manager.load("nli")
    assert [key[0] for key in manager.models] == ["nli"]
    assert manager.load("sentiment") is not first  # loaded again after eviction


def test_make_room_unloads_the_least_recently_used_only_as_far_as_needed(tiny_config):
    manager = ModelManager()
    manager.configure(tiny_config)
    manager.memory_budget_mb = 4096
    for task in ("sentiment", "nli", "sts"):
        manager.load(task)
    manager.load("sentiment")  # used again: now the most recent
    sizes = {key[0]: m.size_bytes for key, m in manager.models.items()}
    mb = 1024 * 1024
    budget = (sum(sizes.values()) + 1) / mb  # everything fits, with one byte to spare
    assert manager.make_room(1, budget) == 0 and len(manager.models) == 3
    assert manager.make_room(sizes["nli"], budget) == 1  # nli was the least recently used
    assert [key[0] for key in manager.models] == ["sts", "sentiment"]
    assert manager.make_room(10**15, budget) == 2 and not manager.models


def test_broken_model_folder_is_a_clear_error(tiny_models, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(tiny_models.sentiment, broken)
    (broken / "config.json").write_text("{ not json")
    manager = ModelManager()
    with pytest.raises(ModelLoadError, match=r"使える config\.json がありません"):
        manager.load("sentiment", model=str(broken))
    (broken / "config.json").write_text((tiny_models.sentiment / "config.json").read_text())
    (broken / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelLoadError, match="重みを読み込めません"):
        manager.load("sentiment", model=str(broken))


def test_wrong_architecture_is_a_clear_error(tiny_models):
    manager = ModelManager()
    with pytest.raises(ModelLoadError, match=r"sentiment タスクを実行できません.*系列分類モデル"):
        manager.load("sentiment", model=str(tiny_models.generate))
    with pytest.raises(ModelLoadError, match="回帰出力 1 つではありません"):
        manager.load("sts", model=str(tiny_models.sentiment))
    with pytest.raises(ModelLoadError, match="エンコーダ・デコーダモデルではありません"):
        manager.load("summarize", model=str(tiny_models.fill_mask))
    set_language("en")
    with pytest.raises(
        ModelLoadError, match="cannot run the sentiment task: it is a GPT2LMHeadModel"
    ):
        manager.load("sentiment", model=str(tiny_models.generate))
    with pytest.raises(ModelLoadError, match="not one regression output"):
        manager.load("sts", model=str(tiny_models.sentiment))


def test_cli_run_json_and_errors(tiny_models, capsys):
    from studyllm_tui.__main__ import main

    code = main(
        ["--model", f"sentiment={tiny_models.sentiment}", "run", "sentiment", "--json", "良い"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert set(json.loads(out)) == {"label", "scores"}
    code = main(["run", "sts", "--model", str(tiny_models.sts), "--json", "猫", "犬"])
    assert code == 0 and set(json.loads(capsys.readouterr().out)) == {"score"}
    code = main(["run", "sentiment", "--model", str(tiny_models.generate), "良い"])
    captured = capsys.readouterr()
    assert code == 1 and captured.err.count("\n") == 1 and "Traceback" not in captured.err
    code = main(["run", "nli", "--model", str(tiny_models.nli), "一つ"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "nli の入力は 2 個（PREMISE HYPOTHESIS）" in err
    code = main(["--lang", "en", "run", "nli", "--model", str(tiny_models.nli), "一つ"])
    assert code == 1 and "nli takes 2 inputs (PREMISE HYPOTHESIS); got 1" in capsys.readouterr().err


def test_cli_models_and_download_offline(tiny_models, capsys):
    from studyllm_tui.__main__ import main

    assert main(["--model", f"ner={tiny_models.ner}", "models", "--json"]) == 0
    rows = {row["task"]: row for row in json.loads(capsys.readouterr().out)}
    assert set(rows) == {
        "sentiment",
        "nli",
        "sts",
        "embed",
        "ner",
        "summarize",
        "generate",
        "fill-mask",
    }
    assert rows["ner"]["cached"] and rows["ner"]["local_folder"]
    assert not rows["sentiment"]["cached"] and rows["sentiment"]["licence"] == "Apache-2.0"
    assert main(["download", "sentiment"]) == 1
    err = capsys.readouterr().err
    assert "オフライン" in err and "Traceback" not in err
    assert main(["download"]) == 2


# -- pooling: the model's own (sentence-transformers config), never assumed ------------------


def _pooling_folder(tmp_path, modules, configs):
    folder = tmp_path / "st-model"
    folder.mkdir(parents=True)
    if modules is not None:
        (folder / "modules.json").write_text(json.dumps(modules))
    for name, config in configs.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "config.json").write_text(json.dumps(config))
    return folder


def test_model_pooling_reads_the_sentence_transformers_config(tmp_path):
    from studyllm_tui.core.models import pooling

    assert pooling.model_pooling(tmp_path) == "cls"  # no config: the book's SimCSE default
    pooled = {"type": "sentence_transformers.models.Pooling", "path": "1_Pooling"}
    mean = _pooling_folder(
        tmp_path / "a", [pooled], {"1_Pooling": {"pooling_mode_mean_tokens": True}}
    )
    assert pooling.model_pooling(mean) == "mean"
    moved = dict(pooled, path="2_Pool")
    cls = _pooling_folder(
        tmp_path / "b",
        [moved],
        {
            "2_Pool": {"pooling_mode_cls_token": True},
            "1_Pooling": {"pooling_mode_mean_tokens": True},
        },
    )
    assert pooling.model_pooling(cls) == "cls"  # modules.json says where the Pooling module is
    bare = _pooling_folder(tmp_path / "c", None, {"1_Pooling": {"pooling_mode_max_tokens": True}})
    assert pooling.model_pooling(bare) == "max"
    outside = _pooling_folder(tmp_path / "d", [dict(pooled, path="../a/1_Pooling")], {})
    assert pooling.model_pooling(outside) == "cls"  # never reads outside the model folder
    assert pooling.choose("model", mean) == "mean" and pooling.choose(None, mean) == "mean"
    assert pooling.choose("cls", mean) == "cls"


def test_pool_modes_ignore_padding():
    import torch

    from studyllm_tui.core.models.pooling import pool

    hidden = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])
    mask = torch.tensor([[1, 1, 0]])
    assert pool(hidden, mask, "cls").tolist() == [[1.0, 2.0]]
    assert pool(hidden, mask, "mean").tolist() == [[2.0, 3.0]]
    assert pool(hidden, mask, "max").tolist() == [[3.0, 4.0]]
    assert pool(hidden, mask, "lasttoken").tolist() == [[3.0, 4.0]]
    assert torch.allclose(pool(hidden, mask, "mean_sqrt_len"), torch.tensor([[4.0, 6.0]]) / 2**0.5)


def test_embed_uses_the_models_own_pooling(tiny_models, tmp_path):
    folder = tmp_path / "embed-mean"
    shutil.copytree(tiny_models.embed, folder)
    (folder / "1_Pooling").mkdir()
    (folder / "1_Pooling" / "config.json").write_text('{"pooling_mode_mean_tokens": true}')
    manager = ModelManager()
    loaded = manager.load("embed", str(folder))
    sentences = ["猫が走る。", "日本の首都は東京です。"]
    own = run_embeddings(loaded, sentences)
    assert own.pooling == "mean"
    assert own.similarity == run_embeddings(loaded, sentences, "mean").similarity
    assert own.similarity != run_embeddings(loaded, sentences, "cls").similarity
    assert run_loaded(loaded, sentences, {"pooling": "model"}).pooling == "mean"
    with pytest.raises(TaskInputError):
        run_embeddings(loaded, sentences, "average")
