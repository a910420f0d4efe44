"""Composable gradient transformations over flat parameters, in the style of optax.

A transformation is a pair of pure functions

    state = init(theta)                                   theta (R, n_params)
    updates, state = update(grads, state, theta, **extra)  theta_new = theta + updates

with a leading runs axis R on every array.  Transformations compose with :func:`chain`: the
gradient flows through them left to right, so ``chain(clip_by_norm(1.0), sgd(0.1))`` clips the
gradient and then steps against it.  Extra keyword arguments (e.g. ``curv=`` for
:func:`~longdeps.optim.scaling.scale_by_curvature`) reach every transformation of a chain; each one
reads only what it needs.

Per-run hyperparameters.  A learning rate (or momentum, clipping norm, mu) is a number or one value
per run, shape (R,).  :func:`init` stores it in the state as an (R,) array, so the state of a subset
of runs (:func:`take_state`) carries its own hyperparameters and the fit loop can step only the
active runs.  Every leaf of a state is an array with a leading runs axis.

Frozen coordinates.  Models zero the gradient of frozen coordinates, and every transformation here
maps a zero gradient history to a zero update.  :func:`masked` makes it explicit: it multiplies both
the gradient entering and the update leaving the inner transformation by the model's mask, so frozen
coordinates never move and never enter a clipping norm, whatever the inner transformation does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np


class GradientTransformation(NamedTuple):
    """``init(theta) -> state`` and ``update(grads, state, theta=None, **extra) -> (updates, state)``."""

    init: Callable[[np.ndarray], Any]
    update: Callable[..., tuple[np.ndarray, Any]]


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Apply ``transforms`` in order: the updates of one are the gradient of the next.

    The state is the tuple of the transformations' states.
    """
    if not transforms:
        raise ValueError("chain needs at least one transformation, got none")
    for i, tx in enumerate(transforms):
        if not isinstance(tx, GradientTransformation):
            raise ValueError(f"chain argument {i} is not a GradientTransformation, got {tx!r}")

    def init(theta):
        return tuple(tx.init(theta) for tx in transforms)

    def update(grads, state, theta=None, **extra):
        new_state = []
        for tx, s in zip(transforms, state, strict=True):
            grads, s = tx.update(grads, s, theta, **extra)
            new_state.append(s)
        return grads, tuple(new_state)

    return GradientTransformation(init, update)


class MaskedState(NamedTuple):
    inner: Any


def masked(tx: GradientTransformation, mask) -> GradientTransformation:
    """Run ``tx`` on ``grads * mask`` and return ``updates * mask``.

    ``mask`` (n_params,) of 0/1 (1 = trainable), e.g. ``model.mask``; it broadcasts over the runs
    axis.  Frozen coordinates then get a zero update whatever ``tx`` computes.
    """
    mask = np.asarray(mask, dtype=float)
    if mask.ndim != 1 or not np.all((mask == 0) | (mask == 1)):
        raise ValueError(f"mask must be a 1-D array of 0/1 (one entry per parameter), got mask={mask!r}")

    def init(theta):
        _check_width(theta, mask)
        return MaskedState(tx.init(theta))

    def update(grads, state, theta=None, **extra):
        _check_width(grads, mask)
        updates, inner = tx.update(np.asarray(grads) * mask, state.inner, theta, **extra)
        return updates * mask, MaskedState(inner)

    return GradientTransformation(init, update)


def take_state(state, runs):
    """The state of a subset of runs (index array or boolean mask on the runs axis); copies."""
    if isinstance(state, tuple):
        items = [take_state(s, runs) for s in state]
        return type(state)(*items) if hasattr(state, "_fields") else tuple(items)
    return np.asarray(state)[runs]


def put_state(state, runs, sub):
    """A copy of ``state`` whose rows ``runs`` are replaced by ``sub`` (a state of those runs)."""
    if isinstance(state, tuple):
        items = [put_state(s, runs, t) for s, t in zip(state, sub, strict=True)]
        return type(state)(*items) if hasattr(state, "_fields") else tuple(items)
    out = np.array(state, copy=True)
    out[runs] = sub
    return out


def per_run(name: str, value, *, low: float, high: float = np.inf, low_open: bool = False) -> np.ndarray:
    """Check a hyperparameter (a number or a 1-D array, one per run) lies in [low, high) (or (low, high)).

    Returns it as a float array of shape () or (R,).  The message names ``name`` and the value.
    """
    arr = np.asarray(value, dtype=float)
    lo_ok = arr > low if low_open else arr >= low
    if arr.ndim > 1 or not np.all(np.isfinite(arr) & lo_ok & (arr < high)):
        lo = "(" if low_open else "["
        raise ValueError(
            f"{name} must be finite in {lo}{low}, {high}) (a number or one per run), got {name}={value!r}"
        )
    return arr


def broadcast_runs(name: str, value: np.ndarray, theta) -> np.ndarray:
    """``value`` (() or (R,)) as an (R,) array for parameters ``theta`` (R, ...)."""
    theta = np.asarray(theta)
    if theta.ndim < 1:
        raise ValueError(f"parameters must have a leading runs axis, got shape {theta.shape}")
    R = theta.shape[0]
    if value.ndim == 1 and value.shape[0] != R:
        raise ValueError(f"{name} has {value.shape[0]} values but the parameters have {R} runs")
    return np.array(np.broadcast_to(value, (R,)), dtype=float)


def along_runs(value: np.ndarray, like: np.ndarray) -> np.ndarray:
    """An (R,) array reshaped to broadcast against ``like`` (R, ...)."""
    if like.shape[:1] != value.shape:
        raise ValueError(
            f"gradient has {like.shape[0] if like.ndim else 0} runs but the state has {value.shape[0]}"
        )
    return value.reshape(value.shape + (1,) * (like.ndim - 1))


def _check_width(x, mask) -> None:
    x = np.asarray(x)
    if x.ndim < 2 or x.shape[-1] != mask.shape[0]:
        raise ValueError(f"arrays must be (runs, {mask.shape[0]}) to match the mask, got shape {x.shape}")
