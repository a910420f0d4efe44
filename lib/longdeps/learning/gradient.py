"""Gradient learners: a model, a task's loss and an optimiser transform (Bengio, Simard & Frasconi
1994, Sections III and V).

One update of every run r, with the exact back-propagation-through-time gradient of the cost
C = 1/2 sum_p ||x_T^p - d^p||^2 over the sequences p of the update (eq. 4)::

    g = dC/dtheta,   (updates, opt_state) = tx.update(g, opt_state, theta),   theta <- theta + updates

``online=False`` ("batch" or off-line learning, Section III): one update per step on the whole
training set (all B sequences).  ``online=True`` (the stochastic back-propagation of Section V): a
step is one pass over the B sequences in a random order, drawn for each run from its own generator,
with one update after each sequence.  Either way a step presents every sequence once: B presentations
per run (a backward pass on a sequence already presented does not count again).

``curvature=True`` also hands the transform the Gauss-Newton diagonal curvature of C (Becker & LeCun
1988) as ``curv=``: with ``optim.scale_by_curvature`` that is the pseudo-Newton rule of eq. (5).
Frozen coordinates (``model.mask`` = 0) never move.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .protocol import take_sequences


@dataclass(frozen=True)
class GradientState:
    """``theta`` (R, n_params) and the optimiser's state (arrays with a leading R axis)."""

    theta: np.ndarray
    opt_state: Any


@dataclass(frozen=True)
class GradientLearner:
    """Gradient descent on ``task``'s loss of ``model`` with the optimiser transform ``tx``
    (``tx.init(theta)``, ``tx.update(grads, opt_state, theta, **extra) -> (updates, opt_state)``)."""

    model: Any
    task: Any
    tx: Any
    online: bool = False
    curvature: bool = False

    def __post_init__(self):
        for name in ("online", "curvature"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"{name} must be True or False, got {name}={getattr(self, name)!r}")
        for name in ("init", "update"):
            if not callable(getattr(self.tx, name, None)):
                raise ValueError(f"tx must be an optimiser transform (init, update), got tx={self.tx!r}")

    def init(self, theta0: np.ndarray, rngs=None) -> GradientState:
        """theta0 (R, n_params) -> the learner's state (theta copied; the transform's fresh state)."""
        theta = np.array(theta0, dtype=float, copy=True)
        if theta.ndim != 2 or theta.shape[1] != self.model.n_params:
            raise ValueError(f"theta0 must have shape (runs, {self.model.n_params}), got {theta.shape}")
        return GradientState(theta, self.tx.init(theta))

    def step(self, state: GradientState, batch, rngs, trace=None) -> tuple[GradientState, np.ndarray]:
        """One pass over ``batch`` (R runs, B sequences): one update (batch) or B updates (online).
        Returns the new state and B presentations per run, (R,).  ``trace``: the model's forward pass
        of ``batch`` at the current parameters, when the fit loop has just made it (batch mode then
        skips its own: one forward and one backward pass per epoch)."""
        R, B = batch.lengths.shape
        theta, opt_state = state.theta, state.opt_state
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if not self.online:
                theta, opt_state = self._update(theta, opt_state, batch, trace)
            else:
                order = np.stack([rng.permutation(B) for rng in rngs])  # (R, B)
                for j in range(B):
                    one = take_sequences(batch, order[:, j : j + 1])  # sequence order[r, j] of each run r
                    theta, opt_state = self._update(theta, opt_state, one)
        return GradientState(theta, opt_state), np.full(R, B, dtype=np.int64)

    def params(self, state: GradientState) -> np.ndarray:
        return state.theta

    def _update(self, theta: np.ndarray, opt_state, batch, trace=None):
        """theta + updates from the gradient of C on ``batch``; frozen coordinates kept."""
        if trace is None:
            trace = self.model.forward(theta, batch)
        d_out = self.task.loss_grad(trace.out, batch)
        if self.curvature:
            curv = self.task.loss_curv(trace.out, batch)
            g = self.model.backward(theta, trace, d_out, curvature=curv)
            updates, opt_state = self.tx.update(g.grad, opt_state, theta, curv=g.curv)
        else:
            g = self.model.backward(theta, trace, d_out)
            updates, opt_state = self.tx.update(g.grad, opt_state, theta)
        return theta + updates * self.model.mask, opt_state
