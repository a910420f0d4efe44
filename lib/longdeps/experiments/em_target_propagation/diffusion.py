"""Diffusion of credit, measured, and the ablations of the paper's tricks (Bengio & Frasconi 1994,
Section 6).

"An extra term was introduced in the optimization criterion when we found that in many cases the
target information would not propagate backwards (or would be diffused over all the states) [...]
EM converging very often to poor local maxima of the likelihood [with] fully connected HMMs [...] We
found a diffusion of credit or blame occurring when the forward maps [...] are such that many inputs
map to a few outputs [...] the absolute value of the determinant".

We measure, on every training sequence, how much target information the backward distribution beta_t
still carries k steps before the end: ``info_k = 1 - H(beta_{T-k}) / log n`` (1 = the target pins the
state, 0 = diffused over all states), and the mean log |det Phi_t| of the forward maps -- for the
untrained model and after training.  Then the ablations: the paper's algorithm (``full``) with one trick
removed at a time -- no determinant term, a fixed learning rate, full instead of sparse connectivity
(2-sequence) -- and two variants: the "log" determinant form and plain EM with the exact M step
(parity, table look-up).
"""

from __future__ import annotations

import numpy as np

from ... import claims, runner
from ...profiles import sizes
from .. import experiment
from .common import CHAPTER, train_trial

#: name -> changes to the Tables' configuration, per problem
ABLATIONS = {
    "two_sequence": {
        "full": {},
        "no det term": {"lam": 0.0},
        "fixed lr": {"adapt": False},
        "full connectivity": {"connectivity": "full"},
        "log det form": {"det_form": "log"},
    },
    "parity": {
        "full": {},
        "no det term": {"lam": 0.0},
        "fixed lr": {"adapt": False},
        "log det form": {"det_form": "log"},
        "exact EM": {"m_step": "exact", "lam": 0.0},
    },
}


@experiment(f"{CHAPTER}.diffusion")
def diffusion(profile: str = "book", seed: int = 20, executor="processes") -> dict:
    """Every ablation of :data:`ABLATIONS` on both problems at one T: errors, presentations, target
    information by lag and mean log10 |det Phi_t|, untrained and trained."""
    s = sizes(f"{CHAPTER}.diffusion", profile)
    out: dict = {"T": s["T"], "trials": s["trials"], "runs": {}}
    for problem, variants in ABLATIONS.items():
        for name, change in variants.items():
            out["runs"][(problem, name)] = runner.run_trials(
                f"{CHAPTER}.diffusion",
                train_trial,
                s["trials"],
                config={
                    "problem": problem,
                    "T": s["T"],
                    "n_train": s["n_train"],
                    "budget": s["budget"],
                    "config": change,
                    "measure": True,
                },
                seed=seed + (0 if problem == "parity" else 1000),  # the same starts for every variant
                batch_size=-(-s["trials"] // 2),
                executor=executor,
                progress=False,
            )
    return out


def _mean(r, problem, name, key):
    return float(np.nanmean(r["runs"][(problem, name)][key]))


def _diffusion_numbers(r) -> dict:
    p = "parity"
    info = {n: r["runs"][(p, n)]["info_trained"][:, -1] for n in ("full", "no det term")}
    return {
        "T": r["T"],
        "error_full": _mean(r, p, "full", "error"),
        "error_no_det": _mean(r, p, "no det term", "error"),
        "error_full_2seq": _mean(r, "two_sequence", "full", "error"),
        "error_no_det_2seq": _mean(r, "two_sequence", "no det term", "error"),
        "info_start_untrained": float(np.mean(r["runs"][(p, "full")]["info_untrained"][:, -1])),
        "info_start_full": float(np.mean(info["full"])),
        "info_start_no_det": float(np.mean(info["no det term"])),
        "logdet_full": _mean(r, p, "full", "logdet_trained"),
        "logdet_no_det": _mean(r, p, "no det term", "logdet_trained"),
    }


@claims.claim(
    "bf94.sec6.det_term",
    of=diffusion,
    kind=claims.EXPERIMENT,
    paper="BF94",
    artifact="Section 6, the determinant term",
    statement="Without the extra term the target information often fails to propagate backwards or "
    "diffuses over all the states; with the term maximising the average magnitude of det Phi_t the "
    "algorithm performs much better.",
    paper_value="qualitative (no numbers)",
    numbers=_diffusion_numbers,
)
def _(ours):
    """measured on parity at the ablation T: reproduced when removing the determinant term raises the
    mean error by at least 5 percentage points AND leaves less target information at the sequence
    start (info_start_no_det < info_start_full); partly when only one of the two holds."""
    worse = ours["error_no_det"] >= ours["error_full"] + 5.0
    diffuses = ours["info_start_no_det"] < ours["info_start_full"]
    if worse and diffuses:
        return claims.REPRODUCED
    return claims.PARTLY if worse or diffuses else claims.NOT_REPRODUCED


def _connectivity_numbers(r) -> dict:
    p = "two_sequence"
    return {
        "T": r["T"],
        "error_sparse": _mean(r, p, "full", "error"),
        "error_full_connectivity": _mean(r, p, "full connectivity", "error"),
        "loglik_sparse": _mean(r, p, "full", "loglik"),
        "loglik_full_connectivity": _mean(r, p, "full connectivity", "loglik"),
    }


@claims.claim(
    "bf94.sec6.sparse_connectivity",
    of=diffusion,
    kind=claims.EXPERIMENT,
    paper="BF94",
    artifact="Section 6, sparse connectivity",
    statement="EM on fully connected models converges very often to poor local maxima of the "
    "likelihood; a structured, sparse transition matrix helps convergence (2-sequence).",
    paper_value="qualitative (no numbers)",
    numbers=_connectivity_numbers,
)
def _(ours):
    """reproduced when the fully connected 7-state model ends with a mean error at least 5 percentage
    points above the sparse one AND a lower mean log-likelihood per sequence; partly when only one
    holds."""
    worse = ours["error_full_connectivity"] >= ours["error_sparse"] + 5.0
    lower = ours["loglik_full_connectivity"] < ours["loglik_sparse"]
    if worse and lower:
        return claims.REPRODUCED
    return claims.PARTLY if worse or lower else claims.NOT_REPRODUCED


def _lr_numbers(r) -> dict:
    return {
        "T": r["T"],
        **{
            f"error_{k}_{p}": _mean(r, p, n, "error")
            for p in ("two_sequence", "parity")
            for k, n in (("adaptive", "full"), ("fixed", "fixed lr"))
        },
    }


@claims.claim(
    "bf94.sec6.adaptive_lr",
    of=diffusion,
    kind=claims.EXPERIMENT,
    paper="BF94",
    artifact="Section 6, the learning-rate rule",
    statement="Decreasing the learning rate when the likelihood improves and increasing it on a plateau "
    "drastically improved performance.",
    paper_value='qualitative ("drastically improved")',
    numbers=_lr_numbers,
)
def _(ours):
    """reproduced when on both problems the fixed learning rate ends with a mean error at least 5
    percentage points above the adaptive rule; partly when it is higher on one problem."""
    gaps = [ours[f"error_fixed_{p}"] - ours[f"error_adaptive_{p}"] for p in ("two_sequence", "parity")]
    if all(g >= 5.0 for g in gaps):
        return claims.REPRODUCED
    return claims.PARTLY if any(g >= 5.0 for g in gaps) else claims.NOT_REPRODUCED
