"""Simulated annealing of Corana et al. 1987 as used in BSF94 Section V-A: Metropolis acceptance, step
sizes kept at about half the moves accepted, cooling, footnote 1's stopping rule, restarts from the
best point, presentations, batching, divergence and argument checks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from search_stand_ins import Batch, Identity, gens

from longdeps.learning.annealing import (
    SimulatedAnnealing,
    adjust_steps,
    is_stuck,
    metropolis,
    until_stuck,
)
from longdeps.learning.fit import Evaluation, fit, until_success
from longdeps.models.rnn import LatchNet, parity_net
from longdeps.tasks.latch_v import LatchV
from longdeps.tasks.parity import Parity


# ------------------------------------------------------------------------ stand-ins: a plain cost
@dataclass(frozen=True)
class Quadratic:
    """C = 1/2 sum_i a_i theta_i^2 (``linear``: C = sum_i a_i theta_i); success when C < ``goal``."""

    a: tuple
    linear: bool = False
    goal: float = -np.inf
    fresh: bool = False

    def loss(self, out, batch):
        x = out[:, 0, :]
        return (x @ np.asarray(self.a)) if self.linear else 0.5 * (x**2) @ np.asarray(self.a)

    def success(self, out, batch):
        return self.loss(out, batch) < self.goal

    def errors(self, out, batch):
        return np.zeros(out.shape[0])


def batch_of(R, B=1):
    return Batch(np.ones((R, B), dtype=np.int64))


# ---------------------------------------------------------------------------------------- pieces
def test_metropolis_acceptance_probability():
    n, temp, up = 200_000, 0.5, 0.3
    coin = np.random.default_rng(0).random(n)
    acc = metropolis(np.zeros(n), np.full(n, up), np.full(n, temp), coin)
    assert acc.mean() == pytest.approx(np.exp(-up / temp), abs=0.005)
    assert metropolis(np.zeros(n), np.full(n, -1.0), np.full(n, temp), np.ones(n)).all()  # downhill: always
    assert not metropolis(np.zeros(1), np.array([np.inf]), np.ones(1), np.zeros(1))[0]


def test_metropolis_statistics_of_one_sweep():
    """C = x on one coordinate, step v = 1, temperature 1: a move r ~ U[-1, 1] is accepted with
    probability 1 if r <= 0 and exp(-r) otherwise: on average 1/2 + (1 - e^-1)/2."""
    R = 20_000
    sa = SimulatedAnnealing(Identity(1), Quadratic((1.0,), linear=True), T0=1.0, v0=1.0, N_S=10**6)
    state, used = sa.step(sa.init(np.zeros((R, 1))), batch_of(R), gens(R))
    np.testing.assert_array_equal(used, 2)  # the starting point, then one move
    assert state.n_acc[:, 0].mean() == pytest.approx(0.5 + 0.5 * (1 - np.exp(-1)), abs=0.01)


def test_adjust_steps_is_corana_rule():
    v = np.ones(5)
    ratio = np.array([1.0, 0.8, 0.5, 0.2, 0.0])
    np.testing.assert_allclose(adjust_steps(v, ratio, 2.0), [3.0, 2.0, 1.0, 1 / 2.0, 1 / 3.0])
    assert adjust_steps(np.array([5.0]), np.array([1.0]), 2.0, v_max=10.0)[0] == 10.0


def test_step_sizes_keep_about_half_the_moves_accepted():
    a, R = (1.0, 10.0, 0.1), 20
    sa = SimulatedAnnealing(Identity(3), Quadratic(a), T0=1.0, v0=1.0, N_S=20, N_T=10**6, v_max=1e3)
    state = sa.init(np.zeros((R, 3)))
    rngs, batch = gens(R), batch_of(R)
    for _ in range(200):  # 10 adjustments: the steps settle
        state, _ = sa.step(state, batch, rngs)
    x, accepted = state.x.copy(), np.zeros(3)
    for _ in range(200):
        state, _ = sa.step(state, batch, rngs)
        accepted += (state.x != x).mean(axis=0)
        x = state.x.copy()
    rate = accepted / 200
    assert np.all(np.abs(rate - 0.5) < 0.12), rate
    v = state.v.mean(axis=0)
    assert v[1] < v[0] < v[2]  # steeper coordinate, smaller step


def test_cooling_restart_from_best_and_best_kept():
    sa = SimulatedAnnealing(Identity(2), Quadratic((1.0, 1.0)), T0=2.0, v0=1.0, N_S=2, N_T=3)
    R = 5
    state, rngs, batch = sa.init(np.full((R, 2), 3.0)), gens(R), batch_of(R)
    best = np.inf
    for k in range(1, 19):
        state, used = sa.step(state, batch, rngs)
        assert np.all(state.f_opt <= best)
        best = state.f_opt.copy()
        np.testing.assert_allclose(state.f_opt, 0.5 * (state.x_opt**2).sum(1))
        if k % 6 == 0:  # N_S N_T = 6 sweeps: a temperature ends
            np.testing.assert_allclose(state.temp, 2.0 * 0.85 ** (k // 6))
            np.testing.assert_array_equal(state.x, state.x_opt)
            assert np.all(np.isfinite(state.f_star[:, -1]))
    np.testing.assert_array_equal(sa.params(state), state.x_opt)


def test_stopping_rule_of_footnote_1():
    best = np.array([1.0, 1.0, 1.0, 1.0])
    recent = np.array(
        [
            [1.0005, 1.0, 1.0008, 1.0001],  # within 0.001 of each other and of the best: stuck
            [1.0005, 1.0, 1.0008, 1.0015],  # one too far from the best
            [np.nan, 1.0, 1.0, 1.0],  # only 3 temperatures so far
            [2.0, 2.0, 2.0, 2.0],  # flat, but far from the best
        ]
    )
    np.testing.assert_array_equal(is_stuck(recent, best, 0.001), [True, False, False, False])


def test_gets_stuck_and_until_stuck_stops_it():
    sa = SimulatedAnnealing(Identity(2), Quadratic((1.0, 1.0)), T0=1e-3, v0=0.5, N_S=2, N_T=2)
    R = 3
    theta0 = np.random.default_rng(0).uniform(-1, 1, (R, 2))
    res = fit(sa, sa.task, sa.model, theta0, gens(R), train=batch_of(R, 2), max_steps=3000, stop=until_stuck)
    assert res.state.stuck.all()
    assert np.all(res.steps < 3000)
    np.testing.assert_array_equal(res.presentations, res.state.evaluations * 2)
    f_star = res.state.f_star
    assert np.all(f_star.max(1) - f_star.min(1) <= 0.001)
    assert np.all(np.abs(f_star - res.state.f_opt[:, None]) <= 0.001)
    state, used = sa.step(res.state, batch_of(R, 2), gens(R))  # a spent run uses nothing
    np.testing.assert_array_equal(used, 0)


def test_until_stuck_reads_the_learners_state():
    sa = SimulatedAnnealing(Identity(1), Quadratic((1.0,)))
    state = sa.init(np.zeros((3, 1)))
    state.stuck[1] = True
    state.solved[2] = True
    z = np.zeros(2)
    ev = Evaluation(np.array([0, 1]), z, z, z, z, z.astype(bool), z, z, full_state=state)
    np.testing.assert_array_equal(until_stuck(ev), [False, True])
    ev = Evaluation(
        np.array([2]), *(np.zeros(1),) * 4, np.zeros(1, bool), *(np.zeros(1),) * 2, full_state=state
    )
    assert until_stuck(ev)[0]
    with pytest.raises(ValueError, match="state"):
        until_stuck(Evaluation(np.array([0]), *(np.zeros(1),) * 4, np.zeros(1, bool), *(np.zeros(1),) * 2))


# --------------------------------------------------------------------------- on the book's tasks
def test_solves_the_latch_counting_B_per_evaluation():
    task, model, R, B = LatchV(T=3, noise=0.0), LatchNet(L=1), 6, 10
    rngs = gens(R)
    theta0, train = model.init(rngs), task.sample(rngs, B)
    sa = SimulatedAnnealing(model, task)
    res = fit(
        sa, task, model, theta0, gens(R, 100), train=train, max_steps=2000, stop=(until_success, until_stuck)
    )
    assert res.converged.all()
    np.testing.assert_array_equal(res.presentations, res.state.evaluations * B)
    assert np.all(res.presentations <= (1 + 3 * res.steps) * B)


def test_same_seed_same_result_whatever_the_batching():
    task, model, R = Parity(T=4, noise=0.2), parity_net(), 4
    theta0 = model.init(gens(R))
    train = task.sample(gens(R, 50), 6)
    sa = SimulatedAnnealing(model, task, N_S=2, N_T=2)

    def run(runs):
        rngs = [np.random.default_rng(100 + r) for r in runs]
        return fit(sa, task, model, theta0[runs], rngs, train=train.take(runs), max_steps=40)

    whole, a, b = run(np.arange(4)), run(np.array([0, 2])), run(np.array([1, 3]))
    np.testing.assert_array_equal(whole.theta[[0, 2]], a.theta)
    np.testing.assert_array_equal(whole.theta[[1, 3]], b.theta)
    np.testing.assert_array_equal(whole.presentations[[0, 2]], a.presentations)


def test_diverging_runs_do_not_crash():
    task, model = Parity(T=4, noise=0.2), parity_net()
    rngs = gens(3)
    theta0 = model.init(rngs)
    theta0[0] *= 1e5
    theta0[1, 0] = np.nan
    sa = SimulatedAnnealing(model, task, v0=1.0, v_max=10.0)
    res = fit(sa, task, model, theta0, rngs, train=task.sample(rngs, 5), max_steps=20)
    assert res.diverged[1] and not res.diverged[2]


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"T0": 0.0}, "T0"),
        ({"v0": -1.0}, "v0"),
        ({"N_S": 0}, "N_S"),
        ({"N_T": 2.5}, "N_T"),
        ({"c": np.nan}, "c"),
        ({"r_T": 1.0}, "r_T"),
        ({"eps": -0.1}, "eps"),
        ({"N_c": 0}, "N_c"),
        ({"v0": 20.0, "v_max": 10.0}, "v0"),
    ],
)
def test_bad_hyperparameters_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        SimulatedAnnealing(parity_net(), Parity(T=3), **kwargs)
