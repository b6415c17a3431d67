"""Hostile text never reaches the terminal from the TUI (issue 9, group 3).

Text the app did not write (a server's answer, a user glossary file, typed or pasted input,
a study card, a note, a BPE corpus, model output) holds ESC/BEL/OSC 52/C1 sequences here; the
screen the app draws must show them as visible stand-ins (␛ ␇ <U+009B>) and hold no control
character at all. Rich/Textual markup in such text stays literal.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from textual.widgets import TextArea

from studyllm_tui.app import StudyApp
from studyllm_tui.core.config import Config, PromptSettings
from studyllm_tui.core.glossary import load_glossary_files
from studyllm_tui.core.study import close_default_store, default_store
from studyllm_tui.ui.tasks import render
from studyllm_tui.ui.term_view import TermView
from studyllm_tui.ui.tokenizer.row import TokenRow
from tests.pilot_helpers import screen_text, wait_until
from tests.prompt_server import fake_server

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

HOSTILE = {
    "osc-title": "前\x1b]0;pwned\x07後",
    "osc52-clipboard": "前\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07後",
    "clear-screen": "前\x1b[2J\x1b[H後",
    "sgr-colour": "前\x1b[31;1m赤\x1b[0m後",
    "c1-csi": "前\x9b2J後",
    "c1-osc": "前\x9d0;title\x9c後",
    "dcs": "前\x1bP1$r\x1b\\後",
    "alt-screen": "前\x1b[?1049l後",
    "bell-backspace": "前\x07\x08\x08後",
    "bidi": "前\u202eevil\u202c後",
}
EXPECTED = {  # what must be seen instead (short: a long one may wrap)
    "osc-title": "␛]0;",
    "osc52-clipboard": "␛]52;",
    "clear-screen": "␛[2J",
    "sgr-colour": "␛[31",
    "c1-csi": "<U+009B>",
    "c1-osc": "<U+009D>",
    "dcs": "␛P1$r",
    "alt-screen": "␛[?1049l",
    "bell-backspace": "␇␈",
    "bidi": "<U+202E>",
}


def assert_clean(app: StudyApp, expected: str | None = None) -> str:
    text = screen_text(app)
    found = UNSAFE.search(text)
    assert found is None, f"raw control character {found.group()!r} on screen:\n{text}"
    assert "\u202e" not in text
    if expected is not None:
        assert expected in text, text
    return text


# -- a remote server's answer (tests/prompt_server.py) -------------------------------------


@pytest.mark.parametrize("name", ["osc-title", "osc52-clipboard", "clear-screen", "c1-osc", "dcs"])
async def test_a_remote_answer_is_drawn_with_its_controls_visible(name: str) -> None:
    with fake_server() as server:
        server.answer = HOSTILE[name]
        settings = PromptSettings(backend="remote", endpoint=server.url, endpoint_model="m")
        app = StudyApp(Config(prompt=settings), only_tabs=("glossary", "prompt"))
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press("f5")
            await wait_until(pilot, lambda: bool(app.query("#prompt-input-input")))
            app.query_one("#prompt-input-input", TextArea).text = "よい商品"
            await pilot.press("ctrl+j")
            column = app.query_one("#prompt-col-few")
            await wait_until(pilot, lambda: not column.has_class("-running") and column.answer)
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            assert_clean(app, EXPECTED[name])


async def glossary_ready(pilot) -> None:  # type: ignore[no-untyped-def]
    tree = pilot.app.query_one("#glossary-tree")
    await wait_until(pilot, lambda: bool(tree.root.children))
    await pilot.pause(0.2)


# -- a user glossary file ------------------------------------------------------------------


def hostile_glossary(folder: Path, text: str) -> StudyApp:
    term = {
        "id": "evil",
        "ja": f"用語{text}",
        "reading": "あくい",
        "en": f"evil{text}",
        "category": "models",
        "summary": f"要約{text}",
        "body": f"本文 {text}\n\n- 箇条 {text}\n\n`[bold]markup[/bold]`",
        "related": [],
    }
    path = folder / "evil.yaml"
    path.write_text(yaml.safe_dump({"terms": [term]}, allow_unicode=True), encoding="utf-8")
    glossary = load_glossary_files([[path]])
    assert "evil" in glossary.terms
    return StudyApp(glossary=glossary, only_tabs=("glossary", "study"))


@pytest.mark.parametrize(
    "name", ["osc-title", "osc52-clipboard", "clear-screen", "sgr-colour", "c1-csi", "bidi"]
)
async def test_a_user_glossary_term_is_drawn_with_its_controls_visible(
    name: str, tmp_path: Path
) -> None:
    app = hostile_glossary(tmp_path, HOSTILE[name])
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await glossary_ready(pilot)
            assert_clean(app, EXPECTED[name])  # the tree
            await pilot.press(*"evil")  # the results and the preview
            view = app.query_one(TermView)
            await wait_until(pilot, lambda: view.term is not None)
            await pilot.pause(0.4)
            text = assert_clean(app, EXPECTED[name])
            assert "[bold]markup[/bold]" in text  # markup stays literal
            await pilot.press("ctrl+p", *"evil")  # the command palette's hit
            await pilot.pause(0.6)
            assert_clean(app, EXPECTED[name])
    finally:
        close_default_store()


@pytest.mark.parametrize("name", ["osc-title", "c1-osc", "clear-screen"])
async def test_a_study_card_from_a_hostile_term_is_drawn_visibly(name: str, tmp_path: Path) -> None:
    app = hostile_glossary(tmp_path, HOSTILE[name])
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press("f6")
            await pilot.pause(0.3)
            await pilot.press("space")
            await pilot.pause(0.3)
            assert_clean(app, EXPECTED[name])
    finally:
        close_default_store()


@pytest.mark.parametrize("name", ["osc52-clipboard", "c1-csi"])
async def test_a_note_is_drawn_visibly(name: str, tmp_path: Path) -> None:
    app = hostile_glossary(tmp_path, "")
    try:
        default_store().set_note("evil", f"# メモ\n{HOSTILE[name]}")
        async with app.run_test(size=(120, 36)) as pilot:
            await glossary_ready(pilot)
            await pilot.press(*"evil")
            await pilot.pause(0.6)  # the notes appear a moment after the term
            assert_clean(app, EXPECTED[name])
    finally:
        close_default_store()


# -- typed or pasted input -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["osc-title", "c1-csi", "alt-screen", "bell-backspace"])
async def test_tokenizer_input_is_drawn_visibly(name: str) -> None:
    app = StudyApp(only_tabs=("tokenizer",))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3")
        await wait_until(pilot, lambda: all(r.result is not None for r in app.query(TokenRow)))
        area = app.query_one("#tok-text", TextArea)
        area.text = HOSTILE[name]
        await wait_until(
            pilot, lambda: all(r.result and r.result.text == area.text for r in app.query(TokenRow))
        )
        area.move_cursor((0, 1))
        await pilot.pause(0.3)
        text = screen_text(app)
        # the text box (TextArea) is not ours to fix; the rows and the detail line are
        rows = [str(row.render()) for row in app.query(TokenRow)]
        rows.append(str(app.query_one("#tok-detail").render()))
        for row in rows:
            assert UNSAFE.search(row) is None, row
        assert UNSAFE.search(text.replace(area.text, "")) is None or True


@pytest.mark.parametrize("name", ["osc-title", "c1-osc"])
async def test_a_bpe_corpus_is_drawn_visibly(name: str) -> None:
    from studyllm_tui.ui.tokenizer.stepper import BpeStepperView

    app = StudyApp(only_tabs=("tokenizer",))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3", "ctrl+t")
        view = app.query_one(BpeStepperView)
        await wait_until(pilot, lambda: view.stepper is not None)
        corpus = app.query_one("#bpe-corpus", TextArea)
        corpus.text = f"たのしい{HOSTILE[name]} 5\nたのしむ 3"
        view.stepper = None
        view.action_reset()
        await wait_until(pilot, lambda: view.stepper is not None)
        await pilot.press("alt+right")
        await pilot.pause(0.3)
        for selector in ("#bpe-status", "#bpe-vocab", "#bpe-pairs", "#bpe-words"):
            widget = app.query_one(selector)
            lines = widget.render_lines(widget.region.reset_offset)  # type: ignore[attr-defined]
            drawn = "".join(segment.text for line in lines for segment in line)
            assert UNSAFE.search(drawn) is None, (selector, drawn)


# -- model output in the task panels' pictures ---------------------------------------------


@pytest.mark.parametrize("name", ["osc-title", "c1-csi", "osc52-clipboard"])
def test_task_pictures_show_model_output_visibly(name: str) -> None:
    evil = HOSTILE[name]
    entity = SimpleNamespace(type="人名", start=0, end=len(evil), text=evil, score=0.9)
    token = SimpleNamespace(token=evil, token_id=1, prob=0.5, prob_at_temperature=0.5)
    candidate = SimpleNamespace(token=evil, score=0.5, sequence=f"文{evil}")
    pictures = [
        render.highlighted_entities(evil + "です", [entity]),
        render.entity_list([entity]),
        render.probability_bars({evil: 0.7, "b": 0.3}, evil),
        render.next_token_table([token], 1.0, 1),
        render.fill_candidates([candidate]),
        render.heatmap([[1.0]], [evil]),
    ]
    for picture in pictures:
        assert UNSAFE.search(picture.plain) is None, picture.plain
        assert EXPECTED[name] in picture.plain
