"""The Latch problem of the comparative experiments, Bengio, Simard & Frasconi 1994, Section V-E.1.

"The Latch problem is the same as described above in Section III.  Here we considered only three
adaptive parameters: the self-loop weight w, the initial input value u_1 for 'positive' sequences
(with positive final target), and the initial input value u_0 for 'negative' sequences."  So the
network is the single neuron of eq. (1), the class k in {0, 1} of a sequence enters only through the
trainable initial input u_k, and every later input is noise; the target at the end is d = -0.8
(k = 0) or +0.8 (k = 1).  As for all problems of Section V-E, the lengths are uniform in [T/2, T] and
the noise is uniform in [-0.2, 0.2] (Section III used Gaussian noise of variance s instead).

Where the trainable input goes.  The task holds no parameters: ``batch.u`` carries only the noise and
``batch.cls`` the class.  The model adds u_k to the input of the first L steps (t = 1..L, array index
0..L-1) of every sequence of class k; L = 1 here (one initial input per class).

Choices the paper leaves open:

* noise only after the trainable input (t > L), zeros for t <= L, because Section III (which V-E says
  the problem is "the same as") feeds the trainable values alone there; so adding u_k to u_t for t <= L
  gives exactly Section III's inputs h_t^k = u_k;
* lengths in [max(ceil(T/2), L), T] (integers), so the class input always lies inside the sequence;
* classes balanced: ceil(n/2) sequences of class 0 and floor(n/2) of class 1, in random order.
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
class LatchV(BinaryEndTask):
    """The Section V-E latch: noise sequences whose class is given by a trainable input at step 1.

    * ``T`` -- maximum sequence length; lengths uniform in [T/2, T].
    * ``noise`` -- half-width of the uniform input noise (0.2 in Section V-E; 0 = noise-free).
    * ``L`` -- number of leading steps that receive the class's trainable input (1 in Section V-E).
    * ``target`` -- |d| = 0.8; ``tol`` -- success when every |out - d| < tol (default 0.8: the sign).
    * ``fresh`` -- False: one training set per run, the 1994 protocol.
    """

    T: int
    noise: float = 0.2
    L: int = 1
    target: float = 0.8
    tol: float = 0.8
    fresh: bool = False

    n_in = 1

    def __post_init__(self):
        check_int("T", self.T)
        check_int("L", self.L, 1, self.T)
        check_noise(self.noise)
        check_target(self.target, self.tol)

    def draw(self, rng: np.random.Generator, n: int):
        """One run's n sequences: u (n, T, 1) noise for t > L (zeros before), lengths (n,), cls (n,).

        Draw order: classes, lengths, noise.
        """
        cls = balanced_classes(rng, n)
        lengths = uniform_lengths(rng, n, self.T, shortest=self.L)
        u = uniform_noise(rng, self.noise, (n, self.T, 1))
        u[:, : self.L] = 0.0
        return u, lengths, cls
