"""What the EM chapter's experiments share (Bengio & Frasconi 1994, Sections 6-7): the models of
Section 7, the learner with the paper's tricks, and one trial of the 1994 protocol.

Protocol (ours where the paper is silent, see the notebook's "Choices the paper leaves open"): one
training set of ``n_train`` sequences per trial, lengths uniform in [T/2, T]; EM iterations until every
training sequence is classified correctly or ``budget`` sequence presentations are spent; the error
reported is the classification error on that training set at the end (the paper's "average
classification error at the end of training"), in percent, averaged over trials.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ...learning.em import EMLearner, TaskOutput
from ...learning.fit import fit
from ...models.iohmm import parity_iohmm, two_sequence_iohmm
from ...tasks.parity import Parity
from ...tasks.two_sequence import TwoSequence

CHAPTER = "em_target_propagation"
PROBLEMS = ("two_sequence", "parity")


@dataclass(frozen=True)
class EMConfig:
    """The learner and model of one trial.

    ``m_step``/``lam``/``det_form``/``lr``/``adapt``: see :class:`~longdeps.learning.em.EMLearner`;
    ``connectivity``: "sparse" (Section 7's 7-state chains) or "full" (2-sequence only; parity is
    always the fully connected 2-state system); ``kind``: the subnetworks ("linear" for the continuous
    2-sequence inputs, "table" over 2 bins for the +-1 parity inputs)."""

    m_step: str = "sgd"
    lam: float = 1.0
    det_form: str = "abs"
    lr: float = 0.5
    adapt: bool = True
    connectivity: str = "sparse"
    kind: str | None = None


#: the configuration of Tables 1-4: the paper's full algorithm (gradient ascent on log L + lam D with
#: the adaptive learning rate, sparse connectivity on 2-sequence)
TABLE_CONFIG = EMConfig()


def make_task(problem: str, T: int):
    if problem == "two_sequence":
        return TwoSequence(T=max(T, 4))
    if problem == "parity":
        return Parity(T=T)
    raise KeyError(f"unknown problem {problem!r}; expected one of {PROBLEMS}")


def make_model(problem: str, config: EMConfig = TABLE_CONFIG):
    if problem == "two_sequence":
        return two_sequence_iohmm(kind=config.kind or "linear", connectivity=config.connectivity)
    if problem == "parity":
        return parity_iohmm(kind=config.kind or "table", n_bins=2)
    raise KeyError(f"unknown problem {problem!r}; expected one of {PROBLEMS}")


def make_learner(model, config: EMConfig = TABLE_CONFIG) -> EMLearner:
    return EMLearner(
        model,
        m_step=config.m_step,
        lam=config.lam,
        det_form=config.det_form,
        lr=config.lr,
        adapt=config.adapt,
        online=False,
    )


def target_information(model, theta, batch, lags: int) -> np.ndarray:
    """info_k = 1 - H(beta_{T_p - k}) / log n for k = 0..lags-1, averaged over sequences: (R, lags).
    1: the backward target distribution pins the state k steps before the end; 0: diffused."""
    post = model.posteriors(theta, batch)
    idx = np.clip(np.asarray(batch.lengths)[..., None] - np.arange(lags), 0, None)  # (R, B, lags)
    b = np.take_along_axis(post.beta, idx[..., None], axis=2)  # (R, B, lags, n)
    H = -np.sum(np.where(b > 0, b * np.log(np.where(b > 0, b, 1.0)), 0.0), axis=-1)
    return np.mean(1.0 - H / np.log(model.n), axis=1)


def mean_logdet(model, theta, batch) -> np.ndarray:
    """Mean over sequences and steps of log10 |det Phi_t|, (R,) (singular steps clipped at -300)."""
    phi = model.transitions(theta, batch.u)
    ld = np.maximum(np.linalg.slogdet(phi)[1] / np.log(10), -300.0)
    inside = np.arange(phi.shape[2]) < np.asarray(batch.lengths)[..., None]
    return np.sum(np.where(inside, ld, 0.0), axis=(1, 2)) / inside.sum(axis=(1, 2))


def train_trial(
    rngs, problem, T, n_train, budget, config: dict, eval_every: int = 5, measure: bool = False
) -> dict:
    """Train len(rngs) trials of EM on ``problem`` at maximum length T (one array computation):
    errors (%), presentations, converged, final mean log-likelihood per sequence, theta; with
    ``measure`` also the target information by lag (:func:`target_information`, k < ceil(T/2)) and
    the mean log10 |det Phi_t| on the training set, before (``_untrained``) and after training."""
    cfg = replace(TABLE_CONFIG, **config)
    task, model = make_task(problem, T), make_model(problem, cfg)
    train = task.sample(rngs, n_train)
    theta0 = model.init(rngs)
    res = fit(
        make_learner(model, cfg),
        task,
        TaskOutput(model, task.target),
        theta0,
        rngs,
        train=train,
        max_steps=-(-budget // n_train),
        eval_every=eval_every,
        max_presentations=budget,
        record=False,
    )
    with np.errstate(all="ignore"):
        ll = model.loglik(res.theta, train) / n_train
        extra = {}
        if measure:
            lags = -(-T // 2)
            for tag, th in (("untrained", theta0), ("trained", res.theta)):
                extra[f"info_{tag}"] = target_information(model, th, train, lags)
                extra[f"logdet_{tag}"] = mean_logdet(model, th, train)
    return {
        **extra,
        "error": 100.0 * res.errors,
        "presentations": res.presentations.astype(float),
        "converged": res.converged,
        "diverged": res.diverged,
        "loglik": ll,
        "theta": res.theta,
    }
