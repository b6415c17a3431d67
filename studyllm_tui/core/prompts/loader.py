"""Loading prompt-task YAML files (one task per file), one problem per mistake with its line.

The shipped tasks (``studyllm_tui/data/prompts``) are read first; the user's files
(:func:`~studyllm_tui.core.paths.user_prompts_dir`) add tasks or replace shipped ones by ``id``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from studyllm_tui.core import paths, safeyaml
from studyllm_tui.core.files import FileReadError, read_text_file
from studyllm_tui.core.i18n import t
from studyllm_tui.core.layers import merge_layers, yaml_files
from studyllm_tui.core.problems import Problem, yaml_error_line
from studyllm_tui.core.prompts.model import METRICS, Item, PromptLibrary, PromptTask

REQUIRED = ("id", "name", "instruction", "input_format", "answer_prefix", "examples")
OPTIONAL = ("name_en", "description", "fields", "labels", "metric", "max_new_tokens", "stop", "dev")
KNOWN = frozenset((*REQUIRED, *OPTIONAL))
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
MIN_EXAMPLES = 2


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _value(node: yaml.Node) -> Any:
    return safeyaml.construct(node)


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {str(k.value): (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _text_list(value: Any) -> bool:
    return isinstance(value, list) and all(_text(v) for v in value)


class _FileReader:
    def __init__(self, file: Path, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def read(self) -> PromptTask | None:
        try:
            text = read_text_file(self.file)
        except FileReadError as error:
            self.problem(error.line, error.reason)
            return None
        try:
            root = safeyaml.compose(text)
        except yaml.YAMLError as error:
            self.problem(yaml_error_line(error), safeyaml.error_reason(error))
            return None
        if root is None:
            self.problem(0, t("prompt_check.empty_file"))
            return None
        if not isinstance(root, yaml.MappingNode):
            self.problem(_line(root), t("prompt_check.not_a_mapping"))
            return None
        try:
            return self.task(root)
        except yaml.YAMLError as error:  # a value that cannot be built (a 5,000-digit number)
            self.problem(yaml_error_line(error), safeyaml.error_reason(error))
            return None

    def task(self, root: yaml.MappingNode) -> PromptTask | None:
        nodes = _mapping(root)
        for key, (key_node, _) in nodes.items():
            if key not in KNOWN:
                known = ", ".join(sorted(KNOWN))
                self.problem(_line(key_node), t("prompt_check.unknown_field", key=key, known=known))
        values = {key: _value(value) for key, (_, value) in nodes.items() if key in KNOWN}
        lines = {key: _line(value) for key, (_, value) in nodes.items()}
        missing = [
            name for name in REQUIRED if name not in values or values[name] in (None, "", [])
        ]
        if missing:
            self.problem(_line(root), t("prompt_check.missing_fields", fields=", ".join(missing)))
            return None
        ok = True
        task_id = values["id"]
        if not isinstance(task_id, str) or not ID_PATTERN.match(task_id):
            self.problem(lines["id"], t("prompt_check.bad_id", id=task_id))
            return None
        name, name_en = values["name"], values.get("name_en", "")
        if isinstance(name, dict):  # name: {ja: ..., en: ...}
            name, name_en = name.get("ja", ""), name.get("en", name_en)
        for label, value in (("name", name), ("instruction", values["instruction"])):
            if not _text(value):
                self.problem(lines[label], t("prompt_check.not_text", id=task_id, field=label))
                ok = False
        for label in ("input_format", "answer_prefix", "description", "name_en"):
            if label in values and not isinstance(values[label], str):
                self.problem(lines[label], t("prompt_check.not_text", id=task_id, field=label))
                ok = False
        if not ok:
            return None
        field_names = values.get("fields", ["input"])
        if (
            not _text_list(field_names)
            or not field_names
            or len(set(field_names)) != len(field_names)
        ):
            self.problem(lines.get("fields", 0), t("prompt_check.bad_fields", id=task_id))
            return None
        used = PLACEHOLDER.findall(values["input_format"])
        for field_name in field_names:
            if field_name not in used:
                message = t("prompt_check.format_lacks_field", id=task_id, field=field_name)
                self.problem(lines["input_format"], message)
                ok = False
        for field_name in used:
            if field_name not in field_names:
                message = t(
                    "prompt_check.format_unknown_field",
                    id=task_id,
                    field=field_name,
                    known=", ".join(field_names),
                )
                self.problem(lines["input_format"], message)
                ok = False
        labels = values.get("labels") or []
        if not _text_list(labels) or len(set(labels)) != len(labels):
            self.problem(lines.get("labels", 0), t("prompt_check.bad_labels", id=task_id))
            ok = False
            labels = []
        metric = values.get("metric", "label" if labels else "exact")
        if metric not in METRICS:
            message = t("prompt_check.bad_metric", id=task_id, known=", ".join(METRICS))
            self.problem(lines.get("metric", 0), message)
            ok = False
        elif metric == "label" and not labels:
            message = t("prompt_check.label_metric_needs_labels", id=task_id)
            self.problem(lines.get("metric", 0), message)
            ok = False
        max_new = values.get("max_new_tokens", 32)
        if isinstance(max_new, bool) or not isinstance(max_new, int) or not 1 <= max_new <= 1024:
            message = t("prompt_check.bad_max_new_tokens", id=task_id)
            self.problem(lines.get("max_new_tokens", 0), message)
            ok = False
        stop = values.get("stop", ["\n"])
        if not isinstance(stop, list) or not all(isinstance(s, str) and s for s in stop):
            self.problem(lines.get("stop", 0), t("prompt_check.bad_stop", id=task_id))
            ok = False
        examples = self.items(task_id, "examples", nodes["examples"][1], field_names, labels)
        dev = (
            self.items(task_id, "dev", nodes["dev"][1], field_names, labels)
            if "dev" in nodes
            else []
        )
        if examples is None or dev is None or not ok:
            return None
        if len(examples) < MIN_EXAMPLES:
            self.problem(
                lines["examples"],
                t(
                    "prompt_check.too_few_examples",
                    id=task_id,
                    min=MIN_EXAMPLES,
                    count=len(examples),
                ),
            )
            return None
        bank = {tuple(sorted(item.fields.items())) for item in examples}
        for item in dev:
            if tuple(sorted(item.fields.items())) in bank:
                self.problem(item.line, t("prompt_check.dev_in_examples", id=task_id))
        return PromptTask(
            id=task_id,
            name=str(name).strip(),
            name_en=str(name_en or "").strip(),
            instruction=str(values["instruction"]).strip(),
            input_format=values["input_format"],
            answer_prefix=values["answer_prefix"],
            fields=tuple(field_names),
            examples=tuple(examples),
            dev=tuple(dev),
            labels=tuple(labels),
            metric=metric,
            max_new_tokens=max_new,
            stop=tuple(stop),
            description=str(values.get("description", "")).strip(),
            source=self.file,
            line=_line(root),
        )

    def items(
        self, task_id: str, key: str, node: yaml.Node, field_names: list[str], labels: list[str]
    ) -> list[Item] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(_line(node), t("prompt_check.not_a_list", id=task_id, key=key))
            return None
        items: list[Item] = []
        for item_node in node.value:
            line = _line(item_node)
            if not isinstance(item_node, yaml.MappingNode):
                self.problem(line, t("prompt_check.entry_not_mapping", id=task_id, key=key))
                continue
            data = _value(item_node)
            unknown = set(data) - {*field_names, "answer", "also"}
            if unknown:
                keys = ", ".join(sorted(map(str, unknown)))
                message = t("prompt_check.entry_unknown_keys", id=task_id, key=key, keys=keys)
                self.problem(line, message)
            missing = [name for name in (*field_names, "answer") if not _text(data.get(name))]
            if missing:
                lacking = ", ".join(missing)
                message = t("prompt_check.entry_lacks", id=task_id, key=key, fields=lacking)
                self.problem(line, message)
                continue
            answer = str(data["answer"]).strip()
            if labels and answer not in labels:
                message = t(
                    "prompt_check.answer_not_label",
                    id=task_id,
                    answer=answer,
                    labels=", ".join(labels),
                )
                self.problem(line, message)
                continue
            also = data.get("also", [])
            if not isinstance(also, list) or not all(_text(v) for v in also):
                self.problem(line, t("prompt_check.bad_also", id=task_id))
                also = []
            fields = {name: str(data[name]).strip() for name in field_names}
            items.append(Item(fields, answer, tuple(str(v).strip() for v in also), line))
        return items


def load_task_files(layers: Iterable[Iterable[Path]]) -> PromptLibrary:
    """Load layers of files in order; a later layer's task replaces an earlier one's ``id``."""
    library = PromptLibrary()

    def read(file: Path) -> list[PromptTask]:
        task = _FileReader(file, library.problems).read()
        return [] if task is None else [task]

    merge_layers(layers, read, library.tasks, library.files, library.problems)
    library.problems.sort()
    return library


def shipped_prompts_dir() -> Path:
    return paths.package_data_dir("prompts")


def load_prompt_tasks(
    shipped: Path | None = None, user: Path | None = None, include_user: bool = True
) -> PromptLibrary:
    """The shipped prompt tasks plus the user's own (which add or replace tasks)."""
    layers = [yaml_files(shipped or shipped_prompts_dir())]
    if include_user:
        layers.append(yaml_files(user or paths.user_prompts_dir()))
    return load_task_files(layers)
