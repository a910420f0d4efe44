"""Gradient transformations: each one against a hand-written loop on a quadratic, chains, per-run
hyperparameters, masks, the state of a subset of runs, and bad input."""

import numpy as np
import pytest

from longdeps.optim import (
    chain,
    clip_by_norm,
    masked,
    momentum,
    nesterov,
    put_state,
    scale_by_curvature,
    sgd,
    take_state,
)

#: f(theta) = 1/2 sum_i a_i theta_i^2 per run: gradient a * theta, exact diagonal curvature a
A = np.array([[1.0, 4.0, 0.25], [2.0, 0.5, 3.0]])
THETA0 = np.array([[1.0, -2.0, 0.5], [-1.0, 1.5, 2.0]])


def run(tx, steps, theta0=THETA0, a=A, **extra_fn):
    """Apply ``tx`` for ``steps`` steps on the quadratic; returns the parameter trajectory."""
    theta = theta0.copy()
    state = tx.init(theta)
    path = [theta.copy()]
    for _ in range(steps):
        extra = {k: f(theta) for k, f in extra_fn.items()}
        updates, state = tx.update(a * theta, state, theta, **extra)
        theta = theta + updates
        path.append(theta.copy())
    return np.array(path)


def test_sgd_matches_hand_loop():
    path = run(sgd(0.1), 5)
    theta = THETA0.copy()
    for t in range(5):
        theta = theta - 0.1 * A * theta
        np.testing.assert_allclose(path[t + 1], theta)


def test_momentum_matches_hand_loop():
    path = run(momentum(0.1, 0.9), 8)
    theta, v = THETA0.copy(), np.zeros_like(THETA0)
    for t in range(8):
        v = 0.9 * v - 0.1 * A * theta
        theta = theta + v
        np.testing.assert_allclose(path[t + 1], theta)


def test_nesterov_matches_lasagne_loop():
    path = run(nesterov(0.1, 0.9), 8)
    theta, v = THETA0.copy(), np.zeros_like(THETA0)
    for t in range(8):
        g = A * theta
        v = 0.9 * v - 0.1 * g
        theta = theta + 0.9 * v - 0.1 * g
        np.testing.assert_allclose(path[t + 1], theta)


def test_nesterov_equals_textbook_form_on_1d_quadratic():
    """Lasagne's iterate phi is the textbook theta + beta v, the point where Sutskever et al. 2013 take
    the gradient."""
    a, lr, beta = 3.0, 0.05, 0.9
    phi_path = run(nesterov(lr, beta), 30, theta0=np.array([[1.7]]), a=np.array([[a]]))[:, 0, 0]
    theta, v = 1.7, 0.0
    for t in range(30):
        v = beta * v - lr * a * (theta + beta * v)
        theta = theta + v
        assert phi_path[t + 1] == pytest.approx(theta + beta * v, rel=1e-12, abs=1e-14)
    assert abs(phi_path[-1]) < 0.05  # and it converges


def test_clip_by_norm_is_per_run():
    tx = clip_by_norm(1.0)
    g = np.array([[3.0, 4.0], [0.3, 0.4]])
    updates, _ = tx.update(g, tx.init(g))
    np.testing.assert_allclose(updates, [[0.6, 0.8], [0.3, 0.4]])  # run 0 clipped to norm 1, run 1 kept


def test_clip_passes_non_finite_gradients_through():
    tx = clip_by_norm(1.0)
    g = np.array([[np.inf, 1.0], [np.nan, 0.0]])
    updates, _ = tx.update(g, tx.init(g))
    assert not np.isfinite(updates).all(axis=1).any()


def test_scale_by_curvature_is_eq5():
    """chain(scale_by_curvature(mu), sgd(eta)): Delta w = -eta g / (|d2C/dw2| + mu), eq. (5) of BSF94."""
    eta, mu = 0.5, 0.1
    path = run(chain(scale_by_curvature(mu), sgd(eta)), 6, curv=lambda th: -A)  # |curv|: sign ignored
    theta = THETA0.copy()
    for t in range(6):
        theta = theta - eta * A * theta / (A + mu)
        np.testing.assert_allclose(path[t + 1], theta)


def test_scale_by_curvature_per_time_step_arrays():
    """Eq. (6) use: per-time-step gradients (R, T, n) scaled by their own curvature, summed afterwards."""
    tx = scale_by_curvature([0.1, 1.0])
    g_t = np.ones((2, 3, 4))
    curv_t = np.arange(24.0).reshape(2, 3, 4)
    out, _ = tx.update(g_t, tx.init(np.zeros((2, 4))), curv=curv_t)
    np.testing.assert_allclose(out, 1.0 / (curv_t + np.array([0.1, 1.0])[:, None, None]))


def test_scale_by_curvature_needs_curv():
    tx = scale_by_curvature(0.1)
    with pytest.raises(ValueError, match="curv"):
        tx.update(A, tx.init(A))
    with pytest.raises(ValueError, match="curv"):
        tx.update(A, tx.init(A), curv=np.ones(3))


def test_chain_order_matters():
    g = np.array([[3.0, 4.0]])  # norm 5
    clip_then_step = chain(clip_by_norm(1.0), sgd(0.1))
    step_then_clip = chain(sgd(0.1), clip_by_norm(1.0))
    u1, _ = clip_then_step.update(g, clip_then_step.init(g))
    u2, _ = step_then_clip.update(g, step_then_clip.init(g))
    np.testing.assert_allclose(u1, [[-0.06, -0.08]])  # clipped to norm 1, then scaled by 0.1
    np.testing.assert_allclose(u2, [[-0.3, -0.4]])  # step of norm 0.5 < 1 is not clipped


def test_chain_with_momentum_matches_hand_loop():
    path = run(chain(clip_by_norm(0.5), nesterov(0.2, 0.5)), 5)
    theta, v = THETA0.copy(), np.zeros_like(THETA0)
    for t in range(5):
        g = A * theta
        norm = np.linalg.norm(g, axis=1, keepdims=True)
        g = g * np.minimum(1.0, 0.5 / norm)
        v = 0.5 * v - 0.2 * g
        theta = theta + 0.5 * v - 0.2 * g
        np.testing.assert_allclose(path[t + 1], theta)


@pytest.mark.parametrize(
    "make",
    [
        lambda lr: sgd(lr),
        lambda lr: momentum(lr, 0.8),
        lambda lr: nesterov(lr, 0.8),
        lambda lr: chain(scale_by_curvature(0.2), sgd(lr)),
    ],
)
def test_per_run_learning_rate_equals_separate_runs(make):
    """``curv=`` is passed to every transform; those that do not need it ignore it."""
    lrs = np.array([0.05, 0.2])
    together = run(make(lrs), 7, curv=lambda th: A)
    for r in range(2):
        one = slice(r, r + 1)
        alone = run(make(lrs[r]), 7, theta0=THETA0[one], a=A[one], curv=lambda th, one=one: A[one])
        np.testing.assert_allclose(together[:, r], alone[:, 0])


def test_per_run_momentum_and_norms():
    tx = chain(clip_by_norm([0.1, 10.0]), momentum(0.1, [0.0, 0.9]))
    path = run(tx, 4)
    for r, (c, b) in enumerate([(0.1, 0.0), (10.0, 0.9)]):
        alone = run(chain(clip_by_norm(c), momentum(0.1, b)), 4, theta0=THETA0[r : r + 1], a=A[r : r + 1])
        np.testing.assert_allclose(path[:, r], alone[:, 0])


def test_masked_never_moves_frozen_coordinates():
    mask = np.array([1.0, 0.0, 1.0])
    tx = masked(chain(clip_by_norm(1.0), nesterov(0.1, 0.9)), mask)
    path = run(tx, 10)
    np.testing.assert_array_equal(path[:, :, 1], np.broadcast_to(THETA0[:, 1], (11, 2)))
    assert np.all(path[-1, :, [0, 2]] != THETA0[:, [0, 2]].T)
    # the frozen coordinate does not count in the clipping norm either
    a = np.array([[1.0, 100.0, 1.0]])
    g = a * np.array([[0.3, 1.0, 0.4]])
    u, _ = tx.update(g, tx.init(g))
    plain = chain(clip_by_norm(1.0), nesterov(0.1, 0.9))
    u_free, _ = plain.update(g[:, [0, 2]], plain.init(g[:, [0, 2]]))
    np.testing.assert_allclose(u[:, [0, 2]], u_free)


def test_masked_bad_mask():
    with pytest.raises(ValueError, match="mask"):
        masked(sgd(0.1), [0.5, 1.0])
    tx = masked(sgd(0.1), [1.0, 0.0])
    with pytest.raises(ValueError, match="mask"):
        tx.init(np.zeros((2, 3)))


def test_take_and_put_state_step_a_subset_of_runs():
    """Stepping runs {0, 2} of three from their own sub-state equals stepping all three."""
    a = np.array([[1.0, 2.0], [3.0, 0.5], [0.7, 1.5]])
    theta0 = np.array([[1.0, -1.0], [0.5, 2.0], [-1.0, 1.0]])
    tx = chain(clip_by_norm([1.0, 2.0, 3.0]), nesterov([0.1, 0.2, 0.3], 0.9))
    full = run(tx, 5, theta0=theta0, a=a)
    theta, state = theta0.copy(), tx.init(theta0)
    idx = np.array([0, 2])
    for _ in range(5):
        sub = take_state(state, idx)
        u, sub = tx.update(a[idx] * theta[idx], sub, theta[idx])
        theta[idx] += u
        state = put_state(state, idx, sub)
    np.testing.assert_allclose(theta[idx], full[-1, idx])
    np.testing.assert_array_equal(theta[1], theta0[1])
    np.testing.assert_array_equal(state[1].v[1], 0.0)  # run 1's velocity untouched
    mask_state = take_state(state, np.array([True, False, True]))
    np.testing.assert_array_equal(mask_state[1].lr, [0.1, 0.3])


@pytest.mark.parametrize(
    "make, word",
    [
        (lambda: sgd(-0.1), "lr=-0.1"),
        (lambda: sgd(np.nan), "lr="),
        (lambda: sgd([[0.1]]), "lr="),
        (lambda: momentum(0.1, 1.0), "beta=1.0"),
        (lambda: momentum(0.1, -0.1), "beta=-0.1"),
        (lambda: nesterov(0.1, [0.5, 1.5]), "beta="),
        (lambda: nesterov(-1, 0.5), "lr=-1"),
        (lambda: clip_by_norm(0.0), "max_norm=0.0"),
        (lambda: scale_by_curvature(0.0), "mu=0.0"),
        (lambda: scale_by_curvature(-1e-3), "mu="),
        (lambda: chain(), "chain"),
        (lambda: chain(sgd(0.1), "adam"), "chain"),
    ],
)
def test_bad_hyperparameters_raise(make, word):
    with pytest.raises(ValueError, match=word.replace("[", r"\[")):
        make()


def test_per_run_values_must_match_runs():
    with pytest.raises(ValueError, match="lr has 3 values"):
        sgd([0.1, 0.2, 0.3]).init(np.zeros((2, 4)))
    tx = nesterov(0.1, 0.9)
    state = tx.init(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="shape"):
        tx.update(np.zeros((3, 4)), state)
