"""The explorer's backend (not an experiment): one training run with its whole history."""

from __future__ import annotations

from ...learning.bptt import gradient_descent
from ...models.neuron import inputs
from ...runner import trial_rngs
from ...tasks.latch import split_params
from .common import PROTOCOL, setup


def train_one(T=20, L=3, s=0.2, w0=1.25, trainable="all", epochs=1000, lr=None, seed=0) -> dict:
    """One training run with its whole history (the explorer and Fig. 1b): cost, w and h per epoch, the
    final trajectories of every training sequence, and the input sequences with the learned h."""
    rngs = trial_rngs(seed, [0])
    problem, theta0 = setup(rngs, T, L, w0, s, None, trainable)
    res = gradient_descent(problem, theta0, lr=lr or PROTOCOL.lr, epochs=epochs, keep_history=True)
    _, h = split_params(res.theta, L)
    return {
        "T": T,
        "L": L,
        "s": s,
        "w0": w0,
        "cost": res.cost[0],
        "history": res.history[0],
        "converged": bool(res.converged[0]),
        "diverged": bool(res.diverged[0]),
        "epochs_used": int(res.steps[0]),
        "theta": res.theta[0],
        "u": inputs(h, problem.data.noise)[0],  # (2, P, T)
        "x": problem.trajectories(res.theta)[0],  # (2, P, T)
        "targets": problem.task.targets,
    }
