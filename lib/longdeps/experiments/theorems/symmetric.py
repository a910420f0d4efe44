"""BSF94 Sec. IV-A's remark, computed: for a_t = W tanh(a_{t-1}), a symmetric W whose smallest
eigenvalue exceeds -1 has only fixed-point attractors (Marcus et al.), and |W| < 1 leaves the origin
as the single attractor; other matrices may settle on cycles."""

from __future__ import annotations

import numpy as np

from ... import claims, dynamics, runner
from ...profiles import sizes
from .. import experiment

UNITS = 3
START_RANGE = 3.0  # starts uniform in [-3, 3]^n
TOL = 1e-6  # |a_T - a_{T-1}| below this: a fixed point; |a_T - a_{T-2}| below it: a 2-cycle
FAMILIES = (
    "symmetric, min eigenvalue > -1",
    "||W||_2 < 1",
    "symmetric, min eigenvalue < -1",
    "non-symmetric",
)


def _symmetric(g, lo, hi, n, low_first=None):
    lam = g.uniform(lo, hi, n)
    while np.any(np.abs(lam - 1) < 0.1):  # keep away from the pitchfork at 1 (slow convergence)
        lam = g.uniform(lo, hi, n)
    if low_first is not None:
        lam[0] = g.uniform(*low_first)
    q = np.linalg.qr(g.normal(size=(n, n)))[0]
    return q @ np.diag(lam) @ q.T


def sample(g: np.random.Generator, family: str, n: int = UNITS) -> np.ndarray:
    """One random W of ``family`` (see :data:`FAMILIES`)."""
    if family == FAMILIES[0]:
        return _symmetric(g, -0.9, 3.0, n)
    if family == FAMILIES[1]:
        W = g.normal(size=(n, n))
        return 0.9 * W / np.linalg.norm(W, 2)
    if family == FAMILIES[2]:
        return _symmetric(g, -3.0, 3.0, n, low_first=(-3.0, -1.1))
    return 2.0 * g.normal(size=(n, n)) / np.sqrt(n)


def _symmetric_trial(rngs, starts, steps):
    out = {}
    for f, fam in enumerate(FAMILIES):
        W = np.stack([sample(g, fam) for g in rngs])  # (R, n, n)
        a = np.stack([g.uniform(-START_RANGE, START_RANGE, (starts, UNITS)) for g in rngs])
        Wb = W[:, None]  # broadcast over starts
        for _ in range(steps - 2):
            a = dynamics.rnn_map(a, Wb)
        a1 = dynamics.rnn_map(a, Wb)
        a2 = dynamics.rnn_map(a1, Wb)
        fixed = np.linalg.norm(a2 - a1, axis=-1) < TOL
        cycle2 = ~fixed & (np.linalg.norm(a2 - a, axis=-1) < TOL)
        out[f"fixed_{f}"] = fixed
        out[f"cycle2_{f}"] = cycle2
        out[f"origin_{f}"] = np.linalg.norm(a2, axis=-1) < TOL
    return out


@experiment("theorems.symmetric")
def symmetric(profile: str = "book", seed: int = 10) -> dict:
    """Where orbits of a = W tanh(a) end, for random 3-unit W of four families: a fixed point, a 2-cycle
    or neither (a longer cycle, or not settled after ``steps``)."""
    s = sizes("theorems.symmetric", profile)
    out = runner.run_trials(
        "theorems.symmetric",
        _symmetric_trial,
        s["nets"],
        config={"starts": s["starts"], "steps": s["steps"]},
        seed=seed,
        batch_size=100,
    )
    share = {
        k: np.array([out[f"{k}_{f}"].mean() for f in range(len(FAMILIES))])
        for k in ("fixed", "cycle2", "origin")
    }
    return {
        "families": FAMILIES,
        "share_fixed": share["fixed"],
        "share_cycle2": share["cycle2"],
        "share_other": 1 - share["fixed"] - share["cycle2"],
        "share_origin": share["origin"],
        "nets": s["nets"],
        "starts": s["starts"],
        "steps": s["steps"],
        "units": UNITS,
    }


@claims.claim(
    "bsf94.sec4a.symmetric",
    of=symmetric,
    kind=claims.CHECK,
    paper="BSF94",
    artifact="Sec. IV-A, symmetric W",
    statement="For a_t = W tanh(a_{t-1}) + u_t, if W is symmetric and its minimum eigenvalue is greater "
    "than -1, the attractors are all fixed points; if |W| < 1 there is a single fixed point attractor "
    "at the origin.",
    paper_value="all orbits end on fixed points; |W| < 1: all at the origin",
    numbers=lambda r: {
        "share_not_fixed_symmetric": float(1 - r["share_fixed"][0]),
        "share_not_origin_contracting": float(1 - r["share_origin"][1]),
        "share_not_fixed_sym_below_minus_1": float(1 - r["share_fixed"][2]),
        "share_not_fixed_nonsymmetric": float(1 - r["share_fixed"][3]),
    },
)
def _(ours):
    """reproduced when every orbit of every symmetric W with eigenvalues > -1 ends on a fixed point and
    every orbit of every W with ||W||_2 < 1 ends at the origin (the other two families are shown for
    contrast, not judged)."""
    ok = ours["share_not_fixed_symmetric"] == 0 and ours["share_not_origin_contracting"] == 0
    return claims.REPRODUCED if ok else claims.NOT_REPRODUCED
