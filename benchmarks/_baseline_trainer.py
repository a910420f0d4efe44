"""The trainer the book used before the training core, kept as the speed baseline of
``bench_core.py``: the latch neuron's own forward and backward loops (the test oracle
``tests/reference_neuron.py``, one copy for both) and its own batch gradient-descent loop over a
problem (one forward and one backward pass per epoch)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from reference_neuron import backward, forward, inputs, read_out  # noqa: E402

from longdeps.models.neuron import criterion
from longdeps.tasks.latch import split_params

DIVERGED = 1e6


class BaselineProblem:
    """cost_and_grad of the pre-core LatchProblem (trainable='all')."""

    def __init__(self, problem):
        self.p = problem
        self.n_runs, self.n_params = problem.n_runs, problem.n_params

    def take(self, runs):
        return BaselineProblem(self.p.take(runs))

    def cost_and_grad(self, theta):
        task, data = self.p.task, self.p.data
        w, h = split_params(theta, task.L)
        x = forward(w, inputs(h, data.noise))
        final = read_out(x, data.lengths)
        gw, gh = backward(w, x, data.lengths, task.targets, task.L)
        grad = np.concatenate([gw[:, None], gh.reshape(len(w), -1)], axis=1)
        cost = 0.5 * ((final - task.targets[None, :, None]) ** 2).sum(axis=(1, 2))
        return cost, grad, criterion(final, task.targets, self.p.tol)


def baseline_gradient_descent(
    problem,
    theta0: np.ndarray,
    *,
    lr: float | np.ndarray,
    epochs: int,
    record_every: int = 1,
    keep_history: bool = False,
):
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
    return theta, converged, steps
