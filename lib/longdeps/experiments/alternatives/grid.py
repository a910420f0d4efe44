"""One problem's grid of (T, algorithm) cells, run through the runner (BSF94 Section V-E protocol).

:func:`run_problem` runs every cell of one problem for ``trials`` trials as one runner call whose trial
function (:func:`~.common.problem_trial`) advances a batch of trials through every cell, each cell one
array computation over the batch's trials; the batches go to ``executor`` (two worker processes by
default).  The numbers do not depend on the executor or the batch split (the runner's rule: trial i
always draws from the same generator).
"""

from __future__ import annotations

import numpy as np

from ... import runner
from .common import ALGORITHMS, ONLINE, problem_trial


def budgets(online: int, search: int) -> dict[str, int]:
    """Presentations allowed per algorithm: ``online`` for the four on-line learners, ``search`` for the
    three search learners."""
    return {a: int(online if a in ONLINE else search) for a in ALGORITHMS}


def run_problem(name: str, problem: str, Ts, trials: int, online: int, search: int, seed: int, executor):
    """The (trials, len(Ts), len(ALGORITHMS)) arrays ``errors``, ``presentations``, ``converged``,
    ``diverged``, ``loss`` of ``problem``, plus ``T`` and ``budgets``."""
    b = budgets(online, search)
    size = max(1, -(-trials // 2))
    out = runner.run_trials(
        f"{name}.{problem}",
        problem_trial,
        trials,
        config={"problem": problem, "Ts": [int(t) for t in Ts], "algorithms": list(ALGORITHMS), "budgets": b},
        seed=seed,
        batch_size=size,
        executor=executor,
    )
    return {**out, "T": np.asarray(Ts), "budgets": b}


def summary(r: dict) -> dict:
    """Per cell (len(T), len(ALGORITHMS)): mean error, its standard error, mean presentations,
    fraction of trials learned."""
    e, p = np.asarray(r["errors"], float), np.asarray(r["presentations"], float)
    n = e.shape[0]
    return {
        "mean_error": e.mean(axis=0),
        "se_error": e.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.zeros(e.shape[1:]),
        "mean_presentations": p.mean(axis=0),
        "learned": np.asarray(r["converged"], float).mean(axis=0),
    }
