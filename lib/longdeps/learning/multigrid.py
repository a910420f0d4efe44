"""Multi-grid random search (Bengio, Simard & Frasconi 1994, Section V-B; Bengio & Frasconi 1994,
Section 3).

The paper: "Like simulated annealing, it tries random points.  However, if the main problem with the
learning tasks was plateaus (rather than local minima), an algorithm that accepts only points that
reduce the error could be more efficient. [...] It performs a (uniform) random search in a
hyperrectangle around the current (best) point.  When a better point is found, it reduces the size of
the hyperrectangle (by a factor of 0.9 in the experiments) and re-centers it around the new point.
The stopping criterion is the same as for simulated annealing."

A trial: x' = x_best + r * s with r ~ U[-1, 1] per trainable coordinate and s the rectangle's
half-widths; if C(x') < C(x_best), x_best = x' and s *= 0.9.  Choices the paper leaves open:

* the initial half-width ``size0`` (1.0 in every trainable coordinate; the initial weights are
  U[-0.5, 0.5]), and that only strictly better points are taken;
* the stopping test of footnote 1 ("When the cost value on the last N_c points does not change by more
  than eps and these values are all within eps of the current optimal cost value", eps = 0.001,
  N_c = 4) is applied to the costs of the last N_c *trial points*: the rectangle has shrunk so much
  that nothing it holds differs from the best.  Such a run is ``stuck``.  A run is ``solved`` when a
  new best point passes ``task.success``.

One trial = one cost evaluation = B presentations; the first step also evaluates the starting point
(B presentations).  One :meth:`MultigridRandomSearch.step` makes ``trials`` trials in a row per run (all
runs' j-th trial in one forward pass; run r draws from its own generator), so the results do not depend
on ``trials`` except through where the fit loop evaluates.  A solved or stuck run is charged only the
trials up to that point, then uses 0 presentations; :func:`~longdeps.learning.annealing.until_stuck`
stops it in :func:`~longdeps.learning.fit.fit`.  :meth:`params` is the best point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .annealing import check_count, check_positive, is_stuck, until_stuck
from .protocol import batch_take, cost_and_success

__all__ = ["MultigridRandomSearch", "MultigridState", "until_stuck"]


@dataclass(frozen=True)
class MultigridState:
    """Per run: the best point ``x`` (R, n_params) and its cost ``f`` (R,) (inf before the first
    evaluation); the half-widths ``size`` (R, n_params); ``recent`` (R, N_c) the costs of the last N_c
    trials (newest last, NaN before); ``improvements`` and ``evaluations`` (R,) counts (cost
    evaluations, the starting point's included); ``started``, ``solved``, ``stuck`` (R,) bool."""

    x: np.ndarray
    f: np.ndarray
    size: np.ndarray
    recent: np.ndarray
    improvements: np.ndarray
    evaluations: np.ndarray
    started: np.ndarray
    solved: np.ndarray
    stuck: np.ndarray


@dataclass(frozen=True)
class MultigridRandomSearch:
    """Uniform trials in a hyperrectangle around the best point, shrunk by ``shrink`` (0.9) on every
    improvement; ``size0`` initial half-width; ``trials`` trials per step; ``eps``, ``N_c`` footnote 1's
    stopping test."""

    model: Any
    task: Any
    size0: float = 1.0
    shrink: float = 0.9
    trials: int = 10
    eps: float = 0.001
    N_c: int = 4

    def __post_init__(self):
        check_positive("size0", self.size0)
        check_positive("eps", self.eps, strict=False)
        check_count("trials", self.trials)
        check_count("N_c", self.N_c)
        if isinstance(self.shrink, (bool, np.bool_)) or not isinstance(self.shrink, (int, float, np.number)):
            raise ValueError(f"shrink must be in (0, 1), got shrink={self.shrink!r}")
        if not 0 < self.shrink < 1:
            raise ValueError(f"shrink must be in (0, 1), got shrink={self.shrink!r}")
        if not np.any(np.asarray(self.model.mask) != 0):
            raise ValueError("the model has no trainable coordinate to search (model.mask is all 0)")

    def init(self, theta0: np.ndarray, rngs=None) -> MultigridState:
        """theta0 (R, n_params) -> the state before any cost evaluation."""
        x = np.array(theta0, dtype=float, copy=True)
        if x.ndim != 2 or x.shape[1] != self.model.n_params:
            raise ValueError(f"theta0 must have shape (runs, {self.model.n_params}), got {x.shape}")
        R, n = x.shape
        mask = np.asarray(self.model.mask) != 0
        z, no = np.zeros(R, dtype=np.int64), np.zeros(R, dtype=bool)
        size = np.where(mask, float(self.size0), 0.0) * np.ones((R, n))
        recent = np.full((R, self.N_c), np.nan)
        return MultigridState(x, np.full(R, np.inf), size, recent, z, z.copy(), no, no.copy(), no.copy())

    def step(self, state: MultigridState, batch, rngs) -> tuple[MultigridState, np.ndarray]:
        """``trials`` trials of every run still searching, on ``batch`` (R runs, B sequences).  Returns
        the new state and the presentations used, (R,): B per cost evaluation."""
        R, B = batch.lengths.shape
        s = {k: np.array(getattr(state, k), copy=True) for k in MultigridState.__dataclass_fields__}
        used = np.zeros(R, dtype=np.int64)
        idx = np.flatnonzero(~(s["solved"] | s["stuck"]))
        if idx.size == 0:
            return MultigridState(**s), used
        k, n, K = idx.size, s["x"].shape[1], int(self.trials)
        sub = batch if k == R else batch_take(batch, idx)
        draws = np.stack([rngs[r].uniform(-1.0, 1.0, (K, n)) for r in idx])  # (k, K, n)
        x, f, size, recent = s["x"][idx], s["f"][idx], s["size"][idx], s["recent"][idx]
        improvements, solved, stuck = s["improvements"][idx], s["solved"][idx], s["stuck"][idx]
        evals = np.zeros(k, dtype=np.int64)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            new = ~s["started"][idx]
            if new.any():
                cost, ok = cost_and_success(self.model, self.task, x, sub)
                f, evals = np.where(new, cost, f), evals + new
                solved |= new & ok
            for j in range(K):
                alive = ~(solved | stuck)
                if not alive.any():
                    break
                xt = x + draws[:, j] * size
                cost, ok = cost_and_success(self.model, self.task, xt, sub)
                evals += alive
                recent[alive] = np.concatenate([recent[alive, 1:], cost[alive, None]], axis=1)
                better = alive & (cost < f)
                x[better], f[better] = xt[better], cost[better]
                size[better] *= self.shrink
                improvements += better
                solved |= better & ok
                stuck |= alive & ~solved & is_stuck(recent, f, self.eps)
        for key, val in (("x", x), ("f", f), ("size", size), ("recent", recent)):
            s[key][idx] = val
        s["improvements"][idx], s["solved"][idx], s["stuck"][idx] = improvements, solved, stuck
        s["started"][idx] = True
        s["evaluations"][idx] += evals
        used[idx] = evals * B
        return MultigridState(**s), used

    def params(self, state: MultigridState) -> np.ndarray:
        """The best point (theta0 before any step), (R, n_params)."""
        return state.x
