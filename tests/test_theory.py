"""The theory chapter's nets on the one recurrent network (models/theory.py): BSF94 eq. (2)
trajectories and HBFS01's f'(net(t)) against the straightforward loops they replaced
(tests/reference_dynamics.py), shapes, overflow, the ball of uncertainty, bad input."""

import numpy as np
import pytest
import reference_dynamics as ref

from longdeps.models import theory

W2 = np.array([[1.8, 0.4], [0.4, 0.6]])  # the chapter's symmetric 2-D net
W_NONSYM = np.array([[1.5, 0.3], [-0.2, 1.1]])


@pytest.mark.parametrize("W", [W_NONSYM, W2], ids=["non-symmetric", "symmetric"])
def test_trajectory_agrees_with_the_reference_loop_at_T_500(W):
    rng = np.random.default_rng(0)
    a0 = rng.normal(size=(4, 2))
    u = 0.2 * rng.uniform(-1, 1, size=(4, 500, 2))
    traj = theory.trajectory(a0, W, u)
    assert traj.shape == (4, 501, 2)
    np.testing.assert_array_equal(traj[:, 0], a0)
    np.testing.assert_allclose(traj, ref.rnn_trajectory(a0, W, u), rtol=0, atol=1e-12)


@pytest.mark.parametrize("activation", ["logistic", "tanh"])
def test_fully_connected_run_agrees_with_the_reference_loop_at_T_500(activation):
    rng = np.random.default_rng(1)
    n, R = 2, 5
    W = rng.uniform(-3, 3, (R, n, n))  # batched, non-symmetric
    x = rng.normal(size=(R, 500, n))
    fp = theory.fully_connected_run(W, x, activation)
    assert fp.shape == (R, 500, n)
    np.testing.assert_allclose(fp, ref.fully_connected_run(W, x, activation), rtol=0, atol=1e-12)
    W10 = rng.uniform(-0.4, 0.4, (3, 10, 10))  # the chapter's nets: n = 10
    x10 = rng.normal(size=(3, 100, 10))
    np.testing.assert_allclose(
        theory.fully_connected_run(W10, x10, activation),
        ref.fully_connected_run(W10, x10, activation),
        rtol=0,
        atol=1e-12,
    )


def test_one_unit_is_bit_for_bit_the_reference():
    """n = 1: the net's product path does the reference's arithmetic exactly."""
    rng = np.random.default_rng(2)
    a0, W, u = rng.normal(size=(3, 1)), np.array([[2.0]]), 0.3 * rng.normal(size=(3, 200, 1))
    np.testing.assert_array_equal(theory.trajectory(a0, W, u), ref.rnn_trajectory(a0, W, u))
    x = rng.normal(size=(3, 200, 1))
    Wb = rng.uniform(-4, 4, (3, 1, 1))
    np.testing.assert_array_equal(
        theory.fully_connected_run(Wb, x, "logistic"), ref.fully_connected_run(Wb, x, "logistic")
    )


@pytest.mark.parametrize(
    "a0_shape,W_shape,u_shape,out_shape",
    [
        ((2,), (2, 2), (7, 2), (8, 2)),  # one trajectory
        ((2,), (2, 2), (4, 7, 2), (4, 8, 2)),  # one start, four input sequences
        ((3, 1, 2), (2, 2), (3, 5, 7, 2), (3, 5, 8, 2)),  # the chapter's rings: start and inputs broadcast
        ((4, 2), (4, 2, 2), (7, 2), (4, 8, 2)),  # one W per trajectory, shared inputs
    ],
)
def test_trajectory_shapes_broadcast(a0_shape, W_shape, u_shape, out_shape):
    rng = np.random.default_rng(3)
    a0, u = rng.normal(size=a0_shape), 0.1 * rng.normal(size=u_shape)
    W = np.broadcast_to(W_NONSYM, W_shape) + 0.1 * rng.normal(size=W_shape)
    traj = theory.trajectory(a0, W, u)
    assert traj.shape == out_shape
    np.testing.assert_allclose(traj, ref.rnn_trajectory(a0, W, u), rtol=0, atol=1e-12)


def test_empty_batches_give_empty_results():
    assert theory.trajectory(np.zeros((0, 2)), W2, np.zeros((7, 2))).shape == (0, 8, 2)
    assert theory.fully_connected_run(np.zeros((0, 3, 3)), np.zeros((5, 3)), "tanh").shape == (0, 5, 3)


def test_trajectory_is_eq2_step_by_step():
    rng = np.random.default_rng(4)
    a0, u = rng.normal(size=2), rng.normal(size=(6, 2))
    traj = theory.trajectory(a0, W_NONSYM, u)
    for t in range(1, 7):
        np.testing.assert_allclose(
            traj[t], W_NONSYM @ np.tanh(traj[t - 1]) + u[t - 1], rtol=1e-15, atol=1e-15
        )


def test_overflow_is_kept_never_raised():
    W = np.array([[1e308, 1e308], [-1e308, 1e308]])
    with np.errstate(over="raise", invalid="raise"):
        traj = theory.trajectory(np.array([1.0, 1.0]), W, np.zeros((4, 2)))
        fp = theory.fully_connected_run(W, np.ones((4, 2)), "logistic")
    assert not np.all(np.isfinite(traj)) and not np.all(np.isfinite(fp) & (fp > 0))


def test_uncertainty_ball_shrinks_inside_and_grows_outside():
    w = np.array([[2.0]])
    rho = theory.uncertainty_ball(np.array([[3.0], [0.1]]), w, np.zeros((2, 10, 1)), 0.01)
    assert rho.shape == (2, 11)
    assert rho[0, -1] < rho[0, 0] and rho[1, 3] > 2 * rho[1, 0]
    rho2 = theory.uncertainty_ball(np.array([[2.0, 0.8]]), W2, np.zeros((1, 10, 2)), 0.05, n_points=16)
    np.testing.assert_allclose(rho2[:, 0], 0.05)
    assert rho2[0, -1] < 0.05


@pytest.mark.parametrize(
    "call",
    [
        lambda: theory.uncertainty_ball(np.zeros(2), W2, np.zeros((3, 2)), radius=-1.0),
        lambda: theory.fully_connected_run(np.eye(2), np.zeros((3, 2)), "relu"),
        lambda: theory.trajectory(np.zeros(2), W2, np.zeros((0, 2))),
        lambda: theory.trajectory(np.zeros(2), W2, np.zeros(2)),
        lambda: theory.trajectory(np.zeros(3), W2, np.zeros((4, 2))),
        lambda: theory.trajectory(np.zeros(2), np.eye(3), np.zeros((4, 2))),
        lambda: theory.fully_connected_run(np.eye(2), np.zeros((3, 3)), "tanh"),
    ],
)
def test_bad_inputs_raise_value_error(call):
    with pytest.raises(ValueError):
        call()
