"""EM target propagation as a learner of the training core (Bengio & Frasconi 1994, Section 6).

The model is the input/output HMM of Figure 1 (:class:`longdeps.models.iohmm.IOHMM`).  One learner
step is one EM iteration over the run's training set: an E step (the forward pass, eq. 4, and the
backward propagation of the target distribution) on every sequence, then an M step.  The paper offers
three M steps, all here:

* ``m_step="exact"`` -- table look-up subnetworks on quantised inputs: "dQ/dtheta = 0 can be solved
  analytically" (normalised expected counts, :meth:`IOHMM.em_step`);
* ``m_step="gem"`` -- "the GEM algorithm (which simply increases Q, for example with gradient
  ascent)": a few ascent steps on Q (+ lam D) reusing the E step's posteriors (:meth:`IOHMM.gem_step`);
* ``m_step="sgd"`` -- "or directly perform (preferably stochastic) gradient ascent on the likelihood":
  one ascent step on log L + lam D per sequence (``online=True``, stochastic) or per sweep.

and its tricks, each switchable: ``lam`` > 0 adds the criterion D on the determinants of the
transition matrices (``det_form`` "abs" or "log", see :meth:`IOHMM.det_term`); ``adapt=True``
applies the learning-rate rule "decreased when the likelihood improves, increased when it remains
flat" (:func:`~longdeps.models.iohmm.adapt_learning_rate`) to the step size of "gem" and "sgd"
(the exact M step has none).  Sparse connectivity is the model's transition mask.

Counting: one E step over one sequence = one sequence presentation; a step over B sequences returns
B per run.  GEM's inner ascent steps reuse the posteriors and are not counted.

:class:`TaskOutput` lets the fit loop and the 1994 tasks (targets -0.8 / +0.8 at the end of each
sequence) judge the model: its output is ``target * (P(q_T in F_1) - P(q_T in F_0))``, whose sign is
the predicted class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..models.iohmm import DET_FORMS, IOHMM, adapt_learning_rate
from .protocol import take_sequences

M_STEPS = ("exact", "gem", "sgd")


@dataclass
class EMState:
    """``theta`` (R, n_params); ``lr`` (R,) the step size of "gem"/"sgd"; ``loglik`` (R,) the mean
    log-likelihood per sequence at the last E step (-inf before the first)."""

    theta: np.ndarray
    lr: np.ndarray
    loglik: np.ndarray


@dataclass(frozen=True)
class EMLearner:
    """EM (or GEM, or stochastic gradient ascent) on an :class:`IOHMM`; see the module docstring.

    * ``model`` -- the IOHMM; ``m_step`` in :data:`M_STEPS` ("exact" needs ``model.kind == "table"``);
    * ``lam`` -- weight of the determinant criterion (0: off; not available with "exact");
    * ``det_form`` -- "abs" (the paper's words: the average magnitude of det Phi_t) or "log";
    * ``lr`` -- initial step size (gem, sgd), on the summed objective; ``n_inner`` -- GEM ascent steps;
    * ``adapt`` -- the Section 6 learning-rate rule, applied after each step on the mean
      log-likelihood per sequence with ``tol``, ``down``, ``up``, ``lr_max``;
    * ``online`` -- "sgd" only: one update per sequence in a random order drawn from the run's
      generator (stochastic), else one update per sweep.
    """

    model: IOHMM
    m_step: str = "exact"
    lam: float = 0.0
    det_form: str = "abs"
    lr: float = 0.1
    n_inner: int = 5
    adapt: bool = True
    online: bool = True
    tol: float = 1e-3
    down: float = 0.8
    up: float = 1.25
    lr_max: float = 10.0

    def __post_init__(self):
        if not isinstance(self.model, IOHMM):
            raise ValueError(f"model must be an IOHMM, got {type(self.model).__name__}")
        if self.m_step not in M_STEPS:
            raise ValueError(f"unknown m_step={self.m_step!r}; expected one of {M_STEPS}")
        if self.m_step == "exact" and self.model.kind != "table":
            raise ValueError(f"m_step='exact' needs a table look-up model, got kind={self.model.kind!r}")
        if not (np.isfinite(self.lam) and self.lam >= 0):
            raise ValueError(f"lam must be finite and >= 0, got lam={self.lam!r}")
        if self.m_step == "exact" and self.lam != 0:
            raise ValueError(f"the exact M step cannot include the determinant term, got lam={self.lam!r}")
        if self.det_form not in DET_FORMS:
            raise ValueError(f"unknown det_form={self.det_form!r}; expected one of {DET_FORMS}")
        if not (np.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr must be positive and finite, got lr={self.lr!r}")
        if not isinstance(self.n_inner, int) or self.n_inner < 1:
            raise ValueError(f"n_inner must be a positive integer, got n_inner={self.n_inner!r}")

    def init(self, theta0: np.ndarray, rngs) -> EMState:
        theta0 = np.array(theta0, dtype=float)
        R = theta0.shape[0]
        return EMState(theta0, np.full(R, float(self.lr)), np.full(R, -np.inf))

    def params(self, state: EMState) -> np.ndarray:
        return state.theta

    def step(self, state: EMState, batch, rngs) -> tuple[EMState, np.ndarray]:
        """One EM iteration over every sequence of ``batch``: (new state, B presentations per run)."""
        m = self.model
        B = batch.n_seq
        with np.errstate(all="ignore"):
            if self.m_step == "exact":
                theta, ll = m.em_step(state.theta, batch)
            elif self.m_step == "gem":
                theta, ll = m.gem_step(state.theta, batch, state.lr, self.n_inner, self.lam, self.det_form)
            elif self.online:
                theta, ll = self._online(state, batch, rngs)
            else:
                _, ll, g = m.objective_grad(state.theta, batch, self.lam, self.det_form)
                theta = state.theta + state.lr[:, None] * g
            ll = ll / B
            lr = state.lr
            if self.adapt and self.m_step != "exact":
                lr = adapt_learning_rate(
                    lr, ll, state.loglik, tol=self.tol, down=self.down, up=self.up, lr_max=self.lr_max
                )
        return EMState(theta, lr, ll), m.presentations(batch)

    def _online(self, state, batch, rngs):
        """One stochastic sweep: each sequence in a random order, one ascent step after each."""
        R, B = batch.n_runs, batch.n_seq
        order = np.stack([rng.permutation(B) for rng in rngs])
        theta, ll = state.theta, np.zeros(R)
        for k in range(B):
            one = take_sequences(batch, order[:, k : k + 1])
            _, ll_k, g = self.model.objective_grad(theta, one, self.lam, self.det_form)
            theta = theta + state.lr[:, None] * g
            ll = ll + ll_k
        return theta, ll


@dataclass(frozen=True)
class TaskOutput:
    """The IOHMM seen through a 1994 two-class task: ``forward(theta, batch).out`` is
    ``target * (P(q_T in F_1) - P(q_T in F_0))`` (R, B, 1), so the task's sign test is the model's
    prediction (ties, e.g. no mass in either final set, count as errors).  For :func:`fit`."""

    model: IOHMM
    target: float = 0.8

    def __post_init__(self):
        if self.model.n_classes != 2:
            raise ValueError(f"TaskOutput needs a two-class model, got {self.model.n_classes} classes")

    @property
    def n_params(self) -> int:
        return self.model.n_params

    def forward(self, theta, batch):
        trace = self.model.forward(theta, batch)
        p = trace.out
        return _Out(self.target * (p[..., 1:2] - p[..., 0:1]))


@dataclass(frozen=True)
class _Out:
    out: np.ndarray
