"""The tuning tab's form: method, base model, data, hyper-parameters, output folder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from studyllm_tui.core.i18n import t
from studyllm_tui.core.tuning.settings import (
    BOOK,
    CLASSIFY_BASE,
    CPU_DEFAULTS,
    DEFAULT_LORA_R,
    TuneSettings,
)

METHOD_CHOICES = ("classify-full", "classify-lora", "sft", "dpo")
NUMBER_FIELDS = ("lr", "batch", "epochs", "steps", "lora", "maxlen")


def core_method(choice: str) -> str:
    return choice.split("-")[0]


class FormError(ValueError):
    """A field that does not parse; the message is for the status line."""


class TuningForm(VerticalScroll):
    """Everything a run needs, read back by :meth:`settings`."""

    column_names: list[str] = []

    def compose(self) -> ComposeResult:
        yield Label(t("tuning.method"), classes="tuning-label")
        yield Select([(t(f"tuning.method_{c.replace('-', '_')}"), c) for c in METHOD_CHOICES],
                     value="classify-full", allow_blank=False, id="tuning-method", compact=True)
        yield Label(t("tuning.base"), classes="tuning-label")
        yield Input(CLASSIFY_BASE, placeholder=t("tuning.base_placeholder"), id="tuning-base", compact=True)
        yield Label(t("tuning.data"), classes="tuning-label")
        yield Input("bundled", placeholder=t("tuning.data_placeholder"), id="tuning-data", compact=True)
        yield Static("", id="tuning-data-hint", classes="tuning-hint", markup=False)
        with Horizontal(id="tuning-columns", classes="tuning-row"):
            yield Select([], prompt=t("tuning.text_column"), id="tuning-text-col", compact=True)
            yield Select([], prompt=t("tuning.label_column"), id="tuning-label-col", compact=True)
        yield Label(t("tuning.eval_data"), classes="tuning-label")
        yield Input("", placeholder=t("tuning.eval_placeholder"), id="tuning-eval", compact=True)
        yield Label(t("tuning.hyper"), classes="tuning-label")
        for row in (("lr", "batch"), ("epochs", "steps"), ("lora", "maxlen")):
            with Horizontal(classes="tuning-row"):
                for name in row:
                    yield Label(t(f"tuning.field_{name}"), classes="tuning-field-label")
                    yield Input("", id=f"tuning-{name}", classes="tuning-number", compact=True)
        yield Static(t("tuning.book_values", **BOOK), id="tuning-book", classes="tuning-hint")
        yield Checkbox(t("tuning.resume"), id="tuning-resume", compact=True)
        yield Label(t("tuning.out"), classes="tuning-label")
        yield Input("", id="tuning-out", compact=True)
        yield Static("", id="tuning-params", classes="tuning-hint", markup=False)
        with Horizontal(classes="tuning-row tuning-buttons"):
            yield Button(t("tuning.start"), id="tuning-start", variant="primary", compact=True)
            yield Button(t("tuning.count"), id="tuning-count", compact=True)

    def field(self, name: str) -> Input:
        return self.query_one(f"#tuning-{name}", Input)

    @property
    def choice(self) -> str:
        return str(self.query_one("#tuning-method", Select).value)

    def fill_defaults(self, choice: str) -> None:
        """The CPU-friendly defaults of a method in the number fields."""
        method = core_method(choice)
        defaults = CPU_DEFAULTS[method]
        lora = 0 if choice == "classify-full" else DEFAULT_LORA_R
        values = {
            "lr": f"{defaults['lora_lr' if lora else 'lr']:g}", "batch": str(defaults["batch_size"]),
            "epochs": f"{defaults['epochs']:g}", "steps": "", "lora": str(lora),
            "maxlen": str(defaults["max_length"]),
        }
        for name, value in values.items():
            self.field(name).value = value
        self.field("lora").disabled = choice == "classify-full"
        self.query_one("#tuning-columns").display = method == "classify" and bool(self.column_names)
        self.query_one("#tuning-book", Static).update(
            t("tuning.book_values", **BOOK) + "\n" + t(f"tuning.cpu_note_{method}")
        )

    def set_columns(self, names: list[str], text: str | None, label: str | None) -> None:
        self.column_names = names
        self.query_one("#tuning-columns").display = bool(names) and core_method(self.choice) == "classify"
        for widget_id, chosen in (("#tuning-text-col", text), ("#tuning-label-col", label)):
            select = self.query_one(widget_id, Select)
            select.set_options([(name, name) for name in names])
            if chosen in names:
                select.value = chosen

    def inputs(self) -> Iterator[Widget]:
        yield from self.query("Input, Select, Checkbox")

    def _number(self, name: str, kind: Any, low: float, optional: bool = False) -> Any:
        text = self.field(name).value.strip()
        if not text and optional:
            return None
        try:
            value = kind(text)
        except ValueError:
            raise FormError(t("tuning.err_field", field=t(f"tuning.field_{name}"), value=text)) from None
        if value < low:
            raise FormError(t("tuning.err_field", field=t(f"tuning.field_{name}"), value=text))
        return value

    def settings(self) -> TuneSettings:
        choice = self.choice
        method = core_method(choice)
        base = self.field("base").value.strip()
        out = self.field("out").value.strip()
        if not base:
            raise FormError(t("tuning.err_no_base"))
        if not out:
            raise FormError(t("tuning.err_no_out"))
        text_col = self.query_one("#tuning-text-col", Select).value
        label_col = self.query_one("#tuning-label-col", Select).value
        steps = self._number("steps", int, 1, optional=True)
        return TuneSettings(
            method=method, base=base, data=self.field("data").value.strip(), out=out,
            eval_data=self.field("eval").value.strip() or None,
            text_column=text_col if isinstance(text_col, str) else None,
            label_column=label_col if isinstance(label_col, str) else None,
            lora=0 if choice == "classify-full" else self._number("lora", int, 1),
            lr=self._number("lr", float, 1e-9), batch_size=self._number("batch", int, 1),
            epochs=self._number("epochs", float, 0.01), max_steps=steps or -1,
            max_length=self._number("maxlen", int, 8),
            resume=self.query_one("#tuning-resume", Checkbox).value,
        )
