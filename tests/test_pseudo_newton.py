"""The pseudo-Newton rules of BSF94 Section V-C: eq. (5), the time-weighted eq. (6), and the on-line
adaptation of mu (largest step within [0.001, 0.3], momentum 0.8)."""

from __future__ import annotations

import numpy as np
import pytest

from longdeps.learning.fit import fit, until_success
from longdeps.learning.protocol import take_sequences
from longdeps.learning.pseudo_newton import PseudoNewton, TimeWeightedPseudoNewton
from longdeps.models.rnn import LatchNet, latch_neuron, parity_net
from longdeps.tasks.base import SequenceBatch
from longdeps.tasks.latch_v import LatchV
from longdeps.tasks.parity import Parity

TASK = LatchV(T=3, noise=0.0)


def one_sequence(u, d=0.8):
    """A batch of one run, one sequence u_1..u_T (the single neuron's additive inputs), target d."""
    u = np.asarray(u, dtype=float)
    T = u.size
    return SequenceBatch(
        u=u.reshape(1, 1, T, 1), lengths=np.array([[T]]), y=np.array([[[d]]]), cls=np.array([[1]])
    )


def neuron_theta(model, w):
    theta = np.array(model.fixed_theta, dtype=float)[None].copy()
    theta[0, model.layout["W"][0]] = w
    return theta


def test_eq5_on_one_weight_matches_hand_computation():
    """T = 2: out = tanh(w x_1 + u_2), x_1 = tanh(u_1); only the time-2 copy of w matters, so the
    Gauss-Newton curvature is exactly (dout/dw)^2."""
    model, w, u1, u2, d = latch_neuron(), 0.7, 0.9, -0.3, 0.8
    x1 = np.tanh(u1)
    x2 = np.tanh(w * x1 + u2)
    g = (x2 - d) * (1 - x2**2) * x1
    curv = ((1 - x2**2) * x1) ** 2
    learner = PseudoNewton(model, TASK, eta=0.01, mu0=0.05, adapt_mu=False, online=False)
    theta = neuron_theta(model, w)
    gm, cm = learner.terms(theta, one_sequence([u1, u2], d))
    i = model.layout["W"][0].start
    assert gm[0, i] == pytest.approx(g, rel=1e-12)
    assert cm[0, i] == pytest.approx(curv, rel=1e-12)
    new, mu, top = learner.update(theta, np.array([0.05]), one_sequence([u1, u2], d))
    step = -0.01 * g / (abs(curv) + 0.05)
    assert new[0, i] - w == pytest.approx(step, rel=1e-12)
    assert top[0] == pytest.approx(abs(step))
    frozen = np.arange(model.n_params) != i
    assert np.array_equal(new[0, frozen], theta[0, frozen])


def test_eq6_time_weighted_matches_direct_computation():
    """T = 3: each time copy w_t scaled by its own Becker-LeCun curvature D_t x_{t-1}^2."""
    model, w, u, d, mu = latch_neuron(), 1.3, [0.5, -0.2, 0.1], -0.8, 0.02
    x1 = np.tanh(u[0])
    x2 = np.tanh(w * x1 + u[1])
    x3 = np.tanh(w * x2 + u[2])
    delta3 = (x3 - d) * (1 - x3**2)
    delta2 = delta3 * w * (1 - x2**2)
    D3 = (1 - x3**2) ** 2
    D2 = (1 - x2**2) ** 2 * w**2 * D3
    g_t, c_t = np.array([delta2 * x1, delta3 * x2]), np.array([D2 * x1**2, D3 * x2**2])
    learner = TimeWeightedPseudoNewton(model, TASK, eta=0.01, mu0=mu, adapt_mu=False, online=False)
    theta = neuron_theta(model, w)
    i = model.layout["W"][0].start
    gm, cm = learner.terms(theta, one_sequence(u, d))
    assert gm.shape == (1, 3, model.n_params)
    np.testing.assert_allclose(gm[0, 1:, i], g_t, rtol=1e-12)
    np.testing.assert_allclose(cm[0, 1:, i], c_t, rtol=1e-12)
    assert gm[0, 0, i] == 0.0  # x_0 = 0
    new, _, _ = learner.update(theta, np.array([mu]), one_sequence(u, d))
    expected = -0.01 * np.sum(g_t / (c_t + mu))
    assert new[0, i] - w == pytest.approx(expected, rel=1e-12)
    # eq. 5 on the same sequence divides the summed gradient by the summed curvature: different
    plain = PseudoNewton(model, TASK, eta=0.01, mu0=mu, adapt_mu=False, online=False)
    new5, _, _ = plain.update(theta, np.array([mu]), one_sequence(u, d))
    assert new5[0, i] - w == pytest.approx(-0.01 * g_t.sum() / (c_t.sum() + mu), rel=1e-12)


def test_adapt_mu_rules():
    learner = PseudoNewton(latch_neuron(), TASK, eta=0.01)
    c = np.array([[0.5, 0.0, 2.0]])
    # a gradient giving a step above 0.3 with the previous mu: mu rises at once to cap it at 0.3
    g = np.array([[40.0, 0.0, 1.0]])
    mu = learner.adapt(np.array([0.1]), g, c)
    assert learner.largest_step(g, c, mu)[0] == pytest.approx(0.3)
    # a step inside the bounds: mu moves by the momentum towards the value giving 0.3
    g = np.array([[0.5, 0.0, 0.1]])
    mu_hi = 0.01 * 0.5 / 0.3 - 0.5  # < 0: clipped to MU_MIN
    mu = learner.adapt(np.array([0.3]), g, c)
    assert mu[0] == pytest.approx(0.8 * 0.3 + 0.2 * max(mu_hi, 1e-12))
    assert 0.001 <= learner.largest_step(g, c, mu)[0] <= 0.3
    # a mu so large the step falls below 0.001: pulled down to where it is 0.001
    mu = learner.adapt(np.array([1e6]), g, c)
    assert learner.largest_step(g, c, mu)[0] == pytest.approx(0.001)
    # a zero gradient: no mu reaches 0.001; mu stays positive and the step is 0
    mu = learner.adapt(np.array([1.0]), np.zeros((1, 3)), c)
    assert mu[0] > 0 and learner.largest_step(np.zeros((1, 3)), c, mu)[0] == 0


@pytest.mark.parametrize("cls", [PseudoNewton, TimeWeightedPseudoNewton])
def test_mu_adaptation_keeps_largest_step_in_bounds(cls):
    task, model, R = Parity(T=6, noise=0.2), parity_net(), 6
    rngs = [np.random.default_rng(10 + r) for r in range(R)]
    theta = model.init(rngs) * 4  # larger weights: derivatives of very different sizes
    learner = cls(model, task)
    state = learner.init(theta, rngs)
    batch = task.sample(rngs, 8)
    mu, th, tops = state.mu, state.theta, []
    for j in range(8):
        g, c = learner.terms(th, take_sequences(batch, np.full((R, 1), j)))
        mu = learner.adapt(mu, g, c)
        tops.append(learner.largest_step(g, c, mu))
        th = th + learner.delta(g, c, mu)
    tops = np.array(tops)
    assert np.all(tops <= 0.3 * (1 + 1e-6))
    assert np.all(tops >= 0.001 * (1 - 1e-6))


@pytest.mark.parametrize("cls", [PseudoNewton, TimeWeightedPseudoNewton])
def test_solves_the_latch_and_counts_B_per_pass(cls):
    task, model, R, B = LatchV(T=3, noise=0.0), LatchNet(L=1), 6, 10
    rngs = [np.random.default_rng(r) for r in range(R)]
    theta0, train = model.init(rngs), task.sample(rngs, B)
    res = fit(cls(model, task), task, model, theta0, rngs, train=train, max_steps=300, stop=until_success)
    assert res.converged.sum() >= R // 2
    assert not res.diverged.any()
    np.testing.assert_array_equal(res.presentations, res.steps * B)


def test_online_is_one_update_per_sequence():
    task, model, R, B = LatchV(T=3, noise=0.0), LatchNet(L=1), 2, 4
    rngs = [np.random.default_rng(r) for r in range(R)]
    theta0, batch = model.init(rngs), task.sample(rngs, B)
    learner = PseudoNewton(model, task)
    state, used = learner.step(learner.init(theta0), batch, [np.random.default_rng(7 + r) for r in range(R)])
    np.testing.assert_array_equal(used, [B, B])
    orders = np.stack([np.random.default_rng(7 + r).permutation(B) for r in range(R)])
    th, mu = theta0.copy(), np.full(R, learner.mu0)
    for j in range(B):
        th, mu, _ = learner.update(th, mu, take_sequences(batch, orders[:, j : j + 1]))
    np.testing.assert_allclose(state.theta, th, rtol=0, atol=0)


@pytest.mark.parametrize("cls", [PseudoNewton, TimeWeightedPseudoNewton])
def test_same_seed_same_result_whatever_the_batching(cls):
    task, model, R = Parity(T=4, noise=0.2), parity_net(), 4
    theta0 = model.init([np.random.default_rng(r) for r in range(R)])
    train = task.sample([np.random.default_rng(50 + r) for r in range(R)], 6)

    def run(runs):
        rngs = [np.random.default_rng(100 + r) for r in runs]
        return fit(cls(model, task), task, model, theta0[runs], rngs, train=train.take(runs), max_steps=15)

    whole, a, b = run(np.arange(4)), run(np.array([0, 2])), run(np.array([1, 3]))
    np.testing.assert_array_equal(whole.theta[[0, 2]], a.theta)
    np.testing.assert_array_equal(whole.theta[[1, 3]], b.theta)
    np.testing.assert_array_equal(whole.presentations[[1, 3]], b.presentations)


@pytest.mark.parametrize("cls", [PseudoNewton, TimeWeightedPseudoNewton])
def test_diverging_runs_do_not_crash(cls):
    task, model = Parity(T=4, noise=0.2), parity_net()
    rngs = [np.random.default_rng(r) for r in range(3)]
    theta0 = model.init(rngs)
    theta0[0] *= 1e5  # saturated units: zero gradients and curvatures
    theta0[1, 0] = np.nan
    train = task.sample(rngs, 5)
    res = fit(cls(model, task), task, model, theta0, rngs, train=train, max_steps=5)
    assert res.diverged[1]
    assert np.all(np.isfinite(res.theta[[0, 2]]))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"eta": 0.0}, "eta"),
        ({"eta": -1.0}, "eta"),
        ({"mu0": np.inf}, "mu0"),
        ({"mu_momentum": 1.0}, "mu_momentum"),
        ({"step_bounds": (0.3, 0.001)}, "step_bounds"),
        ({"step_bounds": (0.0, 0.3)}, "step_bounds"),
        ({"online": "yes"}, "online"),
        ({"adapt_mu": 1}, "adapt_mu"),
    ],
)
def test_bad_hyperparameters_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        PseudoNewton(parity_net(), TASK, **kwargs)


def test_bad_theta0_raises():
    with pytest.raises(ValueError, match="theta0"):
        PseudoNewton(parity_net(), TASK).init(np.zeros((2, 3)))
