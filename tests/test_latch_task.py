"""The latch task generator (BSF94 Section II): statistics, shapes, lengths, targets, bad input."""

import numpy as np
import pytest

from longdeps.runner import trial_rngs
from longdeps.tasks.latch import LatchTask, initial_params, sample_data, split_params


def test_noise_statistics_and_shapes():
    task = LatchTask(T=30, L=3, s=0.5, n_per_class=200)
    data = sample_data(task, trial_rngs(0, range(4)))
    assert data.noise.shape == (4, 2, 200, 30)
    assert np.all(data.noise[..., :3] == 0)  # trainable slots carry no noise
    noise = data.noise[..., 3:]
    assert abs(noise.mean()) < 0.02
    assert noise.var() == pytest.approx(0.5, rel=0.03)
    assert np.all(data.lengths == 30)


def test_per_run_variance_and_zero_noise():
    task = LatchTask(T=10, L=2, n_per_class=500)
    data = sample_data(task, trial_rngs(1, range(3)), s=[0.0, 0.1, 1.0])
    assert np.all(data.noise[0] == 0)
    assert data.noise[1, ..., 2:].var() == pytest.approx(0.1, rel=0.05)
    assert data.noise[2, ..., 2:].var() == pytest.approx(1.0, rel=0.05)


def test_lengths_variable_and_fixed_per_run():
    task = LatchTask(T=20, L=3, T_min=10, n_per_class=300)
    data = sample_data(task, trial_rngs(2, range(2)))
    assert data.lengths.min() == 10 and data.lengths.max() == 20
    data = sample_data(LatchTask(T=20, L=3), trial_rngs(2, range(3)), lengths=np.array([3, 7, 20]))
    assert data.lengths[:, 0, 0].tolist() == [3, 7, 20]


def test_targets_and_params():
    task = LatchTask(T=5, L=2, h_init=0.1)
    assert task.targets.tolist() == [-0.8, 0.8]
    assert task.n_params == 5
    theta = initial_params(task, trial_rngs(0, range(6)), w0=1.25)
    w, h = split_params(theta, 2)
    assert np.all(w == 1.25) and h.shape == (6, 2, 2)
    assert np.all(np.abs(h) <= 0.1)


def test_deterministic_per_trial():
    task = LatchTask(T=8, L=3, s=0.2)
    a = sample_data(task, trial_rngs(5, range(4)))
    b = sample_data(task, trial_rngs(5, [2, 3]))
    np.testing.assert_array_equal(a.noise[2:], b.noise)


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"T": 2, "L": 3}, "T"),
        ({"T": 5, "L": 0}, "L"),
        ({"T": 5, "s": -0.1}, "s="),
        ({"T": 5, "s": float("nan")}, "s="),
        ({"T": 5, "n_per_class": 0}, "n_per_class"),
        ({"T": 5, "T_min": 1}, "T_min"),
        ({"T": 5, "target": 1.5}, "target"),
        ({"T": 5.5}, "T"),
    ],
)
def test_bad_input_raises(kwargs, word):
    with pytest.raises(ValueError, match=word):
        LatchTask(**kwargs)


def test_bad_lengths_and_variances():
    task = LatchTask(T=10, L=3)
    with pytest.raises(ValueError, match="lengths"):
        sample_data(task, trial_rngs(0, range(1)), lengths=np.array([2]))
    with pytest.raises(ValueError, match="s="):
        sample_data(task, trial_rngs(0, range(1)), s=[-1.0])
    with pytest.raises(ValueError, match="rngs"):
        sample_data(task, [])
