"""The latching neuron of Bengio, Simard & Frasconi 1994, eq. (1), with exact BPTT gradients.

    a_t^k = w f(a_{t-1}^k) + h_t^k,   x_t^k = f(a_t^k) = tanh(a_t^k),   t = 1..T,   a_0^k = 0   (1)

Everything carries a leading runs axis R; a run has P sequences per class, so states are (R, 2, P).
:class:`LatchProblem` packages the neuron with a batch of latch sequences behind the small interface
every learning rule of the book uses (``cost``, ``cost_and_grad``, ``final_outputs``, ``converged``),
over a flat parameter vector theta = (w, h_1^0..h_L^0, h_1^1..h_L^1) per run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..tasks.latch import LatchData, LatchTask, split_params

#: default convergence tolerance: every final output within this distance of its target (see chapter)
TOLERANCE = 0.4


def inputs(h: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """The input sequences u (R, 2, P, T): h_t^k for t <= L (shared by the P sequences of class k),
    the noise afterwards.  ``h`` is (R, 2, L), ``noise`` (R, 2, P, T)."""
    L = h.shape[-1]
    u = noise.copy()
    u[..., :L] = h[:, :, None, :]
    return u


def forward(w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Outputs x_1..x_T of eq. (1) for inputs u (R, 2, P, T) and weights w (R,); x has u's shape."""
    w = np.asarray(w, dtype=float)[:, None, None]
    x = np.empty_like(u)
    prev = np.zeros(u.shape[:-1])
    for t in range(u.shape[-1]):
        prev = np.tanh(w * prev + u[..., t])
        x[..., t] = prev
    return x


def read_out(x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """x at the end of each sequence, x_{T_p}^p: shape (R, 2, P)."""
    return np.take_along_axis(x, (lengths - 1)[..., None], axis=-1)[..., 0]


def backward(w: np.ndarray, x: np.ndarray, lengths: np.ndarray, targets: np.ndarray, L: int):
    """Exact BPTT for C = 1/2 sum_p (x_{T_p}^p - d^p)^2 (summed over both classes).

    With delta_t = dC/da_t:  delta_t = (1 - x_t^2) (e_t + w delta_{t+1}),  e_t = (x_t - d) [t = T_p];
    dC/dw = sum_{p,t} delta_t x_{t-1} (x_0 = 0), dC/dh_t^k = sum_p delta_t^{k,p} for t <= L (eq. 4 of
    the paper written out for one unit).  Returns (dC/dw (R,), dC/dh (R, 2, L)).
    """
    R, _, P, T = x.shape
    w3 = np.asarray(w, dtype=float)[:, None, None]
    d = np.asarray(targets, dtype=float)[None, :, None]
    err = read_out(x, lengths) - d  # (R, 2, P)
    gw = np.zeros(R)
    gh = np.zeros((R, 2, L))
    delta = np.zeros((R, 2, P))
    for t in range(T - 1, -1, -1):
        g = w3 * delta + np.where(lengths - 1 == t, err, 0.0)
        delta = (1.0 - x[..., t] ** 2) * g
        if t > 0:
            gw += np.einsum("rkp,rkp->r", delta, x[..., t - 1])
        if t < L:
            gh[:, :, t] = delta.sum(axis=-1)
    return gw, gh


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
        m = np.ones(self.n_params)
        if self.trainable == "h":
            m[0] = 0.0
        return m

    def take(self, runs) -> LatchProblem:
        tol = self.tol if np.ndim(self.tol) == 0 else np.asarray(self.tol)[runs]
        return LatchProblem(self.task, self.data.take(runs), self.trainable, tol)

    def trajectories(self, theta: np.ndarray) -> np.ndarray:
        """x_1..x_T of every sequence: (R, 2, P, T)."""
        w, h = split_params(theta, self.task.L)
        return forward(w, inputs(h, self.data.noise))

    def final_outputs(self, theta: np.ndarray) -> np.ndarray:
        return read_out(self.trajectories(theta), self.data.lengths)

    def cost(self, theta: np.ndarray) -> np.ndarray:
        """C per run (R,)."""
        return cost_from_outputs(self.final_outputs(theta), self.task.targets)

    def cost_and_grad(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(C (R,), dC/dtheta (R, n_params) with frozen coordinates zeroed, converged (R,))."""
        w, h = split_params(theta, self.task.L)
        x = forward(w, inputs(h, self.data.noise))
        final = read_out(x, self.data.lengths)
        gw, gh = backward(w, x, self.data.lengths, self.task.targets, self.task.L)
        grad = np.concatenate([gw[:, None], gh.reshape(len(w), -1)], axis=1) * self.mask
        cost = cost_from_outputs(final, self.task.targets)
        return cost, grad, criterion(final, self.task.targets, self.tol)

    def converged(self, theta: np.ndarray) -> np.ndarray:
        return criterion(self.final_outputs(theta), self.task.targets, self.tol)
