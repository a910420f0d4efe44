"""Multi-grid random search of BSF94 Section V-B: the rectangle shrinks by 0.9 on every improvement and
re-centres on the new best point; the best never worsens; footnote 1's stopping rule; presentations,
batching, divergence and argument checks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from search_stand_ins import Batch, Identity, gens

from longdeps.learning.fit import fit, until_success
from longdeps.learning.multigrid import MultigridRandomSearch, until_stuck
from longdeps.models.rnn import LatchNet, parity_net
from longdeps.tasks.latch_v import LatchV
from longdeps.tasks.parity import Parity


@dataclass(frozen=True)
class Quadratic:
    """C = a/2 ||theta - 1||^2 (no success)."""

    a: float = 1.0
    fresh: bool = False

    def loss(self, out, batch):
        return 0.5 * self.a * ((out[:, 0, :] - 1.0) ** 2).sum(1)

    def success(self, out, batch):
        return np.zeros(out.shape[0], dtype=bool)

    def errors(self, out, batch):
        return np.zeros(out.shape[0])


def test_shrinks_by_0_9_per_improvement_and_never_worsens():
    R = 6
    mg = MultigridRandomSearch(Identity(3, frozen=(1,)), Quadratic(), size0=2.0, trials=5)
    theta0 = np.random.default_rng(0).uniform(-3, 3, (R, 3))
    state, batch, rngs = mg.init(theta0), Batch(np.ones((R, 2), dtype=np.int64)), gens(R)
    f_prev, x_prev, imp_prev = np.full(R, np.inf), theta0.copy(), np.zeros(R)
    for _ in range(30):
        state, used = mg.step(state, batch, rngs)
        assert np.all(state.f <= f_prev)
        np.testing.assert_allclose(state.f, 0.5 * ((state.x - 1) ** 2).sum(1))
        moved = np.any(state.x != x_prev, axis=1)
        assert np.all(state.improvements[moved] > imp_prev[moved])  # the centre moves only on improvement
        f_prev, x_prev, imp_prev = state.f.copy(), state.x.copy(), state.improvements.copy()
    expected = 2.0 * 0.9 ** state.improvements[:, None] * np.array([1.0, 0.0, 1.0])
    np.testing.assert_allclose(state.size, expected)
    np.testing.assert_array_equal(state.x[:, 1], theta0[:, 1])  # the frozen coordinate never moves
    assert state.improvements.min() > 0 and np.all(state.f < 0.5 * ((theta0 - 1) ** 2).sum(1))


def test_trials_per_step_do_not_change_the_search():
    R, model, task = 3, Identity(2), Quadratic()
    theta0 = np.zeros((R, 2))
    batch = Batch(np.ones((R, 1), dtype=np.int64))
    one, ten = MultigridRandomSearch(model, task, trials=1), MultigridRandomSearch(model, task, trials=10)
    s1, r1 = one.init(theta0), gens(R)
    for _ in range(20):
        s1, _ = one.step(s1, batch, r1)
    s10, r10 = ten.init(theta0), gens(R)
    s10, _ = ten.step(s10, batch, r10)
    s10, _ = ten.step(s10, batch, r10)
    np.testing.assert_array_equal(s1.x, s10.x)
    np.testing.assert_array_equal(s1.evaluations, s10.evaluations)


def test_gets_stuck_and_until_stuck_stops_it():
    R, B = 3, 2
    # flat enough (a = 0.01) that a rectangle of half-width < ~0.4 holds only costs within eps of the best
    mg = MultigridRandomSearch(Identity(2), Quadratic(a=0.01), size0=1.0, trials=20)
    theta0 = np.zeros((R, 2))
    train = Batch(np.ones((R, B), dtype=np.int64))
    res = fit(mg, mg.task, mg.model, theta0, gens(R), train=train, max_steps=2000, stop=until_stuck)
    assert res.state.stuck.all() and np.all(res.steps < 2000)
    np.testing.assert_array_equal(res.presentations, res.state.evaluations * B)
    recent, f = res.state.recent, res.state.f
    assert np.all(recent.max(1) - recent.min(1) <= 0.001) and np.all(np.abs(recent - f[:, None]) <= 0.001)
    np.testing.assert_allclose(res.theta, 1.0, atol=0.5)


def test_solves_the_latch_counting_B_per_trial():
    task, model, R, B = LatchV(T=3, noise=0.0), LatchNet(L=1), 6, 10
    rngs = gens(R)
    theta0, train = model.init(rngs), task.sample(rngs, B)
    mg = MultigridRandomSearch(model, task)
    res = fit(
        mg, task, model, theta0, gens(R, 100), train=train, max_steps=500, stop=(until_success, until_stuck)
    )
    assert res.converged.sum() >= R // 2
    np.testing.assert_array_equal(res.presentations, res.state.evaluations * B)
    assert np.all(res.state.evaluations[res.converged] <= 1 + 10 * res.steps[res.converged])


def test_same_seed_same_result_whatever_the_batching():
    task, model, R = Parity(T=4, noise=0.2), parity_net(), 4
    theta0 = model.init(gens(R))
    train = task.sample(gens(R, 50), 6)
    mg = MultigridRandomSearch(model, task)

    def run(runs):
        rngs = [np.random.default_rng(100 + r) for r in runs]
        return fit(mg, task, model, theta0[runs], rngs, train=train.take(runs), max_steps=20)

    whole, a, b = run(np.arange(4)), run(np.array([0, 2])), run(np.array([1, 3]))
    np.testing.assert_array_equal(whole.theta[[0, 2]], a.theta)
    np.testing.assert_array_equal(whole.theta[[1, 3]], b.theta)
    np.testing.assert_array_equal(whole.presentations[[1, 3]], b.presentations)


def test_diverging_runs_do_not_crash():
    task, model = Parity(T=4, noise=0.2), parity_net()
    rngs = gens(3)
    theta0 = model.init(rngs)
    theta0[0] *= 1e5
    theta0[1, 0] = np.nan
    mg = MultigridRandomSearch(model, task)
    res = fit(mg, task, model, theta0, rngs, train=task.sample(rngs, 5), max_steps=10)
    assert res.diverged[1] and not res.diverged[2]


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"size0": 0.0}, "size0"),
        ({"shrink": 1.0}, "shrink"),
        ({"shrink": 0}, "shrink"),
        ({"trials": 0}, "trials"),
        ({"eps": np.inf}, "eps"),
        ({"N_c": 1.5}, "N_c"),
    ],
)
def test_bad_hyperparameters_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        MultigridRandomSearch(parity_net(), Parity(T=3), **kwargs)
