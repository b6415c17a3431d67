"""Back/forward history of the terms a person has opened, like a browser's."""

from __future__ import annotations


class History:
    """``visit`` adds a page (dropping any forward pages); ``preview`` replaces the current one.

    Browsing a list shows each highlighted term as a preview, so that arrowing through fifty
    terms does not fill the history; choosing a term (Enter, a link) visits it.
    """

    def __init__(self) -> None:
        self.pages: list[str] = []
        self.position = -1
        self._previewing = False

    @property
    def current(self) -> str | None:
        return self.pages[self.position] if self.position >= 0 else None

    def visit(self, term_id: str) -> None:
        if self._previewing and self.position >= 0:
            self.pages[self.position] = term_id
        elif self.current != term_id:
            del self.pages[self.position + 1 :]
            self.pages.append(term_id)
            self.position = len(self.pages) - 1
        self._previewing = False

    def preview(self, term_id: str) -> None:
        if self.current == term_id:
            return
        if self._previewing and self.position >= 0:
            self.pages[self.position] = term_id
            del self.pages[self.position + 1 :]
            return
        self.visit(term_id)
        self._previewing = True

    def back(self) -> str | None:
        if self.position <= 0:
            return None
        self._previewing = False
        self.position -= 1
        return self.current

    def forward(self) -> str | None:
        if self.position >= len(self.pages) - 1:
            return None
        self._previewing = False
        self.position += 1
        return self.current

    def can_go_back(self) -> bool:
        return self.position > 0

    def can_go_forward(self) -> bool:
        return self.position < len(self.pages) - 1
