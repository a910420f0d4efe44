"""Random weight guessing (Hochreiter, Bengio, Frasconi & Schmidhuber 2001, Section 4; Schmidhuber &
Hochreiter 1996): draw every trainable parameter uniformly in [-scale, scale] until the problem's
convergence criterion holds.  No gradient, no memory: the number of guesses is geometric with the
success probability of one guess, whatever the sequence length does to the gradient.

Vectorised over runs: each round every unsolved run draws ``chunk`` guesses from its own generator
(the guess sequence of a run does not depend on ``chunk``) and all of them are evaluated as one array
computation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import LearningResult


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
    ``presentations`` = guesses x sequences per evaluation."""
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
    mask = problem.mask.astype(bool)

    theta = base.copy()
    solved = np.zeros(R, dtype=bool)
    steps = np.full(R, max_guesses, dtype=np.int64)
    used = 0
    while used < max_guesses and not solved.all():
        k = min(chunk, max_guesses - used)
        idx = np.flatnonzero(~solved)
        guesses = np.repeat(base[idx, None, :], k, axis=1)  # (r, k, n)
        for j, r in enumerate(idx):
            guesses[j][:, mask] = rngs[r].uniform(-scale, scale, size=(k, int(mask.sum())))
        ok = problem.take(np.repeat(idx, k)).converged(guesses.reshape(-1, n)).reshape(len(idx), k)
        hit = ok.any(axis=1)
        first = ok.argmax(axis=1)
        for j in np.flatnonzero(hit):
            r = idx[j]
            solved[r] = True
            steps[r] = used + first[j] + 1
            theta[r] = guesses[j, first[j]]
        used += k
    cost = problem.cost(theta)[:, None]
    return LearningResult(
        theta=theta,
        cost=cost,
        presentations=steps * problem.sequences_per_eval,
        converged=solved,
        steps=steps,
        diverged=np.zeros(R, dtype=bool),
    )
