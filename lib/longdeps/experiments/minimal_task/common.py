"""What every experiment of the minimal task shares: the choices the paper leaves open, the seed, and
the set-up of a batch of runs (initial parameters, training sequences, the "solvable at all" check)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ...models.neuron import LatchProblem
from ...tasks.latch import LatchTask, initial_params, sample_data

CHAPTER = "minimal_task"
SEED = 1994
FIG2B_W0, FIG2B_S = 1.25, 0.2  # BSF94 Fig. 2b caption


@dataclass(frozen=True)
class Choices:
    """The choices the paper leaves open (the chapter's table "Choices the paper leaves open")."""

    lr: float = 0.05  # batch gradient descent step on the summed cost C (20 sequences)
    n_per_class: int = 10  # training sequences per class, drawn once per run
    tol: float = 0.4  # converged: every |x_T - d| < 0.4, i.e. each output nearer its target than 0
    h_init: float = 0.1  # h_t start uniform in [-0.1, 0.1]
    guess_scale: float = 100.0  # weight guessing range [-100, 100] (Schmidhuber & Hochreiter)


#: the protocol every experiment uses unless it says otherwise
PROTOCOL = Choices()
CHOICES = asdict(PROTOCOL)  # the same, as a dict (cache keys, captions)


def choice_config() -> dict:
    """The choices as part of a run's configuration (so they enter its cache key)."""
    return {f"choice_{k}": v for k, v in CHOICES.items()}


def make_task(T: int, L: int, s: float = 0.0, n_per_class: int | None = None, h_init=None) -> LatchTask:
    n = PROTOCOL.n_per_class if n_per_class is None else int(n_per_class)
    h0 = PROTOCOL.h_init if h_init is None else float(h_init)
    return LatchTask(T=int(T), L=int(L), s=float(s), n_per_class=n, h_init=h0)


def setup(rngs, T_max, L, w0, s, lengths, trainable, n_per_class=None, h_init=None, tol=None):
    """Initial parameters first, then the training sequences, from each run's own generator
    (``n_per_class`` sequences per class, default the protocol's)."""
    task = make_task(T_max, L, n_per_class=n_per_class, h_init=h_init)
    theta0 = initial_params(task, rngs, w0)
    data = sample_data(task, rngs, s=s, lengths=lengths)
    return LatchProblem(task, data, trainable, tol=PROTOCOL.tol if tol is None else tol), theta0


def solvable(problem: LatchProblem, theta0: np.ndarray, w: float | None = None) -> np.ndarray:
    """Is the run's training set solvable at all?  The criterion at a hand-made latching solution:
    h = -3 (class 0), +3 (class 1), w kept (trainable='h') or set to ``w``."""
    th = theta0.copy()
    L = problem.task.L
    th[:, 1 : 1 + L], th[:, 1 + L :] = -3.0, 3.0
    if w is not None:
        th[:, 0] = w
    return problem.converged(th)


def first_below(T, rate, level):
    """The first T at which ``rate`` drops below ``level`` (None if it never does) and its index."""
    idx = np.flatnonzero(np.asarray(rate) < level)
    return (int(T[idx[0]]), int(idx[0])) if idx.size else (None, None)
