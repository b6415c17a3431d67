"""The Inside pane: inputs on top, one of five views, a status line with the exact numbers.

All model work runs in workers (group ``inside:<what>``) that report progress and stop on
Escape; the loaded model and the last forward pass are kept, so stepping layers and heads
needs no new computation.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import (
    Button,
    ContentSwitcher,
    DataTable,
    Input,
    Label,
    OptionList,
    ProgressBar,
    Select,
    Static,
)
from textual.worker import Worker, WorkerState

from studyllm_tui.core.i18n import t
from studyllm_tui.core.inspect.loading import DECODER, DEFAULT_ENCODER, default_model
from studyllm_tui.ui.inside import views
from studyllm_tui.ui.inside.heads import HeadsGrid
from studyllm_tui.ui.inside.heatmap import HeatMap
from studyllm_tui.ui.inside.jobs import InsideBase
from studyllm_tui.ui.pane import describe_keys

VIEWS = ("attention", "heads", "logit-lens", "positions", "embeddings")
VIEW_KEYS = {"attention": "a", "heads": "h", "logit-lens": "l", "positions": "p", "embeddings": "e"}
VIEW_TERMS = {  # the glossary term each view illustrates (g opens it)
    "attention": "self-attention",
    "heads": "multi-head-attention",
    "logit-lens": "logits",
    "positions": "positional-encoding",
    "embeddings": "token-embedding",
}
VIEW_TITLES = {
    "attention": "inside.view_attention",
    "heads": "inside.view_heads",
    "logit-lens": "inside.view_lens",
    "positions": "inside.view_positions",
    "embeddings": "inside.view_embeddings",
}


def pane_keys() -> list[BindingType]:
    return [
        Binding("ctrl+enter", "run", t("inside.run"), priority=True, id="inside.run"),
        Binding("ctrl+j", "run", t("inside.run"), show=False, priority=True, id="inside.run_j"),
        Binding("ctrl+n", "next_view", t("inside.next_view"), show=False, priority=True,
                id="inside.next"),
        *(
            Binding(key, f"view('{view}')", t(VIEW_TITLES[view]), show=False, id=f"inside.{view}")
            for view, key in VIEW_KEYS.items()
        ),
        Binding("left_square_bracket", "layer(-1)", t("inside.layer"), show=False,
                id="inside.layer_down"),
        Binding("right_square_bracket", "layer(1)", t("inside.layer"), key_display="[ ]",
                id="inside.layer_up"),
        Binding("comma", "head(-1)", t("inside.head"), show=False, id="inside.head_down"),
        Binding("full_stop", "head(1)", t("inside.head"), key_display=", .", id="inside.head_up"),
        Binding("m", "mean", t("inside.mean"), id="inside.mean"),
        Binding("g", "glossary", t("inside.glossary"), show=False, id="inside.glossary"),
        Binding("v", "toggle_positions", t("inside.toggle_positions"), id="inside.positions"),
    ]  # fmt: skip


class InsidePane(InsideBase):
    HELP_KEY: ClassVar[str] = "inside.help"
    BINDINGS: ClassVar[list[BindingType]] = pane_keys()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        describe_keys(self, pane_keys())

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        config = self.study_app.config
        decoder = default_model(DECODER, config)
        with Horizontal(classes="inside-row"):
            yield Label(t("inside.text"), classes="inside-label")
            yield Input(t("inside.default_text"), id="inside-text", compact=True)
        with Horizontal(classes="inside-row"):
            yield Label(t("inside.model"), classes="inside-label")
            yield Input(
                decoder, placeholder=t("inside.model_placeholder"), id="inside-model", compact=True
            )
            yield Select(
                [
                    (t("inside.pick_decoder", model=decoder), decoder),
                    (t("inside.pick_encoder", model=DEFAULT_ENCODER), DEFAULT_ENCODER),
                ],
                prompt=t("inside.pick_prompt"),
                id="inside-pick",
                compact=True,
            )
            yield Button(t("inside.run_button"), id="inside-run", compact=True)
        yield Static(id="inside-views")
        yield Static(id="inside-title")
        with ContentSwitcher(initial="view-attention", id="inside-switcher"):
            yield HeatMap(id="view-attention")
            yield HeadsGrid(id="view-heads")
            yield DataTable(id="view-logit-lens", cursor_type="cell", zebra_stripes=False)
            with Horizontal(id="view-positions"):
                yield HeatMap(id="positions-map")
                with VerticalScroll(id="positions-side"):
                    yield Static(id="positions-formula", markup=False)
            with Horizontal(id="view-embeddings"):
                yield OptionList(id="embeddings-tokens")
                with VerticalScroll(id="embeddings-side"):
                    yield Static(id="embeddings-result", markup=False)
        with Horizontal(id="inside-statusbar"):
            yield Static(t("inside.status_idle"), id="inside-status", markup=False)
            yield ProgressBar(id="inside-progress", show_eta=False, show_percentage=False)

    def on_mount(self) -> None:
        self.query_one("#inside-progress").display = False
        self.show_view("attention")

    def focus_default(self) -> None:
        self.query_one("#inside-text", Input).focus()

    # -- views ---------------------------------------------------------------------------

    def show_view(self, view: str) -> None:
        self.view = view
        self.query_one("#inside-switcher", ContentSwitcher).current = f"view-{view}"
        bar = Content("  ").join(
            Content.styled(
                f"{VIEW_KEYS[v]} {t(VIEW_TITLES[v])}", "reverse bold" if v == view else ""
            )
            for v in VIEWS
        )
        self.query_one("#inside-views", Static).update(bar)
        self.refresh_bindings()
        if self.ready_text and self.worker_idle():
            self.set_status(self.ready_text)
        self.redraw()
        if view == "logit-lens" and self.run is not None and self.lens is None:
            self.worker = self.compute_lens(self.loaded, self.run_text)
        if view == "positions":
            self.draw_positions()

    def view_widget(self) -> str:
        return {
            "attention": "#view-attention",
            "heads": "#view-heads",
            "logit-lens": "#view-logit-lens",
            "positions": "#positions-map",
            "embeddings": "#embeddings-tokens",
        }[self.view]

    def redraw(self) -> None:
        """Draw the current view from the kept numbers (no model work)."""
        from studyllm_tui.core.inspect.attention import attention_matrix

        title = self.query_one("#inside-title", Static)
        if self.run is None:
            title.update(Content(t("inside.no_run")))
            return
        run = self.run
        which = t("inside.mean") if self.head is None else t("inside.cli_head", head=self.head)
        if self.view == "attention":
            title.update(
                Content(
                    t(
                        "inside.attention_title",
                        layer=self.layer_index,
                        last=run.num_layers - 1,
                        which=which,
                    )
                )
            )
            matrix = attention_matrix(run, self.layer_index, self.head)
            self.query_one(HeatMap).set_data(views.attention_map(matrix, run.tokens, run.causal))
        elif self.view == "heads":
            title.update(
                Content(t("inside.heads_title", layer=self.layer_index, last=run.num_layers - 1))
            )
            maps = [attention_matrix(run, self.layer_index, h) for h in range(run.num_heads)]
            self.query_one(HeadsGrid).set_maps(maps, run.causal, self.head or 0)
            self._heads_status(self.head or 0)
        elif self.view == "logit-lens":
            title.update(Content(t("inside.view_lens") + " · " + t("inside.lens_embeddings")))
        elif self.view == "embeddings":
            title.update(Content(t("inside.embeddings_title")))

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("layer", "mean"):
            return self.run is not None and self.view in ("attention", "heads")
        if action == "head":
            return self.run is not None and self.view == "attention"
        if action == "toggle_positions":
            return self.view == "positions"
        return True

    def action_view(self, view: str) -> None:
        self.show_view(view)
        self.query_one(self.view_widget()).focus()

    def action_next_view(self) -> None:
        self.action_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)])

    def action_layer(self, step: int) -> None:
        if self.run is not None:
            self.layer_index = (self.layer_index + step) % self.run.num_layers
            self.redraw()

    def action_head(self, step: int) -> None:
        if self.run is not None:
            heads = self.run.num_heads
            if self.head is None:
                self.head = 0 if step > 0 else heads - 1
            else:
                self.head = (self.head + step) % heads
            self.redraw()

    def action_mean(self) -> None:
        self.head = None
        self.redraw()

    async def action_glossary(self) -> None:
        """Open the glossary entry of what the current view shows."""
        term = VIEW_TERMS[self.view]
        if self.study_app.glossary.get(term) is not None:
            await self.study_app.open_term(term)

    def action_toggle_positions(self) -> None:
        self.model_positions = not self.model_positions
        self.draw_positions()

    def show_target(self, target: str) -> None:
        _, _, view = target.partition("/")
        if view in VIEWS:
            self.show_view(view)

    def cancel_or_back(self) -> bool:
        if self.worker is not None and self.worker.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        ):
            self.worker.cancel()
            self.set_status(t("inside.status_cancelling"), busy=True)
            return True
        if not isinstance(self.app.focused, Input):
            self.focus_default()
            return True
        return False

    @on(Select.Changed, "#inside-pick")
    def _picked(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#inside-model", Input).value = event.value

    @on(Button.Pressed, "#inside-run")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_run()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()

    def action_run(self) -> None:
        model = self.query_one("#inside-model", Input).value.strip()
        self.set_status(t("inside.stage_resolve"), busy=True)
        self.worker = self.compute(model, self.text)

    # -- cursor read-outs ----------------------------------------------------------------

    @on(HeatMap.CursorMoved)
    def _cursor(self, event: HeatMap.CursorMoved) -> None:
        data = event.heatmap.data
        if not data.values:
            return
        value = event.heatmap.value(event.row, event.col)
        if event.heatmap.id == "view-attention" and self.run is not None:
            tokens = self.run.tokens
            text = t(
                "inside.attention_cell",
                i=event.row,
                source=tokens[event.row],
                j=event.col,
                target=tokens[event.col],
                weight=f"{value:.6f}",
            )
            if event.heatmap.masked(event.row, event.col):
                text += " " + t("inside.attention_masked")
            self.set_status(text)
        elif event.heatmap.id == "positions-map":
            column = getattr(self, "positions_column", "dim")
            name = {"dim": t("inside.dim"), "pair": t("inside.pair")}.get(
                column, t("inside.position")
            )
            self.set_status(
                t(
                    "inside.positions_cell",
                    row=event.row,
                    col_name=name,
                    col=event.col,
                    value=f"{value:.6f}",
                )
            )

    def _heads_status(self, head: int) -> None:
        if self.run is None:
            return
        matrix = self.run.attentions[self.layer_index, head]
        n = matrix.shape[0]
        self_weight = float(matrix.diagonal().mean())
        prev = float(matrix.diagonal(-1).mean()) if n > 1 else 0.0
        first = float(matrix[:, 0].mean())
        self.set_status(
            t("inside.heads_cell", head=head, self_weight=f"{self_weight:.3f}", prev=f"{prev:.3f}",
              first=f"{first:.3f}")
        )  # fmt: skip

    @on(HeadsGrid.HeadPicked)
    def _head_picked(self, event: HeadsGrid.HeadPicked) -> None:
        self.head = event.head
        self._heads_status(event.head)

    @on(HeadsGrid.HeadOpened)
    def _head_opened(self, event: HeadsGrid.HeadOpened) -> None:
        self.head = event.head
        self.action_view("attention")

    @on(DataTable.CellHighlighted, "#view-logit-lens")
    def _lens_cell(self, event: DataTable.CellHighlighted) -> None:
        if self.lens is None:
            return
        row, position = event.coordinate.row, event.coordinate.column
        name, guesses = views.lens_guesses(self.lens, row, position)
        shown = " · ".join(f"{g.token} {g.prob:.4f}" for g in guesses)
        token = self.lens.tokens[position]
        self.set_status(
            t("inside.lens_cell", layer=name, position=position, token=token, guesses=shown)
        )

    @on(OptionList.OptionHighlighted, "#embeddings-tokens")
    def _token_picked(self, event: OptionList.OptionHighlighted) -> None:
        if self.run is not None and self.loaded is not None and event.option.id is not None:
            index = int(event.option.id)
            self.compute_nearest(self.loaded, self.run.tokens[index], self.run.ids[index])

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        group = event.worker.group or ""
        if group.startswith("inside:") and event.state == WorkerState.ERROR:
            self.set_status(t("inside.status_error", message=str(event.worker.error)[:300]))
