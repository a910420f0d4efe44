"""The latching neuron (BSF94 eq. 1): forward pass, exact BPTT against finite differences, criterion."""

import numpy as np
import pytest

from longdeps.models.neuron import LatchProblem, criterion, forward
from longdeps.runner import trial_rngs
from longdeps.tasks.latch import LatchTask, initial_params, sample_data


def _problem(T=7, L=3, s=0.3, P=3, runs=4, T_min=None, trainable="all"):
    task = LatchTask(T=T, L=L, s=s, n_per_class=P, T_min=T_min, h_init=0.8)
    rngs = trial_rngs(3, range(runs))
    theta = initial_params(task, rngs, w0=np.linspace(0.5, 2.0, runs))
    return LatchProblem(task, sample_data(task, rngs), trainable), theta


def test_forward_matches_eq1_loop():
    u = np.array([[[[0.3, -0.2, 0.5, 0.1]]]])
    x = forward(np.array([1.5]), u)
    a, ref = 0.0, []
    for ut in u.ravel():
        a = 1.5 * np.tanh(a) + ut
        ref.append(np.tanh(a))
    np.testing.assert_allclose(x.ravel(), ref)


@pytest.mark.parametrize("T_min", [None, 4])
def test_gradient_matches_finite_differences(T_min):
    problem, theta = _problem(T_min=T_min)
    _, grad, _ = problem.cost_and_grad(theta)
    eps = 1e-6
    num = np.zeros_like(theta)
    for i in range(theta.shape[1]):
        d = np.zeros_like(theta)
        d[:, i] = eps
        num[:, i] = (problem.cost(theta + d) - problem.cost(theta - d)) / (2 * eps)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-8)


def test_h_only_freezes_w():
    problem, theta = _problem(trainable="h")
    _, grad, _ = problem.cost_and_grad(theta)
    assert np.all(grad[:, 0] == 0) and np.any(grad[:, 1:] != 0)


def test_criterion_on_hand_made_outputs():
    d = np.array([-0.8, 0.8])
    good = np.array([[-0.9, -0.5], [0.45, 1.0]])
    assert criterion(good, d).tolist() is True or bool(criterion(good, d))
    assert not criterion(np.array([[-0.9, -0.3], [0.45, 1.0]]), d)  # -0.3 is 0.5 from -0.8
    assert not criterion(np.array([[-0.9, -0.5], [0.35, 1.0]]), d)
    assert not criterion(np.array([[-0.9, np.nan], [0.5, 1.0]]), d)  # NaN never converges
    batch = np.stack([good, -good])  # second run: every sign wrong
    assert criterion(batch, d).tolist() == [True, False]
    assert bool(criterion(np.array([[-0.01], [0.01]]), d, tol=0.8))  # sign-only criterion


def test_bad_input():
    with pytest.raises(ValueError, match="tol"):
        criterion(np.zeros((2, 1)), np.array([-0.8, 0.8]), tol=0.0)
    problem, theta = _problem()
    with pytest.raises(ValueError, match="trainable"):
        LatchProblem(problem.task, problem.data, trainable="w")
    with pytest.raises(ValueError, match="theta"):
        problem.cost(theta[:, :3])
