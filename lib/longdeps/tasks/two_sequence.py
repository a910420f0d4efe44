"""The 2-Sequence problem, Bengio, Simard & Frasconi 1994 (TNN), Section V-E.2, and Bengio & Frasconi
1994 (NIPS), Section 7.

TNN: "to classify an input sequence as one of two sequences when given the first N elements of this
sequence.  N varies from pattern to pattern and noise may be added to the input.  Hence the network
can't rely on the last particular values it saw.  Instead, early on, it must recognize subsequences
belonging to one of the two classes and store that information [...] until its output is read out
(which may be at any time but is done only once per sequence).  These initial key subsequences were
randomly generated from a uniform distribution in [-1, 1]."
NIPS: "classify an input sequence, at the end of the sequence, in one of two types, when only the first
N elements (N = 3 in our experiments) of this sequence carry information about the sequence class.
Uniform noise is added to the sequence."

So each run has two key subsequences k^0, k^1 of N values drawn from U[-1, 1] -- they define the
problem instance and are drawn once per run from that run's generator.  A sequence of class c is

    u_t = k^c_t + e_t   (t = 1..N),       u_t = e_t   (N < t <= length),       e_t ~ U[-noise, noise]

with lengths uniform in [T/2, T] and the target -0.8 (class 0) / +0.8 (class 1) at the end.

Choices the papers leave open:

* "N varies from pattern to pattern" (TNN) is read as the read-out time varying: the sequence shown
  has a length between T/2 and T, of which only the first N = 3 values (the NIPS paper's number, the
  one of its Tables 1-2) are the key; N is a field;
* after the key the input is the noise alone (zero plus U[-noise, noise]): the NIPS text says only the
  first N elements carry class information and mentions no other signal;
* the noise is added to every step, the key included ("uniform noise is added to the sequence"), with
  half-width 0.2 (Section V-E);
* integer lengths in [max(ceil(T/2), N), T], so that the whole key is always seen; N < T is required;
* classes balanced, ceil(n/2) of class 0 and floor(n/2) of class 1, in random order;
* targets +-0.8 as for every 1994 task (Section II).

The keys define the problem, so a held-out set of the same problem must reuse them:
``task.sample(other_rngs, n, keys=train.keys)``.  For the same reason the task has no fresh-batch
mode (``fresh`` is always False): a new draw of the keys would be a new problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .base import (
    BinaryEndTask,
    SequenceBatch,
    balanced_classes,
    check_int,
    check_noise,
    check_rngs,
    check_target,
    pad,
    uniform_lengths,
    uniform_noise,
)

#: the key values are uniform in [-KEY_RANGE, KEY_RANGE] (TNN Section V-E.2)
KEY_RANGE = 1.0


@dataclass(frozen=True)
class TwoSequenceBatch(SequenceBatch):
    """A :class:`SequenceBatch` with the problem's keys: ``keys`` (R, 2, N), class 0 first."""

    keys: np.ndarray

    def __post_init__(self):
        super().__post_init__()
        if self.keys.ndim != 3 or self.keys.shape[:2] != (self.n_runs, 2):
            raise ValueError(f"keys must be ({self.n_runs}, 2, N), got shape {self.keys.shape}")


@dataclass(frozen=True)
class TwoSequence(BinaryEndTask):
    """Which of two key subsequences (the first N inputs) started a noisy sequence?

    * ``T`` -- maximum sequence length; lengths uniform in [max(T/2, N), T].
    * ``N`` -- length of the key subsequences, 1 <= N < T (3 in the NIPS paper).
    * ``noise`` -- half-width of the uniform input noise (0.2 in Section V-E; 0 = noise-free).
    * ``target`` -- |d| = 0.8; ``tol`` -- success when every |out - d| < tol (default 0.8: the sign).
    """

    T: int
    N: int = 3
    noise: float = 0.2
    target: float = 0.8
    tol: float = 0.8

    n_in = 1
    fresh: ClassVar[bool] = False

    def __post_init__(self):
        check_int("T", self.T, 2)
        check_int("N", self.N, 1, self.T - 1)
        check_noise(self.noise)
        check_target(self.target, self.tol)

    def draw_keys(self, rng: np.random.Generator) -> np.ndarray:
        """The two keys of one run, (2, N), uniform in [-1, 1]."""
        return rng.uniform(-KEY_RANGE, KEY_RANGE, size=(2, self.N))

    def sample(self, rngs: Sequence[np.random.Generator], n: int, *, keys=None) -> TwoSequenceBatch:
        """n sequences per run from ``rngs[r]`` alone: first the run's keys (unless ``keys`` (R, 2, N) is
        given, e.g. a training batch's keys for a held-out set), then classes, lengths, noise."""
        check_int("n", n)
        check_rngs(rngs)
        if keys is None:
            keys = np.stack([self.draw_keys(rng) for rng in rngs])
        else:
            keys = np.asarray(keys, dtype=float)
            if keys.shape != (len(rngs), 2, self.N) or not np.all(np.isfinite(keys)):
                raise ValueError(
                    f"keys must be finite, of shape ({len(rngs)}, 2, N={self.N}), got shape {keys.shape}"
                )
        u, lengths, cls = (np.stack(a) for a in zip(*(self.draw(rng, n, k) for rng, k in zip(rngs, keys))))
        y = self.targets[cls][..., None]
        return TwoSequenceBatch(u=pad(u, lengths), lengths=lengths, y=y, cls=cls, keys=keys)

    def draw(self, rng: np.random.Generator, n: int, keys: np.ndarray):
        """One run's n sequences for its keys (2, N): u (n, T, 1), lengths (n,), cls (n,)."""
        cls = balanced_classes(rng, n)
        lengths = uniform_lengths(rng, n, self.T, shortest=self.N)
        u = uniform_noise(rng, self.noise, (n, self.T, 1))
        u[:, : self.N, 0] += keys[cls]
        return u, lengths, cls
