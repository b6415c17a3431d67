"""YAML for files a person can edit (glossary, prompts, config, the catalogue), in bounded time and memory.

These files need none of YAML's anchors and aliases, and an alias is how a 1 KB file becomes
gigabytes ("billion laughs"): both are refused at the line they appear on. Nesting deeper than
``MAX_DEPTH`` levels and more than ``MAX_NODES`` values are refused too, while parsing, so a
hostile file stops early instead of filling memory; a number or date that cannot be built
(``1`` followed by 5,000 digits, ``2020-99-99``) is reported at its line.

libyaml's C parser (``CParser``) makes the events, PyYAML's composer (with the checks added)
makes the node tree; a text under 256 KB with nothing that could be an anchor in it (the
shipped glossary) is composed by libyaml in C, a little faster, and walked for depth. Use :func:`compose` when line numbers matter, :func:`construct` for
a node's plain value, :func:`load` for plain values, :func:`load_file` to read and load a file.
Every failure is a ``yaml.YAMLError`` with ``problem`` (one line) and ``problem_mark``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from studyllm_tui.core.i18n import t
from studyllm_tui.core.problems import yaml_error_line


class _PyParser(Reader, Scanner, Parser):
    """PyYAML's own parser: used where libyaml is missing (same checks, slower)."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)

    def dispose(self) -> None:
        pass


try:
    from yaml._yaml import CParser as _Parser

    _LIBYAML = True
except ImportError:  # pragma: no cover - libyaml missing
    _Parser = _PyParser  # type: ignore[misc,assignment]
    _LIBYAML = False


MAX_DEPTH = 64
MAX_NODES = 250_000


class _Refused(ComposerError):
    """Our own refusals (alias, anchor, depth, size, a value that cannot be built)."""


class _BadValue(_Refused, ConstructorError):
    pass


class _CheckedComposer(Composer):
    """PyYAML's composer, refusing anchors, aliases, deep nesting and too many nodes."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event: Any = self.peek_event()  # type: ignore[attr-defined]  # from the parser mixed in
        mark: Any = event.start_mark
        if isinstance(event, AliasEvent):
            raise _Refused(None, None, t("files.yaml_alias", name=event.anchor), mark)
        if isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor is not None:
            raise _Refused(None, None, t("files.yaml_anchor", name=event.anchor), mark)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(None, None, t("files.yaml_too_many", limit=f"{MAX_NODES:,}"), mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(None, None, t("files.yaml_too_deep", limit=MAX_DEPTH), mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _CheckedConstructor(SafeConstructor):
    """PyYAML's safe constructor; a value that cannot be built is a marked YAML error."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError, TypeError) as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            mark: Any = node.start_mark
            raise _BadValue(
                None, None, t("files.yaml_bad_value", reason=reason[:120]), mark
            ) from None


class SafeFileLoader(_CheckedComposer, _Parser, _CheckedConstructor, Resolver):
    """The loader for user-editable files (see the module's docstring)."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _CheckedConstructor.__init__(self)
        Resolver.__init__(self)
        _CheckedComposer.__init__(self)


class PySafeFileLoader(_CheckedComposer, _PyParser, _CheckedConstructor, Resolver):
    """The same loader over PyYAML's pure-Python parser (where libyaml is missing; tests)."""

    def __init__(self, stream: str) -> None:
        _PyParser.__init__(self, stream)
        _CheckedConstructor.__init__(self)
        Resolver.__init__(self)
        _CheckedComposer.__init__(self)


_ANCHOR_BEFORE = frozenset(" \t\r\n[{,")
_ANCHOR_NOT_AFTER = frozenset(" \t\r\n[]{},")


def _may_have_anchor(text: str) -> bool:
    """Whether ``text`` holds something that could be an anchor: ``&name`` at the start, after
    blank space, a bracket or a comma. Without one there can be no anchor and no usable alias."""
    at = text.find("&")
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + 1 : at + 2]
        if before in _ANCHOR_BEFORE and after and after not in _ANCHOR_NOT_AFTER:
            return True
        at = text.find("&", at + 1)
    return False


FAST_CHARS = (
    256_000  # up to this size (<= 128k nodes), a text without anchors takes libyaml's C composer
)


def compose(text: str, loader_class: type = SafeFileLoader) -> yaml.Node | None:
    """The node tree of ``text`` (one document), for values with line numbers.

    A text of at most ``FAST_CHARS`` with nothing that could be an anchor is composed by
    libyaml in C (its size bounds the number of nodes), then walked once for depth; any doubt
    and every other text goes through the checked composer, which says exactly what and where.
    """
    if _LIBYAML and loader_class is SafeFileLoader and len(text) <= FAST_CHARS:
        done, node = _fast_compose(text) if not _may_have_anchor(text) else (False, None)
        if done:
            return node
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _fast_compose(text: str) -> tuple[bool, yaml.Node | None]:
    """libyaml's composer, then an iterative walk: ``(False, None)`` when in any doubt."""
    try:
        root: yaml.Node | None = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return False, None  # the checked composer reports it (in the UI language)
    if root is None:
        return True, None
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH or id(node) in seen or len(seen) >= MAX_NODES:
            return False, None
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += ((key, depth + 1), (value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack += ((item, depth + 1) for item in node.value)
    return True, root


def construct(node: yaml.Node) -> Any:
    """The plain value (dicts, lists, strings, numbers ...) of a node from :func:`compose`."""
    return _CheckedConstructor().construct_document(node)


def load(text: str) -> Any:
    """The plain value of ``text``; None for an empty document."""
    node = compose(text)
    return None if node is None else construct(node)


def error_reason(error: yaml.YAMLError) -> str:
    """One line saying what is wrong (without the file and line), in the UI language."""
    problem = getattr(error, "problem", None)
    text = str(problem or error)
    first = text.splitlines()[0] if text else type(error).__name__
    return first if isinstance(error, _Refused) else t("files.yaml_broken", reason=first)


class YamlFileError(ValueError):
    """A YAML file that cannot be used: ``FILE:LINE: reason`` in one line."""

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")


def load_file(path: Path | str, limit: int | None = None) -> Any:
    """Read (bounded, regular files only) and load a YAML file.

    Raises :class:`~studyllm_tui.core.files.FileReadError` or :class:`YamlFileError`.
    """
    from studyllm_tui.core.files import TEXT_LIMIT, read_text_file

    text = read_text_file(path, TEXT_LIMIT if limit is None else limit)
    try:
        return load(text)
    except yaml.YAMLError as error:
        raise YamlFileError(path, yaml_error_line(error), error_reason(error)) from None
