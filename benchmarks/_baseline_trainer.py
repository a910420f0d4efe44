"""The trainer the book used before the training core, kept as the speed baseline of
``bench_core.py``: the latch neuron's own forward and backward loops and its own batch
gradient-descent loop over a problem (one forward and one backward pass per epoch)."""

from __future__ import annotations

import numpy as np

from longdeps.models.neuron import criterion
from longdeps.tasks.latch import split_params

DIVERGED = 1e6


def inputs(h: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """The input sequences u (R, 2, P, T): h_t^k for t <= L (shared by the P sequences of class k),
    the noise afterwards.  ``h`` is (R, 2, L), ``noise`` (R, 2, P, T)."""
    L = h.shape[-1]
    u = noise.copy()
    u[..., :L] = h[:, :, None, :]
    return u


def forward(w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Outputs x_1..x_T of eq. (1) for inputs u (R, 2, P, T) and weights w (R,); x has u's shape."""
    w = np.asarray(w, dtype=float)[:, None, None]
    x = np.empty_like(u)
    prev = np.zeros(u.shape[:-1])
    for t in range(u.shape[-1]):
        prev = np.tanh(w * prev + u[..., t])
        x[..., t] = prev
    return x


def read_out(x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """x at the end of each sequence, x_{T_p}^p: shape (R, 2, P)."""
    return np.take_along_axis(x, (lengths - 1)[..., None], axis=-1)[..., 0]


def backward(w: np.ndarray, x: np.ndarray, lengths: np.ndarray, targets: np.ndarray, L: int):
    """Exact BPTT for C = 1/2 sum_p (x_{T_p}^p - d^p)^2 (summed over both classes).

    With delta_t = dC/da_t:  delta_t = (1 - x_t^2) (e_t + w delta_{t+1}),  e_t = (x_t - d) [t = T_p];
    dC/dw = sum_{p,t} delta_t x_{t-1} (x_0 = 0), dC/dh_t^k = sum_p delta_t^{k,p} for t <= L (eq. 4 of
    the paper written out for one unit).  Returns (dC/dw (R,), dC/dh (R, 2, L)).
    """
    R, _, P, T = x.shape
    w3 = np.asarray(w, dtype=float)[:, None, None]
    d = np.asarray(targets, dtype=float)[None, :, None]
    err = read_out(x, lengths) - d  # (R, 2, P)
    gw = np.zeros(R)
    gh = np.zeros((R, 2, L))
    delta = np.zeros((R, 2, P))
    for t in range(T - 1, -1, -1):
        g = w3 * delta + np.where(lengths - 1 == t, err, 0.0)
        delta = (1.0 - x[..., t] ** 2) * g
        if t > 0:
            gw += np.einsum("rkp,rkp->r", delta, x[..., t - 1])
        if t < L:
            gh[:, :, t] = delta.sum(axis=-1)
    return gw, gh


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
