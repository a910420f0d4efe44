"""Bengio & Frasconi 1994 (BF94), Tables 1-4: the 2-sequence and parity problems, every algorithm at
every T, our mean beside the paper's in every cell (the EM row belongs to the EM chapter).

One claim per non-EM cell the paper filled (under the reading of :mod:`.paper`):

* error cells (Tables 1, 3): reproduced when |ours - paper| <= max(10, 2 sqrt(2) SE) percentage
  points, SE our 20-trial standard error: the difference of two 20-trial means, each with about our
  spread, lies within 2 sqrt(2) SE with probability about 0.95; 10 points is the floor for cells whose
  trials all agree (SE = 0) but whose protocol (training-set size, budgets, learning rates: choices the
  paper does not state) differs from the paper's.  Partly within twice that, else not reproduced.
* presentation cells (Tables 2, 4): reproduced within a factor 3 (|log10 ratio| <= 0.5), partly within
  a factor 10.  A mean of 20 heavy-tailed counts, capped by a budget the paper does not state, is
  not known to better than tens of percent; the papers' own comparisons are in orders of magnitude.
  When our runs spent the budget (mean >= 90% of it: our count is only a lower bound) and the paper's
  count is more than 3 times that budget, no outcome of ours could reproduce it and none could refute
  it: the cell is "not run" at this budget (the paper profile's larger budgets can tell).
* a cell our profile did not run is "not run".
"""

from __future__ import annotations

import math

import numpy as np

from ... import claims
from ...profiles import sizes
from .. import experiment
from .common import ALGORITHMS, LABELS
from .grid import run_problem, summary
from .paper import TABLES

ERROR_FLOOR = 10.0  # percentage points
PRESENTATION_FACTOR = 3.0
SPENT = 0.9  # a mean count at or above this fraction of the budget: the runs spent it


@experiment("alternatives.tables")
def tables(profile: str = "book", seed: int = 1994, executor="processes") -> dict:
    """The 2-sequence and parity grids: {"two_sequence": ..., "parity": ...}, each the runner's arrays
    (trials, T, algorithm) plus ``T``, ``budgets`` and the per-cell :func:`~.grid.summary`."""
    s = sizes("alternatives.tables", profile)
    out = {}
    for problem, online in (("two_sequence", s["online_budget"]), ("parity", s["parity_online_budget"])):
        r = run_problem(
            "alternatives.tables", problem, s[f"{problem}_T"], s["trials"], online, s["search_budget"],
            seed, executor,
        )  # fmt: skip
        out[problem] = {**r, **summary(r)}
    return out


def cell(result: dict, problem: str, T: int, algorithm: str) -> dict | None:
    """Our numbers for one cell: mean error (%), its SE (%), mean presentations, the algorithm's budget
    and whether the runs spent it (``budget_bound``); None if not run."""
    r = result[problem]
    Ts = [int(t) for t in r["T"]]
    if T not in Ts:
        return None
    i, j = Ts.index(T), ALGORITHMS.index(algorithm)
    budget = int(r["budgets"][algorithm])
    mean_presentations = float(r["mean_presentations"][i, j])
    return {
        "error_pct": float(100 * r["mean_error"][i, j]),
        "se_pct": float(100 * r["se_error"][i, j]),
        "presentations": mean_presentations,
        "budget": budget,
        "budget_bound": mean_presentations >= SPENT * budget,
        "learned": float(r["learned"][i, j]),
        "trials": int(np.asarray(r["errors"]).shape[0]),
    }


def error_verdict(ours: dict) -> str:
    if ours.get("error_pct") is None:
        return claims.NOT_RUN
    tol = max(ERROR_FLOOR, 2 * math.sqrt(2) * ours["se_pct"])
    gap = abs(ours["error_pct"] - ours["paper_pct"])
    if gap <= tol:
        return claims.REPRODUCED
    return claims.PARTLY if gap <= 2 * tol else claims.NOT_REPRODUCED


def presentations_verdict(ours: dict) -> str:
    if ours.get("presentations") is None:
        return claims.NOT_RUN
    if not ours["presentations"] > 0:
        return claims.NOT_REPRODUCED
    budget = ours.get("budget")
    if budget is not None and ours["presentations"] >= SPENT * budget:
        if ours["paper"] > PRESENTATION_FACTOR * budget:  # a lower bound that cannot reach the paper's
            return claims.NOT_RUN
    gap = abs(math.log10(ours["presentations"] / ours["paper"]))
    if gap <= math.log10(PRESENTATION_FACTOR):
        return claims.REPRODUCED
    return claims.PARTLY if gap <= 1.0 else claims.NOT_REPRODUCED


def _numbers(problem, T, algorithm, quantity, paper_value):
    def numbers(result):
        c = cell(result, problem, T, algorithm)
        if quantity == "errors":
            return {
                "error_pct": None if c is None else c["error_pct"],
                "se_pct": None if c is None else c["se_pct"],
                "paper_pct": float(paper_value),
            }
        return {
            "presentations": None if c is None else c["presentations"],
            "budget": None if c is None else c["budget"],
            "paper": float(paper_value),
        }

    return numbers


def _declare():
    for number, (problem, Ts, values, quantity) in TABLES.items():
        for algorithm, row in values.items():
            if algorithm == "em":
                continue  # the EM chapter's
            for T, v in zip(Ts, row):
                if v is None:
                    continue
                what = "final classification error" if quantity == "errors" else "sequence presentations"
                shown = f"{v:g}%" if quantity == "errors" else f"{v:.1e}"
                claims.claim(
                    f"bf94.table{number}.{algorithm}.T{T}",
                    of=tables,
                    kind=claims.EXPERIMENT,
                    paper="BF94",
                    artifact=f"Table {number}",
                    statement=f"{LABELS[algorithm]} on the {problem.replace('_', '-')} problem at T = {T}: "
                    f"{what} {shown}.",
                    paper_value=shown,
                    numbers=_numbers(problem, T, algorithm, quantity, v),
                )(_error_rule if quantity == "errors" else _presentations_rule)


def _error_rule(ours):
    """reproduced when |ours - paper| <= max(10, 2 sqrt(2) x our standard error) percentage points;
    partly within twice that; not reproduced beyond; not run when our profile skipped the cell."""
    return error_verdict(ours)


def _presentations_rule(ours):
    """reproduced when our mean presentations are within a factor 3 of the paper's; partly within a
    factor 10; not reproduced beyond; not run when our profile skipped the cell, or when our runs spent
    a budget less than a third of the paper's count (a lower bound that can neither reach nor refute it)."""
    return presentations_verdict(ours)


_declare()


def em_cells(payload: dict | None, number: int, Ts) -> dict[int, str]:
    """The EM row of Table ``number`` from the EM chapter's recorded claims (its results JSON, loaded):
    T -> our EM number for that cell, as text.  A claim counts when its paper is BF94, its id names EM
    (``.em.``) and a T (``T<T>``), and its artifact names a table range holding ``number`` ("Table 1",
    "Tables 1-2"); the value is its recorded ``error`` (odd tables) or ``presentations`` (even ones),
    else its whole "ours" text.  Empty when the EM chapter has recorded no such claim."""
    import re

    key = "error" if number % 2 else "presentations"
    out: dict[int, str] = {}
    for c in (payload or {}).get("claims", []):
        cid = str(c.get("id", ""))
        m = re.search(r"Tables? (\d)(?:-(\d))?", str(c.get("artifact", "")))
        if c.get("paper") != "BF94" or ".em." not in cid or not m:
            continue
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if not lo <= number <= hi:
            continue
        v = (c.get("values") or {}).get(key)
        text = (
            (f"{v:g}" if key == "error" else f"{v:.1e}") if isinstance(v, (int, float)) else c.get("ours", "")
        )
        for t in re.findall(r"T(\d+)", cid):
            if int(t) in Ts:
                out[int(t)] = str(text)
    return out
