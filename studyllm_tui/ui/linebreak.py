"""Japanese line breaking (禁則処理) for everything the app wraps.

Textual wraps ``Content`` (Static, Label, Markdown, OptionList ...) and Rich wraps ``Text``
with ``rich._wrap.divide_line`` (and TextArea with ``textual._wrap.compute_wrap_offsets``), which breaks only at spaces and folds a run of Japanese
anywhere: lines start with ``。`` or ``）``. There is no setting for it, so :func:`install`
points both modules' name ``divide_line`` at :func:`studyllm_tui.core.textwrap_ja.line_breaks`
(text without Japanese keeps Rich's own function), and TextArea's name likewise. ``tests/test_kinsoku.py`` checks that the
two names are still where this expects them, so a Textual or Rich upgrade that moves them
fails a test instead of silently wrapping the old way.
"""

from __future__ import annotations

from studyllm_tui.core.textwrap_ja import line_breaks

_JAPANESE_FROM = "\u2e80"  # below this, no character is Japanese


def install() -> None:
    """Make Textual and Rich break Japanese lines by the rules; idempotent."""
    import rich._wrap
    import rich.text
    import textual.content
    import textual.document._wrapped_document as wrapped_document

    original = rich._wrap.divide_line

    def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
        if max(text, default=" ") < _JAPANESE_FROM:
            return original(text, width, fold)
        return line_breaks(text, width, fold)

    divide_line.__wrapped__ = original  # type: ignore[attr-defined]
    for module in (textual.content, rich.text):
        if not hasattr(module.divide_line, "__wrapped__"):
            module.divide_line = divide_line  # type: ignore[attr-defined]

    # TextArea's soft wrap (the prompt lab's prompt view, text boxes): the same rules where
    # a line holds Japanese and no tab (tabs keep Textual's own tab-stop arithmetic)
    original_offsets = wrapped_document.compute_wrap_offsets
    if hasattr(original_offsets, "__wrapped__"):
        return

    def compute_wrap_offsets(
        text: str,
        width: int,
        tab_size: int,
        fold: bool = True,
        precomputed_tab_sections: list[tuple[str, int]] | None = None,
    ) -> list[int]:
        if "\t" in text or max(text, default=" ") < _JAPANESE_FROM:
            return original_offsets(text, width, tab_size, fold, precomputed_tab_sections)
        return line_breaks(text, width, fold)

    compute_wrap_offsets.__wrapped__ = original_offsets  # type: ignore[attr-defined]
    wrapped_document.compute_wrap_offsets = compute_wrap_offsets
