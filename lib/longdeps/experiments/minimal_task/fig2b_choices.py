"""Fig. 2b (w frozen) under the two choices the paper leaves open that set it: training sequences per
class (1, 3, 10) and the convergence tolerance (0.2, 0.4, 0.8; 0.8 = sign only)."""

from __future__ import annotations

import numpy as np

from ...learning.bptt import gradient_descent
from ...models.neuron import LatchProblem
from ...profiles import sizes
from ...runner import run_trials
from ...tasks.latch import LatchData
from .. import experiment
from .common import FIG2B_S, FIG2B_W0, PROTOCOL, SEED, choice_config, setup, solvable


def _fig2b_choices_trials(rngs, trials, T, T_max, epochs, lr, w0, s, n_per_class, tol, **_choices):
    """Runs ``trials`` of Fig. 2b (w frozen), each under every (sequences per class, tolerance) setting.

    Each trial draws one start and one training set of max(n_per_class) sequences per class (the
    draws of Fig. 2b's trials); the setting with n sequences per class trains on the first n of
    them (nested training sets), and all tolerances train from the same start on the same sequences.
    Returns arrays (trials, len(n_per_class), len(tol))."""
    problem, theta0 = setup(rngs, T_max, 3, w0, s, np.asarray(T)[trials], "h", n_per_class=max(n_per_class))
    B, K = len(trials), len(tol)
    parts = []
    for n in n_per_class:
        d = problem.data
        data = LatchData(np.repeat(d.noise[:, :, :n], K, axis=0), np.repeat(d.lengths[:, :, :n], K, axis=0))
        sub = LatchProblem(problem.task.with_(n_per_class=int(n)), data, "h", tol=np.tile(tol, B))
        start = np.repeat(theta0, K, axis=0)  # run b * K + k: trial b, tol[k]
        res = gradient_descent(sub, start, lr=lr, epochs=epochs, record_every=max(1, epochs // 50))
        out = {**res.as_dict(), "solvable": solvable(sub, start)}
        parts.append({k: out[k].reshape(B, K) for k in ("converged", "diverged", "steps", "solvable")})
    return {k: np.stack([p[k] for p in parts], axis=1) for k in parts[0]}


@experiment("minimal_task.fig2b_choices")
def fig2b_choices(profile: str = "book", **overrides) -> dict:
    """Fig. 2b (w = 1.25 frozen) under 3 x 3 settings of sequences per class and tolerance.

    Fig. 2b's protocol otherwise (s = 0.2, L = 3, only h trained, same T grid, runs and epochs, same
    seeds): every trial trains under all nine settings from the same start on nested training sets,
    so the setting (10, 0.4) is Fig. 2b's frozen reading itself.  ``rate`` and ``solvable_rate`` have
    shape (n_per_class, tol, T)."""
    z = {**sizes("minimal_task.fig2b_choices", profile), **overrides}
    Ts, runs = np.array(z["T"], int), int(z["runs"])
    ns, tols = tuple(int(n) for n in z["n_per_class"]), tuple(float(t) for t in z["tol"])
    cfg = dict(
        T=np.repeat(Ts, runs).tolist(),
        T_max=int(Ts.max()),
        epochs=int(z["epochs"]),
        lr=PROTOCOL.lr,
        w0=FIG2B_W0,
        s=FIG2B_S,
        n_per_class=ns,
        tol=tols,
    )
    out = run_trials(
        "minimal_task.fig2b_choices",
        _fig2b_choices_trials,
        len(Ts) * runs,
        config={**cfg, **choice_config()},
        seed=SEED + 1,  # Fig. 2b's seed: trial i draws Fig. 2b's run i
    )
    # (T, runs, n, tol) -> (n, tol, T, runs)
    r = {k: np.moveaxis(v.reshape(len(Ts), runs, len(ns), len(tols)), (0, 1), (2, 3)) for k, v in out.items()}
    return {
        "T": Ts,
        "runs": runs,
        "epochs": int(z["epochs"]),
        "n_per_class": np.array(ns),
        "tol": np.array(tols),
        "w0": FIG2B_W0,
        "s": FIG2B_S,
        "converged": r["converged"],
        "rate": r["converged"].mean(axis=-1),
        "solvable_rate": r["solvable"].mean(axis=-1),
        # met the criterion before any update: the noise alone put every output right (no learning)
        "untrained_rate": (r["converged"] & (r["steps"] == 0)).mean(axis=-1),
        "solvable": r["solvable"],
        "diverged": r["diverged"],
        "steps": r["steps"],
    }
