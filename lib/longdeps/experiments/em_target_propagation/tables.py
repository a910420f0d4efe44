"""The EM rows of Tables 1-4 of Bengio & Frasconi 1994: final classification error (%) and sequence
presentations, for the 2-sequence problem (Tables 1-2) and the parity problem (Tables 3-4).

Our copy of the paper's text lost the column alignment of the parity tables: the EM rows hold six
values, "0 6 0 14 0 12" and "2.3e3 1.5e3 1.3e3 3.2e3 2.6e3 3.4e3", for seven columns T = 3, 5, 10,
20, 50, 100, 500.  We read them as T = 5 ... 500 (no EM entry at T = 3): in the same tables the rows of
simulated annealing and discrete error propagation end at T = 50 (Schmidhuber & Hochreiter's report
quotes their parity numbers for lengths 25-50: SA ~810,000 trials, DEP ~54,000 trials to 5% error,
their rows' last values), so rows are aligned on their largest T, and EM's ends at T = 500.  The T = 3
cell is judged against the paper's nearest cell (T = 5).
"""

from __future__ import annotations

import numpy as np

from ... import claims, runner
from ...profiles import sizes
from .. import experiment
from .common import CHAPTER, TABLE_CONFIG, train_trial

#: the paper's EM cells: problem -> T -> (error %, presentations); None = no EM entry (our reading)
PAPER = {
    "two_sequence": {5: (0, 3.2e3), 10: (0, 4.0e3), 20: (0, 2.9e3), 50: (0, 3.2e3), 100: (0, 2.9e3)},
    "parity": {
        3: None,
        5: (0, 2.3e3),
        10: (6, 1.5e3),
        20: (0, 1.3e3),
        50: (14, 3.2e3),
        100: (0, 2.6e3),
        500: (12, 3.4e3),
    },
}
TABLE_OF = {"two_sequence": (1, 2), "parity": (3, 4)}
ERROR_SLACK = 10.0  # percentage points above the paper's error still "reproduced"
PRESENTATION_FACTOR = 3.0  # presentations within this factor of the paper's


def paper_cell(problem: str, T: int) -> tuple[float, float, int]:
    """(error %, presentations, T read) of the paper for a cell; a cell without an entry uses the
    nearest T that has one."""
    row = PAPER[problem]
    if row.get(T) is not None:
        return (*row[T], T)
    Ts = [t for t, v in row.items() if v is not None]
    t = min(Ts, key=lambda x: abs(x - T))
    return (*row[t], t)


@experiment(f"{CHAPTER}.tables")
def tables(profile: str = "book", seed: int = 10, executor="processes") -> dict:
    """Every EM cell of Tables 1-4: per-trial error (%), presentations, convergence.  ``executor``: the
    runner's (two worker processes by default; the numbers do not depend on it)."""
    s = sizes(f"{CHAPTER}.tables", profile)
    out: dict = {"trials": s["trials"], "n_train": s["n_train"], "budget": s["budget"], "cells": {}}
    for problem in ("two_sequence", "parity"):
        for T in s[f"{problem}_T"]:
            n = s["trials"]
            r = runner.run_trials(
                f"{CHAPTER}.tables",
                train_trial,
                n,
                config={
                    "problem": problem,
                    "T": int(T),
                    "n_train": s["n_train"],
                    "budget": s["budget"],
                    "config": {},
                },
                seed=seed + int(T) + (0 if problem == "parity" else 1000),
                batch_size=-(-n // 2),
                executor=executor,
                progress=False,
            )
            out["cells"][(problem, int(T))] = r
    out["config"] = TABLE_CONFIG
    return out


def cell_numbers(r, problem: str, T: int) -> dict:
    """Our numbers for one cell (error and presentations None when the profile did not run it)."""
    pe, pp, pT = paper_cell(problem, T)
    c = r["cells"].get((problem, T))
    if c is None:
        return {
            "T": T,
            "problem": problem,
            "error": None,
            "presentations": None,
            "paper_error": None if PAPER[problem].get(T) is None else pe,
            "paper_presentations": None if PAPER[problem].get(T) is None else pp,
        }
    return {
        "T": T,
        "problem": problem,
        "error": float(np.mean(c["error"])),
        "presentations": float(np.mean(c["presentations"])),
        "converged": float(np.mean(c["converged"])),
        "trials": int(len(c["error"])),
        "paper_error": None if PAPER[problem].get(T) is None else pe,
        "paper_presentations": None if PAPER[problem].get(T) is None else pp,
        "compared_with_T": pT,
        "compared_error": pe,
        "compared_presentations": pp,
    }


def judge_cell(ours: dict) -> str:
    if ours["error"] is None:
        return claims.NOT_RUN
    err_ok = ours["error"] <= ours["compared_error"] + ERROR_SLACK
    ratio = ours["presentations"] / ours["compared_presentations"]
    pres_ok = 1 / PRESENTATION_FACTOR <= ratio <= PRESENTATION_FACTOR
    if err_ok and pres_ok:
        return claims.REPRODUCED
    return claims.PARTLY if err_ok or pres_ok else claims.NOT_REPRODUCED


def _declare(problem: str, T: int) -> None:
    k_err, k_pres = TABLE_OF[problem]
    cell = PAPER[problem].get(T)
    name = "2-sequence" if problem == "two_sequence" else "parity"
    pv = (
        f"{cell[0]:g}% error, {cell[1]:.1e} presentations"
        if cell
        else "no EM entry at T = 3 in our reading; judged against T = 5 (0%, 2.3e3)"
    )

    @claims.claim(
        f"bf94.table{k_err}.em.{problem}.T{T}",
        of=tables,
        kind=claims.EXPERIMENT,
        paper="BF94",
        artifact=f"Tables {k_err}-{k_pres}, EM, T = {T}",
        statement=f"EM on the {name} problem at T = {T}: final classification error and sequence "
        "presentations.",
        paper_value=pv,
        numbers=lambda r, problem=problem, T=T: cell_numbers(r, problem, T),
    )
    def _(ours):
        """reproduced when our mean error is at most the paper's + 10 percentage points and our mean
        presentations are within a factor 3 of the paper's; partly when only one holds (not run when
        the profile skips this T)."""
        return judge_cell(ours)


for _problem, _row in PAPER.items():
    for _T in _row:
        _declare(_problem, _T)
