"""The shared protocol of the comparison: problems, networks, the seven learners, one trial function.

Bengio, Simard & Frasconi 1994 (BSF94) Section V-E and Bengio & Frasconi 1994 (BF94) Section 7:
"Initial parameters of the networks were randomly generated for each trial (uniformly between -0.5 and
0.5).  [...]  The same initial conditions and training set were used with each of the algorithms (at a
given trial).  For each trial, a training set was generated with sequences whose length is uniformly
distributed between T/2 and T."  Each algorithm runs "until some allowed number of function
evaluations has been performed or the task has been learned"; the papers report the classification
error after training and the sequence presentations used.  Random weight guessing is the remedy of
Hochreiter, Bengio, Frasconi & Schmidhuber 2001 (HBFS01), Section 4.

How "the same initial conditions and training set" is kept: trial i of every (problem, T, algorithm)
cell draws from the same generator ``SeedSequence(seed, spawn_key=(i,))`` (the runner's rule, and
every cell uses the same seed); it first draws the training set, then theta0 (U[-0.5, 0.5]), and
only then hands the generator to the learner.  So within a trial every algorithm sees the same data and
the same start, and the cells of one problem and T differ only in the algorithm.

Choices the papers leave open (:class:`Protocol`, stated once in the notebook, used by every algorithm):
the training-set size, the evaluation budgets, the learning rates of back-propagation and of discrete
error propagation, the annealing schedule's N_T and T0, the guessing range, the "task learned" test
(every training sequence on the right side of 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import optim
from ...learning.annealing import SimulatedAnnealing, until_stuck
from ...learning.discrete_error import DiscreteErrorPropagation
from ...learning.fit import fit, until_success
from ...learning.gradient import GradientLearner
from ...learning.multigrid import MultigridRandomSearch
from ...learning.pseudo_newton import PseudoNewton, TimeWeightedPseudoNewton
from ...learning.random_search import RandomGuessing
from ...models.rnn import LatchNet, fully_connected, parity_net
from ...tasks.latch_v import LatchV
from ...tasks.parity import Parity
from ...tasks.two_sequence import TwoSequence

CHAPTER = "alternatives"

PROBLEMS = ("latch", "two_sequence", "parity")
PROBLEM_LABELS = {"latch": "Latch", "two_sequence": "2-Sequence", "parity": "Parity"}

#: the seven learners, in the order of the papers' tables (+ HBFS01's random guessing)
ALGORITHMS = (
    "backprop",
    "pseudo_newton",
    "time_weighted",
    "multigrid",
    "discrete",
    "annealing",
    "guessing",
)
LABELS = {
    "backprop": "back-prop",
    "pseudo_newton": "p-n",
    "time_weighted": "time-weighted p-n",
    "multigrid": "multigrid",
    "discrete": "discrete err. prop.",
    "annealing": "simulated anneal.",
    "guessing": "random guessing",
}
#: on-line learners (one update per sequence) and search learners (one cost evaluation = B presentations)
ONLINE = ("backprop", "pseudo_newton", "time_weighted", "discrete")
SEARCH = ("multigrid", "annealing", "guessing")
#: learners of a second reading of the paper, run beside the grid but never judged by the scorecard:
#: discrete error propagation with the low-noise quantiser (``quantizer="feasible"``, see
#: :mod:`longdeps.learning.discrete_error`) in place of eq. (10) as printed
READINGS = ("discrete_feasible",)
LABELS["discrete_feasible"] = "discrete err. prop., feasible S(g)"


@dataclass(frozen=True)
class Protocol:
    """The choices the papers leave open, made once for every algorithm.

    * ``n_train`` -- sequences per training set (balanced classes); the papers do not say.
    * ``noise`` -- half-width of the uniform input noise (0.2, BSF94 Section V-E).
    * ``lr_backprop`` -- the step of on-line back-propagation (plain SGD; the papers give none).
    * ``eta``, ``step_bounds``, ``mu_momentum`` -- pseudo-Newton's eta = 0.01, [0.001, 0.3], 0.8 (BSF94).
    * ``lr_discrete``, ``eps_discrete`` -- discrete error propagation's step and eq. (9)'s margin.
    * ``sa_T0``, ``sa_N_S``, ``sa_N_T`` -- annealing's initial temperature, sweeps per step adjustment
      and adjustments per temperature (Corana et al.'s N_T = max(100, 5n) would spend 10^5-10^6
      presentations on the first temperature alone, more than the paper's whole runs).
    * ``mg_size0`` -- multigrid's initial half-width; ``guess_scale`` -- guessing range [-s, s].
    """

    n_train: int = 20
    noise: float = 0.2
    lr_backprop: float = 0.1
    eta: float = 0.01
    step_bounds: tuple = (0.001, 0.3)
    mu_momentum: float = 0.8
    lr_discrete: float = 0.1
    eps_discrete: float = 0.1
    sa_T0: float = 1.0
    sa_N_S: int = 20
    sa_N_T: int = 1
    mg_size0: float = 1.0
    guess_scale: float = 100.0


PROTOCOL = Protocol()


def make_task(problem: str, T: int, noise: float = 0.2):
    """The task of ``problem`` at maximum length ``T`` (lengths uniform in [T/2, T])."""
    if problem == "latch":
        return LatchV(T=T, noise=noise)
    if problem == "two_sequence":
        return TwoSequence(T=T, noise=noise)
    if problem == "parity":
        return Parity(T=T, noise=noise)
    raise KeyError(f"unknown problem {problem!r}; problems: {', '.join(PROBLEMS)}")


def make_model(problem: str):
    """The network of ``problem``: the latch neuron with trainable inputs (3 parameters), the 5-unit fully
    connected net (25), the 2-unit parity net (7)."""
    if problem == "latch":
        return LatchNet(L=1)
    if problem == "two_sequence":
        return fully_connected(5)
    if problem == "parity":
        return parity_net()
    raise KeyError(f"unknown problem {problem!r}; problems: {', '.join(PROBLEMS)}")


def make_learner(algorithm: str, model, task, p: Protocol = PROTOCOL):
    """The learner of ``algorithm`` on ``model`` and ``task`` with the protocol's constants."""
    if algorithm == "backprop":
        return GradientLearner(model, task, optim.sgd(p.lr_backprop), online=True)
    if algorithm in ("pseudo_newton", "time_weighted"):
        cls = PseudoNewton if algorithm == "pseudo_newton" else TimeWeightedPseudoNewton
        return cls(model, task, eta=p.eta, step_bounds=p.step_bounds, mu_momentum=p.mu_momentum)
    if algorithm in ("discrete", "discrete_feasible"):
        quantizer = "paper" if algorithm == "discrete" else "feasible"
        return DiscreteErrorPropagation(
            model, task, lr=p.lr_discrete, eps=p.eps_discrete, quantizer=quantizer
        )
    if algorithm == "multigrid":
        return MultigridRandomSearch(model, task, size0=p.mg_size0)
    if algorithm == "annealing":
        return SimulatedAnnealing(model, task, T0=p.sa_T0, N_S=p.sa_N_S, N_T=p.sa_N_T)
    if algorithm == "guessing":
        return RandomGuessing(model, task, scale=p.guess_scale)
    raise KeyError(f"unknown algorithm {algorithm!r}; algorithms: {', '.join(ALGORITHMS)}")


def setup(rngs, problem: str, T: int, p: Protocol = PROTOCOL):
    """The trial's task, model, training set and theta0, drawn (in that order) from ``rngs``."""
    task = make_task(problem, T, p.noise)
    model = make_model(problem)
    train = task.sample(rngs, p.n_train)
    theta0 = model.init(rngs)
    return task, model, train, theta0


def run_cell(rngs, problem: str, T: int, algorithm: str, budget: int, p: Protocol = PROTOCOL, record=False):
    """One (problem, T, algorithm) cell for R = len(rngs) trials as one array computation.

    Each run stops when its training set is learned (every sequence on the right side), when a search
    learner is stuck (BSF94 footnote 1), or when ``budget`` presentations are spent.  Returns the
    :class:`~longdeps.learning.fit.FitResult` (errors and loss on the training set)."""
    task, model, train, theta0 = setup(rngs, problem, T, p)
    learner = make_learner(algorithm, model, task, p)
    fit_model = learner.model if algorithm.startswith("discrete") else model
    B = p.n_train
    if algorithm in ONLINE + READINGS:
        max_steps, stop = budget // B + 1, (until_success,)
    elif algorithm == "guessing":
        max_steps, stop = budget // (B * learner.chunk) + 1, (until_success,)
    else:
        max_steps, stop = budget // B + 1, (until_success, until_stuck)
    return fit(
        learner, task, fit_model, theta0, rngs, train=train, max_steps=max_steps, stop=stop,
        max_presentations=budget, record=record,
    )  # fmt: skip


def cell_trial(rngs, *, problem: str, T: int, algorithm: str, budget: int) -> dict:
    """The runner's trial function: final training error, presentations, learned / diverged flags."""
    r = run_cell(rngs, problem, T, algorithm, budget)
    return {
        "errors": np.asarray(r.errors, dtype=float),
        "presentations": np.asarray(r.presentations, dtype=np.int64),
        "converged": np.asarray(r.converged, dtype=bool),
        "diverged": np.asarray(r.diverged, dtype=bool),
        "loss": np.asarray(r.loss, dtype=float),
    }


def problem_trial(rngs, *, problem: str, Ts, algorithms, budgets, columns=None) -> dict:
    """The (T, algorithm) cells of ``problem`` for the runs of ``rngs`` (the runner's trial function).

    Run r first draws one seed per T of ``Ts`` from ``rngs[r]``; every algorithm of cell (T, .) then
    starts from ``default_rng(that seed)``, which draws the training set and theta0 first: within a
    trial every algorithm gets the same data and start at each T, and no cell depends on which others
    ran.  ``budgets``: presentations allowed per algorithm.  ``columns``: the indices into ``Ts`` to
    run (default all; the seeds are drawn for all of ``Ts`` either way, so column k's numbers are the
    same whether it runs alone or with the others).  Returns (R, len(columns), len(algorithms)) arrays."""
    seeds = np.stack([rng.integers(0, 2**63 - 1, size=len(Ts)) for rng in rngs])  # (R, nT)
    fields = ("errors", "presentations", "converged", "diverged", "loss")
    out = {k: [] for k in fields}
    for k in range(len(Ts)) if columns is None else columns:
        T = Ts[k]
        row = {f: [] for f in fields}
        for a in algorithms:
            sub = [np.random.default_rng(int(s)) for s in seeds[:, k]]
            r = cell_trial(sub, problem=problem, T=int(T), algorithm=a, budget=int(budgets[a]))
            for f in fields:
                row[f].append(r[f])
        for f in fields:
            out[f].append(np.stack(row[f], axis=1))  # (R, nA)
    return {f: np.stack(v, axis=1) for f, v in out.items()}  # (R, nT, nA)
