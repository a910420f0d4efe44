"""Stand-ins the search learners' tests share (annealing, multigrid): a batch that only has lengths, a
"model" whose output is theta itself (so a task's cost is a plain function of the parameters), and one
generator per run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Batch:
    lengths: np.ndarray  # (R, B)

    @property
    def n_runs(self):
        return self.lengths.shape[0]

    def take(self, runs):
        return Batch(self.lengths[runs])


@dataclass(frozen=True)
class Out:
    out: np.ndarray


@dataclass(frozen=True)
class Identity:
    """out = theta: the cost is a function of the parameters alone; ``frozen`` coordinates have mask 0."""

    n_params: int
    frozen: tuple = ()

    @property
    def mask(self):
        m = np.ones(self.n_params)
        m[list(self.frozen)] = 0.0
        return m

    def forward(self, theta, batch):
        return Out(np.asarray(theta, dtype=float)[:, None, :])


def gens(R, base=0):
    return [np.random.default_rng(base + r) for r in range(R)]
