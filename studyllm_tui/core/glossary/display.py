"""Glossary Markdown made ready for a terminal.

Textual wraps a run of Japanese as one word, so a space between a Latin word and Japanese
("BERT 系が使う…") ends the line early and leaves "BERT" alone on it. Japanese typography
needs no space there, so for display the space is dropped; code stays exactly as written.
"""

from __future__ import annotations

import re

_CJK = r"\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_HOLE = "\ue000-\uefff"  # private-use characters stand in for inline code while compacting
# Not next to * or _: emphasis closed after punctuation needs the space to stay emphasis.
_SPACE_AFTER_LATIN = re.compile(rf"(?<=[A-Za-z0-9`)\]{_HOLE}]) (?=[{_CJK}])")
_SPACE_BEFORE_LATIN = re.compile(rf"(?<=[{_CJK}]) (?=[A-Za-z0-9`(\[{_HOLE}])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def _compact(text: str) -> str:
    return _SPACE_BEFORE_LATIN.sub("", _SPACE_AFTER_LATIN.sub("", text))


def _compact_line(line: str) -> str:
    """Drop Latin/Japanese spaces of one line; inline code spans are kept as written."""
    spans: list[str] = []

    def hole(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return chr(0xE000 + len(spans) - 1)

    if len(_CODE_SPAN.findall(line)) > 0xFFF or any("\ue000" <= c <= "\uefff" for c in line):
        return line  # private-use characters already there: leave the line alone
    compacted = _compact(_CODE_SPAN.sub(hole, line))
    return "".join(spans[ord(c) - 0xE000] if "\ue000" <= c <= "\uefff" else c for c in compacted)


def compact_cjk_spaces(markdown: str) -> str:
    """``markdown`` with the spaces between Latin words and Japanese removed, for display.

    Fenced and indented code blocks, inline code and the space after a list marker or a
    heading's ``#`` are kept as written. A line that follows a list without indentation starts
    a new paragraph (Markdown would glue it into the last item as a lazy continuation).
    """
    out: list[str] = []
    fence = ""
    in_list = False
    for line in markdown.split("\n"):
        stripped = line.lstrip()
        starts_item = re.match(r"^\s*(?:[-*+]|\d+[.)])\s+", line) is not None
        if not fence and in_list and stripped and not starts_item and line == stripped:
            out.append("")  # a paragraph after a list ends it (not a lazy continuation)
        if not fence:
            in_list = (starts_item or (in_list and line != stripped)) and bool(stripped)
        if fence:
            out.append(line)
            if stripped.startswith(fence):
                fence = ""
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            out.append(line)
            continue
        if line.startswith(("    ", "\t")) and not stripped.startswith(("-", "*", "+")):
            out.append(line)  # an indented code block (or a continuation: harmless to keep)
            continue
        marker = re.match(r"^(\s*(?:[-*+]|\d+[.)]|#{1,6})\s+)", line)
        head = marker.group(1) if marker else ""
        out.append(head + _compact_line(line[len(head) :]))
    return "\n".join(out)
