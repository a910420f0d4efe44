"""The scorecard: every claim the book checks, its paper's number, ours, and a computed verdict.

A chapter declares a claim next to the rule that judges it::

    @claim("bsf94.fig2b", chapter="minimal_task", paper="BSF94", artifact="Fig. 2b",
           statement="When T becomes large it is extremely difficult to attain convergence.",
           paper_value="convergence frequency falls from ~1 at T=2 to ~0 by T~20")
    def _(ours):
        '''reproduced when the rate at the largest T is below 0.1 and at the smallest above 0.9.'''
        return REPRODUCED if ours["rate_long"] < 0.1 and ours["rate_short"] > 0.9 else PARTLY

The docstring *is* the rule shown in the scorecard.  In its notebook the chapter then calls
:meth:`ChapterCard.check` with our numbers and the scale they ran at; :meth:`ChapterCard.show`
prints the chapter's table and, when ``LONGDEPS_RECORD_DIR`` is set (``make regenerate`` sets it),
writes ``<chapter>.json`` there.  The Scorecard chapter reads those committed files, so it does not
depend on the order in which notebooks run; a test checks each file against its notebook's output.
Nobody types a verdict.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

REPRODUCED = "reproduced"
PARTLY = "partly"
NOT_REPRODUCED = "not reproduced"
NOT_RUN = "not run"
VERDICTS = (REPRODUCED, PARTLY, NOT_REPRODUCED, NOT_RUN)

PAPERS = {
    "BSF94": "Bengio, Simard & Frasconi 1994, Learning long-term dependencies with gradient descent "
    "is difficult",
    "BF94": "Bengio & Frasconi 1994, Credit assignment through time",
    "HBFS01": "Hochreiter, Bengio, Frasconi & Schmidhuber 2001, Gradient flow in recurrent nets",
    "MS20": "Manchev & Spratling 2020, Target propagation in recurrent neural networks",
}

Rule = Callable[[dict], str]


@dataclass(frozen=True)
class Claim:
    id: str
    chapter: str
    paper: str
    artifact: str
    statement: str
    paper_value: str
    rule: str
    judge: Rule


REGISTRY: dict[str, Claim] = {}


def claim(id: str, *, chapter: str, paper: str, artifact: str, statement: str, paper_value: str):
    """Register the decorated function as the verdict rule of claim ``id`` (its docstring is the rule)."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; known: {', '.join(PAPERS)}")

    def register(judge: Rule) -> Rule:
        if id in REGISTRY and REGISTRY[id].judge.__qualname__ != judge.__qualname__:
            raise ValueError(f"claim {id!r} is registered twice")
        rule = " ".join((judge.__doc__ or "").split())
        if not rule:
            raise ValueError(f"claim {id!r}: its rule function needs a docstring stating the rule")
        REGISTRY[id] = Claim(id, chapter, paper, artifact, statement, paper_value, rule, judge)
        return judge

    return register


def load_all() -> dict[str, Claim]:
    """Import every experiment module (which registers its claims) and return the registry."""
    from . import experiments

    experiments.load_all()
    return REGISTRY


def format_value(v) -> str:
    """Numbers as printed in the scorecard: 3 significant digits, deterministic."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        return f"{v:.3g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(format_value(x) for x in v) + "]"
    return str(v)


def _plain(v):
    """numpy scalars and arrays to plain Python, for JSON and for rules."""
    if hasattr(v, "tolist"):
        return v.tolist()
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


@dataclass
class Result:
    id: str
    paper: str
    artifact: str
    statement: str
    paper_value: str
    ours: str
    scale: str
    verdict: str
    rule: str
    values: dict | None = None  # our numbers as the rule saw them (a test re-judges them)


class ChapterCard:
    """The claims one chapter checks, in the order it checks them."""

    def __init__(self, chapter: str, profile: str):
        from .profiles import check_profile

        self.chapter = chapter
        self.profile = check_profile(profile)
        self.results: list[Result] = []

    def check(self, claim_id: str, ours: dict, scale: str) -> str:
        """Judge ``claim_id`` on our numbers ``ours`` (run at ``scale``); return and keep the verdict."""
        if claim_id not in REGISTRY:
            raise KeyError(f"unknown claim {claim_id!r}; registered: {', '.join(sorted(REGISTRY))}")
        c = REGISTRY[claim_id]
        if c.chapter != self.chapter:
            raise ValueError(f"claim {claim_id!r} belongs to chapter {c.chapter!r}, not {self.chapter!r}")
        ours = _plain(ours)
        verdict = c.judge(ours)
        if verdict not in VERDICTS:
            raise ValueError(f"rule of {claim_id!r} returned {verdict!r}; expected one of {VERDICTS}")
        text = "; ".join(f"{k} = {format_value(v)}" for k, v in ours.items())
        self.results = [r for r in self.results if r.id != claim_id]
        self.results.append(
            Result(c.id, c.paper, c.artifact, c.statement, c.paper_value, text, scale, verdict, c.rule, ours)
        )
        return verdict

    def table(self) -> str:
        """The chapter's claims as plain text (what nbval compares and the scorecard test finds)."""
        return format_table(self.results)

    def show(self) -> None:
        print(self.table())
        folder = os.environ.get("LONGDEPS_RECORD_DIR")
        if folder:
            self.save(Path(folder))

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.chapter}.json"
        payload = {
            "chapter": self.chapter,
            "profile": self.profile,
            "claims": [asdict(r) for r in self.results],
        }
        path.write_text(json.dumps(payload, indent=1) + "\n")
        return path


def format_table(results: list[Result]) -> str:
    lines = []
    for r in results:
        lines.append(f"[{r.verdict}] {r.paper} {r.artifact} ({r.id})")
        lines.append(f"    paper: {r.paper_value}")
        lines.append(f"    ours:  {r.ours}")
        lines.append(f"    scale: {r.scale}")
    return "\n".join(lines)


def load_results(folder: Path) -> dict[str, dict]:
    """Every recorded chapter file in ``folder``: chapter -> its JSON payload."""
    out = {}
    for path in sorted(Path(folder).glob("*.json")):
        payload = json.loads(path.read_text())
        out[payload["chapter"]] = payload
    return out


def scorecard_rows(folder: Path) -> list[dict]:
    """All registered claims, with recorded results where a chapter has them, else ``not run``."""
    registry = load_all()
    recorded = {c["id"]: c for p in load_results(folder).values() for c in p["claims"]}
    rows = []
    for cid, c in registry.items():
        r = recorded.get(cid)
        rows.append(
            {
                "paper": c.paper,
                "artifact": c.artifact,
                "id": cid,
                "chapter": c.chapter,
                "statement": c.statement,
                "paper_value": c.paper_value,
                "ours": r["ours"] if r else "",
                "scale": r["scale"] if r else "",
                "verdict": r["verdict"] if r else NOT_RUN,
                "rule": c.rule,
            }
        )
    for cid, r in recorded.items():  # recorded but no longer registered: show, never hide
        if cid not in registry:
            rows.append({**r, "chapter": "?", "verdict": r["verdict"] + " (claim removed)"})
    order = list(PAPERS)
    rows.sort(key=lambda row: (order.index(row["paper"]) if row["paper"] in order else 99, row["id"]))
    return rows


def verdict_counts(rows: list[dict]) -> dict[str, int]:
    counts = {v: 0 for v in VERDICTS}
    for row in rows:
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
    return counts


def scorecard_table(rows: list[dict]):
    """All claims as one table, grouped by paper (a heading row per paper)."""
    from .tables import Table

    body, groups, current = [], [], None
    for row in rows:
        if row["paper"] != current:
            current = row["paper"]
            groups.append((len(body), PAPERS.get(current, current)))
        body.append(
            [
                row["artifact"],
                row["verdict"],
                row["statement"],
                row["paper_value"],
                row["ours"] or "-",
                row["scale"] or "-",
                row["rule"],
            ]
        )
    headers = ["artifact", "verdict", "claim", "paper", "ours", "scale", "verdict rule"]
    classes = ["artifact", "verdict", "claim", "paper", "ours", "scale", "rule"]
    return Table(headers, body, groups=groups, classes=classes)


def counts_table(rows: list[dict]):
    """How many claims have each verdict, per paper and in all."""
    from .tables import Table

    papers = [p for p in PAPERS if any(r["paper"] == p for r in rows)]
    body = []
    for p in [*papers, None]:
        sel = [r for r in rows if p is None or r["paper"] == p]
        c = verdict_counts(sel)
        body.append([p or "all", *[c[v] for v in VERDICTS], len(sel)])
    return Table(["paper", *VERDICTS, "claims"], body)
