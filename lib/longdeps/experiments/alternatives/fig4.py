"""Bengio, Simard & Frasconi 1994 (BSF94), Fig. 4 and Section V-E's summary: the three problems, every
algorithm, final classification error and sequence presentations versus the maximum length T; plus
Hochreiter et al. 2001 (HBFS01) Section 4: where random weight guessing stands.

The latch runs here (its results exist only in Fig. 4, whose axis values our copy does not give, so
it is judged by the paper's stated trends and rankings); the 2-sequence and parity grids are those of
:mod:`.tables` (pass its result, or it is run).  Each comparative claim of Section V-E is an
experiment on the whole grid; a "cell" is one (problem, T) pair and its value the 20-trial mean.
"""

from __future__ import annotations

import numpy as np

from ... import claims
from ...profiles import sizes
from .. import experiment
from .common import ALGORITHMS, PROBLEMS
from .grid import run_problem, summary
from .tables import tables as run_tables

OTHERS = ("backprop", "pseudo_newton", "time_weighted", "multigrid", "discrete")


@experiment("alternatives.fig4")
def fig4(profile: str = "book", seed: int = 1994, executor="processes", tables_result=None) -> dict:
    """{"latch", "two_sequence", "parity"} -> the grid of :func:`~.grid.run_problem` plus its summary."""
    s = sizes("alternatives.fig4", profile)
    latch = run_problem(
        "alternatives.fig4", "latch", s["latch_T"], s["trials"], s["online_budget"], s["search_budget"],
        seed, executor,
    )  # fmt: skip
    t = tables_result if tables_result is not None else run_tables(profile, seed, executor)
    return {"latch": {**latch, **summary(latch)}, "two_sequence": t["two_sequence"], "parity": t["parity"]}


def _col(a: str) -> int:
    return ALGORITHMS.index(a)


def _cells(r: dict, field: str, a: str) -> list[float]:
    """The values of ``field`` for algorithm ``a`` over every (problem, T) cell, problems in order."""
    return [float(x) for p in PROBLEMS for x in np.asarray(r[p][field])[:, _col(a)]]


def _frac(flags) -> float:
    flags = list(flags)
    return float(np.mean(flags)) if flags else float("nan")


# ---------------------------------------------------------------------------------------- the claims


def _sa_error(r):
    e = _cells(r, "mean_error", "annealing")
    return {"max_error_annealing": max(e), "mean_error_annealing": float(np.mean(e))}


@claims.claim(
    "bsf94.fig4.annealing_error", of=fig4, kind=claims.EXPERIMENT, paper="BSF94", artifact="Fig. 4",
    statement="Simulated annealing performed well on all problems.",
    paper_value="low error on every problem and T (BF94 Tables 1, 3: at most 11%)",
    numbers=_sa_error,
)  # fmt: skip
def _(ours):
    """reproduced when annealing's mean error is at most 0.15 in every (problem, T) cell; partly when at
    most 0.15 on average over the cells; else not reproduced."""
    if ours["max_error_annealing"] <= 0.15:
        return claims.REPRODUCED
    return claims.PARTLY if ours["mean_error_annealing"] <= 0.15 else claims.NOT_REPRODUCED


def _sa_cost(r):
    sa = np.array(_cells(r, "mean_presentations", "annealing"))
    others = np.array([_cells(r, "mean_presentations", a) for a in OTHERS])
    ratio = sa / np.median(others, axis=0)
    return {"median_ratio": float(np.median(ratio)), "min_ratio": float(ratio.min())}


@claims.claim(
    "bsf94.fig4.annealing_cost", of=fig4, kind=claims.EXPERIMENT, paper="BSF94", artifact="Fig. 4",
    statement="Simulated annealing requires an order of magnitude more training time than all the other "
    "algorithms.",
    paper_value="about 10x the presentations of the others (BF94 Tables 2, 4: 4e4-1.2e6 against 3e2-1e5)",
    numbers=_sa_cost,
)  # fmt: skip
def _(ours):
    """ratio = annealing's mean presentations / the median over the five other 1994 algorithms, per
    cell; reproduced when its median over the cells is >= 5 (about an order of magnitude); partly when
    >= 2; else not reproduced."""
    m = ours["median_ratio"]
    return claims.REPRODUCED if m >= 5 else claims.PARTLY if m >= 2 else claims.NOT_REPRODUCED


def _mg(r):
    mg = np.array(_cells(r, "mean_presentations", "multigrid"))
    sa = np.array(_cells(r, "mean_presentations", "annealing"))
    par = np.asarray(r["parity"]["mean_error"])[:, _col("multigrid")]
    other = [np.asarray(r[p]["mean_error"])[:, _col("multigrid")] for p in ("latch", "two_sequence")]
    return {
        "faster_than_annealing": _frac(mg < sa),
        "parity_error_longest": float(par[-1]),
        "other_problems_mean_error": float(np.mean(np.concatenate(other))),
    }


@claims.claim(
    "bsf94.fig4.multigrid", of=fig4, kind=claims.EXPERIMENT, paper="BSF94", artifact="Fig. 4",
    statement="The multi-grid algorithm is faster [than annealing] but fails on the Parity problem.",
    paper_value="faster than annealing; parity error 45% at T = 50 (BF94 Table 3, our reading)",
    numbers=_mg,
)  # fmt: skip
def _(ours):
    """reproduced when multigrid uses fewer presentations than annealing in >= 80% of the cells AND its
    parity error at the longest T run is >= 0.2 (fails) while it stays below that on average elsewhere;
    partly when only the speed or only the parity failure holds; else not reproduced."""
    fast = ours["faster_than_annealing"] >= 0.8
    fails = ours["parity_error_longest"] >= 0.2 and ours["other_problems_mean_error"] < 0.2
    return claims.REPRODUCED if fast and fails else claims.PARTLY if fast or fails else claims.NOT_REPRODUCED


def _dep(r):
    e = _cells(r, "mean_error", "discrete")
    par = [float(x) for x in np.asarray(r["parity"]["mean_error"])[:, _col("discrete")]]
    learned = [float(x) for x in np.asarray(r["parity"]["learned"])[:, _col("discrete")]]
    return {
        "cells_error_le_0.15": _frac(np.array(e) <= 0.15),
        "parity_errors": par,
        "parity_learned": learned,
    }


@claims.claim(
    "bsf94.fig4.discrete", of=fig4, kind=claims.EXPERIMENT, paper="BSF94", artifact="Fig. 4",
    statement="The discrete error propagation algorithm performed reasonably well on all the problems and "
    "sequence lengths, and was the only one with simulated annealing that could solve the Parity problem.",
    paper_value="parity error 0, 0, 0, 5% (BF94 Table 3); 2-sequence 6-29%",
    numbers=_dep,
)  # fmt: skip
def _(ours):
    """reproduced when discrete error propagation's mean error is <= 0.15 in >= 80% of the cells and
    <= 0.15 at every parity T; partly when it learns parity in some trial at every parity T or meets
    the first condition; else not reproduced."""
    well = ours["cells_error_le_0.15"] >= 0.8
    parity = all(e <= 0.15 for e in ours["parity_errors"])
    if well and parity:
        return claims.REPRODUCED
    if well or all(x > 0 for x in ours["parity_learned"]):
        return claims.PARTLY
    return claims.NOT_REPRODUCED


def _dep_fast(r):
    d = np.array(_cells(r, "mean_presentations", "discrete"))
    sa = np.array(_cells(r, "mean_presentations", "annealing"))
    return {"median_ratio_annealing_over_discrete": float(np.median(sa / d)), "cells_faster": _frac(d < sa)}


@claims.claim(
    "bsf94.fig4.discrete_fast", of=fig4, kind=claims.EXPERIMENT, paper="BSF94", artifact="Fig. 4",
    statement="Because it performs an on-line local search, [discrete error propagation] is much faster "
    "than simulated annealing.",
    paper_value="5e3-5e4 against 5e5-1.2e6 presentations on parity (BF94 Table 4)",
    numbers=_dep_fast,
)  # fmt: skip
def _(ours):
    """reproduced when annealing / discrete presentations has a median >= 5 over the cells; partly when
    discrete is faster in >= half of the cells; else not reproduced."""
    if ours["median_ratio_annealing_over_discrete"] >= 5:
        return claims.REPRODUCED
    return claims.PARTLY if ours["cells_faster"] >= 0.5 else claims.NOT_REPRODUCED


def _beats(r, a, b):
    ea, eb = np.array(_cells(r, "mean_error", a)), np.array(_cells(r, "mean_error", b))
    return {"cells_better_or_equal": _frac(ea <= eb + 1e-12), "mean_error_gap": float(np.mean(eb - ea))}


@claims.claim(
    "bsf94.fig4.pn_beats_bp", of=fig4, kind=claims.EXPERIMENT, paper="BSF94", artifact="Fig. 4",
    statement="The pseudo-Newton back-propagation algorithm consistently performs better than the standard "
    "back-propagation.",
    paper_value="lower error in every 2-sequence cell (BF94 Table 1)",
    numbers=lambda r: _beats(r, "pseudo_newton", "backprop"),
)  # fmt: skip
def _(ours):
    """reproduced when pseudo-Newton's mean error is <= back-prop's in >= 80% of the cells; partly when
    its error is lower on average over the cells; else not reproduced."""
    if ours["cells_better_or_equal"] >= 0.8:
        return claims.REPRODUCED
    return claims.PARTLY if ours["mean_error_gap"] > 0 else claims.NOT_REPRODUCED


@claims.claim(
    "bsf94.fig4.tw_beats_pn", of=fig4, kind=claims.EXPERIMENT, paper="BSF94", artifact="Fig. 4",
    statement="The time-weighted pseudo-Newton algorithm appears to perform better than the other two "
    "variants of back-propagation.",
    paper_value="lower error than p-n at T = 5, 10, 20, 100 on 2-sequence (BF94 Table 1)",
    numbers=lambda r: _beats(r, "time_weighted", "pseudo_newton"),
)  # fmt: skip
def _(ours):
    """reproduced when time-weighted pseudo-Newton's mean error is <= pseudo-Newton's in >= 80% of the
    cells; partly when its error is lower on average over the cells; else not reproduced."""
    if ours["cells_better_or_equal"] >= 0.8:
        return claims.REPRODUCED
    return claims.PARTLY if ours["mean_error_gap"] > 0 else claims.NOT_REPRODUCED


def _worsen(r):
    rises = {}
    for a in ("backprop", "pseudo_newton", "time_weighted"):
        for p in PROBLEMS:
            e = np.asarray(r[p]["mean_error"])[:, _col(a)]
            rises[f"rise_{a}_{p}"] = float(e[-1] - e[0])
    return rises


@claims.claim(
    "bsf94.fig4.gradient_worsens", of=fig4, kind=claims.EXPERIMENT, paper="BSF94", artifact="Fig. 4",
    statement="[Back-propagation and pseudo-Newton] see their performance worsen when the temporal span of "
    "input/output dependencies increases; [time-weighted pseudo-Newton's] also appears to worsen.",
    paper_value="2-sequence error: p-n 2% -> 29%, time-weighted 0% -> 14% from T = 5 to 100 (BF94 Table 1)",
    numbers=_worsen,
)  # fmt: skip
def _(ours):
    """rise_<algorithm>_<problem>: for each of the three gradient algorithms and three problems, the rise
    of the mean error from the shortest to the longest T run; reproduced when it is >= 0.05 in all 9
    pairs; partly in >= 6; else not reproduced."""
    n = sum(v >= 0.05 for k, v in ours.items() if k.startswith("rise_"))
    return claims.REPRODUCED if n == 9 else claims.PARTLY if n >= 6 else claims.NOT_REPRODUCED


def _guess(r):
    out = {}
    for p in PROBLEMS:
        e = np.asarray(r[p]["mean_error"])[-1]
        g = e[_col("guessing")]
        out[f"{p}_beaten"] = int(sum(g < e[_col(a)] - 1e-12 for a in ALGORITHMS if a != "guessing"))
    return out


@claims.claim(
    "hbfs01.guessing", of=fig4, kind=claims.EXPERIMENT, paper="HBFS01", artifact="Sec. 4",
    statement="Simple weight guessing solves several popular benchmarks [the latch, 2-sequence and parity "
    "problems of Bengio et al. 1994] faster than [many] algorithms proposed there.",
    paper_value="guessing beats the published methods on these problems",
    numbers=_guess,
)  # fmt: skip
def _(ours):
    """at the longest T run of each problem, count the six 1994 algorithms whose mean error exceeds
    random guessing's; reproduced when guessing beats at least 3 of the 6 on every problem; partly on
    at least one problem; else not reproduced."""
    n = [ours[f"{p}_beaten"] >= 3 for p in PROBLEMS]
    return claims.REPRODUCED if all(n) else claims.PARTLY if any(n) else claims.NOT_REPRODUCED
