"""Gradient descent with back-propagation through time, vectorised over runs (BSF94 Section III).

Batch ("off-line") gradient descent: every epoch presents all training sequences of a run once,
sums the exact BPTT gradient of C = 1/2 sum_p (x_T^p - d^p)^2 (eq. 4) and takes one step
theta <- theta - lr * dC/dtheta.  A run stops when the problem's convergence criterion holds
(converged), when a parameter leaves [-1e6, 1e6] or turns non-finite (diverged = failed), or when
the epoch budget is spent (failed).  All runs advance together; stopped runs are frozen.
"""

from __future__ import annotations

import numpy as np

from . import DIVERGED, LearningResult


def gradient_descent(
    problem,
    theta0: np.ndarray,
    *,
    lr: float | np.ndarray,
    epochs: int,
    record_every: int = 1,
    keep_history: bool = False,
) -> LearningResult:
    """Train R runs of ``problem`` from ``theta0`` (R, n_params) by batch gradient descent.

    ``lr`` is the step on the summed (not averaged) cost (a number, or one per run); ``epochs`` the
    budget of parameter updates.
    The criterion is checked before every update, so a run that starts solved takes 0 epochs.
    """
    lr_arr = np.broadcast_to(np.asarray(lr, dtype=float), (problem.n_runs,))
    if not np.all(np.isfinite(lr_arr)) or np.any(lr_arr <= 0):
        raise ValueError(f"learning rate must be positive and finite, got lr={lr!r}")
    if not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got epochs={epochs!r}")
    if not isinstance(record_every, (int, np.integer)) or record_every < 1:
        raise ValueError(f"record_every must be a positive integer, got record_every={record_every!r}")
    theta = np.array(theta0, dtype=float, copy=True)
    R = problem.n_runs
    if theta.shape != (R, problem.n_params):
        raise ValueError(f"theta0 must have shape ({R}, {problem.n_params}), got {theta.shape}")

    n_rec = epochs // record_every + 1
    cost_rec = np.full((R, n_rec), np.nan)
    hist = np.full((R, n_rec, problem.n_params), np.nan) if keep_history else None
    active = np.ones(R, dtype=bool)
    converged = np.zeros(R, dtype=bool)
    diverged = np.zeros(R, dtype=bool)
    steps = np.full(R, epochs, dtype=np.int64)
    evals = np.zeros(R, dtype=np.int64)
    last_cost = np.full(R, np.nan)

    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs + 1):
            idx = np.flatnonzero(active)
            if idx.size:
                sub = problem if idx.size == R else problem.take(idx)
                cost, grad, ok = sub.cost_and_grad(theta[idx])
                evals[idx] += 1
                last_cost[idx] = cost
                bad = ~np.isfinite(cost) | ~np.all(np.isfinite(grad), axis=1)
                bad |= np.any(np.abs(theta[idx]) > DIVERGED, axis=1)
                ok &= ~bad
                converged[idx[ok]] = True
                diverged[idx[bad]] = True
                stop = ok | bad
                steps[idx[stop]] = epoch
                active[idx[stop]] = False
                go = ~stop
                if epoch < epochs:
                    theta[idx[go]] -= lr_arr[idx[go], None] * grad[go]
            if epoch % record_every == 0:
                cost_rec[:, epoch // record_every] = last_cost
                if hist is not None:
                    hist[:, epoch // record_every] = theta
            if not active.any() and epoch % record_every == 0:
                cost_rec[:, epoch // record_every + 1 :] = last_cost[:, None]
                if hist is not None:
                    hist[:, epoch // record_every + 1 :] = theta[:, None]
                break
    return LearningResult(
        theta=theta,
        cost=cost_rec,
        presentations=evals * problem.sequences_per_eval,
        converged=converged,
        steps=steps,
        diverged=diverged,
        history=hist,
    )
