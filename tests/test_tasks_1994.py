"""The three problems of BSF94 Section V-E / Bengio & Frasconi 1994 Section 7 (latch, 2-sequence, parity):
shapes, per-run determinism, lengths and padding, class balance, labels, keys, the cost and its
derivatives, errors and success, and bad input."""

import numpy as np
import pytest

from longdeps.runner import trial_rngs
from longdeps.tasks.base import SequenceBatch, length_bounds
from longdeps.tasks.latch_v import LatchV
from longdeps.tasks.parity import Parity, parity_of
from longdeps.tasks.two_sequence import TwoSequence, TwoSequenceBatch

TASKS = [LatchV(T=11), TwoSequence(T=11), Parity(T=11)]
IDS = ["latch", "two_sequence", "parity"]


@pytest.mark.parametrize("task", TASKS, ids=IDS)
def test_shapes_and_types(task):
    batch = task.sample(trial_rngs(0, range(3)), 8)
    assert batch.u.shape == (3, 8, 11, task.n_in)
    assert batch.lengths.shape == batch.cls.shape == (3, 8)
    assert batch.y.shape == (3, 8, task.n_out)
    assert np.issubdtype(batch.lengths.dtype, np.integer) and np.issubdtype(batch.cls.dtype, np.integer)
    assert batch.n_runs == 3 and batch.n_seq == 8 and batch.T == 11
    assert task.fresh is False


@pytest.mark.parametrize("task", TASKS, ids=IDS)
def test_run_data_depends_only_on_its_generator(task):
    a = task.sample(trial_rngs(5, range(4)), 6)
    b = task.sample(trial_rngs(5, [2, 3]), 6)
    c = a.take(np.array([False, False, True, True]))
    assert type(c) is type(a)
    for name in a.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(a, name)[2:], getattr(b, name))
        np.testing.assert_array_equal(getattr(c, name), getattr(b, name))


@pytest.mark.parametrize("task", [LatchV(T=9), TwoSequence(T=9), Parity(T=9)], ids=IDS)
def test_lengths_uniform_in_half_T_to_T_and_padding(task):
    batch = task.sample(trial_rngs(1, range(2)), 400)
    assert length_bounds(9) == (5, 9)
    assert batch.lengths.min() == 5 and batch.lengths.max() == 9
    counts = np.bincount(batch.lengths.ravel(), minlength=10)[5:]
    assert counts.min() > 0.15 * 800 and counts.max() < 0.25 * 800  # 5 values, 20% each
    after = np.arange(9) >= batch.lengths[..., None]
    assert np.all(batch.u[..., 0][after] == 0)
    last = np.take_along_axis(batch.u[..., 0], (batch.lengths - 1)[..., None], axis=-1)
    assert np.all(last != 0)  # the noise (latch, 2-sequence) or a bit (parity) ends each sequence


def test_lengths_keep_the_key_and_the_latch_input():
    assert TwoSequence(T=4, N=3).sample(trial_rngs(0, range(2)), 200).lengths.min() == 3
    assert LatchV(T=6, L=5).sample(trial_rngs(0, range(2)), 200).lengths.min() == 5
    assert length_bounds(1) == (1, 1)
    assert np.all(Parity(T=1).sample(trial_rngs(0, range(2)), 5).lengths == 1)


@pytest.mark.parametrize("task", TASKS, ids=IDS)
@pytest.mark.parametrize("n", [10, 7])
def test_classes_balanced_and_targets(task, n):
    batch = task.sample(trial_rngs(2, range(5)), n)
    assert np.all((batch.cls == 0).sum(axis=1) == -(-n // 2))
    assert np.all((batch.cls == 1).sum(axis=1) == n // 2)
    np.testing.assert_array_equal(batch.y[..., 0], np.where(batch.cls == 1, 0.8, -0.8))
    assert not np.all(batch.cls[:, :-1] <= batch.cls[:, 1:])  # shuffled, not sorted


def test_parity_labels_and_bits():
    task = Parity(T=12)
    batch = task.sample(trial_rngs(3, range(3)), 500)
    np.testing.assert_array_equal(parity_of(batch.u, batch.lengths), batch.cls)
    # by hand for one sequence
    r, p = 1, 17
    seq = batch.u[r, p, : batch.lengths[r, p], 0]
    assert (np.sum(seq > 0) % 2) == batch.cls[r, p]
    # noise-free: exact +-1 bits; the same stream gives the same bits as with noise (noise drawn last)
    clean = task.with_(noise=0.0).sample(trial_rngs(3, range(3)), 500)
    inside = np.arange(12) < clean.lengths[..., None]
    assert set(np.unique(clean.u[..., 0][inside])) == {-1.0, 1.0}
    np.testing.assert_array_equal(np.sign(batch.u), clean.u)
    assert np.max(np.abs(batch.u - clean.u)) <= 0.2
    # the parity-fixing last bit is still a fair coin, like every other bit
    last = np.take_along_axis(clean.u[..., 0], (clean.lengths - 1)[..., None], axis=-1)
    assert abs(last.mean()) < 0.08
    assert abs(clean.u[..., 0][inside].mean()) < 0.03


def test_two_sequence_keys_shared_within_a_class():
    task = TwoSequence(T=10, N=3, noise=0.0)
    batch = task.sample(trial_rngs(4, range(3)), 40)
    assert isinstance(batch, TwoSequenceBatch) and batch.keys.shape == (3, 2, 3)
    assert np.all(np.abs(batch.keys) <= 1.0)
    assert not np.allclose(batch.keys[0], batch.keys[1])  # each run its own problem
    for r in range(3):
        np.testing.assert_array_equal(batch.u[r, :, :3, 0], batch.keys[r][batch.cls[r]])
    assert np.all(batch.u[:, :, 3:] == 0)  # nothing but (zero) noise after the key
    noisy = task.with_(noise=0.2).sample(trial_rngs(4, range(3)), 40)
    np.testing.assert_array_equal(noisy.keys, batch.keys)
    err = noisy.u[..., :3, 0] - np.take_along_axis(noisy.keys, noisy.cls[..., None], axis=1)
    assert np.all(np.abs(err) <= 0.2) and err.std() > 0.05
    assert np.all(np.abs(noisy.u[..., 3:, 0]) <= 0.2)


def test_two_sequence_held_out_set_reuses_keys():
    task = TwoSequence(T=8)
    train = task.sample(trial_rngs(0, range(2)), 10)
    test = task.sample(trial_rngs(99, range(2)), 50, keys=train.keys)
    np.testing.assert_array_equal(test.keys, train.keys)
    clean = task.with_(noise=0.0).sample(trial_rngs(99, range(2)), 50, keys=train.keys)
    for r in range(2):
        np.testing.assert_array_equal(clean.u[r, :, :3, 0], train.keys[r][clean.cls[r]])
    with pytest.raises(ValueError, match="keys"):
        task.sample(trial_rngs(0, range(2)), 10, keys=np.zeros((2, 2, 4)))


def test_latch_inputs_are_noise_after_the_class_input():
    task = LatchV(T=20, L=2, noise=0.2)
    batch = task.sample(trial_rngs(6, range(2)), 300)
    assert np.all(batch.u[:, :, :2] == 0)  # the model adds u_k here
    inside = (np.arange(20) >= 2) & (np.arange(20) < batch.lengths[..., None])
    noise = batch.u[..., 0][inside]
    assert np.all(np.abs(noise) <= 0.2)
    assert noise.var() == pytest.approx(0.2**2 / 3, rel=0.05)  # U[-a, a] has variance a^2 / 3


def _fixed_batch():
    """Two runs of four sequences with targets -0.8, +0.8, +0.8, -0.8."""
    cls = np.array([[0, 1, 1, 0], [0, 1, 1, 0]])
    y = np.where(cls == 1, 0.8, -0.8)[..., None]
    return SequenceBatch(u=np.zeros((2, 4, 5, 1)), lengths=np.full((2, 4), 5), y=y, cls=cls)


@pytest.mark.parametrize("task", TASKS, ids=IDS)
def test_loss_grad_and_curvature_by_finite_differences(task):
    batch = task.sample(trial_rngs(7, range(2)), 5)
    out = np.random.default_rng(0).uniform(-1, 1, size=batch.y.shape)
    C = task.loss(out, batch)
    np.testing.assert_allclose(C, 0.5 * ((out - batch.y) ** 2).sum(axis=(1, 2)))
    grad, curv = task.loss_grad(out, batch), task.loss_curv(out, batch)
    assert grad.shape == curv.shape == out.shape
    eps = 1e-5
    for idx in [(0, 0, 0), (1, 3, 0), (0, 4, 0)]:
        e = np.zeros_like(out)
        e[idx] = eps
        plus, minus = task.loss(out + e, batch), task.loss(out - e, batch)
        r = idx[0]
        assert (plus[r] - minus[r]) / (2 * eps) == pytest.approx(grad[idx], rel=1e-6)
        assert (plus[r] - 2 * C[r] + minus[r]) / eps**2 == pytest.approx(curv[idx], rel=1e-3)
        assert plus[1 - r] == pytest.approx(C[1 - r])  # runs do not mix


def test_errors_and_success_on_hand_made_outputs():
    task = Parity(T=5)
    batch = _fixed_batch()
    out = np.array([[-0.7, 0.9, 0.05, -0.1], [-0.7, -0.2, 0.0, np.nan]])[..., None]
    np.testing.assert_allclose(task.errors(out, batch), [0.0, 0.75])  # 0 and NaN count as wrong
    np.testing.assert_array_equal(task.success(out, batch), [True, False])
    strict = task.with_(tol=0.4)  # every |out - d| < 0.4: 0.05 and -0.1 are too far
    np.testing.assert_array_equal(strict.success(out, batch), [False, False])
    good = np.array([[-0.7, 0.5, 0.6, -0.5]] * 2)[..., None]
    np.testing.assert_array_equal(strict.success(good, batch), [True, True])
    assert task.loss(out, batch)[0] == pytest.approx(0.5 * (0.01 + 0.01 + 0.75**2 + 0.7**2))
    assert np.isnan(task.loss(out, batch)[1])
    with pytest.raises(ValueError, match="shape"):
        task.loss(out[:, :3], batch)


@pytest.mark.parametrize(
    "make, word",
    [
        (lambda: LatchV(T=0), "T=0"),
        (lambda: LatchV(T=2.5), "T=2.5"),
        (lambda: LatchV(T=5, L=0), "L=0"),
        (lambda: LatchV(T=5, L=6), "L=6"),
        (lambda: LatchV(T=5, noise=-0.1), "noise=-0.1"),
        (lambda: Parity(T=0), "T=0"),
        (lambda: Parity(T=5, noise=float("nan")), "noise=nan"),
        (lambda: Parity(T=5, target=1.0), "target=1.0"),
        (lambda: Parity(T=5, tol=0.9), "tol=0.9"),
        (lambda: Parity(T=5, tol=0.0), "tol=0.0"),
        (lambda: TwoSequence(T=3, N=3), "N=3"),
        (lambda: TwoSequence(T=5, N=0), "N=0"),
        (lambda: TwoSequence(T=1, N=1), "T=1"),
        (lambda: TwoSequence(T=5, noise=-1), "noise=-1"),
        (lambda: TwoSequence(T=5).with_(N=7), "N=7"),
    ],
)
def test_bad_task_fields_raise(make, word):
    with pytest.raises(ValueError, match=word):
        make()


@pytest.mark.parametrize("task", TASKS, ids=IDS)
def test_bad_sample_arguments_raise(task):
    with pytest.raises(ValueError, match="n=0"):
        task.sample(trial_rngs(0, range(1)), 0)
    with pytest.raises(ValueError, match="n=2.0"):
        task.sample(trial_rngs(0, range(1)), 2.0)
    with pytest.raises(ValueError, match="rngs"):
        task.sample([], 4)


@pytest.mark.parametrize(
    "u, lengths, y, word",
    [
        ((2, 3, 4), (2, 3), (2, 3, 1), "u must be"),
        ((2, 3, 4, 1), (2, 2), (2, 3, 1), "lengths and cls"),
        ((2, 3, 4, 1), (2, 3), (2, 3), "y must be"),
    ],
)
def test_sequence_batch_checks_shapes(u, lengths, y, word):
    with pytest.raises(ValueError, match=word):
        SequenceBatch(u=np.zeros(u), lengths=np.ones(lengths, int), y=np.zeros(y), cls=np.zeros((2, 3), int))
