"""Random weight guessing on a latch problem (Hochreiter, Bengio, Frasconi & Schmidhuber 2001, Section
4; Schmidhuber & Hochreiter 1996), run by the training core: the learner
:class:`~longdeps.learning.random_search.RandomGuessing` in the one loop
:func:`~longdeps.learning.fit.fit`.  Draw every trainable parameter uniformly in [-scale, scale] until
the problem's convergence criterion holds.  No gradient, no memory: the number of guesses is geometric
with the success probability of one guess, whatever the sequence length does to the gradient.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import LearningResult
from .fit import fit
from .random_search import RandomGuessing


def random_guessing(
    problem,
    rngs: Sequence[np.random.Generator],
    theta0: np.ndarray | None = None,
    *,
    scale: float = 100.0,
    max_guesses: int = 10_000,
    chunk: int = 16,
) -> LearningResult:
    """Guess until solved or ``max_guesses`` is spent.  Frozen coordinates (``problem.mask`` = 0) keep
    their value from ``theta0``.  ``steps`` = guesses used (``max_guesses`` for a failed run);
    ``presentations`` = guesses x sequences per evaluation.  A run's guesses come from its own
    generator in the same order whatever ``chunk`` (guesses evaluated per round)."""
    R, n = problem.n_runs, problem.n_params
    if len(rngs) != R:
        raise ValueError(f"need one generator per run: {R} runs, got {len(rngs)} generators")
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be positive and finite, got scale={scale!r}")
    if not isinstance(max_guesses, (int, np.integer)) or max_guesses < 1:
        raise ValueError(f"max_guesses must be a positive integer, got max_guesses={max_guesses!r}")
    if not isinstance(chunk, (int, np.integer)) or chunk < 1:
        raise ValueError(f"chunk must be a positive integer, got chunk={chunk!r}")
    base = np.zeros((R, n)) if theta0 is None else np.array(theta0, dtype=float)
    if base.shape != (R, n):
        raise ValueError(f"theta0 must have shape ({R}, {n}), got {base.shape}")
    chunk = math.gcd(int(chunk), int(max_guesses))  # whole rounds spend the budget exactly

    learner = RandomGuessing(problem.model, problem.task, scale=scale, chunk=chunk)
    res = fit(
        learner,
        problem.task,
        problem.model,
        base,
        rngs,
        train=problem.batch,
        max_steps=int(max_guesses) // chunk,
        stop=(_solved_by_a_guess,),
        record=False,
    )
    solved = res.state.solved  # the criterion held at a guess (the start itself is not a guess)
    steps = np.where(solved, res.state.guesses, max_guesses).astype(np.int64)
    theta = np.where(solved[:, None], res.theta, res.state.theta)
    return LearningResult(
        theta=theta,
        cost=problem.cost(theta)[:, None],
        presentations=steps * problem.sequences_per_eval,
        converged=solved,
        steps=steps,
        diverged=np.zeros(R, dtype=bool),
    )


def _solved_by_a_guess(ev) -> np.ndarray:
    """Stop a run once a guess meets the criterion (the starting point is not a guess)."""
    return ev.success & (ev.steps > 0)
