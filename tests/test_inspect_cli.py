"""`studyllm-tui inspect ...`: the exact forms, their JSON, and one-line errors."""

# ruff: noqa: F811  (pytest fixtures imported from tests.inspect_fixtures)
from __future__ import annotations

import json
import math

import pytest

from studyllm_tui.__main__ import main
from tests.inspect_fixtures import InspectModels, inspect_models  # noqa: F401

TEXT = "日本の首都は"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_attention_json(capsys, inspect_models: InspectModels) -> None:  # type: ignore[no-untyped-def]
    import torch
    import transformers

    model = str(inspect_models.gpt2)
    code, out, err = _run(
        capsys,
        "inspect",
        "attention",
        "--model",
        model,
        "--layer",
        "1",
        "--head",
        "2",
        "--json",
        TEXT,
    )
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"model", "tokens", "layers", "heads", "layer", "head", "attention"}
    assert (data["model"], data["layers"], data["heads"], data["layer"], data["head"]) == (
        model,
        3,
        4,
        1,
        2,
    )
    reference = transformers.AutoModelForCausalLM.from_pretrained(
        model, attn_implementation="eager", trust_remote_code=False
    )
    tokenizer = transformers.AutoTokenizer.from_pretrained(model, trust_remote_code=False)
    ids = tokenizer(TEXT, return_tensors="pt")
    assert len(data["tokens"]) == ids["input_ids"].shape[1]
    with torch.no_grad():
        expected = reference(**ids, output_attentions=True).attentions[1][0, 2]
    assert torch.allclose(torch.tensor(data["attention"]), expected, atol=1e-6)
    code, out, _ = _run(capsys, "inspect", "attention", "--model", model, "--json", TEXT)
    mean = json.loads(out)
    assert mean["head"] is None and mean["layer"] == 0
    assert all(math.isclose(sum(row), 1, abs_tol=1e-5) for row in mean["attention"])


def test_attention_heatmap_text(capsys, inspect_models: InspectModels) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(
        capsys, "--lang", "en", "inspect", "attention", "--model", str(inspect_models.bert), TEXT
    )
    assert code == 0
    assert "layer 0, mean over heads" in out
    assert "[CLS]" in out and "[SEP]" in out and "首都" in out


def test_logit_lens_json(capsys, inspect_models: InspectModels) -> None:  # type: ignore[no-untyped-def]
    model = str(inspect_models.llama)
    code, out, err = _run(
        capsys, "inspect", "logit-lens", "--model", model, "--top", "3", "--json", TEXT
    )
    assert code == 0, err
    data = json.loads(out)
    assert [entry["layer"] for entry in data["layers"]] == [0, 1, "output"]
    for entry in data["layers"]:
        assert len(entry["top"]) == len(data["tokens"])
        for position in entry["top"]:
            assert len(position) == 3 and set(position[0]) == {"token", "id", "prob"}
            probs = [guess["prob"] for guess in position]
            assert probs == sorted(probs, reverse=True)
    code, out, _ = _run(capsys, "--lang", "en", "inspect", "logit-lens", "--model", model, TEXT)
    assert code == 0 and "output" in out


def test_positions_json(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(capsys, "inspect", "positions", "--length", "5", "--dims", "6", "--json")
    assert code == 0
    encoding = json.loads(out)["encoding"]
    assert len(encoding) == 5 and all(len(row) == 6 for row in encoding)
    assert math.isclose(encoding[3][4], math.sin(3 / 10000 ** (4 / 6)), rel_tol=1e-12)
    assert math.isclose(encoding[3][5], math.cos(3 / 10000 ** (4 / 6)), rel_tol=1e-12)
    code, out, _ = _run(capsys, "--lang", "en", "inspect", "positions", "--length", "3")
    assert code == 0 and "sin(pos/10000^(2i/d))" in out


def test_embeddings(capsys, inspect_models: InspectModels) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(
        capsys,
        "inspect",
        "embeddings",
        "--model",
        str(inspect_models.bert),
        "--top",
        "3",
        "--json",
        TEXT,
    )
    assert code == 0
    data = json.loads(out)
    assert data["tokens"][0] == "[CLS]" and data["position"] == 1 and len(data["nearest"]) == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["inspect", "attention", "--layer", "7", "TEXT"], "there is no layer 7 (0 to 2)"),
        (["inspect", "attention", "--head", "-1", "TEXT"], "there is no head -1 (0 to 3)"),
        (["inspect", "attention", "  "], "the text is empty"),
        (["inspect", "logit-lens", "--top", "0", "TEXT"], "--top must be 1 or more"),
        (["inspect", "positions", "--dims", "1"], "dimensions 1 is out of range"),
        (["inspect", "embeddings", "--position", "99", "TEXT"], "there is no position 99"),
    ],
)
def test_errors_are_one_line(capsys, inspect_models: InspectModels, argv, message) -> None:  # type: ignore[no-untyped-def]
    if argv[1] != "positions":
        argv = [*argv[:2], "--model", str(inspect_models.gpt2), *argv[2:]]
    code, out, err = _run(capsys, "--lang", "en", *argv)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_encoder_logit_lens_and_missing_model(
    capsys, inspect_models: InspectModels, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    code, _, err = _run(capsys, "inspect", "logit-lens", "--model", str(inspect_models.bert), "x")
    assert code == 1 and "エンコーダ" in err and err.count("\n") == 1
    code, _, err = _run(
        capsys, "--lang", "en", "inspect", "attention", "--model", "nobody/none", "x"
    )
    assert code == 1 and "nobody/none" in err and err.count("\n") == 1
    code, _, err = _run(
        capsys, "--lang", "en", "inspect", "attention", "--model", str(tmp_path / "a.gguf"), "x"
    )
    assert code == 1 and "no such .gguf file" in err


def test_usage_errors_exit_2(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        main(["inspect", "attention", "--layer", "one", "x"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["inspect"])
    assert exit_info.value.code == 2
