"""EMLearner (lib/longdeps/learning/em.py): a learner of the training core for the IOHMM of
Bengio & Frasconi 1994, Section 6."""

import numpy as np
import pytest

from longdeps.learning.em import EMLearner, TaskOutput
from longdeps.learning.fit import fit
from longdeps.models.iohmm import parity_iohmm, two_sequence_iohmm
from longdeps.tasks.parity import Parity
from longdeps.tasks.two_sequence import TwoSequence


def _rngs(n, seed=0):
    return [np.random.default_rng([seed, i]) for i in range(n)]


def _setup(R=3, B=6, T=6, kind="table"):
    rngs = _rngs(R)
    model = parity_iohmm(kind=kind, n_bins=2) if kind == "table" else parity_iohmm(kind=kind)
    task = Parity(T=T)
    batch = task.sample(rngs, B)
    return rngs, model, task, batch, model.init(rngs)


@pytest.mark.parametrize("m_step", ["exact", "gem", "sgd"])
def test_step_counts_one_presentation_per_sequence(m_step):
    rngs, model, task, batch, theta0 = _setup()
    learner = EMLearner(model, m_step=m_step, lam=0.0)
    state = learner.init(theta0, rngs)
    state, used = learner.step(state, batch, rngs)
    assert used.dtype.kind == "i" and np.array_equal(used, np.full(3, 6))
    assert learner.params(state).shape == theta0.shape


def test_exact_em_never_decreases_the_likelihood():
    rngs, model, task, batch, theta = _setup(R=4, B=10, T=8)
    learner = EMLearner(model, m_step="exact")
    state = learner.init(theta, rngs)
    prev = model.loglik(theta, batch)
    for _ in range(15):
        state, _ = learner.step(state, batch, rngs)
        ll = model.loglik(learner.params(state), batch)
        assert np.all(ll >= prev - 1e-9)
        prev = ll


def test_gradient_step_climbs_when_lr_small():
    rngs, model, task, batch, theta = _setup(R=3, B=8, T=6, kind="linear")
    learner = EMLearner(model, m_step="sgd", lam=0.0, lr=0.01, adapt=False, online=False)
    state = learner.step(learner.init(theta, rngs), batch, rngs)[0]
    assert np.all(model.loglik(learner.params(state), batch) > model.loglik(theta, batch))


def test_online_sgd_draws_order_from_each_run_only():
    rngs, model, task, batch, theta = _setup(R=3, B=5, T=5, kind="linear")
    learner = EMLearner(model, m_step="sgd", lam=0.5, online=True)
    full = learner.step(learner.init(theta, _rngs(3, 7)), batch, _rngs(3, 7))[0].theta
    one = learner.step(learner.init(theta[1:2], _rngs(3, 7)[1:2]), batch.take([1]), _rngs(3, 7)[1:2])[0]
    np.testing.assert_allclose(one.theta[0], full[1])


def test_adaptive_rate_goes_down_on_improvement_and_up_on_plateau():
    rngs, model, task, batch, theta = _setup(R=2, B=6, T=5, kind="linear")
    learner = EMLearner(model, m_step="sgd", lr=0.1, online=False)
    s0 = learner.init(theta, rngs)
    s1 = learner.step(s0, batch, rngs)[0]  # previous loglik -inf: not finite -> unchanged
    np.testing.assert_allclose(s1.lr, 0.1)
    s2 = learner.step(s1, batch, rngs)[0]
    assert np.all(s2.lr != 0.1)
    fixed = EMLearner(model, m_step="sgd", lr=0.1, online=False, adapt=False)
    s = fixed.step(fixed.step(fixed.init(theta, rngs), batch, rngs)[0], batch, rngs)[0]
    np.testing.assert_allclose(s.lr, 0.1)


def test_fit_learns_short_parity_and_counts_presentations():
    R, B = 6, 10
    rngs = _rngs(R, 3)
    model, task = parity_iohmm(kind="table", n_bins=2), Parity(T=4)
    train = task.sample(rngs, B)
    res = fit(
        EMLearner(model, m_step="exact"),
        task,
        TaskOutput(model),
        model.init(rngs),
        rngs,
        train=train,
        max_steps=40,
        record=False,
    )
    assert res.converged.mean() >= 0.5
    assert np.all(res.presentations == res.steps * B)
    # the task's error agrees with the model's own prediction
    np.testing.assert_allclose(res.errors, model.errors(res.theta, train))


def test_task_output_sign_is_the_prediction():
    rngs = _rngs(2)
    model, task = two_sequence_iohmm(), TwoSequence(T=6)
    batch = task.sample(rngs, 8)
    theta = model.init(rngs)
    out = TaskOutput(model).forward(theta, batch).out
    assert out.shape == (2, 8, 1)
    p = model.forward(theta, batch).out
    np.testing.assert_array_equal(out[..., 0] > 0, p[..., 1] > p[..., 0])


@pytest.mark.parametrize(
    "kw, word",
    [
        ({"m_step": "bogus"}, "m_step"),
        ({"m_step": "exact", "lam": 1.0}, "lam"),
        ({"m_step": "sgd", "det_form": "det"}, "det_form"),
        ({"m_step": "sgd", "lr": 0.0}, "lr"),
        ({"m_step": "gem", "n_inner": 0}, "n_inner"),
    ],
)
def test_bad_arguments_raise(kw, word):
    with pytest.raises(ValueError, match=word):
        EMLearner(parity_iohmm(kind="table"), **kw)


def test_exact_needs_table_model():
    with pytest.raises(ValueError, match="table"):
        EMLearner(parity_iohmm(kind="linear"), m_step="exact")
