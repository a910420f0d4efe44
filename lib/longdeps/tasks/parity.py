"""The Parity problem, Bengio, Simard & Frasconi 1994, Section V-E.3, and Bengio & Frasconi 1994, Section 7.

"The Parity problem consists in producing the parity of an input sequence of 1's and -1's (i.e., a 1
should be produced in output if and only if the number of 1's in the input is odd).  The target is
only given at the end of the sequence.  The length of the sequence may vary and the input may be
noisy."  As for all problems of Section V-E: one input and one output per step, lengths uniform in
[T/2, T], input noise uniform in [-0.2, 0.2] (the experiments were run with and without it).  The
networks (7 free parameters; the model's business) are not part of the task.

Choices the papers leave open:

* targets -0.8 (even number of 1's, class 0) / +0.8 (odd, class 1): the tanh targets of Section II,
  as the network's output units are symmetric sigmoids;
* the noise is added to every input of the sequence, u_t = b_t + U[-noise, noise] with b_t = +-1;
* classes balanced, ceil(n/2) even and floor(n/2) odd sequences in random order: the bits are i.i.d.
  uniform except the last one of each sequence, which is set to give the sequence its drawn parity.
  Given the parity, the bits are then exactly i.i.d. uniform bits conditioned on that parity (any
  length - 1 of them are free), so only the class counts differ from drawing every bit freely;
* integer lengths in [ceil(T/2), T].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import (
    BinaryEndTask,
    balanced_classes,
    check_int,
    check_noise,
    check_target,
    uniform_lengths,
    uniform_noise,
)


@dataclass(frozen=True)
class Parity(BinaryEndTask):
    """Parity of a +-1 sequence, read out once at its end.

    * ``T`` -- maximum sequence length; lengths uniform in [T/2, T].
    * ``noise`` -- half-width of the uniform input noise (0.2 in Section V-E; 0 = noise-free).
    * ``target`` -- |d| = 0.8; ``tol`` -- success when every |out - d| < tol (default 0.8: the sign).
    * ``fresh`` -- False: one training set per run, the 1994 protocol.
    """

    T: int
    noise: float = 0.2
    target: float = 0.8
    tol: float = 0.8
    fresh: bool = False

    n_in = 1

    def __post_init__(self):
        check_int("T", self.T)
        check_noise(self.noise)
        check_target(self.target, self.tol)

    def draw(self, rng: np.random.Generator, n: int):
        """One run's n sequences: u (n, T, 1), lengths (n,), cls (n,) = parity (1 = odd number of +1's).

        Draw order: classes, lengths, bits, noise.
        """
        cls = balanced_classes(rng, n)
        lengths = uniform_lengths(rng, n, self.T)
        bits = 2 * rng.integers(0, 2, size=(n, self.T)) - 1
        before_last = np.arange(self.T) < (lengths - 1)[:, None]
        ones = ((bits == 1) & before_last).sum(axis=1)
        bits[np.arange(n), lengths - 1] = np.where(ones % 2 != cls, 1, -1)
        u = bits[..., None] + uniform_noise(rng, self.noise, (n, self.T, 1))
        return u, lengths, cls


def parity_of(u: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The class of parity sequences u (..., T, 1) with ``lengths`` (...): 1 where the number of positive
    inputs among the first ``lengths`` steps is odd (the sign of b_t + noise is b_t's when noise < 1)."""
    T = u.shape[-2]
    inside = np.arange(T) < lengths[..., None]
    return (((u[..., 0] > 0) & inside).sum(axis=-1) % 2).astype(np.int64)
