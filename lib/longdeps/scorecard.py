"""The scorecard chapter's data: every registered claim with its recorded result, and the tables.

It sits above the experiments (it imports them all to register every claim) and reads the claim
files the chapters recorded (``book/results/<chapter>.json``), so it does not depend on the order in
which notebooks ran.  A claim's kind (check or experiment) comes from the registry, never from the
recorded file, so a file written before kinds existed still counts right.

What the page shows: :func:`headline` (per kind, how many claims have each verdict),
:func:`counts_table` (the same per paper and in all) and :func:`table` (one row per claim, linked to
the chapter section that computes it, with scale and rule one click away).
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path

from docutils.nodes import make_id

from .claims import CHECK, EXPERIMENT, KINDS, NOT_RUN, PAPERS, REPRODUCED, VERDICTS, Claim, format_value

BOOK = Path(__file__).resolve().parents[2] / "book"
KIND_MEANING = {
    EXPERIMENT: "empirical statements of the papers that could come out otherwise",
    CHECK: "mathematical identities the code must satisfy",
}
PLURAL = {EXPERIMENT: "experiments", CHECK: "checks"}


def load_all() -> dict[str, Claim]:
    """Import every experiment module (which registers its claims) and return the registry."""
    from . import experiments
    from .claims import REGISTRY

    experiments.load_all()
    return REGISTRY


def load_results(folder: Path) -> dict[str, dict]:
    """Every recorded chapter file in ``folder``: chapter -> its JSON payload."""
    out = {}
    for path in sorted(Path(folder).glob("*.json")):
        payload = json.loads(path.read_text())
        out[payload["chapter"]] = payload
    return out


def rows(folder: Path, book: Path = BOOK) -> list[dict]:
    """All registered claims, with recorded results where a chapter has them, else ``not run``.

    Each row: kind, paper, artifact, id, chapter, statement, paper_value, ours (the recorded text),
    values (the recorded numbers, or None), scale, verdict, rule, and href (the chapter page with the
    anchor of the section that computes the claim, when one can be derived; None without a page).
    """
    registry = load_all()
    recorded = {c["id"]: c for p in load_results(folder).values() for c in p["claims"]}
    out = []
    for cid, c in registry.items():
        r = recorded.get(cid)
        out.append(
            {
                "kind": c.kind,
                "paper": c.paper,
                "artifact": c.artifact,
                "id": cid,
                "chapter": c.chapter,
                "statement": c.statement,
                "paper_value": c.paper_value,
                "ours": r["ours"] if r else "",
                "values": r.get("values") if r else None,
                "scale": r["scale"] if r else "",
                "verdict": r["verdict"] if r else NOT_RUN,
                "rule": c.rule,
                "href": chapter_link(c, book),
            }
        )
    for cid, r in recorded.items():  # recorded but no longer registered: show, never hide
        if cid not in registry:
            out.append(
                {
                    "kind": r.get("kind", "?"),
                    **{k: r.get(k, "") for k in ("paper", "artifact", "statement", "paper_value")},
                    **{k: r.get(k, "") for k in ("ours", "scale", "rule")},
                    "id": cid,
                    "chapter": "?",
                    "values": r.get("values"),
                    "verdict": r["verdict"] + " (claim removed)",
                    "href": None,
                }
            )
    order = list(PAPERS)
    out.sort(key=lambda row: (order.index(row["paper"]) if row["paper"] in order else 99, row["id"]))
    return out


# --- counts -------------------------------------------------------------------------------------------


def verdict_counts(rows: list[dict]) -> dict[str, int]:
    counts = {v: 0 for v in VERDICTS}
    for row in rows:
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
    return counts


def kind_verdict_counts(rows: list[dict]) -> dict[str, dict[str, int]]:
    """kind -> verdict -> count: checks (identities) and experiments are counted apart."""
    return {k: verdict_counts([r for r in rows if r.get("kind") == k]) for k in KINDS}


class Headline:
    """One line per kind: ``experiments: 9 of 14 reproduced, 3 partly, ...`` (text and HTML)."""

    def __init__(self, rows: list[dict]):
        self.lines = []  # (kind, total, {verdict: count})
        for kind, counts in kind_verdict_counts(rows).items():
            self.lines.append((kind, sum(counts.values()), counts))

    def _sentence(self, kind, total, counts, fmt=lambda n, v: str(n)):
        if not total:
            return f"{PLURAL[kind]} ({KIND_MEANING[kind]}): none yet"
        said = [f"{fmt(counts[REPRODUCED], REPRODUCED)} of {total} {REPRODUCED}"]
        said += [f"{fmt(n, v)} {v}" for v, n in counts.items() if n and v != REPRODUCED]
        return f"{PLURAL[kind]} ({KIND_MEANING[kind]}): " + ", ".join(said)

    def __repr__(self) -> str:
        return "\n".join(self._sentence(*line) for line in self.lines)

    def _repr_html_(self) -> str:
        def fmt(n, v):
            return f'<strong class="verdict-{"-".join(v.split())}">{n}</strong>'

        items = []
        for kind, total, counts in self.lines:
            head, _, rest = self._sentence(kind, total, counts, fmt).partition(": ")
            name, _, meaning = head.partition(" (")
            items.append(
                f'<li><span class="kind">{html.escape(name)}</span> '
                f'<span class="meaning">({html.escape(meaning)}</span>: {rest}</li>'
            )
        return f'<ul class="longdeps-headline">{"".join(items)}</ul>'


def headline(rows: list[dict]) -> Headline:
    """The page's first output: per kind, how many claims have each verdict."""
    return Headline(rows)


def counts_table(rows: list[dict]):
    """How many claims have each verdict, per paper and kind, and in all."""
    from .tables import Table

    papers = [p for p in PAPERS if any(r["paper"] == p for r in rows)]
    papers += sorted({r["paper"] for r in rows} - set(papers))
    body = []
    for p in [*papers, None]:
        sel = [r for r in rows if p is None or r["paper"] == p]
        for kind in [*KINDS, None]:
            if kind is None and p is not None:
                continue  # per paper, the kinds apart; the overall total only in the last row
            mine = [r for r in sel if kind is None or r.get("kind") == kind]
            if kind is not None and not mine:
                continue
            c = verdict_counts(mine)
            body.append([p or "all", PLURAL.get(kind, "both"), *[c[v] for v in VERDICTS], len(mine)])
    classes = ["paper", "kind", *[f"count verdict-{'-'.join(v.split())}" for v in VERDICTS], "count"]
    return Table(["paper", "kind", *VERDICTS, "claims"], body, classes=classes, css_class="counts")


# --- the claims table ---------------------------------------------------------------------------------


def ours_lines(row: dict) -> list[str]:
    """Our numbers as short labelled lines, ``label: value`` (3 significant digits), one per number."""
    values = row.get("values")
    if isinstance(values, dict) and values:
        return [f"{_label(k)}: {format_value(v)}" for k, v in values.items()]
    if not row.get("ours"):
        return ["-"]
    return [part.replace(" = ", ": ", 1) for part in row["ours"].split("; ")]


def _label(key: str) -> str:
    return key.replace("_", " ")


def table(rows: list[dict]):
    """All claims as one table, grouped by paper; scale, rule and claim id one click away per row."""
    from .tables import Cell, Details, Table

    body, groups, details, current = [], [], [], None
    for row in rows:
        if row["paper"] != current:
            current = row["paper"]
            groups.append((len(body), PAPERS.get(current, current)))
        body.append(
            [
                Cell.link(row["artifact"], row.get("href"), title=f"computed in {row['chapter']}"),
                row.get("kind", "?"),
                row["verdict"],
                row["statement"],
                row["paper_value"],
                Cell.lines(ours_lines(row)),
            ]
        )
        details.append(
            Details(
                "scale and rule",
                [
                    ("scale", row["scale"] or "-"),
                    ("rule", row["rule"] or "-"),
                    ("claim", f"{row['id']} (chapter {row['chapter']})"),
                ],
            )
        )
    headers = ["artifact", "kind", "verdict", "claim", "paper", "ours"]
    classes = ["artifact", "kind", "verdict", "claim", "paper", "ours"]
    return Table(headers, body, groups=groups, classes=classes, details=details, css_class="scorecard")


# --- links to the chapter section that computes a claim -----------------------------------------------

_STRONG = [
    ("fig", re.compile(r"\bfig(?:ure)?s?\.?\s*(\d+)\s*\(?([a-z])?\)?(?![a-z])", re.I)),
    ("thm", re.compile(r"\b(?:thm|theorem)s?\.?\s*(\d+)", re.I)),
    ("eq", re.compile(r"\beq(?:uation)?s?\.?\s*\(?(\d+)\)?", re.I)),
    ("lemma", re.compile(r"\b(lemma)\b", re.I)),
]
_SECTION = re.compile(r"\b(?:sec|section)s?\.?\s*([ivx]+|\d+)\b", re.I)
_WORD = re.compile(r"[a-z]{5,}")
_STOP = {"section", "figure", "theorem", "lemma", "table", "appendix", "text", "reading"}
_AUTHOR = {"HBFS01": "hochreiter"}  # a section titled after the paper's first author


def _refs(text: str) -> set[tuple[str, str]]:
    """The paper references in ``text``: ("fig", "2b") and ("fig", "2"), ("thm", "4"), ("sec", "iii")."""
    out = set()
    for kind, pattern in _STRONG:
        for m in pattern.finditer(text):
            groups = [g.lower() for g in m.groups() if g]
            out.add((kind, "".join(groups)))
            if kind == "fig" and len(groups) == 2:
                out.add((kind, groups[0]))
    out |= {("sec", m.group(1).lower()) for m in _SECTION.finditer(text)}
    return out


def _score(c: Claim, heading: str) -> int:
    """How well a section title names claim ``c``: shared figure/theorem/equation/lemma references
    (3 each), words of five letters or more of its artifact or id (2 each), section numbers and the
    paper's first author (1 each)."""
    shared = _refs(c.artifact) & _refs(heading)
    score = sum(1 if kind == "sec" else 3 for kind, _ in shared)
    title = set(_WORD.findall(heading.lower()))
    words = set(_WORD.findall(f"{c.artifact} {c.id}".lower())) - _STOP
    return score + 2 * len(words & title) + (_AUTHOR.get(c.paper) in title)


def headings(page: Path) -> list[str]:
    """The section titles (``#`` to ``####``) of a chapter source, ``.ipynb`` or ``.md``, in order."""
    return list(_headings(page, page.stat().st_mtime_ns))


@functools.lru_cache(maxsize=16)
def _headings(page: Path, mtime_ns: int) -> tuple[str, ...]:  # mtime_ns: re-read an edited page
    if page.suffix == ".ipynb":
        cells = json.loads(page.read_text())["cells"]
        texts = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    else:
        texts = [page.read_text()]
    out = []
    for text in texts:
        fenced = False
        for line in text.splitlines():
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
                continue
            m = re.match(r"(#{1,4})\s+(.*\S)", line)
            if m and not fenced:
                out.append(m.group(2))
    return tuple(out)


def anchor(heading: str) -> str:
    """The HTML id Sphinx gives a section titled ``heading`` (docutils ``make_id`` of its text)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # [text](link) -> text
    return make_id(re.sub(r"[`*$]", "", text))


def chapter_link(c: Claim, book: Path = BOOK) -> str | None:
    """``<chapter>.html#<section>``: the section of claim ``c``'s chapter whose title best names it
    (the first of equals; the page alone when no title does; None when the chapter has no page)."""
    sources = [book / f"{c.chapter}{suffix}" for suffix in (".ipynb", ".md")]
    page = next((p for p in sources if p.exists()), None)
    if page is None:
        return None
    titles = headings(page)[1:]  # the first is the page title
    best = max(((_score(c, t), -i, t) for i, t in enumerate(titles)), default=(0, 0, ""))
    if best[0] < 1:
        return f"{c.chapter}.html"
    return f"{c.chapter}.html#{anchor(best[2])}"
