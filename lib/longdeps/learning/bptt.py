"""Gradient descent with back-propagation through time on a latch problem (BSF94 Section III), run by
the training core: :class:`~longdeps.learning.gradient.GradientLearner` with plain ``sgd`` in the one
loop :func:`~longdeps.learning.fit.fit`.

Batch ("off-line") gradient descent: every epoch presents all training sequences of a run once,
sums the exact BPTT gradient of C = 1/2 sum_p (x_T^p - d^p)^2 (eq. 4) and takes one step
theta <- theta - lr * dC/dtheta.  A run stops when the problem's convergence criterion holds
(converged), when a parameter leaves [-1e6, 1e6] or the cost turns non-finite (diverged = failed), or
when the epoch budget is spent (failed).  All runs advance together; stopped runs are frozen.
"""

from __future__ import annotations

import numpy as np

from ..optim import sgd
from . import LearningResult
from .fit import fit, until_success
from .gradient import GradientLearner

_NO_DRAWS = np.random.default_rng(0)  # batch gradient descent draws no random numbers


def gradient_descent(
    problem,
    theta0: np.ndarray,
    *,
    lr: float | np.ndarray,
    epochs: int,
    record_every: int = 1,
    keep_history: bool = False,
) -> LearningResult:
    """Train R runs of ``problem`` (a :class:`longdeps.models.neuron.LatchProblem`) from ``theta0``
    (R, n_params) by batch gradient descent.

    ``lr`` is the step on the summed (not averaged) cost (a number, or one per run); ``epochs`` the
    budget of parameter updates.  The criterion is checked before every update (on the forward pass
    the update uses), so a run that starts solved takes 0 epochs.  ``presentations`` = epochs x the
    training sequences: the stopping checks are not counted.  ``cost`` (and ``history``, the
    parameters) every ``record_every`` epochs.
    """
    R = problem.n_runs
    lr_arr = np.broadcast_to(np.asarray(lr, dtype=float), (R,))
    if not np.all(np.isfinite(lr_arr)) or np.any(lr_arr <= 0):
        raise ValueError(f"learning rate must be positive and finite, got lr={lr!r}")
    if not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got epochs={epochs!r}")
    if not isinstance(record_every, (int, np.integer)) or record_every < 1:
        raise ValueError(f"record_every must be a positive integer, got record_every={record_every!r}")
    theta0 = np.asarray(theta0, dtype=float)
    if theta0.shape != (R, problem.n_params):
        raise ValueError(f"theta0 must have shape ({R}, {problem.n_params}), got {theta0.shape}")

    learner = GradientLearner(problem.model, problem.task, sgd(np.array(lr_arr)))
    res = fit(
        learner,
        problem.task,
        problem.model,
        theta0,
        [_NO_DRAWS] * R,
        train=problem.batch,
        max_steps=int(epochs),
        stop=(until_success,),
        record_every=int(record_every),
        record_params=keep_history,
    )
    n_rec = int(epochs) // int(record_every) + 1  # epochs 0, r, 2r, ... (fit also keeps the last)
    return LearningResult(
        theta=res.theta,
        cost=res.history["loss"][:, :n_rec],
        presentations=res.presentations,
        converged=res.converged,
        steps=res.steps,
        diverged=res.diverged,
        history=res.history["theta"][:, :n_rec] if keep_history else None,
    )
