"""A small table that shows as HTML in the book and as aligned text in a terminal or under nbval.

``display(Table(...))`` stores both representations in the notebook: the HTML is what a reader sees,
the text is what nbval compares (lines longer than 60 characters wrap there).  A cell is a string,
or a :class:`Cell` when its HTML should differ from its text (a link, several lines); a row may carry
:class:`Details`, shown in the book as a collapsible full-width row (``<details>``: works without
JavaScript, and prints) and in the text as indented lines below the row.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """A cell whose text (``\\n`` separates lines) and HTML differ; ``html`` is trusted markup."""

    text: str
    html: str

    @classmethod
    def lines(cls, lines: Sequence[str]) -> Cell:
        """Several short lines: one per line in the text, one ``<span class="line">`` each in HTML."""
        body = "".join(f'<span class="line">{html.escape(line)}</span>' for line in lines)
        return cls("\n".join(lines), body)

    @classmethod
    def link(cls, text: str, href: str | None, title: str = "") -> Cell:
        """``text`` linking to ``href`` in HTML (plain when ``href`` is None); the text form is ``text``."""
        if not href:
            return cls(text, html.escape(text))
        title_attr = f' title="{html.escape(title)}"' if title else ""
        return cls(text, f'<a href="{html.escape(href)}"{title_attr}>{html.escape(text)}</a>')


@dataclass(frozen=True)
class Details:
    """What one click shows below a row: ``summary`` and labelled ``items`` (label, text)."""

    summary: str
    items: Sequence[tuple[str, str]]


WIDTH = 60  # the widest column of the text form; longer lines wrap


def _wrap(line: str) -> list[str]:
    if len(line) <= WIDTH:
        return [line]
    return textwrap.wrap(line, WIDTH, break_on_hyphens=False)


def _text(cell) -> str:
    return cell.text if isinstance(cell, Cell) else str(cell)


def _html(cell) -> str:
    return cell.html if isinstance(cell, Cell) else html.escape(str(cell))


class Table:
    """``headers``: column names; ``rows``: sequences of cells (str or :class:`Cell`); ``groups``:
    optional list of (row index, label) giving a full-width group heading before that row; ``classes``:
    optional CSS class per column (a ``verdict`` column also gets ``verdict-<value>`` per cell, for
    colour); ``details``: optional :class:`Details` (or None) per row; ``css_class``: extra class of
    the ``<table>``."""

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence],
        caption: str = "",
        groups: Sequence[tuple[int, str]] = (),
        classes: Sequence[str] = (),
        details: Sequence[Details | None] = (),
        css_class: str = "",
    ):
        self.headers = [str(h) for h in headers]
        self.cells = [list(r) for r in rows]
        self.rows = [[_text(c) for c in r] for r in self.cells]
        for r in self.rows:
            if len(r) != len(self.headers):
                raise ValueError(f"row {r!r} has {len(r)} cells; expected {len(self.headers)}")
        self.caption = caption
        self.groups = dict(groups)
        self.classes = list(classes) or [""] * len(self.headers)
        if len(self.classes) != len(self.headers):
            raise ValueError(f"{len(self.classes)} column classes for {len(self.headers)} columns")
        self.details = list(details) or [None] * len(self.rows)
        if len(self.details) != len(self.rows):
            raise ValueError(f"{len(self.details)} details for {len(self.rows)} rows")
        self.css_class = css_class

    def __repr__(self) -> str:
        widths = [
            max([len(h)] + [len(line) for r in self.rows for line in r[i].split("\n")])
            for i, h in enumerate(self.headers)
        ]
        widths = [min(w, WIDTH) for w in widths]

        def line(cells):
            return " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

        out = [self.caption] if self.caption else []
        out += [line(self.headers), "-+-".join("-" * w for w in widths)]
        for i, r in enumerate(self.rows):
            if i in self.groups:
                out.append(f"== {self.groups[i]} ==")
            split = [[part for line in c.split("\n") for part in _wrap(line)] for c in r]
            for k in range(max(len(s) for s in split)):
                out.append(line([s[k] if k < len(s) else "" for s in split]))
            if self.details[i] is not None:
                out += [f"    {label}: {text}" for label, text in self.details[i].items]
        return "\n".join(out)

    def _repr_html_(self) -> str:
        esc = html.escape
        cls = " ".join(["longdeps-table", self.css_class]).strip()
        parts = [f'<table class="{cls}">']
        if self.caption:
            parts.append(f"<caption>{esc(self.caption)}</caption>")
        heads = "".join(self._th(h, c) for h, c in zip(self.headers, self.classes))
        parts.append(f"<thead><tr>{heads}</tr></thead>")
        parts.append("<tbody>")
        n = len(self.headers)
        for i, r in enumerate(self.cells):
            if i in self.groups:
                parts.append(f'<tr class="group"><th colspan="{n}">{esc(self.groups[i])}</th></tr>')
            parts.append("<tr>" + "".join(self._td(c, cls) for c, cls in zip(r, self.classes)) + "</tr>")
            d = self.details[i]
            if d is not None:
                items = "".join(f"<dt>{esc(label)}</dt><dd>{esc(text)}</dd>" for label, text in d.items)
                parts.append(
                    f'<tr class="details"><td colspan="{n}"><details><summary>{esc(d.summary)}</summary>'
                    f"<dl>{items}</dl></details></td></tr>"
                )
        parts.append("</tbody></table>")
        return "".join(parts)

    @staticmethod
    def _th(text: str, cls: str) -> str:
        attr = f' class="{cls}"' if cls else ""
        return f"<th{attr}>{html.escape(text)}</th>"

    @staticmethod
    def _td(cell, cls: str) -> str:
        if cls == "verdict":
            cls += " verdict-" + "-".join(_text(cell).split())
        attr = f' class="{cls}"' if cls else ""
        return f"<td{attr}>{_html(cell)}</td>"
