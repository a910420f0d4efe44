"""Gradient rescalings that come before the step: norm clipping and the diagonal pseudo-Newton scale.

* ``clip_by_norm(max_norm)``: per run, g <- g * min(1, max_norm / ||g||) with ||g|| the Euclidean norm
  over all parameters of that run (the clipping of gradient norms used with TPTT and BPTT baselines,
  Pascanu et al. 2013's rescaling form).
* ``scale_by_curvature(mu)``: the diagonal pseudo-Newton rescaling of Becker & Le Cun 1988, eq. (5)
  of Bengio, Simard & Frasconi 1994 (Section V-C):

      Delta w_i = -eta / (|d2C/dw_i^2| + mu) * dC/dw_i                                  (5)

  This transformation returns g_i / (|curv_i| + mu); chain it with ``sgd(eta)`` for eq. (5).  The
  curvature (R, n_params) (same shape as the gradient) is passed on every update as ``curv=``; the
  model's ``backward(..., curvature=...)`` provides the Gauss-Newton diagonal.  For the time-weighted
  form, eq. (6), apply it to the per-time-step gradients (R, T, n_params) with ``curv=curv_t`` and sum
  over t before the step: every function here accepts arrays (R, ...) with a leading runs axis.
  The paper adapts mu on line (keeping the largest |Delta w| within [0.001, 0.3], with momentum 0.8);
  mu lives in the state as an (R,) array so that a learner can rewrite it between updates.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import GradientTransformation, along_runs, broadcast_runs, per_run


class ClipState(NamedTuple):
    max_norm: np.ndarray  # (R,)


class CurvatureState(NamedTuple):
    mu: np.ndarray  # (R,)


def clip_by_norm(max_norm) -> GradientTransformation:
    """Per run, rescale g to norm ``max_norm`` when its norm is larger; ``max_norm`` > 0 (or one per run).

    A non-finite gradient passes through unchanged (the fit loop marks such runs diverged).
    """
    max_norm = per_run("max_norm", max_norm, low=0.0, low_open=True)

    def init(theta):
        return ClipState(broadcast_runs("max_norm", max_norm, theta))

    def update(grads, state, theta=None, **extra):
        g = np.asarray(grads, dtype=float)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            norm = np.sqrt((g.reshape(g.shape[0], -1) ** 2).sum(axis=1))  # (R,)
            factor = np.where(norm > state.max_norm, state.max_norm / norm, 1.0)
            return along_runs(factor, g) * g, state

    return GradientTransformation(init, update)


def scale_by_curvature(mu) -> GradientTransformation:
    """g / (|curv| + mu), eq. (5) of BSF94 without its -eta; ``mu`` > 0 (or one per run).

    ``update(grads, state, theta, curv=...)`` needs ``curv`` of the gradient's shape (R, ...).
    """
    mu = per_run("mu", mu, low=0.0, low_open=True)

    def init(theta):
        return CurvatureState(broadcast_runs("mu", mu, theta))

    def update(grads, state, theta=None, *, curv=None, **extra):
        g = np.asarray(grads, dtype=float)
        if curv is None:
            raise ValueError("scale_by_curvature needs the curvature: update(..., curv=array), got curv=None")
        curv = np.asarray(curv, dtype=float)
        if curv.shape != g.shape:
            raise ValueError(f"curv must have the gradient's shape {g.shape}, got curv of shape {curv.shape}")
        with np.errstate(over="ignore", invalid="ignore"):
            return g / (np.abs(curv) + along_runs(state.mu, g)), state

    return GradientTransformation(init, update)
