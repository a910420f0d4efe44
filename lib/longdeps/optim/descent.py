"""First-order steps: plain gradient descent, heavy-ball momentum and Nesterov momentum.

With g the incoming gradient (R, n_params), lr the learning rate and beta the momentum (each a
number or one per run), the updates (added to theta) are

    sgd:        update = -lr g
    momentum:   v <- beta v - lr g;   update = v                  (heavy ball, Lasagne's ``momentum``)
    nesterov:   v <- beta v - lr g;   update = beta v - lr g      (Lasagne's ``nesterov_momentum``)

The Nesterov form is the one of the TPTT authors' code (Manchev & Spratling 2020; see
``notes/tptt-reference-implementation.md``): with phi = theta + beta v it is the textbook
accelerated gradient v <- beta v - lr grad f(theta + beta v), theta <- theta + v (Sutskever et al.
2013) written in the variable phi, where the gradient is taken at the parameters themselves.
The velocity starts at zero.  Costs are summed over sequences (the 1994 papers' C), so lr is a step
on the summed cost.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import GradientTransformation, along_runs, broadcast_runs, per_run


class ScaleState(NamedTuple):
    lr: np.ndarray  # (R,)


class TraceState(NamedTuple):
    lr: np.ndarray  # (R,)
    beta: np.ndarray  # (R,)
    v: np.ndarray  # (R, n_params) velocity


def sgd(lr) -> GradientTransformation:
    """update = -lr g; ``lr`` >= 0, a number or one per run (R,)."""
    lr = per_run("lr", lr, low=0.0)

    def init(theta):
        return ScaleState(broadcast_runs("lr", lr, theta))

    def update(grads, state, theta=None, **extra):
        g = np.asarray(grads, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            return -along_runs(state.lr, g) * g, state

    return GradientTransformation(init, update)


def momentum(lr, beta) -> GradientTransformation:
    """Heavy-ball momentum: v <- beta v - lr g, update = v; ``beta`` in [0, 1)."""
    return _trace(lr, beta, nesterov=False)


def nesterov(lr, beta) -> GradientTransformation:
    """Nesterov momentum, Lasagne form: v <- beta v - lr g, update = beta v - lr g; ``beta`` in [0, 1)."""
    return _trace(lr, beta, nesterov=True)


def _trace(lr, beta, *, nesterov: bool) -> GradientTransformation:
    lr = per_run("lr", lr, low=0.0)
    beta = per_run("beta", beta, low=0.0, high=1.0)

    def init(theta):
        theta = np.asarray(theta, dtype=float)
        v = np.zeros_like(theta)
        return TraceState(broadcast_runs("lr", lr, theta), broadcast_runs("beta", beta, theta), v)

    def update(grads, state, theta=None, **extra):
        g = np.asarray(grads, dtype=float)
        if g.shape != state.v.shape:
            raise ValueError(f"gradient shape {g.shape} differs from the velocity's {state.v.shape}")
        b = along_runs(state.beta, g)
        with np.errstate(over="ignore", invalid="ignore"):
            step = along_runs(state.lr, g) * g
            v = b * state.v - step
            updates = b * v - step if nesterov else v
        return updates, TraceState(state.lr, state.beta, v)

    return GradientTransformation(init, update)
