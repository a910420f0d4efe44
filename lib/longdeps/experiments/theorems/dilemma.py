"""The dilemma, robust storage versus vanishing gradient, across w (BF94 Sec. 2; HBFS01 Sec. 3, Fig. 1)."""

from __future__ import annotations

import numpy as np

from ... import claims, dynamics, runner
from ...profiles import sizes
from .. import experiment
from .common import concordance

W_RANGE = (0.5, 4.0)
ROBUST = 0.95  # P(keep) at or above which a weight "stores robustly"
PASSING = -3.0  # log10 |d a_T / d a_0| at or above which a gradient "passes"


def dilemma_start(weights: np.ndarray) -> np.ndarray:
    """The latched starting state: a_0 = max(a_bar(w), 1) (w <= 1 has no attractor to start on)."""
    return np.maximum(dynamics.neuron_attractor(weights), 1.0)


def _dilemma_trial(rngs, weights, noise, steps):
    weights, noise = np.asarray(weights), np.asarray(noise)
    h = np.stack([g.standard_normal(size=(len(noise), len(weights), steps)) for g in rngs])
    h = h * np.sqrt(noise)[None, :, None, None]
    traj = dynamics.neuron_trajectory(dilemma_start(weights)[None, None, :], weights[None, None, :], h)
    return {
        "kept": traj[..., -1] > 0,  # (R, S, W): the bit read at T still has its stored sign
        "log10_grad": dynamics.neuron_log_derivative(traj, weights[None, None, :])[..., -1] / np.log(10),
    }


@experiment("theorems.dilemma")
def dilemma(profile: str = "book", seed: int = 7) -> dict:
    """P(the latched sign survives T noisy steps) and |d a_T / d a_0| across w and noise variance s."""
    s = sizes("theorems.dilemma", profile)
    weights = np.linspace(*W_RANGE, s["weights"])
    noise = np.array(s["noise"], dtype=float)
    for v in noise:
        dynamics.check_noise_variance(v)
    out = runner.run_trials(
        "theorems.dilemma",
        _dilemma_trial,
        s["runs"],
        config={"weights": weights.tolist(), "noise": noise.tolist(), "steps": s["steps"]},
        seed=seed,
        batch_size=250,
    )
    return {
        "weights": weights,
        "noise": noise,
        "steps": s["steps"],
        "runs": s["runs"],
        "p_keep": out["kept"].mean(axis=0),  # (S, W)
        "log10_grad_median": np.median(out["log10_grad"], axis=0),  # (S, W)
        "log10_grad_q": np.quantile(out["log10_grad"], [0.1, 0.9], axis=0),  # (2, S, W)
    }


def _dichotomy_numbers(r) -> dict:
    robust = r["p_keep"] >= ROBUST
    passing = r["log10_grad_median"] >= PASSING
    return {
        "cells": int(robust.size),
        "robust_cells": int(robust.sum()),
        "robust_and_gradient": int(np.sum(robust & passing)),
        "largest_log10_grad_robust": float(r["log10_grad_median"][robust].max()) if robust.any() else np.nan,
    }


@claims.claim(
    "bf94.sec2.dichotomy",
    of=dilemma,
    kind=claims.EXPERIMENT,
    paper="BF94",
    artifact="Sec. 2",
    statement="Either the system is very sensitive to noise, or the derivatives of the cost at time t "
    "with respect to a_0 converge exponentially to 0.",
    paper_value="no weight both stores robustly and passes gradient",
    numbers=_dichotomy_numbers,
)
def _(ours):
    """counting the (w, s) cells that keep the bit with probability >= 0.95 while the median
    |d a_T / d a_0| is >= 1e-3: reproduced when there are none (and some cell is robust), partly when
    they are at most 10% of the robust cells."""
    if ours["robust_cells"] == 0:
        return claims.NOT_REPRODUCED
    if ours["robust_and_gradient"] == 0:
        return claims.REPRODUCED
    return (
        claims.PARTLY if ours["robust_and_gradient"] <= 0.1 * ours["robust_cells"] else claims.NOT_REPRODUCED
    )


def _dilemma_numbers(r) -> dict:
    latch = r["weights"] > 1
    margin = 3 * np.sqrt(0.25 / r["runs"])  # three binomial standard errors of P(keep)
    gamma = [
        concordance(r["p_keep"][k, latch], -r["log10_grad_median"][k, latch], margin)
        for k in range(len(r["noise"]))
    ]
    return {"noise": [float(x) for x in r["noise"]], "gamma": [round(g, 3) for g in gamma]}


@claims.claim(
    "hbfs01.sec3.dilemma",
    of=dilemma,
    kind=claims.EXPERIMENT,
    paper="HBFS01",
    artifact="Sec. 3, Fig. 1",
    statement="When the weights are such that the network can latch information, the problem of gradient "
    "decay is obtained.",
    paper_value="robust storage and vanishing gradient go together",
    numbers=_dilemma_numbers,
)
def _(ours):
    """over the latching weights w > 1, for every pair whose P(keep) differ by more than three
    binomial standard errors: the more robust weight should have the smaller median |d a_T / d a_0|.
    gamma = (agreeing - disagreeing pairs) / pairs (Goodman-Kruskal; pairs tied in P(keep), e.g. both
    at 1, carry no information and are left out).  reproduced when gamma >= 0.9 at every noise level,
    partly when at some."""
    g = [x for x in ours["gamma"] if x == x]  # nan: no informative pair at that noise level
    if g and len(g) == len(ours["gamma"]) and all(x >= 0.9 for x in g):
        return claims.REPRODUCED
    return claims.PARTLY if any(x >= 0.9 for x in g) else claims.NOT_REPRODUCED
