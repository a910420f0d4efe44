"""The pseudo-Newton rule and its time-weighted form (Bengio, Simard & Frasconi 1994, Section V-C,
eqs. 5 and 6; Bengio & Frasconi 1994, Section 4).

Eq. (5), after the presentation of each sequence p (Becker & Le Cun 1988's diagonal rule)::

    Delta w_i(p) = - eta / (|d2C(p)/dw_i^2| + mu) * dC(p)/dw_i                          (5)

Eq. (6), each time copy w_it of a weight scaled by its own curvature and the contributions summed::

    Delta w_i(p) = - sum_t eta / (|d2C(p)/dw_it^2| + mu) * dC(p)/dw_it                   (6)

The curvatures are the Gauss-Newton diagonal back-propagated by the model
(``model.backward(..., per_step=, curvature=task.loss_curv)``: ``curv`` for eq. 5, ``curv_t`` and the
per-copy gradients ``grad_t`` for eq. 6), non-negative, "a diagonal approximation of the Hessian that
is cheap to compute and guaranteed to be positive".

On-line, as the paper says: "updates parameters according to the following on-line rule" and
"Delta w_i(p) is the update for weight w_i after pattern p has been presented, C(p) is the cost for
pattern p".  So ``online=True`` (the default) makes one update per sequence: a step is one pass over the
B training sequences in a random order (drawn for each run from its own generator), B presentations
per run.  ``online=False`` makes one update per step with the cost of all B sequences (also B
presentations).

mu adapted on-line.  The paper: "much better performance can be attained with the recurrent networks
when mu is adapted on-line.  This prevents the maximum Delta w from being greater than a certain upper
bound (0.3 in the experiments) or smaller than a certain lower bound (0.001 in the experiments).  The
constant mu is updated with a 'momentum' term (0.8 in the experiments), in order to prevent it from
decreasing too rapidly when the first and second derivatives vary widely from sequence to sequence".
It gives no formula; ours, per run and per update (s(mu) = max_i |Delta w_i| over the trainable
weights, decreasing in mu):

    mu_hi = the smallest mu with s(mu) <= 0.3,  mu_lo = the largest mu with s(mu) >= 0.001,
    m     = 0.8 mu_prev + 0.2 max(mu_hi, mu_min)           (momentum towards the largest steps allowed)
    mu    = max(min(m, mu_lo), mu_hi, mu_min)             (the bounds hold for this update's step)

So mu rises at once when a sequence's derivatives would give a step above 0.3, and falls only
geometrically (by the momentum) when they shrink, never so slowly that the largest step drops below
0.001 (unless even mu = mu_min cannot reach it, e.g. a zero gradient).  mu_hi and mu_lo are found by
bisection on log mu (exact for eq. 5, where s is monotone; for eq. 6 a weight's time contributions of
opposite signs can make s non-monotone, and the bounds then hold only approximately).
``adapt_mu=False`` keeps mu = ``mu0`` fixed (plain eq. 5 / 6).  Frozen coordinates never move.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .protocol import take_sequences

#: bisection range and iterations for mu_hi, mu_lo (log mu between log MU_MIN and log MU_MAX)
MU_MIN, MU_MAX, BISECTIONS = 1e-12, 1e12, 40


@dataclass(frozen=True)
class PseudoNewtonState:
    """``theta`` (R, n_params); ``mu`` (R,) the current mu of each run; ``max_step`` (R,) the largest
    |Delta w| of the run's last update (0 before any)."""

    theta: np.ndarray
    mu: np.ndarray
    max_step: np.ndarray


@dataclass(frozen=True)
class PseudoNewton:
    """Eq. (5) of BSF94 on ``task``'s cost of ``model`` (``time_weighted=True``: eq. 6).

    * ``eta`` -- global learning rate (0.01 in the paper); ``mu0`` -- initial (or fixed) mu > 0;
    * ``adapt_mu`` -- adapt mu on-line so the largest |Delta w| stays in ``step_bounds`` (0.001, 0.3),
      with momentum ``mu_momentum`` (0.8) on mu (see the module docstring);
    * ``online`` -- one update per sequence (the paper) or one per pass over the B sequences.
    """

    model: Any
    task: Any
    eta: float = 0.01
    mu0: float = 1.0
    adapt_mu: bool = True
    step_bounds: tuple[float, float] = (0.001, 0.3)
    mu_momentum: float = 0.8
    online: bool = True
    time_weighted: bool = False

    def __post_init__(self):
        for name in ("eta", "mu0"):
            v = getattr(self, name)
            if not _is_real(v) or not np.isfinite(v) or v <= 0:
                raise ValueError(f"{name} must be positive and finite, got {name}={v!r}")
        m = self.mu_momentum
        if not _is_real(m) or not 0 <= m < 1:
            raise ValueError(f"mu_momentum must be in [0, 1), got mu_momentum={m!r}")
        b = self.step_bounds
        ok = isinstance(b, (tuple, list)) and len(b) == 2 and all(_is_real(x) for x in b)
        if not ok or not (0 < b[0] < b[1] < np.inf):
            raise ValueError(
                f"step_bounds must be (low, high) with 0 < low < high < inf, got step_bounds={b!r}"
            )
        for name in ("adapt_mu", "online", "time_weighted"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"{name} must be True or False, got {name}={getattr(self, name)!r}")

    def init(self, theta0: np.ndarray, rngs=None) -> PseudoNewtonState:
        """theta0 (R, n_params) -> the state (theta copied, mu = mu0)."""
        theta = np.array(theta0, dtype=float, copy=True)
        if theta.ndim != 2 or theta.shape[1] != self.model.n_params:
            raise ValueError(f"theta0 must have shape (runs, {self.model.n_params}), got {theta.shape}")
        R = theta.shape[0]
        return PseudoNewtonState(theta, np.full(R, float(self.mu0)), np.zeros(R))

    def step(self, state: PseudoNewtonState, batch, rngs) -> tuple[PseudoNewtonState, np.ndarray]:
        """One pass over ``batch`` (R runs, B sequences): B updates (online) or one.  Returns the new
        state and B presentations per run, (R,)."""
        R, B = batch.lengths.shape
        theta, mu, top = state.theta, state.mu, state.max_step
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if not self.online:
                theta, mu, top = self.update(theta, mu, batch)
            else:
                order = np.stack([rng.permutation(B) for rng in rngs])  # (R, B)
                for j in range(B):
                    theta, mu, top = self.update(theta, mu, take_sequences(batch, order[:, j : j + 1]))
        return PseudoNewtonState(theta, mu, top), np.full(R, B, dtype=np.int64)

    def params(self, state: PseudoNewtonState) -> np.ndarray:
        return state.theta

    # -- one update ---------------------------------------------------------------------------------

    def update(self, theta: np.ndarray, mu: np.ndarray, batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One update of eq. (5) or (6) with the cost of ``batch``: theta (R, n_params), mu (R,) ->
        (theta + Delta w, the mu used, the largest |Delta w| (R,))."""
        g, c = self.terms(theta, batch)
        if self.adapt_mu:
            mu = self.adapt(mu, g, c)
        dw = self.delta(g, c, mu)
        return theta + dw, mu, np.abs(dw).max(axis=1)

    def terms(self, theta: np.ndarray, batch) -> tuple[np.ndarray, np.ndarray]:
        """The gradient and |curvature| the rule divides: (R, n_params) each for eq. 5, (R, T, n_params)
        (per time copy) for eq. 6.  Frozen coordinates have zero gradient."""
        trace = self.model.forward(theta, batch)
        d_out = self.task.loss_grad(trace.out, batch)
        h = self.task.loss_curv(trace.out, batch)
        gr = self.model.backward(theta, trace, d_out, per_step=self.time_weighted, curvature=h)
        mask = np.asarray(self.model.mask, dtype=float)
        if self.time_weighted:
            return gr.grad_t * mask, np.abs(gr.curv_t)
        return gr.grad * mask, np.abs(gr.curv)

    def delta(self, g: np.ndarray, c: np.ndarray, mu: np.ndarray) -> np.ndarray:
        """Delta w (R, n_params) = -eta g / (c + mu), summed over the time copies for eq. 6."""
        mu = np.asarray(mu, dtype=float).reshape((-1,) + (1,) * (g.ndim - 1))
        dw = -self.eta * g / (c + mu)
        return dw.sum(axis=1) if self.time_weighted else dw

    def largest_step(self, g: np.ndarray, c: np.ndarray, mu: np.ndarray) -> np.ndarray:
        """s(mu) = max_i |Delta w_i| (R,) for mu (R,)."""
        return np.abs(self.delta(g, c, mu)).max(axis=1)

    def adapt(self, mu_prev: np.ndarray, g: np.ndarray, c: np.ndarray) -> np.ndarray:
        """The mu (R,) of this update from the previous one (R,) (module docstring)."""
        low, high = self.step_bounds
        mu_hi = self._solve(g, c, high, upper=True)
        mu_lo = self._solve(g, c, low, upper=False)
        m = self.mu_momentum * mu_prev + (1.0 - self.mu_momentum) * np.maximum(mu_hi, MU_MIN)
        return np.maximum(np.maximum(np.minimum(m, mu_lo), mu_hi), MU_MIN)

    def _solve(self, g, c, bound: float, upper: bool) -> np.ndarray:
        """Per run, where s(mu) crosses ``bound``, by bisection on log mu in [MU_MIN, MU_MAX].

        ``upper``: the smallest mu with s(mu) <= bound (MU_MIN if s(MU_MIN) <= bound already); else the
        largest mu with s(mu) >= bound (0 if even s(MU_MIN) < bound, i.e. no mu reaches it).  For eq. 5,
        mu = max_i (eta |g_i| / bound - c_i) exactly."""
        R = g.shape[0]
        if not self.time_weighted:  # s(mu) = max_i eta |g_i| / (c_i + mu): closed form
            with np.errstate(over="ignore", invalid="ignore"):
                mu = (self.eta * np.abs(g) / bound - c).max(axis=1)
            return np.maximum(mu, MU_MIN) if upper else np.maximum(mu, 0.0)
        a, b = np.full(R, np.log(MU_MIN)), np.full(R, np.log(MU_MAX))
        for _ in range(BISECTIONS):
            mid = 0.5 * (a + b)
            above = self.largest_step(g, c, np.exp(mid)) > bound  # s(mid) > bound: mu must grow
            a, b = np.where(above, mid, a), np.where(above, b, mid)
        s_min = self.largest_step(g, c, np.full(R, MU_MIN))
        if upper:
            return np.where(s_min <= bound, MU_MIN, np.exp(b))
        return np.where(s_min < bound, 0.0, np.exp(a))


@dataclass(frozen=True)
class TimeWeightedPseudoNewton(PseudoNewton):
    """Eq. (6) of BSF94: :class:`PseudoNewton` with each time copy w_it scaled by its own curvature."""

    time_weighted: bool = True


def _is_real(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
