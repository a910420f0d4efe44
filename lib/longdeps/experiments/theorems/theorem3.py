"""Theorem 3 of BSF94 on the neuron: inputs bounded by b_t = (1 - lambda_t) d keep the state within d
of the autonomous trajectory."""

from __future__ import annotations

import numpy as np

from ... import claims, dynamics, runner
from ...profiles import sizes
from .. import experiment
from .common import LATCH_WEIGHTS, theorem3_setup


def _theorem3_trial(rngs, weights, steps):
    weights = np.asarray(weights)
    a0, d, auto, _, b = theorem3_setup(weights, steps)
    r = np.stack([g.uniform(-1.0, 1.0, size=(len(weights), steps)) for g in rngs])  # (R, W, T)
    u = r * b[None] * (1 - 1e-12)
    traj = dynamics.neuron_trajectory(a0[None, :], weights[None, :], u)
    dev = np.max(np.abs(traj - auto[None]), axis=-1) / d[None]
    # worst case: every input pushes towards the other basin with the full bound
    worst = dynamics.neuron_trajectory(a0, weights, -b * (1 - 1e-12))
    dev_worst = np.max(np.abs(worst - auto), axis=-1) / d
    return {"max_dev_over_d": dev, "worst_dev_over_d": np.broadcast_to(dev_worst, dev.shape)}


@experiment("theorems.theorem3")
def theorem3(profile: str = "book", seed: int = 3) -> dict:
    """Theorem 3 for the neuron: max_t |a_t - a_bar_t| / d under random and worst-case bounded inputs."""
    s = sizes("theorems.theorem3", profile)
    weights = np.array(LATCH_WEIGHTS)
    a0, d, auto, lam, b = theorem3_setup(weights, s["steps"])
    out = runner.run_trials(
        "theorems.theorem3",
        _theorem3_trial,
        s["runs"],
        config={"weights": weights.tolist(), "steps": s["steps"]},
        seed=seed,
        batch_size=500,
    )
    return {"weights": weights, "d": d, "lambda": lam, "b": b, "autonomous": auto, **out}


@claims.claim(
    "bsf94.thm3.bounded",
    of=theorem3,
    kind=claims.CHECK,
    paper="BSF94",
    artifact="Thm. 3",
    statement="With ||u_t|| < b_t = (1 - lambda_t) d, a_t remains inside a ball of radius d around the "
    "autonomous trajectory.",
    paper_value="max_t |a_t - a_bar_t| < d",
    numbers=lambda r: {
        "max_dev_over_d": float(r["max_dev_over_d"].max()),
        "worst_dev_over_d": float(r["worst_dev_over_d"].max()),
    },
)
def _(ours):
    """reproduced when the largest deviation over all runs and weights, random and worst-case inputs,
    is below d (ratio < 1)."""
    worst = max(ours["max_dev_over_d"], ours["worst_dev_over_d"])
    return claims.REPRODUCED if worst < 1 else claims.NOT_REPRODUCED
