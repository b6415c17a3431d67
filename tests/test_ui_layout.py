"""80x24 is a first-class size: keys, tabs, messages and results are whole and on screen."""

from __future__ import annotations

import importlib.machinery
import sys
import types
from pathlib import Path

import pytest
from textual.app import ComposeResult
from textual.widgets import Static, TabbedContent
from textual.widgets._footer import FooterKey

from studyllm_tui.app import StudyApp
from studyllm_tui.core.config import Config
from studyllm_tui.core.glossary import load_glossary_files
from studyllm_tui.core.i18n import set_language, t
from studyllm_tui.ui.pane import Pane
from tests.glossary_fixtures import write_glossary
from tests.pilot_helpers import screen_lines, wait_until

TAB_IDS = ("glossary", "tokenizer", "tasks", "prompt", "study")


def footer_is_whole(app: StudyApp) -> None:
    """Every key the footer shows is on its row whole; the palette key is last."""
    row = screen_lines(app)[-1]
    keys = [key for key in app.query(FooterKey) if key.display]
    assert keys
    for key in keys:
        assert f"{key.key_display} {key.description}" in row, (row, key.description)
    assert row.rstrip().endswith(t("app.palette"))


@pytest.fixture(params=["ja", "en"])
def lang(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    yield request.param
    set_language("ja")


async def test_footer_and_tab_bar_are_whole_on_every_tab_at_80x24(
    lang: str, tmp_path: Path
) -> None:
    glossary = load_glossary_files([[write_glossary(tmp_path)]])
    app = StudyApp(Config(lang=lang), glossary=glossary, only_tabs=TAB_IDS)
    async with app.run_test(size=(80, 24)) as pilot:
        for spec in app.tabs:
            await pilot.press(spec.key)
            await pilot.pause(0.4)
            footer_is_whole(app)
            tab_row = screen_lines(app)[1]
            for other in app.tabs:
                assert t(other.title_key) in tab_row, tab_row


class StubPane(Pane):
    def compose(self) -> ComposeResult:
        yield Static("stub")


@pytest.fixture
def seven_tabs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The F7/F8 tabs (other branches), as stub modules for this test only."""
    for name, cls in (("inside", "InsidePane"), ("tuning", "TuningPane")):
        module = types.ModuleType(f"studyllm_tui.ui.{name}")
        module.__spec__ = importlib.machinery.ModuleSpec(module.__name__, None)
        setattr(module, cls, type(cls, (StubPane,), {}))
        monkeypatch.setitem(sys.modules, module.__name__, module)


@pytest.mark.usefixtures("seven_tabs")
async def test_seven_tabs_fit_at_80_columns_and_keep_their_keys_when_wide(lang: str) -> None:
    app = StudyApp(Config(lang=lang))
    assert len(app.tabs) == 7
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("f8", "f7", "f2"):
            await pilot.press(key)
            await pilot.pause(0.3)
            tab_row = screen_lines(app)[1]
            assert all(t(spec.title_key) in tab_row for spec in app.tabs), tab_row
            footer_is_whole(app)
        await pilot.resize_terminal(160, 48)
        await pilot.pause(0.3)
        tabs = app.query_one("#tabs", TabbedContent)
        assert tabs.get_tab("tuning").label.plain == f"{t('app.tab_tuning')} F8"


async def test_tasks_offline_error_is_whole_beside_input_run_key_and_result() -> None:
    app = StudyApp(only_tabs=("glossary", "tasks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await wait_until(pilot, lambda: bool(app.query("#panel-sentiment #status")))
        await pilot.press("ctrl+j")
        panel = app.query_one("#panel-sentiment")
        status = panel.query_one("#status", Static)
        await wait_until(pilot, lambda: "エラー" in str(status.render()))
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert status.size.width >= 50  # not squeezed beside the run key
        assert app.screen.can_view_entire(status)  # the whole message is on screen
        assert app.screen.can_view_entire(panel.query_one("#run"))
        assert app.screen.can_view_partial(panel.query_one("#result-scroll"))
        assert app.screen.can_view_partial(panel.query_one("#in-0"))


async def test_prompt_status_and_answer_columns_are_whole_at_80x24() -> None:
    app = StudyApp(only_tabs=("glossary", "prompt"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await wait_until(pilot, lambda: bool(app.query("#prompt-input-input")))
        await pilot.press("ctrl+j")  # the input is empty: a message that takes two lines
        status = app.query_one("#prompt-status", Static)
        await wait_until(pilot, lambda: str(status.render()) != "")
        await pilot.pause(0.3)
        assert app.screen.can_view_entire(status)
        assert status.size.height >= 2  # wrapped, not cut to one line
        column = app.query_one("#prompt-col-few")
        assert column.size.width >= 40  # stacked: a model id is not broken in three
        lines = screen_lines(app)
        assert any(t("prompt.mode_few") in line for line in lines)


async def test_mode_select_and_japanese_labels_are_never_half_drawn() -> None:
    app = StudyApp(only_tabs=("glossary", "prompt"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await wait_until(pilot, lambda: bool(app.query("#prompt-input-input")))
        await pilot.pause(0.3)
        text = "\n".join(screen_lines(app))
        assert t("prompt.mode_few") in text
        assert t("app.palette") in text


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_task_option_is_inside_the_panel_with_its_label_drawn(size: tuple[int, int]) -> None:
    # At 80 and 120 columns a row of five option fields ran off the panel's right edge, and at
    # 48 rows every option's label had no line to be drawn on (height 1 minus its top padding).
    from textual.widgets import Input, Label, Select

    from studyllm_tui.core.models.registry import TASKS
    from studyllm_tui.core.models.task_options import options_of

    app = StudyApp(only_tabs=["tasks"])
    async with app.run_test(size=size) as pilot:
        await pilot.press("f4")
        for task in TASKS:
            await app.open_target(f"tasks/{task}")
            await pilot.pause(0.2)
            panel = app.query_one("TasksPane").panel()
            right = panel.scrollable_content_region.right
            for field in panel.query(".task-options Input, .task-options Select"):
                assert field.region.width > 0 and field.region.right <= right, (task, field.id)
            for label in panel.query(".task-options Label").results(Label):
                assert label.content_region.height >= 1 and label.region.right <= right, (task, label)
            for option in options_of(task):  # every option of the table has its field
                assert isinstance(panel.query_one(f"#opt-{option.name}"), (Input, Select))
