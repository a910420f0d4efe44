"""The explorer's backend: one trial of one algorithm on one problem, with its cost curve (BSF94
Section V-E protocol of :mod:`.common`)."""

from __future__ import annotations

import numpy as np

from .common import ONLINE, run_cell

#: presentations allowed in the explorer (on-line learners, search learners)
EXPLORER_BUDGETS = (3000, 30000)


def explorer_run(problem: str, T: int, algorithm: str, seed: int = 0) -> dict:
    """One trial: ``presentations`` and ``loss`` / ``errors`` at each evaluation (1-D arrays), the final
    error, presentations used and whether the training set was learned."""
    rngs = [np.random.default_rng(np.random.SeedSequence(seed))]
    budget = EXPLORER_BUDGETS[0] if algorithm in ONLINE else EXPLORER_BUDGETS[1]
    r = run_cell(rngs, problem, int(T), algorithm, budget, record=True)
    h = r.history
    return {
        "presentations": np.asarray(h["presentations"][0], float),
        "loss": np.asarray(h["loss"][0], float),
        "errors": np.asarray(h["errors"][0], float),
        "final_error": float(r.errors[0]),
        "used": int(r.presentations[0]),
        "learned": bool(r.converged[0]),
    }
