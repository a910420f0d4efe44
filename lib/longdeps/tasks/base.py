"""What the sequence tasks share: the batch of sequences, the 1994 protocol's helpers, and its cost.

The experiments of Bengio, Simard & Frasconi 1994 (BSF94, Section V-E) and Bengio & Frasconi 1994
(Section 7) draw for each trial one training set of sequences "whose length is uniformly distributed
between T/2 and T", with one input and one output per step and a target given only at the end of each
sequence.  The cost is the one of BSF94 Section II,

    C = 1/2 sum_p ||x_{T_p}^p - d^p||^2,

summed over the training sequences p, with targets d = -0.8 (class 0) and +0.8 (class 1).  Fig. 4 and
the NIPS tables report a "classification error" without defining it; we count a sequence as
misclassified when its output has the wrong sign.

* :class:`SequenceBatch` -- the arrays of R runs of B sequences each, zero-padded to T.
* :func:`length_bounds`, :func:`uniform_lengths`, :func:`balanced_classes`, :func:`pad` -- sampling helpers.
* :func:`check_int`, :func:`check_noise`, :func:`check_rngs` -- validation with messages naming the value.
* :class:`BinaryEndTask` -- ``sample``, the cost, its derivatives, ``errors`` and ``success`` of a
  two-class task with targets -0.8 / +0.8; a task module then only validates its fields and draws.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class SequenceBatch:
    """B sequences for each of R runs.

    * ``u`` (R, B, T, n_in): inputs, zero after each sequence's length;
    * ``lengths`` (R, B) int in [1, T];
    * ``y`` (R, B, n_out): the target at the end of each sequence;
    * ``cls`` (R, B) int: the class label (zeros for tasks without classes).

    Subclasses may add fields; every field must carry the leading runs axis, so :meth:`take` works.
    """

    u: np.ndarray
    lengths: np.ndarray
    y: np.ndarray
    cls: np.ndarray

    def __post_init__(self):
        R, B = self.u.shape[:2] if self.u.ndim == 4 else (None, None)
        if R is None:
            raise ValueError(f"u must be (runs, sequences, T, n_in), got shape {self.u.shape}")
        if self.lengths.shape != (R, B) or self.cls.shape != (R, B):
            raise ValueError(
                f"lengths and cls must be ({R}, {B}), got {self.lengths.shape} and {self.cls.shape}"
            )
        if self.y.ndim != 3 or self.y.shape[:2] != (R, B):
            raise ValueError(f"y must be ({R}, {B}, n_out), got shape {self.y.shape}")

    @property
    def n_runs(self) -> int:
        return self.u.shape[0]

    @property
    def n_seq(self) -> int:
        """B, the number of sequences per run."""
        return self.u.shape[1]

    @property
    def T(self) -> int:
        return self.u.shape[2]

    @cached_property
    def u_time_major(self) -> np.ndarray:
        """u as (T, R, B, n_in), contiguous and read-only: the layout the time loops read, made once
        per batch (a fixed training set is presented at every epoch).  A batch is a value: changing
        its u in place after this was read would leave the copy stale."""
        a = np.ascontiguousarray(np.moveaxis(self.u, 2, 0))
        a.flags.writeable = False
        return a

    def take(self, runs) -> SequenceBatch:
        """The batch of a subset of runs (index array or boolean mask on the runs axis)."""
        runs = np.asarray(runs)
        runs = np.flatnonzero(runs) if runs.dtype == bool else runs
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        new = type(self)(**{k: v if v is None else np.take(v, runs, axis=0) for k, v in fields.items()})
        if "u_time_major" in self.__dict__:  # the time-major copy too, if it was made
            a = np.take(self.u_time_major, runs, axis=1)
            a.flags.writeable = False
            new.__dict__["u_time_major"] = a
        return new


# ---- validation ---------------------------------------------------------------------------------


def check_int(name: str, value, low: int = 1, high: int | None = None) -> None:
    """Raise ValueError naming ``name`` unless ``value`` is an integer in [low, high]."""
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    ok = ok and value >= low and (high is None or value <= high)
    if not ok:
        where = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be an integer {where}, got {name}={value!r}")


def check_noise(noise) -> None:
    """noise, the half-width of the uniform input noise U[-noise, noise], must be finite and >= 0."""
    if not isinstance(noise, (int, float, np.integer, np.floating)) or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be finite and >= 0, got noise={noise!r}")


def check_target(target, tol) -> None:
    """0 < target < 1 (a tanh output can reach it) and 0 < tol <= target (so success implies the sign)."""
    if not isinstance(target, (int, float, np.floating)) or not 0 < target < 1:
        raise ValueError(f"target must lie in (0, 1) (tanh output), got target={target!r}")
    if not isinstance(tol, (int, float, np.floating)) or not 0 < tol <= target:
        raise ValueError(f"tol must lie in (0, target={target}], got tol={tol!r}")


def check_rngs(rngs) -> None:
    if len(rngs) < 1 or not all(isinstance(g, np.random.Generator) for g in rngs):
        raise ValueError("rngs must be a non-empty list of numpy Generators (one per run)")


# ---- sampling -----------------------------------------------------------------------------------


def length_bounds(T: int, shortest: int = 1) -> tuple[int, int]:
    """(lo, hi): lengths "uniformly distributed between T/2 and T" (BSF94 V-E) on the integers.

    lo = max(ceil(T/2), shortest); ``shortest`` keeps a task's informative prefix inside every sequence.
    """
    lo = max(-(-T // 2), shortest)
    if lo > T:
        raise ValueError(f"no length in [{shortest}, T={T}]")
    return lo, T


def uniform_lengths(rng: np.random.Generator, n: int, T: int, shortest: int = 1) -> np.ndarray:
    """(n,) lengths uniform on the integers of :func:`length_bounds`."""
    lo, hi = length_bounds(T, shortest)
    return rng.integers(lo, hi + 1, size=n)


def balanced_classes(rng: np.random.Generator, n: int) -> np.ndarray:
    """(n,) labels 0/1 in random order, ceil(n/2) of class 0 and floor(n/2) of class 1."""
    return rng.permutation(np.arange(n) % 2)


def pad(u: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """u (..., T, n_in) with every step t >= length set to zero; ``lengths`` has u's leading shape."""
    T = u.shape[-2]
    return u * (np.arange(T) < lengths[..., None])[..., None]


def uniform_noise(rng: np.random.Generator, noise: float, shape) -> np.ndarray:
    """U[-noise, noise] of ``shape``; drawn even when noise = 0, so the rest of a run's stream (and
    hence its other data) is the same with and without noise."""
    return rng.uniform(-1.0, 1.0, size=shape) * noise


# ---- the two-class tasks of 1994 ---------------------------------------------------------------


class BinaryEndTask:
    """Mixin for a frozen dataclass task with two classes and a +-target at the end of each sequence.

    The dataclass provides fields ``T``, ``target`` (|d|, 0.8), ``tol`` and a method
    ``draw(rng, n) -> (u (n, T, n_in), lengths (n,), cls (n,))`` (one run's sequences, unpadded).
    This mixin gives ``n_out = 1``, ``targets``, ``with_``, ``sample`` and the cost family:

    * ``loss``: C = 1/2 sum_p ||out_p - y_p||^2 per run, ``out`` (R, B, n_out) being the network output
      at each sequence's own end; ``loss_grad`` = out - y; ``loss_curv`` = 1;
    * ``errors``: the fraction of sequences with an output of the wrong sign (sign(out) != sign(y); an
      output of exactly 0, or NaN, counts as wrong) -- Fig. 4's classification error;
    * ``success``: every output within ``tol`` of its target.  The papers call a task "learned" without
      stating a margin; with tol <= target success implies errors == 0, and the default
      tol = target = 0.8 is the sign test alone.
    """

    n_out = 1

    @property
    def targets(self) -> np.ndarray:
        """d for class 0 and class 1: (-target, +target)."""
        return np.array([-self.target, self.target])

    def with_(self, **changes):
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def sample(self, rngs: Sequence[np.random.Generator], n: int) -> SequenceBatch:
        """n sequences per run, run r drawn from ``rngs[r]`` only; targets -target / +target by class."""
        check_int("n", n)
        check_rngs(rngs)
        u, lengths, cls = (np.stack(a) for a in zip(*(self.draw(rng, n) for rng in rngs)))
        return SequenceBatch(u=pad(u, lengths), lengths=lengths, y=self.targets[cls][..., None], cls=cls)

    def loss(self, out: np.ndarray, batch: SequenceBatch) -> np.ndarray:
        """C (R,)."""
        out = self._check_out(out, batch)
        with np.errstate(over="ignore", invalid="ignore"):
            return 0.5 * ((out - batch.y) ** 2).sum(axis=(1, 2))

    def loss_grad(self, out: np.ndarray, batch: SequenceBatch) -> np.ndarray:
        """dC/dout = out - y, (R, B, n_out)."""
        out = self._check_out(out, batch)
        with np.errstate(over="ignore", invalid="ignore"):
            return out - batch.y

    def loss_curv(self, out: np.ndarray, batch: SequenceBatch) -> np.ndarray:
        """d2C/dout2 (diagonal) = 1, (R, B, n_out)."""
        return np.ones_like(self._check_out(out, batch))

    def errors(self, out: np.ndarray, batch: SequenceBatch) -> np.ndarray:
        """Fraction of sequences misclassified by the sign of the output, (R,)."""
        out = self._check_out(out, batch)
        return np.any(np.sign(out) != np.sign(batch.y), axis=-1).mean(axis=1)

    def success(self, out: np.ndarray, batch: SequenceBatch) -> np.ndarray:
        """Task learned: every output within ``tol`` of its target, (R,) bool (NaN never succeeds)."""
        out = self._check_out(out, batch)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.all(np.abs(out - batch.y) < self.tol, axis=(1, 2))

    @staticmethod
    def _check_out(out, batch: SequenceBatch) -> np.ndarray:
        out = np.asarray(out, dtype=float)
        if out.shape != batch.y.shape:
            raise ValueError(f"out must have the targets' shape {batch.y.shape}, got shape {out.shape}")
        return out
