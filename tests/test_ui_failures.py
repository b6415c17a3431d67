"""Every worker failure reaches the screen, in the UI language; none is silent."""

from __future__ import annotations

from textual.widgets import Static

from studyllm_tui.app import StudyApp
from studyllm_tui.core.config import Config
from studyllm_tui.core.i18n import set_language, t
from studyllm_tui.core.jobs import Progress
from studyllm_tui.ui.pane import describe_failure
from studyllm_tui.ui.progress import describe_progress
from tests.pilot_helpers import screen_text, wait_until


def static(app: StudyApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


async def test_evaluate_without_the_model_says_so_in_status_and_view() -> None:
    """ctrl+e with a local model that is not on disk (offline): it used to stay silent."""
    app = StudyApp(only_tabs=("glossary", "prompt"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await wait_until(pilot, lambda: bool(app.query("#prompt-input-input")))
        await pilot.press("ctrl+e")
        await wait_until(
            pilot, lambda: static(app, "#prompt-eval-summary") != t("prompt.eval_hint")
        )
        await app.workers.wait_for_complete()
        summary = static(app, "#prompt-eval-summary")
        status = static(app, "#prompt-status")
        assert summary == status and summary
        # the failure replaced the progress line ("Hub に接続中 …"), and no raw stage name shows
        assert "接続中" not in status and "connect" not in status


async def test_an_unexpected_exception_in_a_task_is_shown_by_class_and_message(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import studyllm_tui.core.models as models

    def broken(_config):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(models, "get_manager", broken)
    app = StudyApp(only_tabs=("glossary", "tasks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await wait_until(pilot, lambda: bool(app.query("#panel-sentiment #status")))
        await pilot.press("ctrl+j")
        await wait_until(pilot, lambda: "boom" in static(app, "#panel-sentiment #status"))
        text = static(app, "#panel-sentiment #status")
        assert (
            "RuntimeError" in text and t("tasks.status_error", message="").split("{")[0][:3] in text
        )
        assert "boom" in screen_text(app)  # on screen at 80x24, not scrolled away


async def test_a_failing_tokenizer_load_is_shown_on_its_row(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import studyllm_tui.ui.tokenizer.live as live

    def broken(name, progress=None, cancel=None):  # type: ignore[no-untyped-def]
        raise KeyError("vocab.json")

    monkeypatch.setattr(live, "load_tokenizer", broken)
    app = StudyApp(only_tabs=("tokenizer",))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await wait_until(pilot, lambda: "KeyError" in str(app.query("TokenRow").first().render()))


def test_progress_stages_are_words_of_the_ui_language() -> None:
    try:
        set_language("ja")
        assert describe_progress(Progress("connect", detail="huggingface.co")) == (
            "Hub に接続中 huggingface.co"
        )
        # loading shows its part, not a percentage (the parts take very different times)
        assert describe_progress(Progress("load", 1, 3, "weights")) == "モデルを読み込み中 重み"
        set_language("en")
        assert describe_progress(Progress("download", 1, 2)) == "Downloading 50%"
        assert describe_progress(Progress("x\x1b[2J")) == "x␛[2J"
    finally:
        set_language("ja")


def test_describe_failure_is_one_visible_line() -> None:
    message = describe_failure(ValueError("first\x1b]0;title\x07\nsecond"))
    assert "\n" not in message and "\x1b" not in message and "ValueError" in message
    assert "␛]0;title␇" in message


async def test_failure_messages_follow_the_language() -> None:
    try:
        app = StudyApp(Config(lang="en"), only_tabs=("glossary",))
        async with app.run_test(size=(80, 24)):
            assert describe_failure(RuntimeError("x")).startswith("The job failed")
    finally:
        set_language("ja")
