"""A small table that shows as HTML in the book and as aligned text in a terminal or under nbval.

``display(Table(...))`` stores both representations in the notebook: the HTML is what a reader sees,
the text is what nbval compares.
"""

from __future__ import annotations

import html
from collections.abc import Sequence


class Table:
    """``headers``: column names; ``rows``: sequences of cells (str() is applied); ``groups``: optional
    list of (row index, label) giving a full-width group heading before that row; ``classes``: optional
    CSS class per column (a ``verdict`` column also gets ``verdict-<value>`` per cell, for colour)."""

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence],
        caption: str = "",
        groups: Sequence[tuple[int, str]] = (),
        classes: Sequence[str] = (),
    ):
        self.headers = [str(h) for h in headers]
        self.rows = [[str(c) for c in r] for r in rows]
        for r in self.rows:
            if len(r) != len(self.headers):
                raise ValueError(f"row {r!r} has {len(r)} cells; expected {len(self.headers)}")
        self.caption = caption
        self.groups = dict(groups)
        self.classes = list(classes) or [""] * len(self.headers)
        if len(self.classes) != len(self.headers):
            raise ValueError(f"{len(self.classes)} column classes for {len(self.headers)} columns")

    def __repr__(self) -> str:
        widths = [max([len(h)] + [len(r[i]) for r in self.rows]) for i, h in enumerate(self.headers)]
        widths = [min(w, 60) for w in widths]

        def line(cells):
            return " | ".join(c[:60].ljust(w) for c, w in zip(cells, widths)).rstrip()

        out = [self.caption] if self.caption else []
        out += [line(self.headers), "-+-".join("-" * w for w in widths)]
        for i, r in enumerate(self.rows):
            if i in self.groups:
                out.append(f"== {self.groups[i]} ==")
            out.append(line(r))
        return "\n".join(out)

    def _repr_html_(self) -> str:
        esc = html.escape
        parts = ['<table class="longdeps-table">']
        if self.caption:
            parts.append(f"<caption>{esc(self.caption)}</caption>")
        parts.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in self.headers) + "</tr></thead>")
        parts.append("<tbody>")
        for i, r in enumerate(self.rows):
            if i in self.groups:
                parts.append(
                    f'<tr class="group"><th colspan="{len(self.headers)}">{esc(self.groups[i])}</th></tr>'
                )
            parts.append("<tr>" + "".join(self._td(c, cls) for c, cls in zip(r, self.classes)) + "</tr>")
        parts.append("</tbody></table>")
        return "".join(parts)

    @staticmethod
    def _td(text: str, cls: str) -> str:
        if cls == "verdict":
            cls += " verdict-" + "-".join(text.split())
        attr = f' class="{cls}"' if cls else ""
        return f"<td{attr}>{html.escape(text)}</td>"
