"""Basins beta(X), reduced attracting sets Gamma(X) and the ball of uncertainty (BSF94 Defs. 3-4,
Fig. 3, Theorems 1-2), computed for the neuron and for the 2-D net W2."""

from __future__ import annotations

import numpy as np

from ... import claims, dynamics
from ...models import theory
from ...profiles import sizes
from .. import experiment
from .common import W2, attractors_2d

BALL_RADIUS = 0.05
BALL_LABELS = ("inside Gamma", "outside Gamma, inside beta", "on the basin boundary")
GRID_LIMIT = 4.0  # grids cover [-4, 4] (and its square)


def _expanding(centre_traj: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Whether |M'(c_t)| > 1 (2-norm) at each point of the centre's trajectory (..., T+1, n)."""
    return dynamics.spectral_norm(dynamics.rnn_jacobian(centre_traj, W)) > 1


@experiment("theorems.basins")
def basins(profile: str = "book", w: float = 2.0) -> dict:
    """Fig. 3 computed for the neuron (weight ``w``) and the 2-D net W2: beta, Gamma, balls."""
    s = sizes("theorems.basins", profile)
    # 1-D
    W1 = np.array([[w]])
    a_bar = float(dynamics.neuron_attractor(w))
    X1 = np.array([[a_bar], [-a_bar]])
    g1 = np.linspace(-GRID_LIMIT, GRID_LIMIT, s["grid_1d"])
    lab1 = dynamics.basin_labels(g1[:, None], W1, X1, steps=s["steps"] * 4)
    gam1 = dynamics.reduced_attracting_mask(g1[:, None], W1, steps=s["steps"])
    # 2-D
    X2 = attractors_2d()
    g2 = np.linspace(-GRID_LIMIT, GRID_LIMIT, s["grid_2d"])
    P = np.stack(np.meshgrid(g2, g2), axis=-1).reshape(-1, 2)
    lab2 = dynamics.basin_labels(P, W2, X2, steps=s["steps"] * 4)
    gam2 = dynamics.reduced_attracting_mask(P, W2, steps=s["steps"])
    gam2_norm = dynamics.reduced_attracting_mask(P, W2, steps=s["steps"], criterion="norm")
    # balls of radius r, autonomous dynamics (u = 0): inside Gamma, outside Gamma (inside beta),
    # and straddling the basin boundary
    r, T = BALL_RADIUS, s["ball_steps"]
    a_c = float(dynamics.critical_state(w))
    centres1 = np.array([[a_bar + 1.0], [0.15], [0.0]])
    rho1 = theory.uncertainty_ball(centres1, W1, np.zeros((3, T, 1)), r)
    centre_traj1 = theory.trajectory(centres1, W1, np.zeros((3, T, 1)))
    v = np.linalg.eigh(W2)[1]  # columns: eigenvectors (ascending eigenvalues)
    unstable, stable = v[:, 1], v[:, 0]
    centres2 = np.stack([X2[0] + np.array([0.6, -0.6]), 0.15 * unstable, 0.6 * stable])
    rho2 = theory.uncertainty_ball(centres2, W2, np.zeros((3, T, 2)), r, n_points=s["balls"])
    centre_traj2 = theory.trajectory(centres2, W2, np.zeros((3, T, 2)))
    in_gamma2 = dynamics.reduced_attracting_mask(centres2, W2, steps=s["steps"])
    lab_c2 = dynamics.basin_labels(centres2, W2, X2, steps=s["steps"] * 4)
    # the balls' points, for the picture (2-D)
    ang = np.linspace(0, 2 * np.pi, s["balls"], endpoint=False)
    ring = centres2[:, None, :] + r * np.stack([np.cos(ang), np.sin(ang)], -1)[None]
    ring_traj = theory.trajectory(ring, W2, np.zeros((3, s["balls"], T, 2)))
    return {
        "w": w,
        "a_bar": a_bar,
        "a_c": a_c,
        "grid_1d": g1,
        "labels_1d": lab1,
        "gamma_1d": gam1,
        "centres_1d": centres1[:, 0],
        "rho_1d": rho1,
        "centre_traj_1d": centre_traj1,
        "expanding_1d": _expanding(centre_traj1, W1),  # (3, T+1)
        "W2": W2,
        "attractors_2d": X2,
        "grid_2d": g2,
        "labels_2d": lab2.reshape(len(g2), len(g2)),
        "gamma_2d": gam2.reshape(len(g2), len(g2)),
        "gamma_2d_norm": gam2_norm.reshape(len(g2), len(g2)),
        "centres_2d": centres2,
        "centres_2d_in_gamma": in_gamma2,
        "centres_2d_label": lab_c2,
        "rho_2d": rho2,
        "centre_traj_2d": centre_traj2,
        "expanding_2d": _expanding(centre_traj2, W2),
        "ring_traj": ring_traj,
        "radius": r,
        "ball_labels": BALL_LABELS,
    }


def _sets_numbers(r) -> dict:
    g1, g2 = r["grid_1d"], r["grid_2d"]
    gam_pos = g1[(r["gamma_1d"]) & (g1 > 0)]
    step = g1[1] - g1[0]
    edge_err = abs(gam_pos.min() - r["a_c"]) / step if len(gam_pos) else np.inf
    idx = [(np.argmin(abs(g2 - x[1])), np.argmin(abs(g2 - x[0]))) for x in r["attractors_2d"]]
    x_in = bool(all(r["gamma_2d"][i, j] for i, j in idx))
    x_in &= bool(r["gamma_1d"][np.argmin(abs(g1 - r["a_bar"]))])
    outside = np.sum(r["gamma_2d"] & (r["labels_2d"] < 0)) + np.sum(r["gamma_1d"] & (r["labels_1d"] < 0))
    return {"X_in_gamma": x_in, "gamma_outside_beta": int(outside), "edge_error_in_steps": float(edge_err)}


@claims.claim(
    "bsf94.def4.sets",
    of=basins,
    kind=claims.CHECK,
    paper="BSF94",
    artifact="Defs. 3-4",
    statement="For a hyperbolic attractor X, X is in Gamma(X), which is in beta(X).",
    paper_value="X subset Gamma(X) subset beta(X)",
    numbers=_sets_numbers,
)
def _(ours):
    """reproduced when, in 1-D and 2-D, the attractors are in Gamma, no grid point of Gamma lies outside
    every basin, and the 1-D edge of Gamma sits at a_c(w) = artanh(sqrt(1 - 1/w)) within one grid step."""
    ok = ours["X_in_gamma"] and ours["gamma_outside_beta"] == 0 and ours["edge_error_in_steps"] <= 1
    return claims.REPRODUCED if ok else claims.NOT_REPRODUCED


def expansion(rho: np.ndarray, expanding: np.ndarray) -> tuple[int, float, float]:
    """For one ball: (steps taken with the centre where |M'| > 1, the smallest and the geometric-mean
    one-step growth rho_{t+1} / rho_t over those steps)."""
    g = rho[1:][expanding[:-1]] / rho[:-1][expanding[:-1]]
    if len(g) == 0:
        return 0, float("nan"), float("nan")
    return len(g), float(g.min()), float(np.exp(np.mean(np.log(g))))


def _expand_numbers(r) -> dict:
    out = {}
    for dim in ("1d", "2d"):
        n, lo, mean = expansion(r[f"rho_{dim}"][1], r[f"expanding_{dim}"][1])
        out[f"steps_expanding_{dim}"] = n
        out[f"min_step_growth_{dim}"] = lo
        out[f"mean_step_growth_{dim}"] = mean
        out[f"total_growth_{dim}"] = float(r[f"rho_{dim}"][1].max() / r["radius"])
    return out


@claims.claim(
    "bsf94.thm1.expand",
    of=basins,
    kind=claims.CHECK,
    paper="BSF94",
    artifact="Thm. 1, Fig. 3(a)",
    statement="Where |M'| > 1 (outside Gamma(X)) the map expands: a ball of uncertainty grows, "
    "exponentially while it stays there.",
    paper_value="ball radius grows outside Gamma",
    numbers=_expand_numbers,
)
def _(ours):
    """for the ball started outside Gamma inside beta: reproduced when, in 1-D and in 2-D, its centre
    spends at least 2 steps where |M'| > 1 and the ball grows at every one of those steps (smallest
    one-step growth > 1: a geometric, i.e. exponential, growth); partly when in one of them.  Once the
    orbit enters Gamma the ball shrinks again, as Theorem 2 says: growth without end is not claimed."""
    ok = [ours[f"steps_expanding_{d}"] >= 2 and ours[f"min_step_growth_{d}"] > 1 for d in ("1d", "2d")]
    return claims.REPRODUCED if all(ok) else claims.PARTLY if any(ok) else claims.NOT_REPRODUCED


@claims.claim(
    "bsf94.fig3.shrink",
    of=basins,
    kind=claims.CHECK,
    paper="BSF94",
    artifact="Fig. 3(b)",
    statement="Inside Gamma(X) the ball of uncertainty is bounded (shrinks).",
    paper_value="ball radius bounded inside Gamma",
    numbers=lambda r: {
        "max_ratio_1d": float(r["rho_1d"][0, 1:].max() / r["rho_1d"][0, 0]),
        "max_ratio_2d": float(r["rho_2d"][0, 1:].max() / r["rho_2d"][0, 0]),
        "final_ratio_1d": float(r["rho_1d"][0, -1] / r["rho_1d"][0, 0]),
        "final_ratio_2d": float(r["rho_2d"][0, -1] / r["rho_2d"][0, 0]),
    },
)
def _(ours):
    """reproduced when the ball started inside Gamma never exceeds its initial radius after t = 0 and
    ends below 1% of it, in 1-D and 2-D."""
    ok = ours["max_ratio_1d"] <= 1 and ours["max_ratio_2d"] <= 1
    ok = ok and ours["final_ratio_1d"] < 0.01 and ours["final_ratio_2d"] < 0.01
    return claims.REPRODUCED if ok else claims.NOT_REPRODUCED
