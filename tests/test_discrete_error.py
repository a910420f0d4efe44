"""Discrete error propagation (BSF94 Section V-D, eqs. 7-10): the stochastic quantiser, the backward
rule on a hand-made example, the threshold forward pass, and the learner through the fit loop."""

from __future__ import annotations

import numpy as np
import pytest

from longdeps.learning.discrete_error import (
    DiscreteErrorPropagation,
    ThresholdNet,
    desired_change,
    discrete_backward,
    pseudo_delta,
    stochastic_target,
    weight_change,
)
from longdeps.learning.fit import fit
from longdeps.models.rnn import LatchNet, latch_neuron, parity_net
from longdeps.tasks.base import SequenceBatch
from longdeps.tasks.latch_v import LatchV
from longdeps.tasks.parity import Parity


def rngs_of(seeds):
    return [np.random.default_rng(s) for s in seeds]


# ------------------------------------------------------------------------------------ eq. (10)
@pytest.mark.parametrize("g", [-1.9, -1.0, -0.3, 0.0, 0.5, 1.5, 1.99])
def test_S_has_mean_g(g):
    rng = np.random.default_rng(0)
    n = 400_000
    s = stochastic_target(np.full(n, g), rng.random(n))
    assert set(np.unique(s)) <= {-2.0, 2.0}
    # sd of the mean <= 2 / sqrt(n) = 0.0032
    assert s.mean() == pytest.approx(g, abs=0.015)


@pytest.mark.parametrize("g, clipped", [(2.5, 2.0), (-7.0, -2.0)])
def test_S_saturates_beyond_two(g, clipped):
    s = stochastic_target(np.full(1000, g), np.random.default_rng(1).random(1000))
    assert np.all(s == clipped)


def test_feasible_quantiser_has_mean_g_on_the_side_the_unit_can_flip():
    rng = np.random.default_rng(2)
    n = 400_000
    for g, a in [(0.7, -0.3), (-1.2, 0.4), (1.9, -2.0)]:
        dy = desired_change(np.full(n, g), np.full(n, a), rng.random(n), "feasible")
        assert dy.mean() == pytest.approx(g, abs=0.015)
    # g pointing the way the unit already is: no change
    assert np.all(desired_change(np.full(10, 0.7), np.full(10, 0.3), rng.random(10), "feasible") == 0)


# ------------------------------------------------------------------------- eqs. (8)-(9): by hand
def hand_batch():
    """One unit, one sequence of 2 steps, u = (-0.3, 0.1), target +0.8."""
    u = np.array([-0.3, 0.1]).reshape(1, 1, 2, 1)
    return SequenceBatch(u=u, lengths=np.array([[2]]), y=np.array([[[0.8]]]), cls=np.array([[1]]))


@pytest.mark.parametrize("u1, delta1", [(0.5, 2.5), (0.8, 0.0)])
def test_backward_rule_matches_hand_computation(u1, delta1):
    # w = 0.5: a_1 = -0.3 -> y_1 = -1; a_2 = 0.5 * -1 + 0.1 = -0.4 -> y_2 = -1; out = -1.
    # e = -(out - d) = 1.8.  t = 2: g_2 = 1.8, P(S = 2) = 3.8/4 = 0.95 > uniform 0.5 -> S = +2, feasible
    # (y_2 = -1): Da_2 = eps - a_2 = 0.1 + 0.4 = 0.5, delta_2 = 2.  t = 1: g_1 = w delta_2 = 1,
    # P(S = 2) = 0.75: uniform 0.5 -> +2, Da_1 = 0.1 + 0.3 = 0.4, delta_1 = 2.5; uniform 0.8 -> -2,
    # infeasible (y_1 = -1 already) -> delta_1 = 0.  dW = delta_2 y_1 + delta_1 y_0 = -2 (y_0 = 0).
    rnn = latch_neuron()
    net = ThresholdNet(rnn)
    theta = rnn.fixed_theta[None].copy()
    theta[0, rnn.layout["W"][0]] = 0.5
    batch = hand_batch()
    trace = net.forward(theta, batch)
    np.testing.assert_allclose(trace.a[0, 0, :, 0], [-0.3, -0.4])
    np.testing.assert_allclose(trace.x[0, 0, :, 0], [0.0, -1.0, -1.0])
    assert trace.out[0, 0, 0] == -1.0
    e = -(trace.out - batch.y)
    uniforms = np.array([u1, 0.5]).reshape(1, 1, 2, 1)  # index 0 is t = 1
    delta, g, g0 = discrete_backward(rnn, theta, trace, e, uniforms, eps=0.1)
    np.testing.assert_allclose(g[0, 0, :, 0], [1.0, 1.8])
    np.testing.assert_allclose(delta[0, 0, :, 0], [delta1, 2.0])
    step = weight_change(rnn, trace, e, delta, g0)
    assert step[0, rnn.layout["W"][0]][0] == pytest.approx(-2.0)

    # the learner: one on-line step moves only w (U, b, V, c are frozen) by lr * dW
    learner = DiscreteErrorPropagation(rnn, LatchV(T=2, noise=0.0), lr=0.1, eps=0.1)
    state, used = learner.step(learner.init(theta), batch, rngs_of([0]))
    assert used.tolist() == [1]
    moved = np.flatnonzero(state.theta[0] != theta[0])
    assert moved.tolist() in ([], [rnn.layout["W"][0].start])


def test_pseudo_delta_is_bounded_by_one_over_eps():
    rng = np.random.default_rng(3)
    a = rng.normal(size=10_000)
    dy = np.where(a < 0, 2.0, -2.0)  # every flip
    d = pseudo_delta(dy, a, 0.1)
    assert np.all(np.abs(d) <= 10.0 + 1e-12) and np.all(np.sign(d) == np.sign(dy))


# ----------------------------------------------------------------------- threshold forward pass
def test_threshold_forward_is_the_limit_of_steep_tanh():
    net = parity_net()
    rngs = rngs_of(range(3))
    theta = net.init(rngs)
    batch = Parity(T=4, noise=0.2).sample(rngs, 7)
    k = 1e4  # tanh(k a) = sign(a) unless |a| < 1e-3
    steep = theta.copy()
    for name in ("W", "F", "U", "b"):
        steep[:, net.layout[name][0]] *= k
    th = ThresholdNet(net).forward(theta, batch)
    assert np.all(np.abs(th.a) > 1e-3)
    np.testing.assert_allclose(th.out, net.forward(steep, batch).out, atol=1e-9)


# -------------------------------------------------------------------------------- the learner
def test_learns_the_latch_at_T3_in_most_runs():
    task = LatchV(T=3)
    rngs = rngs_of(range(10))
    learner = DiscreteErrorPropagation(LatchNet(1), task)
    train = task.sample(rngs, 20)
    res = fit(learner, task, learner.model, learner.model.init(rngs), rngs, train=train, max_steps=100)
    assert res.converged.sum() >= 8, res.converged
    assert not res.diverged.any()
    assert np.all(res.errors[res.converged] == 0)


@pytest.mark.parametrize("quantizer, least", [("paper", 4), ("feasible", 8)])
def test_learns_noise_free_parity_at_T2(quantizer, least):
    task = Parity(T=2, noise=0.0)
    rngs = rngs_of(range(10))
    learner = DiscreteErrorPropagation(parity_net(), task, eps=0.5, quantizer=quantizer)
    train = task.sample(rngs, 10)
    res = fit(learner, task, learner.model, learner.model.init(rngs), rngs, train=train, max_steps=300)
    assert res.converged.sum() >= least, res.converged  # seen: paper 6/10, feasible 10/10


def test_presentations_are_one_forward_pass_per_sequence():
    task = Parity(T=3, noise=0.0)
    rngs = rngs_of(range(4))
    train = task.sample(rngs, 9)
    for online in (True, False):
        learner = DiscreteErrorPropagation(parity_net(), task, online=online)
        state, used = learner.step(learner.init(learner.model.init(rngs)), train, rngs)
        assert used.dtype.kind == "i" and used.tolist() == [9] * 4
        res = fit(
            learner, task, learner.model, learner.model.init(rngs), rngs, train=train, max_steps=7, stop=()
        )
        assert np.all(res.presentations == 9 * res.steps) and np.all(res.steps == 7)


@pytest.mark.parametrize("make_net", [parity_net, lambda: LatchNet(1)])
def test_same_seed_same_result_whatever_the_batching(make_net):
    net = make_net()
    task = LatchV(T=3) if isinstance(net, LatchNet) else Parity(T=3)
    seeds = list(range(10, 16))

    def run(group):
        rngs = rngs_of(group)
        learner = DiscreteErrorPropagation(net, task)
        theta0 = learner.model.init(rngs)
        train = task.sample(rngs, 8)
        return fit(learner, task, learner.model, theta0, rngs, train=train, max_steps=15, stop=())

    whole = run(seeds)
    parts = [run(seeds[:2]), run(seeds[2:])]
    np.testing.assert_array_equal(whole.theta, np.concatenate([p.theta for p in parts]))
    np.testing.assert_array_equal(whole.loss, np.concatenate([p.loss for p in parts]))


def test_huge_weights_do_not_crash():
    task = Parity(T=3)
    rngs = rngs_of(range(3))
    learner = DiscreteErrorPropagation(parity_net(), task, lr=1e300)
    theta0 = learner.model.init(rngs)
    theta0[1] *= 1e307
    theta0[2, 0] = np.nan
    train = task.sample(rngs, 5)
    with np.errstate(all="raise"):
        state, _ = learner.step(learner.init(theta0), train, rngs)
    res = fit(learner, task, learner.model, theta0, rngs, train=train, max_steps=20)
    assert res.diverged[1] and res.diverged[2]
    assert not res.converged[1:].any()


@pytest.mark.parametrize(
    "kw, name",
    [
        ({"lr": 0.0}, "lr"),
        ({"lr": -1.0}, "lr"),
        ({"lr": float("nan")}, "lr"),
        ({"eps": 0}, "eps"),
        ({"eps": float("inf")}, "eps"),
        ({"online": "yes"}, "online"),
        ({"quantizer": "round"}, "quantizer"),
    ],
)
def test_bad_hyperparameters_raise(kw, name):
    with pytest.raises(ValueError, match=name):
        DiscreteErrorPropagation(parity_net(), Parity(T=3), **kw)


def test_bad_model_and_theta_raise():
    with pytest.raises(ValueError, match="net"):
        ThresholdNet("not a net")
    learner = DiscreteErrorPropagation(parity_net(), Parity(T=3))
    with pytest.raises(ValueError, match="theta0"):
        learner.init(np.zeros((2, 3)))
