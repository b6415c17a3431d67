"""One task's panel: model card, inputs, decoding options, status line and the result picture."""

from __future__ import annotations

import math
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Select, Static, TextArea

from studyllm_tui.core.i18n import language, t
from studyllm_tui.core.models.registry import TASKS
from studyllm_tui.core.models.task_options import (
    POOLINGS,
    SUMMARY_PRESET_IDS,
    default_of,
    options_of,
    preset_mode,
    summary_preset,
)
from studyllm_tui.core.safetext import visible
from studyllm_tui.ui.tasks import render
from studyllm_tui.ui.textarea import SafeTextArea

# A field is its label, one cell, and a 10-cell number box; one cell between columns (tasks.tcss).
FIELD_EXTRA = 1 + 10
GUTTER = 1


class FieldGrid(Container):
    """Option fields in a grid with as many columns as fit the width: a row of five fields is
    wider than the panel at 80 columns, and Textual's rows do not wrap by themselves."""

    def __init__(self, widths: list[int], *, classes: str = "") -> None:
        super().__init__(classes=f"task-fields {classes}")
        self.widths = widths

    def fit(self, room: int) -> None:
        room -= self.styles.gutter.width  # its own padding
        self.styles.grid_size_columns = columns_that_fit(self.widths, room)


def columns_that_fit(widths: list[int], room: int, gutter: int = GUTTER) -> int:
    """The most columns for fields of ``widths`` (in order, row by row) whose widest cell per
    column, with ``gutter`` cells between columns, still fit in ``room`` cells; at least one."""
    for columns in range(len(widths), 1, -1):
        need = sum(max(widths[c::columns]) for c in range(columns)) + gutter * (columns - 1)
        if need <= room:
            return columns
    return 1


class TaskPanel(VerticalScroll):
    """Model card, inputs, options, the run key, status and result of one task, stacked.

    One column that scrolls as a whole: at 80x24 nothing is squeezed beside anything else or
    clipped, and a new status or result is scrolled into view.
    """

    def __init__(self, task: str, model_id: str, cached: bool) -> None:
        super().__init__(id=f"panel-{task}", classes="task-panel")
        self.task_id = task
        self.spec = TASKS[task]
        self.model_id = model_id
        self.cached = cached
        self.last_result: Any = None
        self.streamed = Text()

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="card-box", classes="task-card"):
            yield Static(self.card(), id="card")
        examples = list(self.spec.examples)
        if self.task_id == "embed":
            yield Label(t("tasks.in_sentences"))
            yield SafeTextArea("\n".join(examples), id="in-0", classes="task-input tall")
        else:
            for index, name in enumerate(self.spec.input_names):
                yield Label(t(f"tasks.in_{name}"))
                text = examples[index] if index < len(examples) else ""
                tall = "tall" if name in ("article", "text", "prompt") else ""
                yield SafeTextArea(text, id=f"in-{index}", classes=f"task-input {tall}")
        yield from self.compose_options()
        with Horizontal(classes="task-run-row"):
            yield Button(t("tasks.run_button"), id="run", variant="primary", compact=True)
            yield ProgressBar(id="progress", show_eta=False, total=100)  # idle: still
        yield Static(Text(t("tasks.status_idle")), id="status", classes="task-status")
        with Vertical(id="result-scroll", classes="task-result"):
            yield Static(id="notice", classes="task-notice")
            yield Static(id="result")
            yield Static(id="extra")

    def compose_options(self) -> ComposeResult:
        """The task's options (core.models.task_options), with the defaults a CLI run uses."""
        task = self.task_id
        if task == "embed":
            with Horizontal(classes="task-options"):
                yield Label(t("tasks.pooling"))
                yield Select(
                    [(t(f"tasks.pooling_{name}"), name) for name in POOLINGS],
                    value=default_of(task, "pooling"),
                    allow_blank=False,
                    id="opt-pooling",
                )
        elif task == "ner":
            with Horizontal(classes="task-options"):
                yield Checkbox(t("tasks.show_bio"), id="opt-bio")
        elif task == "fill-mask":
            with Horizontal(classes="task-options"):
                yield Label("top-k")
                top_k = str(default_of(task, "top_k"))
                yield Input(top_k, id="opt-top_k", type="integer", classes="num")
        elif task == "summarize":
            with Horizontal(classes="task-options"):
                yield Label(t("tasks.preset"))
                yield Select(
                    [(t(f"tasks.preset_{p.replace('-', '_')}"), p) for p in SUMMARY_PRESET_IDS],
                    value=default_of(task, "preset"),
                    allow_blank=False,
                    id="opt-preset",
                )
            yield from self._number_inputs(
                "num_beams", "temperature", "top_k", "top_p",
                "no_repeat_ngram_size", "min_new_tokens", "max_new_tokens", "seed",
            )  # fmt: skip
        elif task == "generate":
            yield from self._number_inputs(
                "temperature", "top_k", "top_p", "max_new_tokens", "seed"
            )

    def _number_inputs(self, *names: str) -> ComposeResult:
        """Labelled number fields in rows as wide as the panel allows (:class:`FieldGrid`)."""
        with FieldGrid([cell_len(name) + FIELD_EXTRA for name in names], classes="task-options"):
            for name in names:
                with Horizontal(classes="task-field"):
                    yield Label(name)
                    default = str(default_of(self.task_id, name))
                    yield Input(default, id=f"opt-{name}", type="number", classes="num")

    def on_resize(self) -> None:
        room = self.scrollable_content_region.width
        for grid in self.query(FieldGrid):
            grid.fit(room)

    # -- content ----------------------------------------------------------------------------

    def card(self) -> Text:
        from studyllm_tui.core.hub import format_bytes

        lang = language()
        spec = self.spec
        out = Text()
        out.append(spec.text("title", lang), style="bold")
        out.append(f"   {t('tasks.book')} {spec.book}\n" if spec.book else "\n", style="dim")
        out.append(f"{t('tasks.model')}: ", style="bold")
        out.append(visible(self.model_id, keep_newlines=False))
        if self.model_id == spec.model:
            size = format_bytes(spec.size_bytes)
            out.append(f"  ({spec.params} params, {size}, {spec.licence})", style="dim")
        from studyllm_tui.core.models.card import availability, describe_gguf

        state = availability(self.model_id)
        on_disk = self.cached or state.on_disk
        shown = t("hub.state_cached") if self.cached and not state.on_disk else state.text
        out.append(f"  [{shown}]\n", style="green" if on_disk else "yellow")
        gguf = describe_gguf(self.model_id)
        if gguf:
            out.append(gguf + "\n", style="dim")
        if on_disk and _pickle_only(self.model_id):
            out.append(f"{t('tasks.pickle_only')}\n", style="yellow")
        out.append(f"{t('tasks.how_to_read')}: ", style="bold")
        out.append(spec.text("how_to_read", lang))
        return out

    def inputs(self) -> list[str]:
        areas = list(self.query(".task-input").results(TextArea))
        if self.task_id == "embed":
            return [line for line in areas[0].text.splitlines() if line.strip()]
        return [area.text for area in areas]

    def options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        whole_numbers = {o.name for o in options_of(self.task_id) if o.kind is int}
        for widget in self.query(Input):
            if widget.id and widget.id.startswith("opt-") and widget.value.strip():
                name = widget.id[4:]
                try:
                    value = float(widget.value)
                except ValueError:
                    continue
                whole = name in whole_numbers and math.isfinite(value)
                options[name] = int(value) if whole else value  # inf/nan: out_of_range says so
        for select in self.query(Select):
            if select.id and select.id.startswith("opt-") and isinstance(select.value, str):
                options[select.id[4:]] = select.value
        if self.task_id == "summarize":
            preset = options.get("preset", default_of("summarize", "preset"))
            options["mode"] = preset_mode(str(preset))
        return options

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "opt-preset" or not isinstance(event.value, str):
            return
        preset = summary_preset(event.value)
        if preset is None:
            return
        reset = ("temperature", "top_k", "top_p", "no_repeat_ngram_size")
        defaults = {name: default_of("summarize", name) for name in reset}
        for name, value in {**defaults, **preset.options}.items():
            if name == "mode":
                continue
            for widget in self.query(f"#opt-{name}").results(Input):
                widget.value = str(value)

    def set_status(self, text: str, fraction: float | None = None, busy: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(Text(visible(text)))
        if self.is_mounted and self.display:
            self.call_after_refresh(self._scroll_to_output)
        bar = self.query_one("#progress", ProgressBar)
        if fraction is not None:
            bar.update(total=100, progress=fraction * 100)
        elif busy:
            bar.update(total=None)
        else:
            bar.update(total=100, progress=100 if self.last_result is not None else 0)

    def _scroll_to_output(self) -> None:
        """Bring the status line and as much of the result as fits into view."""
        result = self.query_one("#result-scroll")
        self.scroll_to_widget(result, animate=False, top=False)
        self.scroll_to_widget(self.query_one("#status"), animate=False, top=True)

    def set_notice(self, text: str) -> None:
        self.query_one("#notice", Static).update(Text(text, style="bold yellow") if text else "")

    def show_result(self, result: Any, inputs: list[str]) -> None:
        self.last_result = result
        self.set_notice(t("tasks.truncated") if getattr(result, "truncated", False) else "")
        main = self.query_one("#result", Static)
        extra = self.query_one("#extra", Static)
        extra.update("")
        if self.task_id in ("sentiment", "nli"):
            out = Text()
            out.append(f"{t('tasks.prediction')}: ", style="bold")
            out.append(visible(result.label, keep_newlines=False) + "\n\n", style="bold green")
            out.append_text(render.probability_bars(result.scores, result.label))
            main.update(out)
        elif self.task_id == "sts":
            main.update(render.gauge(result.score))
        elif self.task_id == "embed":
            out = Text(
                t("tasks.heatmap_title", pooling=result.pooling, dim=result.dimensions) + "\n\n"
            )
            out.append_text(render.heatmap(result.similarity, [s for s in inputs if s.strip()]))
            main.update(out)
        elif self.task_id == "ner":
            out = render.highlighted_entities(result.text, result.entities)
            out.append("\n\n")
            out.append_text(render.entity_legend(result.entities))
            out.append("\n\n")
            out.append_text(render.entity_list(result.entities))
            main.update(out)
            self.show_bio()
        elif self.task_id in ("summarize", "generate"):
            main.update(Text(visible(result.text) if result.text else t("tasks.empty_output")))
        elif self.task_id == "fill-mask":
            main.update(render.fill_candidates(result.candidates))

    def show_bio(self) -> None:
        extra = self.query_one("#extra", Static)
        boxes = list(self.query("#opt-bio").results(Checkbox))
        if self.last_result is not None and boxes and boxes[0].value:
            extra.update(render.bio_table(self.last_result.tokens))
        else:
            extra.update("")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "opt-bio":
            self.show_bio()

    def start_stream(self) -> None:
        self.query_one("#result", Static).update("")
        self.query_one("#extra", Static).update("")
        self.streamed = Text()

    def show_step(self, step: Any, temperature: float) -> None:
        self.streamed.append(visible(step.text))
        self.query_one("#result", Static).update(self.streamed)
        if step.candidates:
            title = Text(t("tasks.next_token_title", step=step.index + 1) + "\n", style="bold")
            title.append_text(render.next_token_table(step.candidates, temperature, step.token_id))
            self.query_one("#extra", Static).update(title)


def _pickle_only(model_id: str) -> bool:
    """Whether the model on disk has only pickle weights (pytorch_model.bin, no safetensors)."""
    from studyllm_tui.core.models.source import local_folder, weights_format

    folder = local_folder(model_id)
    return folder is not None and weights_format(folder) == "pickle"
