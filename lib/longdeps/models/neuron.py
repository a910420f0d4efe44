"""The latching neuron of Bengio, Simard & Frasconi 1994, eq. (1), on the minimal latch task.

    a_t^k = w f(a_{t-1}^k) + h_t^k,   x_t^k = f(a_t^k) = tanh(a_t^k),   t = 1..T,   a_0^k = 0   (1)

The network is the training core's :class:`longdeps.models.rnn.LatchNet` (the n = 1 recurrent net fed
by trainable inputs h_t^k on the first L steps) and the task is :class:`longdeps.tasks.latch.LatchTask`
(the cost C, the convergence criterion).  :class:`LatchProblem` packages one training set per run
with them for the chapter's experiments: ``cost``, ``cost_and_grad``, ``final_outputs``,
``converged`` over a flat parameter vector theta = (w, h_1^0..h_L^0, h_1^1..h_L^1) per run, and
``model`` / ``task`` / ``batch`` for :func:`longdeps.learning.fit.fit`.  States are reported as
(R, 2, P, ...) arrays: R runs, 2 classes, P sequences per class.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..tasks.latch import LatchBatch, LatchData, LatchTask, as_batch
from .rnn import LatchNet, latch_neuron

#: default convergence tolerance: every final output within this distance of its target (see chapter)
TOLERANCE = 0.4


def inputs(h: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """The input sequences u (R, 2, P, T): h_t^k for t <= L (shared by the P sequences of class k),
    the noise afterwards.  ``h`` is (R, 2, L), ``noise`` (R, 2, P, T)."""
    L = h.shape[-1]
    u = noise.copy()
    u[..., :L] = h[:, :, None, :]
    return u


@dataclass(frozen=True)
class _Inputs:
    u: np.ndarray
    lengths: np.ndarray


def forward(w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Outputs x_1..x_T of eq. (1) for inputs u (R, 2, P, T) and weights w (R,); x has u's shape
    (the one recurrent forward pass of :mod:`longdeps.models.rnn`)."""
    R, K, P, T = u.shape
    net = latch_neuron()
    theta = np.tile(net.fixed_theta, (R, 1))
    theta[:, 0] = np.asarray(w, dtype=float)  # W[0,0], the self-loop: the only trainable entry
    batch = _Inputs(u.reshape(R, K * P, T, 1), np.full((R, K * P), T))
    return net.forward(theta, batch).x[:, :, 1:, 0].reshape(R, K, P, T)


def read_out(x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """x at the end of each sequence, x_{T_p}^p: shape (R, 2, P)."""
    return np.take_along_axis(x, (lengths - 1)[..., None], axis=-1)[..., 0]


def cost_from_outputs(final: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """C = 1/2 sum_p (x_T^p - d^p)^2 per run, from final outputs (R, 2, P)."""
    return 0.5 * ((final - np.asarray(targets)[None, :, None]) ** 2).sum(axis=(1, 2))


def criterion(final: np.ndarray, targets: np.ndarray, tol=TOLERANCE) -> np.ndarray:
    """The convergence test per run: every final output within ``tol`` of its target (and finite).

    ``final`` (R, 2, P) or (2, P); returns a boolean per run.  ``tol`` is a number, or one per run
    (shape (R,)) when ``final`` is (R, 2, P).  With tol = 0.4 < 0.8 this implies every sequence is
    classified correctly by the sign of x_T, with a margin of 0.4.
    """
    tols = np.asarray(tol, dtype=float)
    if tols.ndim > 1 or not np.all((tols > 0) & (tols <= 0.8)):
        raise ValueError(f"tol must lie in (0, 0.8] (a number or one per run), got tol={tol!r}")
    final = np.asarray(final, dtype=float)
    d = np.asarray(targets, dtype=float)[:, None]
    ok = np.abs(final - d) < tols.reshape(tols.shape + (1, 1))  # NaN compares False: never converges
    return ok.all(axis=(-2, -1))


@dataclass
class LatchProblem:
    """The neuron of eq. (1) on a batch of latch sequences (one set per run).

    ``trainable``: ``"all"`` (w and the h's, Fig. 2a) or ``"h"`` (only the h's, w frozen, Fig. 2b);
    :meth:`cost_and_grad` returns zero gradient for frozen coordinates.  ``tol``: convergence tolerance,
    a number or one per run (R,).
    One evaluation of the cost presents ``sequences_per_eval`` sequences (the paper's unit of
    "function evaluations" in Section V).
    """

    task: LatchTask
    data: LatchData
    trainable: str = "all"
    tol: float | np.ndarray = TOLERANCE

    def __post_init__(self):
        if self.trainable not in ("all", "h"):
            raise ValueError(f"trainable must be 'all' or 'h', got {self.trainable!r}")
        if self.data.noise.shape[1:] != (2, self.task.n_per_class, self.task.T):
            raise ValueError(
                f"data shape {self.data.noise.shape} does not fit the task "
                f"(runs, 2, {self.task.n_per_class}, {self.task.T})"
            )
        if np.ndim(self.tol) == 1 and len(self.tol) != self.n_runs:
            raise ValueError(f"tol must be a number or one per run ({self.n_runs}), got tol={self.tol!r}")
        criterion(np.zeros((2, 1)), self.task.targets, self.tol)  # validates tol

    @cached_property
    def model(self) -> LatchNet:
        """The network: the neuron of eq. (1) with the trainable inputs h (w frozen if trainable='h')."""
        return LatchNet(L=self.task.L, trainable=self.trainable)

    @cached_property
    def batch(self) -> LatchBatch:
        """The training sequences of every run, as the training core's batch (class 0 first)."""
        return as_batch(self.task, self.data, self.tol)

    @property
    def n_runs(self) -> int:
        return self.data.n_runs

    @property
    def n_params(self) -> int:
        return self.task.n_params

    @property
    def sequences_per_eval(self) -> int:
        return 2 * self.task.n_per_class

    @property
    def mask(self) -> np.ndarray:
        """1 for trainable coordinates of theta, 0 for frozen ones (w when trainable='h')."""
        return self.model.mask

    def take(self, runs) -> LatchProblem:
        tol = self.tol if np.ndim(self.tol) == 0 else np.asarray(self.tol)[runs]
        return LatchProblem(self.task, self.data.take(runs), self.trainable, tol)

    def _shape(self, a: np.ndarray) -> np.ndarray:
        """(R, 2P, ...) -> (R, 2, P, ...)."""
        return a.reshape((a.shape[0], 2, self.task.n_per_class) + a.shape[2:])

    def trajectories(self, theta: np.ndarray) -> np.ndarray:
        """x_1..x_T of every sequence: (R, 2, P, T)."""
        return self._shape(self.model.forward(theta, self.batch).x[:, :, 1:, 0])

    def final_outputs(self, theta: np.ndarray) -> np.ndarray:
        """x_{T_p} of every sequence: (R, 2, P)."""
        return self._shape(self.model.forward(theta, self.batch).out[..., 0])

    def cost(self, theta: np.ndarray) -> np.ndarray:
        """C per run (R,)."""
        return self.task.loss(self.model.forward(theta, self.batch).out, self.batch)

    def cost_and_grad(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(C (R,), dC/dtheta (R, n_params) with frozen coordinates zeroed, converged (R,)): one forward
        and one backward pass (exact BPTT, eq. 4 written out for one unit)."""
        trace = self.model.forward(theta, self.batch)
        grad = self.model.backward(theta, trace, self.task.loss_grad(trace.out, self.batch)).grad
        cost = self.task.loss(trace.out, self.batch)
        return cost, grad * self.mask, self.task.success(trace.out, self.batch)

    def converged(self, theta: np.ndarray) -> np.ndarray:
        return self.task.success(self.model.forward(theta, self.batch).out, self.batch)
