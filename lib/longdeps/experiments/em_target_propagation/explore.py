"""The explorer's backend: one EM iteration on one sequence, with the forward and backward
distributions per time step (Bengio & Frasconi 1994, Section 6).  Not an experiment."""

from __future__ import annotations

import numpy as np

from ...learning.protocol import take_sequences
from ...runner import trial_rngs
from .common import TABLE_CONFIG, make_learner, make_model, make_task


def em_iteration(problem: str = "parity", T: int = 20, iteration: int = 0, seed: int = 0, n_train: int = 20):
    """Train one run for ``iteration`` EM iterations (Tables' configuration), then run the E step on the
    first training sequence.  Returns alpha, beta, gamma (T + 1, n), log|det Phi_t| (T,), the input
    (T,), the sequence's length and class, and the training-set mean log-likelihood per sequence."""
    if not isinstance(iteration, (int, np.integer)) or iteration < 0:
        raise ValueError(f"iteration must be an integer >= 0, got iteration={iteration!r}")
    rngs = trial_rngs(seed, [0])
    task, model = make_task(problem, T), make_model(problem, TABLE_CONFIG)
    train = task.sample(rngs, n_train)
    learner = make_learner(model, TABLE_CONFIG)
    state = learner.init(model.init(rngs), rngs)
    for _ in range(iteration):
        state, _ = learner.step(state, train, rngs)
    theta = learner.params(state)
    one = take_sequences(train, np.zeros((1, 1), dtype=int))
    post = model.posteriors(theta, one)
    L = int(one.lengths[0, 0])
    with np.errstate(all="ignore"):
        phi = model.transitions(theta, one.u)[0, 0, :L]
        logdet = np.linalg.slogdet(phi)[1]
        ll = model.loglik(theta, train)[0] / n_train
    return {
        "problem": problem,
        "alpha": post.alpha[0, 0, : L + 1],
        "beta": post.beta[0, 0, : L + 1],
        "gamma": post.gamma[0, 0, : L + 1],
        "logdet": logdet,
        "u": one.u[0, 0, :L, 0],
        "length": L,
        "cls": int(one.cls[0, 0]),
        "loglik": float(ll),
        "iteration": iteration,
        "model": model,
    }
