"""Why does Fig. 2a's large w0 without noise converge less often than the paper's figure suggests?

Fig. 2a's protocol (L = 3, T = 20, w and h trained) on a smaller grid (w0 x s in {0, 0.2}), under one
changed open choice at a time: the learning rate (x1/10, x10), the initial h range (x1/10, x10), and
a fixed training set versus fresh noisy sequences every epoch (at the protocol's and at 10x the
learning rate, the recipe of an independent implementation).  Every variant is judged twice: on the
sequences it trained on (the chapter's criterion) and on 50 fresh test sequences per class.  Two
diagnostics: did both classes start in one basin (their noise-free outputs at T of one sign), and did
a failed run end with |w| < 1 (its latch gone)?"""

from __future__ import annotations

import numpy as np

from ...learning.bptt import gradient_descent
from ...models.neuron import LatchProblem, forward, inputs
from ...profiles import sizes
from ...runner import run_trials
from ...tasks.latch import sample_data, split_params
from .. import experiment
from .common import PROTOCOL, SEED, choice_config, setup

#: name -> (label, learning rate, initial h range, fresh sequences each epoch)
VARIANTS = {
    "protocol": ("the chapter's protocol", PROTOCOL.lr, PROTOCOL.h_init, False),
    "small_lr": ("learning rate / 10", PROTOCOL.lr / 10, PROTOCOL.h_init, False),
    "large_lr": ("learning rate x 10", PROTOCOL.lr * 10, PROTOCOL.h_init, False),
    "small_h": ("initial h range / 10", PROTOCOL.lr, PROTOCOL.h_init / 10, False),
    "large_h": ("initial h range x 10", PROTOCOL.lr, PROTOCOL.h_init * 10, False),
    "fresh": ("fresh sequences each epoch", PROTOCOL.lr, PROTOCOL.h_init, True),
    "fresh_large_lr": ("fresh sequences, learning rate x 10", PROTOCOL.lr * 10, PROTOCOL.h_init, True),
}
N_TEST = 50  # fresh test sequences per class


def _fresh_descent(problem, theta0, rngs, s, lr, epochs):
    """Batch gradient descent on a new training set every epoch (drawn from each run's generator);
    a run stops when the batch it is given meets the criterion.  Returns (theta, converged)."""
    theta, R = theta0.copy(), len(theta0)
    active, converged = np.ones(R, bool), np.zeros(R, bool)
    task = problem.task
    for _ in range(epochs + 1):
        batch = LatchProblem(task, sample_data(task, rngs, s=s), "all", tol=problem.tol)  # every run draws
        idx = np.flatnonzero(active)
        if not idx.size:
            break
        with np.errstate(over="ignore", invalid="ignore"):
            _, grad, ok = batch.take(idx).cost_and_grad(theta[idx])
        converged[idx[ok]], active[idx[ok]] = True, False
        go = idx[~ok]
        theta[go] -= lr * np.nan_to_num(grad[~ok], nan=0.0, posinf=0.0, neginf=0.0)
    return theta, converged


def _sensitivity_trials(rngs, trials, w0, s, T, L, epochs, lr, h_init, fresh, **_choices):
    w0, s = np.asarray(w0)[trials], np.asarray(s)[trials]
    problem, theta0 = setup(rngs, T, L, w0, s, None, "all", h_init=h_init)
    w, h = split_params(theta0, L)
    x_clean = forward(w, inputs(h, np.zeros((len(trials), 2, 1, T))))[:, :, 0, -1]
    one_basin = np.sign(x_clean[:, 0]) == np.sign(x_clean[:, 1])
    if fresh:
        theta, train_ok = _fresh_descent(problem, theta0, rngs, s, lr, epochs)
    else:
        res = gradient_descent(problem, theta0, lr=lr, epochs=epochs)
        theta, train_ok = res.theta, res.converged
    test_task = problem.task.with_(n_per_class=N_TEST)
    test = LatchProblem(test_task, sample_data(test_task, rngs, s=s), "all", tol=problem.tol)
    return {
        "converged": train_ok,
        "test_converged": test.converged(theta),
        "one_basin": one_basin,
        "final_w": theta[:, 0],
    }


@experiment("minimal_task.sensitivity")
def sensitivity(profile: str = "book", **overrides) -> dict:
    """Fig. 2a's open choices, one at a time (:data:`VARIANTS`), on a w0 x s grid; all variants share
    the seeds (the same starts up to the h range, the same training sets)."""
    z = {**sizes("minimal_task.sensitivity", profile), **overrides}
    w0s, ss, runs = np.array(z["w0"], float), np.array(z["s"], float), int(z["runs"])
    W, S = np.meshgrid(w0s, ss, indexing="ij")
    w0_runs, s_runs = np.repeat(W.ravel(), runs), np.repeat(S.ravel(), runs)
    shape = (len(w0s), len(ss), runs)
    names = tuple(z.get("variants", VARIANTS))
    out = {"w0": w0s, "s": ss, "runs": runs, "T": z["T"], "L": z["L"], "epochs": z["epochs"]}
    out["variants"] = names
    out["labels"] = tuple(VARIANTS[n][0] for n in names)
    per = {k: [] for k in ("converged", "test_converged", "one_basin", "final_w")}
    for name in names:
        _, lr, h_init, fresh = VARIANTS[name]
        cfg = dict(
            w0=w0_runs.tolist(),
            s=s_runs.tolist(),
            T=z["T"],
            L=z["L"],
            epochs=z["epochs"],
            lr=lr,
            h_init=h_init,
            fresh=fresh,
        )
        r = run_trials(
            "minimal_task.sensitivity",
            _sensitivity_trials,
            len(w0_runs),
            config={**cfg, **choice_config()},
            seed=SEED + 5,
        )
        for k in per:
            per[k].append(r[k].reshape(shape))
    out.update({k: np.stack(v) for k, v in per.items()})  # leading axis: variant
    out["rate"] = out["converged"].mean(axis=-1)  # (variant, w0, s)
    out["test_rate"] = out["test_converged"].mean(axis=-1)
    failed = ~out["converged"]
    # of the failed runs of each variant and noise level: the share that ended with |w| < 1
    collapsed = (failed & (np.abs(out["final_w"]) < 1)).sum(axis=(1, 3))
    out["failed_w_below_1"] = collapsed / np.maximum(failed.sum(axis=(1, 3)), 1)
    one = out["one_basin"]
    conv = out["converged"]
    out["rate_one_basin"] = (conv & one).sum(axis=(1, 3)) / np.maximum(one.sum(axis=(1, 3)), 1)
    out["rate_two_basins"] = (conv & ~one).sum(axis=(1, 3)) / np.maximum((~one).sum(axis=(1, 3)), 1)
    return out
