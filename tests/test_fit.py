"""The fit loop, the learner protocol and the two learners (gradient, random guessing).

Most tests use small stand-ins defined here (a one-neuron model and a "remember the first input's
sign" task obeying the design's interfaces), so they test the loop alone; the contract tests at the
end run every learner on the book's own tasks and networks.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pytest

from longdeps.learning import DIVERGED, LearningResult
from longdeps.learning.fit import Evaluation, FitResult, evaluation_steps, fit, patience, until_success
from longdeps.learning.gradient import GradientLearner
from longdeps.learning.protocol import put, repeat_runs, take, take_sequences
from longdeps.learning.random_search import RandomGuessing


# ---------------------------------------------------------------------------------------- stand-ins
@dataclass(frozen=True)
class ToyBatch:
    u: np.ndarray  # (R, B, T, 1)
    lengths: np.ndarray  # (R, B)
    y: np.ndarray  # (R, B, 1)
    cls: np.ndarray  # (R, B)

    @property
    def n_runs(self):
        return self.u.shape[0]

    @property
    def n_seq(self):
        return self.u.shape[1]

    def take(self, runs):
        return ToyBatch(self.u[runs], self.lengths[runs], self.y[runs], self.cls[runs])


@dataclass(frozen=True)
class ToyTask:
    """Remember the sign of the first input (+-1) through T - 1 steps of U[-noise, noise] noise."""

    T: int = 6
    noise: float = 0.1
    tol: float = 0.6
    fresh: bool = False
    n_in = 1
    n_out = 1

    def sample(self, rngs, n):
        u, lengths, cls = [], [], []
        for rng in rngs:
            c = rng.integers(0, 2, n)
            ln = rng.integers(max(1, self.T // 2), self.T + 1, n)
            x = rng.uniform(-self.noise, self.noise, (n, self.T, 1))
            x[:, 0, 0] = 2 * c - 1
            x[np.arange(self.T)[None, :] >= ln[:, None]] = 0.0
            u.append(x), lengths.append(ln), cls.append(c)
        cls = np.stack(cls)
        return ToyBatch(np.stack(u), np.stack(lengths), (0.8 * (2 * cls - 1))[..., None].astype(float), cls)

    def loss(self, out, batch):
        return 0.5 * ((out - batch.y) ** 2).sum(axis=(1, 2))

    def loss_grad(self, out, batch):
        return out - batch.y

    def loss_curv(self, out, batch):
        return np.ones_like(out)

    def errors(self, out, batch):
        return (np.sign(out) != np.sign(batch.y)).any(axis=-1).mean(axis=1)

    def success(self, out, batch):
        return np.all(np.abs(out - batch.y) < self.tol, axis=(1, 2))


@dataclass(frozen=True)
class ToyTrace:
    x: np.ndarray  # (R, B, T + 1)
    out: np.ndarray  # (R, B, 1)
    u: np.ndarray
    lengths: np.ndarray


@dataclass(frozen=True)
class ToyGrads:
    grad: np.ndarray
    curv: np.ndarray | None = None


@dataclass(frozen=True)
class ToyNeuron:
    """a_t = w x_{t-1} + v u_t + b, x_t = tanh(a_t), out = x_{T_p}; theta = (w, v, b)."""

    mask: np.ndarray = dataclasses.field(default_factory=lambda: np.ones(3))
    n_params = 3

    def init(self, rngs):
        return np.stack([rng.uniform(-0.5, 0.5, 3) for rng in rngs]) * self.mask

    def forward(self, theta, batch):
        w, v, b = (theta[:, i, None] for i in range(3))
        u = batch.u[..., 0]
        R, B, T = u.shape
        x = np.zeros((R, B, T + 1))
        for t in range(1, T + 1):
            x[:, :, t] = np.tanh(w * x[:, :, t - 1] + v * u[:, :, t - 1] + b)
        out = np.take_along_axis(x, batch.lengths[..., None], axis=2)
        return ToyTrace(x, out, u, batch.lengths)

    def backward(self, theta, trace, dL, per_step=False, curvature=None):
        w = theta[:, 0, None]
        R, B, T = trace.u.shape
        g = np.zeros((R, 3))
        c = np.zeros((R, 3))
        nxt = np.zeros((R, B))
        nxt2 = np.zeros((R, B))
        for t in range(T, 0, -1):
            end = trace.lengths == t
            fp = 1 - trace.x[:, :, t] ** 2
            delta = fp * (np.where(end, dL[..., 0], 0.0) + w * nxt)
            g += np.stack([delta * trace.x[:, :, t - 1], delta * trace.u[:, :, t - 1], delta], -1).sum(1)
            if curvature is not None:
                D = fp**2 * (np.where(end, curvature[..., 0], 0.0) + w**2 * nxt2)
                c += np.stack([D * trace.x[:, :, t - 1] ** 2, D * trace.u[:, :, t - 1] ** 2, D], -1).sum(1)
                nxt2 = D
            nxt = delta
        return ToyGrads(g * self.mask, None if curvature is None else c * self.mask)


class SgdState(NamedTuple):
    lr: np.ndarray  # (R,)
    v: np.ndarray  # (R, n) velocity


class ToyMomentum:
    """v <- beta v - lr g; update = v (lr one per run, kept in the state)."""

    def __init__(self, lr, beta=0.0):
        self.lr, self.beta = lr, beta

    def init(self, theta):
        return SgdState(np.broadcast_to(np.asarray(self.lr, float), theta.shape[:1]), np.zeros_like(theta))

    def update(self, grads, state, theta=None, curv=None):
        g = grads if curv is None else grads / (np.abs(curv) + 1.0)
        v = self.beta * state.v - state.lr[:, None] * g
        return v, SgdState(state.lr, v)


def rngs_for(seed, runs):
    return [np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(i),))) for i in runs]


def toy_setup(runs, task=None, model=None, n=8, seed=0):
    task, model = task or ToyTask(), model or ToyNeuron()
    rngs = rngs_for(seed, runs)
    theta0 = model.init(rngs)
    return task, model, theta0, rngs, (None if task.fresh else task.sample(rngs, n))


def fit_toy(learner_fn, runs, seed=0, **kw):
    task, model, theta0, rngs, train = toy_setup(runs, seed=seed)
    return fit(learner_fn(model, task), task, model, theta0, rngs, train=train, **kw)


def assert_same(a: FitResult, b: FitResult):
    for k, v in a.as_dict().items():
        np.testing.assert_array_equal(v, b.as_dict()[k], err_msg=k)


def concat(parts: list[FitResult]) -> FitResult:
    d = [p.as_dict() for p in parts]
    flat = {k: np.concatenate([x[k] for x in d]) for k in d[0]}
    hist = {k[len("history_") :]: v for k, v in flat.items() if k.startswith("history_")}
    return FitResult(**{k: v for k, v in flat.items() if not k.startswith("history_")}, history=hist)


LEARNERS = {
    "batch": lambda m, t: GradientLearner(m, t, ToyMomentum(0.3, 0.5)),
    "online": lambda m, t: GradientLearner(m, t, ToyMomentum(0.1), online=True),
    "pseudo_newton": lambda m, t: GradientLearner(m, t, ToyMomentum(0.3), curvature=True),
    "guessing": lambda m, t: RandomGuessing(m, t, scale=4.0, chunk=3),
}


# ------------------------------------------------------------------------------------------ the toys
def test_toy_neuron_gradient_and_curvature_match_finite_differences():
    task, model, theta, rngs, batch = toy_setup(range(3), n=5)
    tr = model.forward(theta, batch)
    g = model.backward(theta, tr, task.loss_grad(tr.out, batch), curvature=np.ones_like(tr.out))
    eps = 1e-6
    for i in range(3):
        d = np.zeros(3)
        d[i] = eps
        num = (
            task.loss(model.forward(theta + d, batch).out, batch)
            - task.loss(model.forward(theta - d, batch).out, batch)
        ) / (2 * eps)
        np.testing.assert_allclose(g.grad[:, i], num, rtol=1e-6, atol=1e-9)
    assert np.all(g.curv >= 0)


# --------------------------------------------------------------------------------------- batch split
@pytest.mark.parametrize("name", list(LEARNERS))
def test_same_seed_same_results_whatever_the_split(name):
    kw = dict(max_steps=30, eval_every=2)
    whole = fit_toy(LEARNERS[name], range(6), **kw)
    split = concat([fit_toy(LEARNERS[name], range(2), **kw), fit_toy(LEARNERS[name], range(2, 6), **kw)])
    assert_same(whole, split)
    assert whole.history["loss"].shape == (6, len(evaluation_steps(30, 2)))


def test_fresh_task_same_results_whatever_the_split():
    task = ToyTask(fresh=True)

    def one(runs):
        _, model, theta0, rngs, _ = toy_setup(runs, task=task)
        learner = GradientLearner(model, task, ToyMomentum(0.2))
        return fit(learner, task, model, theta0, rngs, max_steps=12, batch_size=4, valid=16, eval_every=3)

    whole = one(range(5))
    assert_same(whole, concat([one(range(3)), one(range(3, 5))]))
    assert np.all(whole.presentations == 4 * whole.steps)


def test_fresh_task_draws_a_new_batch_every_step():
    task = ToyTask(fresh=True)
    seen = []

    class Recording(GradientLearner):
        def step(self, state, batch, rngs):
            seen.append(batch.u.copy())
            return super().step(state, batch, rngs)

    _, model, theta0, rngs, _ = toy_setup(range(2), task=task)
    fit(
        Recording(model, task, ToyMomentum(0.0)),
        task,
        model,
        theta0,
        rngs,
        max_steps=3,
        batch_size=4,
        stop=(),
    )
    assert len(seen) == 3 and not np.array_equal(seen[0], seen[1])


# --------------------------------------------------------------------------------------- counting
def test_a_run_that_starts_solved_takes_no_step():
    task, model, _, rngs, train = toy_setup(range(3))
    theta0 = np.array([[3.0, 3.0, 0.0], [0.1, 0.1, 0.0], [3.0, 3.0, 0.0]])  # runs 0 and 2 latch
    res = fit(
        GradientLearner(model, task, ToyMomentum(0.0)), task, model, theta0, rngs, train=train, max_steps=5
    )
    assert res.converged.tolist() == [True, False, True]
    assert res.steps.tolist() == [0, 5, 0] and res.presentations.tolist() == [0, 40, 0]
    np.testing.assert_array_equal(res.history["presentations"][0], 0)


@pytest.mark.parametrize("online", [False, True])
def test_gradient_learner_counts_each_sequence_once_per_step(online):
    res = fit_toy(lambda m, t: GradientLearner(m, t, ToyMomentum(0.2), online=online), range(4), max_steps=7)
    np.testing.assert_array_equal(res.presentations, 8 * res.steps)


def test_online_with_one_sequence_equals_batch():
    task, model, theta0, rngs, _ = toy_setup(range(3))
    train = task.sample(rngs_for(9, range(3)), 1)
    a, b = (
        fit(
            GradientLearner(model, task, ToyMomentum(0.2), online=o),
            task,
            model,
            theta0,
            rngs_for(1, range(3)),
            train=train,
            max_steps=10,
            stop=(),
        )
        for o in (False, True)
    )
    np.testing.assert_allclose(a.theta, b.theta, rtol=1e-12)


def test_online_order_comes_from_each_runs_generator():
    task, model, theta0, rngs, train = toy_setup(range(2))
    learner = GradientLearner(model, task, ToyMomentum(0.3), online=True)
    s0 = learner.init(theta0)
    a, _ = learner.step(s0, train, rngs_for(1, range(2)))
    b, _ = learner.step(s0, train, rngs_for(2, range(2)))
    c, _ = learner.step(s0, train, rngs_for(1, range(2)))
    assert not np.allclose(a.theta, b.theta)
    np.testing.assert_array_equal(a.theta, c.theta)


def test_random_guessing_charges_guesses_up_to_the_solving_one_whatever_the_chunk():
    results = [
        fit_toy(lambda m, t, k=k: RandomGuessing(m, t, scale=4.0, chunk=k), range(6), max_steps=200 // k)
        for k in (1, 5)
    ]
    a, b = results
    assert a.converged.any()
    np.testing.assert_array_equal(a.presentations, 8 * a.state.guesses)
    ok = a.converged & b.converged
    np.testing.assert_array_equal(a.presentations[ok], b.presentations[ok])
    np.testing.assert_array_equal(a.theta[ok], b.theta[ok])
    assert np.all(a.presentations % 8 == 0)


def test_random_guessing_keeps_frozen_coordinates_and_the_range():
    task = ToyTask()
    model = ToyNeuron(mask=np.array([1.0, 1.0, 0.0]))
    _, _, theta0, rngs, train = toy_setup(range(4), task=task, model=model)
    theta0[:, 2] = 0.25
    learner = RandomGuessing(model, task, scale=2.0, chunk=4)
    state, used = learner.step(learner.init(theta0), train, rngs)
    assert np.all(state.theta[:, 2] == 0.25) and np.all(np.abs(state.theta) <= 2.0)
    assert np.all(used == np.where(state.solved, state.guesses, 4) * 8)


def test_evaluation_passes_are_not_counted():
    res = fit_toy(LEARNERS["batch"], range(3), max_steps=9, eval_every=1, stop=())
    assert res.presentations.tolist() == [72] * 3  # 9 steps x 8 sequences; 10 evaluations add nothing


# ------------------------------------------------------------------------------------------ stopping
def test_step_budget_and_history_columns():
    res = fit_toy(LEARNERS["batch"], range(3), max_steps=10, eval_every=3, stop=())
    assert evaluation_steps(10, 3).tolist() == [0, 3, 6, 9, 10]
    np.testing.assert_array_equal(res.history["steps"], np.tile([0, 3, 6, 9, 10], (3, 1)))
    np.testing.assert_array_equal(res.history["loss"][:, -1], res.loss)
    assert (res.steps == 10).all() and res.history["presentations"].dtype == np.int64


def test_stopped_runs_keep_their_final_values_in_later_columns():
    res = fit_toy(LEARNERS["guessing"], range(6), max_steps=40, eval_every=2)
    for r in np.flatnonzero(res.converged):
        col = res.steps[r] // 2
        for k in ("loss", "errors", "presentations", "steps"):
            assert np.all(res.history[k][r, col:] == res.history[k][r, col]), k
        assert res.history["steps"][r, col] == res.steps[r]


def test_presentation_budget():
    res = fit_toy(LEARNERS["batch"], range(3), max_steps=100, max_presentations=20, stop=())
    assert res.presentations.tolist() == [24] * 3 and res.steps.tolist() == [3] * 3  # 8 per step
    np.testing.assert_array_equal(res.history["presentations"][:, 3:], 24)


def test_patience_stops_a_run_that_no_longer_improves():
    res = fit_toy(
        lambda m, t: GradientLearner(m, t, ToyMomentum(0.0)),
        range(2),
        max_steps=50,
        eval_every=2,
        stop=patience(3),
    )
    assert res.steps.tolist() == [6, 6]  # best at step 0, then 3 evaluations without improvement


def test_custom_stop_rule_sees_the_evaluation_record():
    seen: list[Evaluation] = []

    def rule(ev):
        seen.append(ev)
        return ev.steps >= 4

    res = fit_toy(LEARNERS["batch"], range(3), max_steps=10, eval_every=2, stop=(rule,))
    assert res.steps.tolist() == [4, 4, 4]
    assert [e.steps[0] for e in seen] == [0, 2, 4] and seen[0].runs.tolist() == [0, 1, 2]
    assert np.all(seen[-1].best_loss <= seen[-1].loss)
    np.testing.assert_array_equal(seen[-1].state.theta, res.theta)  # the learner's state of those runs


def test_a_stop_rule_may_ask_the_learners_state():
    rule = lambda ev: ev.state.guesses >= 6  # noqa: E731 -- at most 6 guesses (chunk 3: 2 steps)
    res = fit_toy(LEARNERS["guessing"], range(6), max_steps=40, stop=(until_success, rule))
    assert np.all((res.state.guesses == 6) | res.converged) and res.steps.max() <= 2
    alone = fit_toy(LEARNERS["guessing"], range(6), max_steps=40, stop=rule)  # solved runs idle on
    np.testing.assert_array_equal(alone.presentations, res.presentations)


def test_until_success_is_the_default():
    res = fit_toy(LEARNERS["batch"], range(6), max_steps=300)
    assert res.converged.any()
    assert np.all(res.steps[res.converged] < 300)
    assert until_success(Evaluation(*(np.zeros(1),) * 5, np.array([True]), *(np.zeros(1),) * 2))[0]


# ---------------------------------------------------------------------------------------- divergence
@dataclass(frozen=True)
class Exploding:
    """Multiplies theta by ``factor`` each step for the runs with ``theta[:, 2] > 0``, else does nothing."""

    factor: float = 1e4

    def init(self, theta0, rngs=None):
        return {"theta": np.array(theta0, float)}

    def step(self, state, batch, rngs):
        th = state["theta"]
        boom = th[:, 2:3] > 0
        return {"theta": np.where(boom, th * self.factor, th)}, np.full(len(th), 8)

    def params(self, state):
        return state["theta"]


@pytest.mark.parametrize("factor", [1e4, np.inf])
def test_a_diverging_run_fails_alone(factor):
    task, model, theta0, rngs, train = toy_setup(range(4))
    theta0[:, 2] = [0.1, -0.1, 0.2, -0.2]
    res = fit(Exploding(factor), task, model, theta0, rngs, train=train, max_steps=6, stop=())
    assert res.diverged.tolist() == [True, False, True, False]
    assert not res.converged[res.diverged].any()
    assert res.steps.tolist() == ([2, 6, 2, 6] if factor == 1e4 else [1, 6, 1, 6])
    assert np.all(res.history["steps"][[0, 2], -1] == res.steps[[0, 2]])


def test_huge_learning_rate_diverges_without_warnings_or_errors():
    with np.errstate(all="raise"):
        res = fit_toy(lambda m, t: GradientLearner(m, t, ToyMomentum(1e200)), range(3), max_steps=5)
    assert res.diverged.all() and not res.converged.any()
    assert (np.abs(res.theta) > DIVERGED).any(axis=1).all() or not np.isfinite(res.theta).all()


# -------------------------------------------------------------------------------------- frozen, mask
def test_frozen_coordinates_never_move():
    model = ToyNeuron(mask=np.array([1.0, 0.0, 1.0]))
    task, _, theta0, rngs, train = toy_setup(range(3), model=model)
    theta0[:, 1] = 0.7
    res = fit(
        GradientLearner(model, task, ToyMomentum(0.3, 0.9), online=True),
        task,
        model,
        theta0,
        rngs,
        train=train,
        max_steps=5,
        stop=(),
    )
    np.testing.assert_array_equal(res.theta[:, 1], 0.7)


# ------------------------------------------------------------------------------------ state helpers
@dataclass(frozen=True)
class Nested:
    theta: np.ndarray
    opt: tuple
    counts: dict
    note: str = "kept"


def nested(R):
    return Nested(
        np.arange(R * 2.0).reshape(R, 2),
        (SgdState(np.ones(R), np.zeros((R, 2))), np.float64(3)),
        {"n": np.zeros(R, dtype=np.int64)},
    )


def test_take_and_put_walk_nested_states():
    s = nested(4)
    sub = take(s, np.array([1, 3]))
    assert sub.theta.tolist() == [[2, 3], [6, 7]] and sub.note == "kept" and sub.opt[1] == 3
    sub = dataclasses.replace(sub, counts={"n": np.array([5, 6])})
    out = put(s, np.array([1, 3]), sub)
    assert out.counts["n"].tolist() == [0, 5, 0, 6]
    mask = np.array([True, False, True, False])
    np.testing.assert_array_equal(take(s, mask).theta, s.theta[mask])


def test_put_promotes_dtypes_and_rejects_misfits():
    s = {"n": np.zeros(3, dtype=np.int64)}
    out = put(s, [0], {"n": np.array([0.5])})
    assert out["n"].dtype == float and out["n"].tolist() == [0.5, 0, 0]
    frozen = {"n": np.broadcast_to(np.zeros(1), (3,))}  # read-only: replaced by a copy
    assert put(frozen, [2], {"n": np.array([1.0])})["n"].tolist() == [0, 0, 1]
    with pytest.raises(ValueError, match="does not fit"):
        put(s, [0], {"n": np.zeros((1, 2))})


def test_take_sequences_keeps_per_run_fields():
    from longdeps.tasks.two_sequence import TwoSequence

    task = TwoSequence(T=8)
    batch = task.sample(rngs_for(0, range(3)), 4)
    idx = np.array([[3, 0], [1, 1], [2, 3]])
    sub = take_sequences(batch, idx)
    assert sub.u.shape == (3, 2, 8, 1) and sub.keys is batch.keys
    np.testing.assert_array_equal(sub.u[2, 0], batch.u[2, 2])
    np.testing.assert_array_equal(sub.lengths, np.take_along_axis(batch.lengths, idx, 1))
    rep = repeat_runs(batch, 3)
    assert (
        rep.n_runs == 9
        and np.array_equal(rep.keys[4], batch.keys[1])
        and np.array_equal(rep.u[5], batch.u[1])
    )


# ------------------------------------------------------------------------------------------ validation
@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"max_steps": -1}, "max_steps"),
        ({"max_steps": 2.5}, "max_steps"),
        ({"max_steps": 3, "eval_every": 0}, "eval_every"),
        ({"max_steps": 3, "max_presentations": -2}, "max_presentations"),
        ({"max_steps": 3, "stop": [3]}, "stop"),
        ({"max_steps": 3, "train": None}, "training set"),
    ],
)
def test_bad_arguments_are_named(kw, match):
    task, model, theta0, rngs, train = toy_setup(range(2))
    kw = {"train": train, **kw}
    with pytest.raises(ValueError, match=match):
        fit(LEARNERS["batch"](model, task), task, model, theta0, rngs, **kw)


def test_bad_shapes_are_named():
    task, model, theta0, rngs, train = toy_setup(range(2))
    learner = LEARNERS["batch"](model, task)
    with pytest.raises(ValueError, match="one generator per run"):
        fit(learner, task, model, theta0, rngs[:1], train=train, max_steps=1)
    with pytest.raises(ValueError, match="theta0 must have shape"):
        fit(learner, task, model, theta0[:, :2], rngs, train=train, max_steps=1)
    with pytest.raises(ValueError, match="batch_size"):
        fit(learner, ToyTask(fresh=True), model, theta0, rngs, max_steps=1)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda m, t: RandomGuessing(m, t, scale=0.0), "scale"),
        (lambda m, t: RandomGuessing(m, t, chunk=0), "chunk"),
        (lambda m, t: RandomGuessing(m, t, chunk=2.0), "chunk"),
        (lambda m, t: GradientLearner(m, t, ToyMomentum(0.1), online="yes"), "online"),
        (lambda m, t: GradientLearner(m, t, object()), "tx"),
        (lambda m, t: patience(0), "patience"),
    ],
)
def test_bad_hyperparameters_are_named(make, match):
    with pytest.raises(ValueError, match=match):
        make(ToyNeuron(), ToyTask())


def test_old_names_still_import():
    assert LearningResult.__name__ == "LearningResult" and DIVERGED == 1e6


# ------------------------------------------------------------------- contract: the book's components
def book_problems():
    from longdeps.models import rnn
    from longdeps.tasks.latch_v import LatchV
    from longdeps.tasks.parity import Parity
    from longdeps.tasks.two_sequence import TwoSequence

    return {
        "latch": (LatchV(T=10), rnn.LatchNet(L=1)),
        "two_sequence": (TwoSequence(T=10), rnn.fully_connected()),
        "parity": (Parity(T=8), rnn.parity_net()),
    }


def book_learners():
    from longdeps import optim

    return {
        "batch": lambda m, t: GradientLearner(m, t, optim.sgd(0.05)),
        "online": lambda m, t: GradientLearner(m, t, optim.nesterov(0.02, 0.9), online=True),
        "pseudo_newton": lambda m, t: GradientLearner(
            m, t, optim.chain(optim.scale_by_curvature(1.0), optim.sgd(0.05)), curvature=True
        ),
        "guessing": lambda m, t: RandomGuessing(m, t, scale=5.0, chunk=4),
    }


@pytest.mark.parametrize("learner", ["batch", "online", "pseudo_newton", "guessing"])
@pytest.mark.parametrize("problem", ["latch", "two_sequence", "parity"])
def test_every_learner_on_every_book_task(learner, problem):
    task, model = book_problems()[problem]
    make = book_learners()[learner]

    def one(runs):
        rngs = rngs_for(11, runs)
        theta0 = model.init(rngs)
        train = task.sample(rngs, 6)
        return fit(make(model, task), task, model, theta0, rngs, train=train, max_steps=4, eval_every=2)

    whole = one(range(5))
    assert_same(whole, concat([one(range(2)), one(range(2, 5))]))
    assert whole.theta.shape == (5, model.n_params) and not whole.diverged.any()
    assert np.all((whole.presentations > 0) | (whole.steps == 0))
    frozen = model.mask == 0
    rngs = rngs_for(11, range(5))
    np.testing.assert_array_equal(whole.theta[:, frozen], model.init(rngs)[:, frozen])
    if learner != "guessing":
        np.testing.assert_array_equal(whole.presentations, 6 * whole.steps)
