"""The one interface every learning rule of the book follows, and the helpers that let the fit loop
advance only some runs (Bengio, Simard & Frasconi 1994, Section V compares six rules on one footing:
the same tasks, the same starts, the same count of sequence presentations).

A learner holds hyperparameters only (set once, in its constructor); everything that changes while it
learns lives in its *state*, a dataclass (or tuple, dict) of arrays whose leading axis is the runs
axis R::

    state = learner.init(theta0, rngs)                  # theta0 (R, n_params), one generator per run
    state, used = learner.step(state, batch, rngs)      # used: sequence presentations, (R,) int
    theta = learner.params(state)                       # (R, n_params), the parameters to evaluate

Because every array of a state has a leading R axis, :func:`take` and :func:`put` can select the
active runs of a state and write them back, whatever the learner: the fit loop
(:func:`longdeps.learning.fit.fit`) steps only the runs still learning.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

State = Any  # a dataclass (or tuple / list / dict, nested) of arrays with a leading runs axis


class Learner(Protocol):
    """What :func:`~longdeps.learning.fit.fit` needs from a learning rule."""

    def init(self, theta0: np.ndarray, rngs: Sequence[np.random.Generator]) -> State:
        """The state of R runs starting from ``theta0`` (R, n_params)."""
        ...

    def step(self, state: State, batch, rngs: Sequence[np.random.Generator]) -> tuple[State, np.ndarray]:
        """One step of every run of ``state`` on ``batch`` (a SequenceBatch with the same R).

        Returns the new state and the sequence presentations (forward passes of one sequence) the
        step used, (R,) int.  Run r draws random numbers only from ``rngs[r]``."""
        ...

    def params(self, state: State) -> np.ndarray:
        """The parameters to evaluate, (R, n_params)."""
        ...


def tree_map(fn: Callable[[np.ndarray], np.ndarray], state: State) -> State:
    """Apply ``fn`` to every array of ``state`` (dataclasses, tuples, named tuples, lists and dicts are
    walked; 0-d arrays, numbers, strings and None are shared by all runs and kept as they are)."""
    if isinstance(state, np.ndarray):
        return state if state.ndim == 0 else fn(state)
    if dataclasses.is_dataclass(state) and not isinstance(state, type):
        changes = {f.name: tree_map(fn, getattr(state, f.name)) for f in dataclasses.fields(state) if f.init}
        return dataclasses.replace(state, **changes)
    if isinstance(state, tuple) and hasattr(state, "_fields"):  # named tuple
        return type(state)(*(tree_map(fn, x) for x in state))
    if isinstance(state, (tuple, list)):
        return type(state)(tree_map(fn, x) for x in state)
    if isinstance(state, dict):
        return {k: tree_map(fn, v) for k, v in state.items()}
    return state


def leaves(state: State) -> list[np.ndarray]:
    """The per-run arrays of ``state`` in a fixed order."""
    out: list[np.ndarray] = []

    def collect(x):
        out.append(x)
        return x

    tree_map(collect, state)
    return out


def n_runs(state: State) -> int:
    """R, the common leading axis of the arrays of ``state``; ValueError if they disagree."""
    sizes = {x.shape[0] for x in leaves(state)}
    if len(sizes) != 1:
        raise ValueError(f"a state's arrays must share one leading runs axis, got sizes {sorted(sizes)}")
    return sizes.pop()


def take(state: State, runs) -> State:
    """The state of some runs: ``runs`` is an index array or a boolean mask on the runs axis.
    The result owns its arrays (a copy), so stepping it never changes ``state``."""
    runs = np.asarray(runs)
    return tree_map(lambda x: x[runs], state)


def put(state: State, runs, sub: State) -> State:
    """Write the state ``sub`` of runs ``runs`` (index array or boolean mask) back into ``state``, in
    place, and return ``state``.  When an array cannot take the rows in place (read-only, or a
    learner changed its dtype, e.g. int counts turning float), every array is replaced by a copy
    (promoted as needed) instead."""
    runs = np.asarray(runs)
    dst, src = leaves(state), leaves(sub)
    if len(dst) != len(src) or any(d.shape[1:] != s.shape[1:] for d, s in zip(dst, src)):
        raise ValueError(
            f"the runs' state does not fit the state: shapes {[s.shape for s in src]} "
            f"into {[d.shape for d in dst]}"
        )
    if all(d.flags.writeable and np.can_cast(s.dtype, d.dtype, "same_kind") for d, s in zip(dst, src)):
        for d, s in zip(dst, src):
            d[runs] = s
        return state
    it = iter(src)

    def merge(d):
        s = next(it)
        out = d.astype(np.result_type(d, s))
        out[runs] = s
        return out

    return tree_map(merge, state)


#: the per-sequence fields of a SequenceBatch (leading axes (R, B)); a batch type adds its own in a
#: class attribute ``sequence_fields`` (other fields, e.g. the 2-sequence keys, belong to the run)
SEQUENCE_FIELDS = ("u", "lengths", "y", "cls")


def take_sequences(batch, index: np.ndarray):
    """Some sequences of every run of a batch: ``index`` (R, k) int picks sequences ``index[r]`` of
    run r.  The per-sequence fields (:data:`SEQUENCE_FIELDS` and the batch's ``sequence_fields``) are
    gathered along their second axis; per-run fields are kept.  Returns a batch of the same type with
    B = k."""
    index = np.asarray(index)
    R, k = index.shape
    names = SEQUENCE_FIELDS + tuple(getattr(batch, "sequence_fields", ()))
    changes = {}
    for name in names:
        x = getattr(batch, name, None)
        if isinstance(x, np.ndarray):
            changes[name] = np.take_along_axis(x, index.reshape((R, k) + (1,) * (x.ndim - 2)), axis=1)
    return dataclasses.replace(batch, **changes)


def repeat_runs(batch, k: int):
    """Each run of a batch repeated ``k`` times in a row: run r * k + j of the result (j < k) is run r
    of ``batch``.  Every array field with a leading runs axis is repeated (a copy); used to evaluate k
    parameter vectors per run in one forward pass.  Returns a batch with k R runs."""
    R = batch_runs(batch)
    changes = {}
    for f in dataclasses.fields(batch):
        x = getattr(batch, f.name)
        if f.init and isinstance(x, np.ndarray) and x.ndim >= 1 and x.shape[0] == R:
            changes[f.name] = np.repeat(x, k, axis=0)
    return dataclasses.replace(batch, **changes)


def batch_runs(batch) -> int:
    """R of a batch (its ``n_runs`` property, else the leading axis of its first array field)."""
    n = getattr(batch, "n_runs", None)
    if n is not None:
        return int(n)
    return leaves(batch)[0].shape[0]


def batch_take(batch, runs):
    """A batch restricted to some runs: the batch's own ``take`` when it has one, else :func:`take`."""
    method = getattr(batch, "take", None)
    return method(runs) if callable(method) else take(batch, runs)


def cost_and_success(model, task, theta: np.ndarray, batch) -> tuple[np.ndarray, np.ndarray]:
    """What a search learner sees of a point: the task's cost (R,) (inf where not finite) and its
    success test (R,) bool (never where the cost is not finite), from one forward pass of ``batch``."""
    out = model.forward(theta, batch).out
    cost = np.asarray(task.loss(out, batch), dtype=float)
    ok = np.asarray(task.success(out, batch), dtype=bool)
    finite = np.isfinite(cost)
    return np.where(finite, cost, np.inf), ok & finite
