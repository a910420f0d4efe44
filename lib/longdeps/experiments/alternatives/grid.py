"""One problem's grid of (T, algorithm) cells, run through the runner (BSF94 Section V-E protocol).

:func:`run_problem` runs one problem for ``trials`` trials as one runner call per T column, whose trial
function (:func:`~.common.problem_trial`) advances a batch of trials through the column's cells, each
cell one array computation over the batch's trials; the batches go to ``executor`` (two worker
processes by default, or a Dask cluster).  Each column is cached as soon as its batches complete, so
an interrupted run (the ``paper`` profile takes hours) resumes at the column it stopped in, and a
column's progress bar says which T is running.  The numbers do not depend on the executor, the batch
split or the column split (the runner's rule: trial i always draws from the same generator).
"""

from __future__ import annotations

import numpy as np

from ... import runner
from .common import ALGORITHMS, ONLINE, READINGS, problem_trial


def budgets(online: int, search: int, algorithms=ALGORITHMS) -> dict[str, int]:
    """Presentations allowed per algorithm: ``online`` for the on-line learners (and the second
    readings, all on-line), ``search`` for the three search learners."""
    return {a: int(online if a in ONLINE + READINGS else search) for a in algorithms}


def run_problem(
    name: str, problem: str, Ts, trials: int, online: int, search: int, seed: int, executor,
    algorithms=ALGORITHMS,
):  # fmt: skip
    """The (trials, len(Ts), len(algorithms)) arrays ``errors``, ``presentations``, ``converged``,
    ``diverged``, ``loss`` of ``problem``, plus ``T`` and ``budgets``.  With the same ``seed`` and
    ``Ts``, trial i of every algorithm sees the same training set and start, whatever ``algorithms``
    holds (a second reading run apart meets the grid's data)."""
    b = budgets(online, search, algorithms)
    Ts = [int(t) for t in Ts]
    config = {"problem": problem, "Ts": Ts, "algorithms": list(algorithms), "budgets": b}
    columns = [
        runner.run_trials(
            f"{name}.{problem}.T{T}",
            problem_trial,
            trials,
            config={**config, "columns": [k]},
            seed=seed,
            executor=executor,
        )
        for k, T in enumerate(Ts)
    ]
    out = {f: np.concatenate([c[f] for c in columns], axis=1) for f in columns[0]}  # (trials, nT, nA)
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
