"""The tokenizer lab tab: the live splitter and the BPE / WordPiece stepper."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import TabbedContent, TabPane, TextArea

from studyllm_tui.core.i18n import t
from studyllm_tui.ui.pane import Pane
from studyllm_tui.ui.tokenizer.live import LiveSplitter
from studyllm_tui.ui.tokenizer.stepper import BpeStepperView


class TokenizerLab(Pane):
    """Compare tokenizers as you type; watch BPE and WordPiece learn merges."""

    HELP_KEY = "tokenizer.help"
    BINDINGS = [
        # ctrl+t: a control key types nothing into the text boxes and passes through tmux
        # (alt+1 / alt+2 typed "™" there); priority, so it works while a text box has focus
        Binding(
            "ctrl+t",
            "switch_view",
            t("tokenizer.key_switch_view"),
            priority=True,
            id="tokenizer.switch_view",
        ),
    ]

    def compose(self) -> ComposeResult:
        names = None
        config = getattr(self.app, "config", None)
        if config is not None and config.tokenizers:
            names = list(config.tokenizers)
        with TabbedContent(id="tok-views"):
            with TabPane(t("tokenizer.tab_live"), id="tok-live"):
                yield LiveSplitter(names, id="tok-live-view")
            with TabPane(t("tokenizer.tab_bpe"), id="tok-bpe"):
                yield BpeStepperView(id="tok-bpe-view")

    def action_switch_view(self) -> None:
        active = self.query_one("#tok-views", TabbedContent).active
        self.action_view("tok-bpe" if active == "tok-live" else "tok-live")

    def action_view(self, view: str) -> None:
        self.query_one("#tok-views", TabbedContent).active = view
        self.focus_default()

    def focus_default(self) -> None:
        active = self.query_one("#tok-views", TabbedContent).active
        target = "#tok-text" if active == "tok-live" else "#bpe-corpus"
        self.query_one(target, TextArea).focus()

    def show_target(self, target: str) -> None:
        if target.startswith("bpe") or target.endswith("/bpe"):
            self.action_view("tok-bpe")
        else:
            self.action_view("tok-live")

    def cancel_or_back(self) -> bool:
        if self.query_one(LiveSplitter).cancel_loads():
            return True
        return self.query_one(BpeStepperView).cancel()
