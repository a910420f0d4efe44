"""Unit tests for longdeps.dynamics: Jacobians, fixed points, h*, basins, bounds, bad inputs.  The
trajectories they read come from the recurrent network (longdeps.models.theory, tested in test_theory)."""

import numpy as np
import pytest

from longdeps import dynamics as d
from longdeps.models import theory

W2 = np.array([[1.8, 0.4], [0.4, 0.6]])


def test_intro_helpers_still_work():
    assert d.latch_fixed_point(np.array([0.5]))[0] == 0.0
    xb = d.latch_fixed_point(np.array([2.0]))[0]
    assert abs(np.tanh(2 * xb) - xb) < 1e-12
    assert len(d.cobweb(0.1, 1.5, 5)) == 6


def test_rnn_jacobian_matches_finite_differences():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(3, 3))
    a = rng.normal(size=3)
    J = d.rnn_jacobian(a, W)
    eps = 1e-6
    fd = np.stack(
        [(d.rnn_map(a + eps * e, W) - d.rnn_map(a - eps * e, W)) / (2 * eps) for e in np.eye(3)], axis=1
    )
    np.testing.assert_allclose(J, fd, atol=1e-8)


def test_log_jacobian_norm_matches_finite_differences_and_does_not_underflow():
    rng = np.random.default_rng(1)
    u = 0.1 * rng.normal(size=(6, 2))
    a0 = np.array([0.3, -0.2])
    traj = theory.trajectory(a0, W2, u)
    eps = 1e-6
    cols = [
        (theory.trajectory(a0 + eps * e, W2, u)[-1] - theory.trajectory(a0 - eps * e, W2, u)[-1]) / (2 * eps)
        for e in np.eye(2)
    ]
    fd = np.stack(cols, axis=1)
    assert np.isclose(d.log_jacobian_norms(traj, W2)[-1], np.log(np.linalg.norm(fd, 2)), atol=1e-5)
    long = theory.trajectory(a0, W2, 0.1 * rng.normal(size=(500, 2)))
    logs = d.log_jacobian_norms(long, W2)
    assert np.all(np.isfinite(logs)) and logs[-1] < -300  # far below float underflow, still finite


def test_neuron_log_derivative_matches_finite_differences():
    h = np.random.default_rng(2).normal(0, 0.3, size=8)
    traj = d.neuron_trajectory(0.4, 1.2, h)
    eps = 1e-6
    fd = (d.neuron_trajectory(0.4 + eps, 1.2, h)[-1] - d.neuron_trajectory(0.4 - eps, 1.2, h)[-1]) / (2 * eps)
    assert np.isclose(d.neuron_log_derivative(traj, 1.2)[-1], np.log(abs(fd)), atol=1e-5)


@pytest.mark.parametrize("w", [0.5, 0.9, 1.2, 2.0, 3.5])
def test_fixed_points_satisfy_equation_and_stability(w):
    pts, stable = d.neuron_fixed_points(w)
    np.testing.assert_allclose(w * np.tanh(pts), pts, atol=1e-10)
    if w < 1:
        assert pts.tolist() == [0.0] and stable.tolist() == [True]
    else:
        assert len(pts) == 3 and stable.tolist() == [True, False, True]


def test_critical_state_is_where_slope_is_one():
    w = np.array([1.1, 2.0, 4.0])
    np.testing.assert_allclose(d.neuron_slope(d.critical_state(w), w), 1.0)


def test_escape_threshold_agrees_with_simulation_and_increases():
    w = np.array([1.2, 1.5, 2.0, 3.0])
    hs = d.escape_threshold(w)
    assert np.all(np.diff(hs) > 0)
    np.testing.assert_allclose(d.escape_threshold_simulated(w, steps=3000), hs, rtol=2e-3)
    assert not np.any(d.escapes(0.99 * hs, w, 5000))
    assert np.all(d.escapes(1.01 * hs, w, 5000))


def test_transient_length_decreases_with_h_and_is_inf_below_threshold():
    hs = float(d.escape_threshold(2.0))
    L = d.transient_length(hs + np.array([0.01, 0.1, 1.0]), 2.0)
    assert np.all(np.diff(L) < 0) and np.all(np.isfinite(L))
    assert np.isinf(d.transient_length(0.9 * hs, 2.0, max_steps=2000))


def test_basins_and_reduced_set_1d():
    w = 2.0
    g = np.linspace(-3, 3, 601)[:, None]
    ab = float(d.neuron_attractor(w))
    lab = d.basin_labels(g, [[w]], [[ab], [-ab]])
    assert np.all(lab[g[:, 0] > 0.01] == 0) and np.all(lab[g[:, 0] < -0.01] == 1)
    gam = d.reduced_attracting_mask(g, [[w]])
    ac = float(d.critical_state(w))
    inside = np.abs(g[:, 0]) > ac + 0.01
    outside = np.abs(g[:, 0]) < ac - 0.01
    assert np.all(gam[inside]) and not np.any(gam[outside])


def test_reduced_set_2d_contains_attractors_and_lies_in_basins():
    a = np.array([3.0, 1.0])
    for _ in range(1000):
        a = d.rnn_map(a, W2)
    X = np.stack([a, -a])
    assert np.all(np.abs(np.linalg.eigvals(d.rnn_jacobian(a, W2))) < 1)
    g = np.linspace(-3, 3, 41)
    P = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    gam = d.reduced_attracting_mask(P, W2)
    lab = d.basin_labels(P, W2, X)
    assert not np.any(gam & (lab < 0))
    assert np.all(d.reduced_attracting_mask(X, W2))


def test_spectral_helpers_match_numpy():
    P = np.random.default_rng(3).normal(size=(200, 2, 2))
    np.testing.assert_allclose(d.spectral_radius(P), np.max(np.abs(np.linalg.eigvals(P)), -1), atol=1e-12)
    np.testing.assert_allclose(d.spectral_norm(P), np.linalg.norm(P, 2, axis=(-2, -1)), atol=1e-12)


def test_temporal_terms_match_direct_computation():
    rng = np.random.default_rng(4)
    W = np.array([[1.5, 0.3], [-0.2, 1.1]])
    traj = theory.trajectory(np.array([1.0, -1.0]), W, 0.2 * rng.normal(size=(8, 2)))
    g = np.array([0.3, -0.7])
    logs = d.log_temporal_terms(traj, W, g)
    for tau in range(1, 9):
        delta = g.copy()
        for k in range(8, tau, -1):
            delta = delta @ d.rnn_jacobian(traj[k - 1], W)
        direct = np.linalg.norm(np.outer(delta, np.tanh(traj[tau - 1])))
        assert np.isclose(logs[tau - 1], np.log10(direct))


def _scaling_by_recurrence(W, fp, k, v, q):
    """d theta_v(T-q) / d theta_k(T) from eq. (1), unit by unit."""
    T, n = fp.shape
    theta = np.zeros(n)
    theta[k] = 1.0
    for s in range(T - 1, T - q - 1, -1):
        theta = np.array([fp[s - 1, j] * sum(W[i, j] * theta[i] for i in range(n)) for j in range(n)])
    return theta[v]


def test_error_scaling_matches_eq1_recurrence():
    rng = np.random.default_rng(5)
    n, T = 4, 7
    W = rng.uniform(-1, 1, (n, n))
    fp = theory.fully_connected_run(W, rng.normal(size=(T, n)), "logistic")
    logs = d.log_error_scaling(W, fp)
    for q in range(1, T):
        direct = max(abs(_scaling_by_recurrence(W, fp, k, v, q)) for k in range(n) for v in range(n))
        assert np.isclose(logs[q - 1], np.log10(direct))


@pytest.mark.parametrize("act,scale", [("logistic", 3.6), ("logistic", 16.0), ("tanh", 0.9), ("tanh", 4.0)])
def test_bound_never_below_measured_on_random_nets(act, scale):
    rng = np.random.default_rng(6)
    n, T, R = 8, 60, 50
    W = rng.uniform(-scale / n, scale / n, (R, n, n))
    fp = theory.fully_connected_run(W, rng.normal(size=(R, T, n)), act)
    measured = d.log_error_scaling(W, fp)
    bound = d.log_scaling_bound(W, d.ACTIVATIONS[act][2], np.arange(1, T))
    assert np.all(measured <= bound + 1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda: d.escape_threshold(0.5),
        lambda: d.escape_threshold(-1.0),
        lambda: d.critical_state([1.0]),
        lambda: d.neuron_attractor(0.0),
        lambda: d.neuron_fixed_points(-2.0),
        lambda: d.transient_length(1.0, 0.8),
        lambda: d.escape_threshold_simulated([]),
        lambda: d.check_noise_variance(-0.1),
        lambda: d.basin_labels(np.zeros((0, 2)), W2, np.zeros((2, 2))),
        lambda: d.reduced_attracting_mask(np.zeros((0, 1)), [[2.0]]),
        lambda: d.reduced_attracting_mask(np.zeros((3, 1)), [[2.0]], criterion="trace"),
        lambda: d.neuron_contraction_on_ball(1.0, 2.0, 0.0),
    ],
)
def test_bad_inputs_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_origin_attracts_at_w_equal_1_although_the_slope_is_1():
    assert d.origin_attracts(np.array([0.5, 1.0, -1.0])).all()
    assert not d.origin_attracts(np.array([1.01, 2.0, -1.5])).any()
    orbit = d.cobweb(0.5, 1.0, 2000)
    assert abs(orbit[-1]) < 0.05 and np.all(np.diff(np.abs(orbit)) < 0)  # slowly, monotonically to 0
    assert abs(orbit[-1] - np.sqrt(3 / (2 * 2000))) < 0.005  # x_t ~ sqrt(3 / (2t)), not geometric
