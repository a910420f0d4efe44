"""The scorecard's claims: each one declared once, beside the experiment that computes its numbers.

A claim names the experiment whose result it judges, how to read our numbers off that result, and a
rule that turns the numbers into a verdict; the rule is the decorated function and its docstring *is*
the rule shown in the scorecard::

    @claim("bsf94.toy", of="minimal_task.toy", kind=EXPERIMENT, paper="BSF94", artifact="Fig. 2b",
           statement="When T becomes large it is extremely difficult to attain convergence.",
           paper_value="convergence frequency falls from ~1 at T=2 to ~0 by T~20",
           numbers=lambda r: {"rate_long": r["rate"][-1], "rate_short": r["rate"][0]})
    def _(ours):
        '''reproduced when the rate at the largest T is below 0.1 and at the smallest above 0.9.'''
        return REPRODUCED if ours["rate_long"] < 0.1 and ours["rate_short"] > 0.9 else PARTLY

Two kinds: a **check** is a mathematical identity the code must satisfy (a theorem's bound evaluated
on our numbers); an **experiment** is an empirical statement of the paper that could come out
otherwise.  The scorecard counts them apart.

In its notebook a chapter records each experiment's result once, ``card.record(fig2b, result)``: the
card judges every claim declared ``of`` that experiment (the notebook never retypes a claim id) and
:meth:`ChapterCard.show` prints the chapter's table (claims whose experiment did not run show
``not run``) and, when ``LONGDEPS_RECORD_DIR`` is set (``make regenerate`` sets it), writes
``<chapter>.json`` there; the scorecard chapter (:mod:`longdeps.scorecard`) reads those committed
files.  Nobody types a verdict.

This module imports nothing from the experiments (they import it).
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

CHECK = "check"  # a mathematical identity the code must satisfy
EXPERIMENT = "experiment"  # an empirical statement that could come out otherwise
KINDS = (EXPERIMENT, CHECK)

PAPERS = {
    "BSF94": "Bengio, Simard & Frasconi 1994, Learning long-term dependencies with gradient descent "
    "is difficult",
    "BF94": "Bengio & Frasconi 1994, Credit assignment through time",
    "HBFS01": "Hochreiter, Bengio, Frasconi & Schmidhuber 2001, Gradient flow in recurrent nets",
    "MS20": "Manchev & Spratling 2020, Target propagation in recurrent neural networks",
}

Rule = Callable[[dict], str]
Numbers = Callable[[object], dict]


@dataclass(frozen=True)
class Claim:
    id: str
    chapter: str
    kind: str
    paper: str
    artifact: str
    statement: str
    paper_value: str
    rule: str
    judge: Rule
    experiment: str | None = None  # "<chapter>.<name>" of the experiment whose result it judges
    numbers: Numbers | None = None  # result -> our numbers (the dict the rule judges)


REGISTRY: dict[str, Claim] = {}


def claim(
    id: str,
    *,
    paper: str,
    artifact: str,
    statement: str,
    paper_value: str,
    kind: str = EXPERIMENT,
    of: str | Callable | None = None,
    numbers: Numbers | None = None,
    chapter: str | None = None,
):
    """Register the decorated function as the verdict rule of claim ``id`` (its docstring is the rule).

    ``of``: the experiment (its registered name ``"<chapter>.<name>"`` or the function itself) whose
    result ``numbers(result)`` turns into the dict the rule judges; the chapter is the name's prefix.
    """
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; known: {', '.join(PAPERS)}")
    if kind not in KINDS:
        raise ValueError(f"unknown claim kind {kind!r}; known: {', '.join(KINDS)}")
    experiment = getattr(of, "experiment_name", of)
    if experiment is not None and not isinstance(experiment, str):
        raise ValueError(f"claim {id!r}: of= must be an experiment or its name, got {of!r}")
    if experiment is not None and numbers is None:
        raise ValueError(f"claim {id!r}: of={experiment!r} needs numbers= (result -> dict of our numbers)")
    chapter = chapter or (experiment.split(".")[0] if experiment else None)
    if not chapter:
        raise ValueError(f"claim {id!r}: give of= (an experiment) or chapter=")

    def register(judge: Rule) -> Rule:
        if id in REGISTRY and REGISTRY[id].judge.__qualname__ != judge.__qualname__:
            raise ValueError(f"claim {id!r} is registered twice")
        rule = " ".join((judge.__doc__ or "").split())
        if not rule:
            raise ValueError(f"claim {id!r}: its rule function needs a docstring stating the rule")
        REGISTRY[id] = Claim(
            id, chapter, kind, paper, artifact, statement, paper_value, rule, judge, experiment, numbers
        )
        return judge

    return register


def chapter_claims(chapter: str) -> list[Claim]:
    """The registered claims of ``chapter``, in declaration order."""
    return [c for c in REGISTRY.values() if c.chapter == chapter]


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
    kind: str
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

    def record(self, experiment, result, scale: str | None = None) -> list[str]:
        """Judge every claim declared ``of`` ``experiment`` (a function or its name) on ``result``.

        ``scale`` defaults to the experiment's :func:`longdeps.profiles.scale_note` at this profile.
        Returns the verdicts, in declaration order.
        """
        name = getattr(experiment, "experiment_name", experiment)
        mine = [c for c in REGISTRY.values() if c.experiment == name]
        if not mine:
            raise KeyError(f"no claim is declared of experiment {name!r}")
        if scale is None:
            from .profiles import scale_note

            scale = scale_note(name, self.profile)
        return [self.check(c.id, c.numbers(result), scale) for c in mine]

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
            Result(
                c.id,
                c.kind,
                c.paper,
                c.artifact,
                c.statement,
                c.paper_value,
                text,
                scale,
                verdict,
                c.rule,
                ours,
            )
        )
        return verdict

    def missing(self) -> list[Claim]:
        """The chapter's registered claims not judged yet (their experiment did not run)."""
        done = {r.id for r in self.results}
        return [c for c in chapter_claims(self.chapter) if c.id not in done]

    def table(self) -> str:
        """The chapter's claims as plain text (what nbval compares and the scorecard test finds)."""
        return format_table(self.results)

    def show(self) -> None:
        print(self.table())
        for c in self.missing():
            print(f"[{NOT_RUN}] {c.paper} {c.artifact} ({c.id}): its experiment {c.experiment} did not run")
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
        lines.append(f"[{r.verdict}] {r.kind}: {r.paper} {r.artifact} ({r.id})")
        lines.append(f"    paper: {r.paper_value}")
        lines.append(f"    ours:  {r.ours}")
        lines.append(f"    scale: {r.scale}")
    return "\n".join(lines)
