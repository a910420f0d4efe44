"""Simulated annealing for continuous variables (Corana, Marchesi, Martini & Ridella 1987), as used by
Bengio, Simard & Frasconi 1994, Section V-A (and Bengio & Frasconi 1994, Section 3).

The paper: "a 'batch learning' algorithm (updating parameters after all examples of the training set
have been seen).  It performs a cycle of random moves, each along one coordinate (parameter)
direction.  Each point is accepted or rejected according to the Metropolis criterion.  New points are
selected according to a uniform distribution inside a hyperrectangle around the last point.  The
dimensions of the hyperrectangle are updated in order to maintain the average percentage of accepted
moves at about one-half of the total number of moves.  After a certain number of cycles, the
temperature is reduced by a constant multiplicative factor (0.85 in the experiments).  Training stops
when some acceptable value of the cost function is attained, when learning gets 'stuck,' or if a
maximum number of function evaluations is performed."

Corana et al.'s algorithm (parameter names of their pp. 266-8), on the n trainable coordinates:

* a *sweep* (the paper's "cycle"): for each coordinate h in turn, x' = x + r v_h e_h with r ~ U[-1, 1];
  accept if C(x') <= C(x), else with probability exp((C(x) - C(x')) / T_k) (Metropolis); count the
  acceptances n_h; keep the best point x_opt ever seen;
* after N_S sweeps (20), each step size is adjusted (c_h = c = 2): v_h *= 1 + c (n_h/N_S - 0.6)/0.4 if
  n_h > 0.6 N_S, v_h /= 1 + c (0.4 - n_h/N_S)/0.4 if n_h < 0.4 N_S (capped at ``v_max``: Corana et al.
  search inside a box, which we do not have);
* after N_T adjustments (max(100, 5n)), the cost at the current point is recorded as f*_k, the
  temperature multiplied by r_T = 0.85, the stopping test made, and the search restarts from x_opt.

Stopping test (BSF94 footnote 1): "When the cost value on the last N_c points does not change by more
than eps (a small constant) and these values are all within eps of the current optimal cost value
found by the algorithm.  In the experiments, eps = 0.001 and N_c = 4."  The "points" are Corana et
al.'s: the ends of the last N_c temperatures, f*_k.  Such a run is ``stuck``.  "Cost attained": a run
is ``solved`` when a new best point passes ``task.success`` (every sequence classified correctly).

One cost evaluation = one forward pass of the B training sequences = B presentations (BSF94: "A
'function evaluation' corresponds to performing a single pass through the network, for one input
sequence").  One :meth:`SimulatedAnnealing.step` is one sweep: n moves, n B presentations (plus B for
the cost of the starting point at the first step).  A solved run is charged only the moves up to the
solving one.  A spent run (solved or stuck) no longer moves and its steps use 0 presentations;
:func:`until_stuck` stops it in :func:`~longdeps.learning.fit.fit`.  :meth:`params` is x_opt.

Vectorised across runs: all runs make their h-th move together (one forward pass); run r draws its
sweep's 2n random numbers (moves, then Metropolis uniforms) from its own generator.  Initial
temperature ``T0`` and step sizes ``v0``: the paper gives none (Corana et al. leave T0 to the user).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .protocol import batch_take, cost_and_success


@dataclass(frozen=True)
class AnnealingState:
    """Per run (leading axis R): the current point ``x`` (R, n_params) and cost ``f`` (R,); the best
    ``x_opt``, ``f_opt``; step sizes ``v`` (R, n_params); temperature ``temp`` (R,); acceptances
    ``n_acc`` (R, n_params) since the last adjustment; ``sweeps`` since the last adjustment and
    ``adjustments`` since the last temperature change (R,); ``f_star`` (R, N_c) the costs at the ends of
    the last N_c temperatures (newest last; NaN before); ``temperatures`` (R,) completed;
    ``evaluations`` (R,) cost evaluations; ``started``, ``solved``, ``stuck`` (R,) bool."""

    x: np.ndarray
    f: np.ndarray
    x_opt: np.ndarray
    f_opt: np.ndarray
    v: np.ndarray
    temp: np.ndarray
    n_acc: np.ndarray
    sweeps: np.ndarray
    adjustments: np.ndarray
    f_star: np.ndarray
    temperatures: np.ndarray
    evaluations: np.ndarray
    started: np.ndarray
    solved: np.ndarray
    stuck: np.ndarray


@dataclass(frozen=True)
class SimulatedAnnealing:
    """Corana et al.'s simulated annealing of ``task``'s cost of ``model`` (module docstring).

    ``T0`` initial temperature; ``v0`` initial step size (all coordinates); ``N_S`` sweeps per step-size
    adjustment; ``N_T`` adjustments per temperature (None: max(100, 5n), n trainable coordinates);
    ``c`` step-adjustment constant; ``r_T`` temperature factor; ``eps``, ``N_c`` the stopping test;
    ``v_max`` the largest step size."""

    model: Any
    task: Any
    T0: float = 1.0
    v0: float = 1.0
    N_S: int = 20
    N_T: int | None = None
    c: float = 2.0
    r_T: float = 0.85
    eps: float = 0.001
    N_c: int = 4
    v_max: float = 10.0

    def __post_init__(self):
        for name in ("T0", "v0", "c", "v_max"):
            check_positive(name, getattr(self, name))
        check_positive("eps", self.eps, strict=False)
        if not _is_real(self.r_T) or not 0 < self.r_T < 1:
            raise ValueError(f"r_T must be in (0, 1), got r_T={self.r_T!r}")
        check_count("N_S", self.N_S)
        check_count("N_c", self.N_c)
        if self.N_T is not None:
            check_count("N_T", self.N_T)
        if self.v0 > self.v_max:
            raise ValueError(f"v0 must be <= v_max={self.v_max}, got v0={self.v0!r}")
        if not np.any(np.asarray(self.model.mask) != 0):
            raise ValueError("the model has no trainable coordinate to anneal (model.mask is all 0)")

    @property
    def coords(self) -> np.ndarray:
        """The trainable coordinates, in the order of a sweep."""
        return np.flatnonzero(np.asarray(self.model.mask) != 0)

    @property
    def n_T(self) -> int:
        """N_T in use: the given one, else Corana et al.'s max(100, 5n)."""
        return int(self.N_T) if self.N_T is not None else max(100, 5 * self.coords.size)

    def init(self, theta0: np.ndarray, rngs=None) -> AnnealingState:
        """theta0 (R, n_params) -> the state before any cost evaluation (f = f_opt = inf)."""
        x = np.array(theta0, dtype=float, copy=True)
        if x.ndim != 2 or x.shape[1] != self.model.n_params:
            raise ValueError(f"theta0 must have shape (runs, {self.model.n_params}), got {x.shape}")
        R, n = x.shape
        z = np.zeros(R, dtype=np.int64)
        no = np.zeros(R, dtype=bool)
        return AnnealingState(
            x=x, f=np.full(R, np.inf), x_opt=x.copy(), f_opt=np.full(R, np.inf),
            v=np.full((R, n), float(self.v0)), temp=np.full(R, float(self.T0)), n_acc=np.zeros((R, n)),
            sweeps=z, adjustments=z.copy(), f_star=np.full((R, self.N_c), np.nan), temperatures=z.copy(),
            evaluations=z.copy(), started=no, solved=no.copy(), stuck=no.copy(),
        )  # fmt: skip

    def step(self, state: AnnealingState, batch, rngs) -> tuple[AnnealingState, np.ndarray]:
        """One sweep of every run still searching on ``batch`` (R runs, B sequences).  Returns the new
        state and the presentations used, (R,): B per cost evaluation, 0 for a spent run."""
        R, B = batch.lengths.shape
        s = {k: np.array(getattr(state, k), copy=True) for k in AnnealingState.__dataclass_fields__}
        used = np.zeros(R, dtype=np.int64)
        idx = np.flatnonzero(~(s["solved"] | s["stuck"]))
        if idx.size == 0:
            return AnnealingState(**s), used
        coords = self.coords
        n = coords.size
        sub = batch if idx.size == R else batch_take(batch, idx)
        moves = np.stack([rngs[r].uniform(-1.0, 1.0, n) for r in idx])  # (k, n): run r's own draws
        coins = np.stack([rngs[r].random(n) for r in idx])
        x, f, x_opt, f_opt = s["x"][idx], s["f"][idx], s["x_opt"][idx], s["f_opt"][idx]
        v, temp, n_acc = s["v"][idx], s["temp"][idx], s["n_acc"][idx]
        solved = np.zeros(idx.size, dtype=bool)
        evals = np.zeros(idx.size, dtype=np.int64)

        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            new = ~s["started"][idx]
            if new.any():  # the cost of the starting point (Corana's step 0)
                cost, ok = cost_and_success(self.model, self.task, x, sub)
                f, evals = np.where(new, cost, f), evals + new
                better = new & (cost < f_opt)
                x_opt[better], f_opt[better] = x[better], cost[better]
                solved |= better & ok
            for i, h in enumerate(coords):
                alive = ~solved
                xt = x.copy()
                xt[:, h] += moves[:, i] * v[:, h]
                cost, ok = cost_and_success(self.model, self.task, xt, sub)
                evals += alive
                accept = alive & metropolis(f, cost, temp, coins[:, i])
                x[accept], f[accept] = xt[accept], cost[accept]
                n_acc[accept, h] += 1
                better = alive & (cost < f_opt)
                x_opt[better], f_opt[better] = xt[better], cost[better]
                solved |= better & ok

            sweeps = s["sweeps"][idx] + ~solved
            adjustments = s["adjustments"][idx].copy()
            adjust = ~solved & (sweeps >= self.N_S)
            if adjust.any():
                v[adjust] = adjust_steps(v[adjust], n_acc[adjust] / self.N_S, self.c, self.v_max)
                n_acc[adjust], sweeps[adjust] = 0.0, 0
                adjustments[adjust] += 1
            cool = adjust & (adjustments >= self.n_T)
            f_star, temperatures = s["f_star"][idx], s["temperatures"][idx]
            stuck = np.zeros(idx.size, dtype=bool)
            if cool.any():
                f_star[cool] = np.concatenate([f_star[cool, 1:], f[cool, None]], axis=1)
                temperatures[cool] += 1
                temp[cool] *= self.r_T
                adjustments[cool] = 0
                stuck[cool] = is_stuck(f_star[cool], f_opt[cool], self.eps)
                x[cool], f[cool] = x_opt[cool], f_opt[cool]  # restart from the best point

        for k, val in (
            ("x", x), ("f", f), ("x_opt", x_opt), ("f_opt", f_opt), ("v", v), ("temp", temp),
            ("n_acc", n_acc), ("sweeps", sweeps), ("adjustments", adjustments), ("f_star", f_star),
            ("temperatures", temperatures), ("solved", solved), ("stuck", stuck),
        ):  # fmt: skip
            s[k][idx] = val
        s["started"][idx] = True
        s["evaluations"][idx] += evals
        used[idx] = evals * B
        return AnnealingState(**s), used

    def params(self, state: AnnealingState) -> np.ndarray:
        """x_opt, the best point seen (theta0 before any step), (R, n_params)."""
        return state.x_opt


def metropolis(f: np.ndarray, f_new: np.ndarray, temp: np.ndarray, coin: np.ndarray) -> np.ndarray:
    """The Metropolis criterion (Kirkpatrick et al. 1983), (R,) bool: accept when f_new <= f, else when
    ``coin`` (U[0, 1)) < exp((f - f_new) / temp).  All arrays (R,)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        return (f_new <= f) | (coin < np.exp((f - f_new) / temp))


def adjust_steps(v: np.ndarray, ratio: np.ndarray, c: float, v_max: float = np.inf) -> np.ndarray:
    """Corana et al.'s step-size update from the acceptance ratios ``ratio`` = n_h / N_S (same shape as
    ``v``): grow above 0.6, shrink below 0.4, keep in between; capped at ``v_max``."""
    up = 1.0 + c * (ratio - 0.6) / 0.4
    down = 1.0 + c * (0.4 - ratio) / 0.4
    out = np.where(ratio > 0.6, v * up, np.where(ratio < 0.4, v / down, v))
    return np.minimum(out, v_max)


def is_stuck(recent: np.ndarray, best: np.ndarray, eps: float) -> np.ndarray:
    """BSF94 footnote 1, (R,) bool: the last N_c costs ``recent`` (R, N_c) (NaN = not yet recorded)
    differ by at most ``eps`` and all lie within ``eps`` of the best cost ``best`` (R,)."""
    with np.errstate(invalid="ignore"):
        full = np.all(np.isfinite(recent), axis=1)
        spread = recent.max(axis=1) - recent.min(axis=1)
        gap = np.abs(recent - best[:, None]).max(axis=1)
        return full & (spread <= eps) & (gap <= eps)


def until_stuck(ev) -> np.ndarray:
    """The stopping rule of the search learners (:class:`SimulatedAnnealing`,
    :class:`~longdeps.learning.multigrid.MultigridRandomSearch`), for ``fit(..., stop=(until_success,
    until_stuck))``: stop the runs that are spent, ``stuck`` by footnote 1's test (or ``solved``), read
    from the learner's state the :class:`~longdeps.learning.fit.Evaluation` carries.  (r,) bool."""
    state = ev.state
    if state is None or not hasattr(state, "stuck"):
        raise ValueError(f"until_stuck needs a search learner's state (with 'stuck'), got state={state!r}")
    return np.asarray(state.stuck, dtype=bool) | np.asarray(state.solved, dtype=bool)


def check_positive(name: str, value, strict: bool = True) -> None:
    """ValueError naming ``name`` unless ``value`` is a finite real > 0 (>= 0 if not ``strict``)."""
    if not _is_real(value) or not np.isfinite(value) or (value <= 0 if strict else value < 0):
        raise ValueError(
            f"{name} must be {'positive' if strict else '>= 0'} and finite, got {name}={value!r}"
        )


def check_count(name: str, value, low: int = 1) -> None:
    """ValueError naming ``name`` unless ``value`` is an integer >= ``low``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {name}={value!r}")


def _is_real(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
