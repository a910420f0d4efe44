"""The minimal latch task of Bengio, Simard & Frasconi 1994, Section II (and Section III, Fig. 1b).

Two classes k = 0, 1 of sequences of length T.  The first L inputs h_1^k .. h_L^k of every sequence of
class k are *trainable* values shared by all sequences of that class (they stand for the output of a
module that detects the class); for L < t <= T the input is zero-mean Gaussian noise of variance s.
The target at the end of a sequence is d = -0.8 for class 0 and +0.8 for class 1, and the cost is
C = 1/2 sum_p (x_T^p - d^p)^2 over the training sequences p.

Arrays carry a leading runs axis R: every run draws its own noise (and initial h) from its own
generator.  Shapes: noise (R, 2, P, T) with zeros for t <= L, lengths (R, 2, P), where P is the number
of sequences per class.  Time index t = 1..T of the paper is array index t - 1.

For the training core (:func:`longdeps.learning.fit.fit`) a :class:`LatchTask` is a task like any
other: :func:`as_batch` lays a run's 2P sequences out as a :class:`LatchBatch` (class 0 first), the
model is :class:`longdeps.models.rnn.LatchNet` (which adds the trainable h to the first L steps), and
the task owns the cost C, its derivatives, the classification error and the convergence test
("every final output within ``tol`` of its target"; ``tol`` is carried per run by the batch).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .base import SequenceBatch

TARGETS = np.array([-0.8, 0.8])  # class 0, class 1 (Section II)


@dataclass(frozen=True)
class LatchTask:
    """Sizes of one latch task.

    * ``T`` -- sequence length (the paper's Section III uses one fixed T per experiment).
    * ``L`` -- number of trainable inputs per class (L = 3 in Fig. 2).
    * ``s`` -- variance of the Gaussian noise for t > L (s = 0 gives noise-free sequences).
    * ``n_per_class`` -- training sequences per class (the paper does not say; see the chapter).
    * ``h_init`` -- the h_t start uniform in [-h_init, h_init] ("small uniform random values").
    * ``T_min`` -- if given, each sequence's length is uniform in {T_min, ..., T} (the protocol of the
      paper's Section V-E uses T_min = T / 2); default: every sequence has length T.
    * ``target`` -- |d|, 0.8 in the paper.
    """

    T: int
    L: int = 3
    s: float = 0.2
    n_per_class: int = 10
    h_init: float = 0.1
    T_min: int | None = None
    target: float = 0.8

    def __post_init__(self):
        if not isinstance(self.L, (int, np.integer)) or self.L < 1:
            raise ValueError(f"L must be a positive integer, got L={self.L!r}")
        if not isinstance(self.T, (int, np.integer)) or self.T < self.L:
            raise ValueError(f"T must be an integer >= L={self.L}, got T={self.T!r}")
        t_min = self.T if self.T_min is None else self.T_min
        if not isinstance(t_min, (int, np.integer)) or not self.L <= t_min <= self.T:
            raise ValueError(
                f"T_min must be an integer in [L={self.L}, T={self.T}], got T_min={self.T_min!r}"
            )
        if not np.isfinite(self.s) or self.s < 0:
            raise ValueError(f"noise variance s must be finite and >= 0, got s={self.s!r}")
        if not isinstance(self.n_per_class, (int, np.integer)) or self.n_per_class < 1:
            raise ValueError(f"n_per_class must be a positive integer, got n_per_class={self.n_per_class!r}")
        if not np.isfinite(self.h_init) or self.h_init < 0:
            raise ValueError(f"h_init must be finite and >= 0, got h_init={self.h_init!r}")
        if not 0 < self.target < 1:
            raise ValueError(f"target must lie in (0, 1) (tanh output), got target={self.target!r}")

    @property
    def n_params(self) -> int:
        """w, then h_1..h_L of class 0, then h_1..h_L of class 1."""
        return 1 + 2 * self.L

    @property
    def targets(self) -> np.ndarray:
        """d for class 0 and class 1: (-target, +target)."""
        return np.array([-self.target, self.target])

    def with_(self, **changes) -> LatchTask:
        """A copy with some fields changed (validated again)."""
        fields = {k: getattr(self, k) for k in self.__dataclass_fields__}
        fields.update(changes)
        return LatchTask(**fields)

    # ---- the task interface of the training core (one fixed training set per run) --------------
    fresh = False
    n_in = n_out = 1

    def loss(self, out: np.ndarray, batch: LatchBatch) -> np.ndarray:
        """C = 1/2 sum_p (x_T^p - d^p)^2 per run (R,); ``out`` (R, B, 1)."""
        return 0.5 * ((out - batch.y) ** 2).sum(axis=(1, 2))

    def loss_grad(self, out: np.ndarray, batch: LatchBatch) -> np.ndarray:
        """dC/dx_T = x_T - d, (R, B, 1)."""
        return out - batch.y

    def loss_curv(self, out: np.ndarray, batch: LatchBatch) -> np.ndarray:
        return np.ones_like(out)

    def errors(self, out: np.ndarray, batch: LatchBatch) -> np.ndarray:
        """Fraction of sequences whose final output has the wrong sign, (R,)."""
        return (np.sign(out[..., 0]) != np.sign(batch.y[..., 0])).mean(axis=1)

    def success(self, out: np.ndarray, batch: LatchBatch) -> np.ndarray:
        """The convergence criterion: every |x_T - d| < tol of its run (NaN never converges), (R,)."""
        return np.all(np.abs(out[..., 0] - batch.y[..., 0]) < batch.tol[:, None], axis=1)


@dataclass(frozen=True)
class LatchBatch(SequenceBatch):
    """A :class:`~longdeps.tasks.base.SequenceBatch` of latch sequences plus each run's convergence
    tolerance ``tol`` (R,) (Fig. 2b's sensitivity varies it per run)."""

    tol: np.ndarray | None = None


def as_batch(task: LatchTask, data: LatchData, tol) -> LatchBatch:
    """The 2P sequences of every run as a batch: u (R, 2P, T, 1) = the noise (zero for t <= L, where
    the model adds h), class 0's P sequences first, targets -/+ target, ``tol`` a number or (R,)."""
    R, _, P, T = data.noise.shape
    cls = np.broadcast_to(np.repeat(np.arange(2), P), (R, 2 * P))
    tols = np.broadcast_to(np.asarray(tol, dtype=float), (R,)).copy()
    return LatchBatch(
        u=data.noise.reshape(R, 2 * P, T, 1),
        lengths=data.lengths.reshape(R, 2 * P),
        y=task.targets[cls][..., None],
        cls=np.array(cls),
        tol=tols,
    )


@dataclass(frozen=True)
class LatchData:
    """Training sequences of R runs: ``noise`` (R, 2, P, T), zero for t <= L; ``lengths`` (R, 2, P)."""

    noise: np.ndarray
    lengths: np.ndarray

    @property
    def n_runs(self) -> int:
        return self.noise.shape[0]

    def take(self, runs) -> LatchData:
        """The data of a subset of runs (index or boolean mask on the runs axis)."""
        return LatchData(self.noise[runs], self.lengths[runs])


def sample_data(task: LatchTask, rngs: Sequence[np.random.Generator], *, s=None, lengths=None) -> LatchData:
    """Draw each run's training sequences from its own generator (one row per generator).

    Vectorising over grid cells: ``s`` (one noise variance per run) overrides ``task.s``; ``lengths``
    (one length per run, each in [L, task.T]) gives every sequence of that run that length, the arrays
    being padded to ``task.T`` (the padding is never read).
    """
    _check_rngs(rngs)
    R, P, T, L = len(rngs), task.n_per_class, task.T, task.L
    var = np.broadcast_to(np.asarray(task.s if s is None else s, dtype=float), (R,))
    if not np.all(np.isfinite(var)) or np.any(var < 0):
        raise ValueError(f"noise variances s must be finite and >= 0, got s={s!r}")
    t_min = task.T if task.T_min is None else task.T_min
    noise = np.zeros((R, 2, P, T))
    out_lengths = np.full((R, 2, P), T, dtype=np.int64)
    for r, rng in enumerate(rngs):
        noise[r, :, :, L:] = rng.normal(0.0, 1.0, size=(2, P, T - L)) * np.sqrt(var[r])
        if t_min < T:
            out_lengths[r] = rng.integers(t_min, T + 1, size=(2, P))
    if lengths is not None:
        lengths = np.broadcast_to(np.asarray(lengths), (R,))
        if not np.issubdtype(lengths.dtype, np.integer) or np.any(lengths < L) or np.any(lengths > T):
            raise ValueError(f"lengths must be integers in [L={L}, T={T}], got lengths={lengths!r}")
        out_lengths[:] = lengths[:, None, None]
    return LatchData(noise, out_lengths)


def initial_params(task: LatchTask, rngs: Sequence[np.random.Generator], w0) -> np.ndarray:
    """theta (R, 1 + 2L): w = w0 (a number, or one per run), h uniform in [-h_init, h_init]."""
    _check_rngs(rngs)
    w0 = np.broadcast_to(np.asarray(w0, dtype=float), (len(rngs),))
    if not np.all(np.isfinite(w0)):
        raise ValueError(f"w0 must be finite, got {w0!r}")
    theta = np.empty((len(rngs), task.n_params))
    theta[:, 0] = w0
    for r, rng in enumerate(rngs):
        theta[r, 1:] = rng.uniform(-task.h_init, task.h_init, size=2 * task.L)
    return theta


def split_params(theta: np.ndarray, L: int) -> tuple[np.ndarray, np.ndarray]:
    """theta (R, 1 + 2L) -> w (R,), h (R, 2, L) (class 0 first)."""
    theta = np.asarray(theta, dtype=float)
    if theta.ndim != 2 or theta.shape[1] != 1 + 2 * L:
        raise ValueError(f"theta must have shape (runs, {1 + 2 * L}) for L={L}, got {theta.shape}")
    return theta[:, 0], theta[:, 1:].reshape(-1, 2, L)


def _check_rngs(rngs) -> None:
    if len(rngs) < 1 or not all(isinstance(g, np.random.Generator) for g in rngs):
        raise ValueError("rngs must be a non-empty list of numpy Generators (one per run)")
