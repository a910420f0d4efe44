"""The contract every learner keeps on every task, in the spirit of scikit-learn's
``parametrize_with_checks``: one set of checks, run on each (learner, task) pair of the training core.

A learner that is added to :data:`longdeps.learning.rules.RULES` (or a task added to
:data:`longdeps.tasks.registry.TASKS`) is checked here without writing a new test.  Each learner:

* solves an easy instance (short sequences, no noise);
* counts sequence presentations as the papers do: one forward pass of one sequence through the
  network (counted here independently, by watching the network's forward passes);
* survives a diverging run without crashing the batch or changing the other runs;
* gives identical results for the same seed whatever the batching of runs;
* rejects bad input with a clear error.
"""

import dataclasses

import numpy as np
import pytest

from longdeps.learning.fit import fit
from longdeps.learning.rules import RULES, make_learner, stop_rules
from longdeps.models.registry import default_model
from longdeps.runner import trial_rngs
from longdeps.tasks.registry import TASKS, make_task

#: the easy instance of each task: no noise, short sequences (two-sequence needs T > N = 3)
EASY_T = {"latch": 3, "two_sequence": 5, "parity": 2}
#: hyperparameters that make a learner's easy instance quick (None: the paper's defaults)
QUICK = {"guessing": {"chunk": 1}}
PAIRS = [(learner, task) for task in TASKS for learner in RULES]
IDS = [f"{learner}-{task}" for learner, task in PAIRS]
N_SEQ = 10


def setup(learner_name, task_name, runs, seed=0, **hyper):
    task = make_task(task_name, T=EASY_T[task_name], noise=0.0)
    learner = make_learner(
        learner_name, default_model(task_name, task), task, **{**QUICK.get(learner_name, {}), **hyper}
    )
    rngs = trial_rngs(seed, runs)
    train = task.sample(rngs, N_SEQ)
    theta0 = learner.model.init(rngs)
    return task, learner, rngs, train, theta0


def run(learner_name, task_name, runs, seed=0, max_steps=300, theta0=None):
    task, learner, rngs, train, theta = setup(learner_name, task_name, runs, seed)
    if theta0 is not None:
        theta = theta0
    return fit(
        learner,
        task,
        learner.model,
        theta,
        rngs,
        train=train,
        max_steps=max_steps,
        stop=stop_rules(learner_name),
    )


@pytest.mark.parametrize("learner_name,task_name", PAIRS, ids=IDS)
def test_solves_an_easy_instance(learner_name, task_name):
    res = run(learner_name, task_name, range(6))
    assert res.converged.any(), (
        f"{learner_name} solved none of 6 runs of {task_name} at T={EASY_T[task_name]}"
    )
    assert np.all(res.errors[res.converged] == 0) and not res.diverged.any()
    c = res.converged  # a run that starts solved uses 0 steps and 0 presentations; any other uses some
    assert np.all((res.presentations[c] > 0) | (res.steps[c] == 0))


def forward_passes(learner, task, train, theta0, rngs, steps=3):
    """(presentations the learner reported, sequences its steps pushed through the network)."""
    model, passed = learner.model, []
    forward = model.forward

    def counting_forward(theta, batch, *args, **kwargs):
        passed.append(int(np.prod(batch.lengths.shape)))  # runs x sequences through the network
        return forward(theta, batch, *args, **kwargs)

    object.__setattr__(model, "forward", counting_forward)
    try:
        state, reported = learner.init(theta0, rngs), 0
        for _ in range(steps):
            state, used = learner.step(state, train, rngs)
            assert used.shape == (len(rngs),) and used.dtype.kind == "i"
            reported += int(used.sum())
    finally:
        object.__delattr__(model, "forward")
    return reported, sum(passed)


@pytest.mark.parametrize("learner_name,task_name", PAIRS, ids=IDS)
def test_counts_one_presentation_per_forward_pass_of_one_sequence(learner_name, task_name):
    """The presentations a learner reports equal the sequences its own steps pushed through the
    network (the fit loop's stopping evaluations are bookkeeping, not learning: not counted).  With
    shuffled targets nothing can be solved, so the two counts must agree exactly; on the easy one a
    search learner that solves mid-step is charged only up to its solving evaluation (what a
    one-at-a-time search would have used), never more than it pushed through."""
    task = make_task(task_name, T=12, noise=0.2)
    learner = make_learner(learner_name, default_model(task_name, task), task, **QUICK.get(learner_name, {}))
    rngs = trial_rngs(0, range(4))
    train = task.sample(rngs, N_SEQ)
    flip = np.where(np.random.default_rng(1).random(train.y.shape[:2]) < 0.5, -1.0, 1.0)
    train = dataclasses.replace(train, y=train.y * flip[..., None])  # labels no network can fit
    reported, passed = forward_passes(learner, task, train, learner.model.init(rngs), rngs)
    assert reported == passed > 0
    task, learner, rngs, train, theta0 = setup(learner_name, task_name, range(4))
    reported, passed = forward_passes(learner, task, train, theta0, rngs)
    assert 0 < reported <= passed


@pytest.mark.parametrize("learner_name,task_name", PAIRS, ids=IDS)
def test_a_diverging_run_is_a_failed_run_and_leaves_the_others_alone(learner_name, task_name):
    task, learner, rngs, train, theta0 = setup(learner_name, task_name, range(4))
    bad = theta0.copy()
    bad[0, np.asarray(learner.model.mask) != 0] = np.nan
    with np.errstate(all="raise"):  # nothing may raise, even with floating-point errors trapped
        res = fit(
            learner, task, learner.model, bad, rngs, train=train, max_steps=20, stop=stop_rules(learner_name)
        )
    assert res.diverged[0] and not res.converged[0]
    _, _, rngs_alone, train_alone, theta_alone = setup(learner_name, task_name, range(1, 4))
    np.testing.assert_array_equal(theta_alone, theta0[1:])
    alone = fit(
        learner,
        task,
        learner.model,
        theta_alone,
        rngs_alone,
        train=train_alone,
        max_steps=20,
        stop=stop_rules(learner_name),
    )
    np.testing.assert_array_equal(res.theta[1:], alone.theta)
    np.testing.assert_array_equal(res.presentations[1:], alone.presentations)


@pytest.mark.parametrize("learner_name,task_name", PAIRS, ids=IDS)
def test_same_seed_same_results_whatever_the_batching(learner_name, task_name):
    whole = run(learner_name, task_name, range(6), seed=3, max_steps=25)
    parts = [run(learner_name, task_name, idx, seed=3, max_steps=25) for idx in (range(2), range(2, 6))]
    for field in ("theta", "presentations", "converged", "steps", "loss"):
        np.testing.assert_array_equal(
            getattr(whole, field), np.concatenate([getattr(p, field) for p in parts])
        )


@pytest.mark.parametrize("learner_name", list(RULES))
def test_rejects_bad_input(learner_name):
    task, learner, rngs, train, theta0 = setup(learner_name, "parity", range(2))
    with pytest.raises(ValueError, match=r"shape"):
        fit(learner, task, learner.model, theta0[:, :-1], rngs, train=train, max_steps=5)
    with pytest.raises(ValueError, match="max_steps"):
        fit(learner, task, learner.model, theta0, rngs, train=train, max_steps=-1)
    with pytest.raises(ValueError, match="max_presentations"):
        fit(learner, task, learner.model, theta0, rngs, train=train, max_steps=5, max_presentations=-10)


def test_unknown_names_and_bad_task_sizes_fail_with_the_valid_choices():
    with pytest.raises(KeyError, match="unknown learner 'gradient_free'; valid learners: backprop"):
        make_learner("gradient_free", None, None)
    with pytest.raises(KeyError, match="unknown task 'adding'; valid tasks: latch, two_sequence, parity"):
        make_task("adding", T=10)
    with pytest.raises(ValueError, match="T=0"):
        make_task("parity", T=0)
    with pytest.raises(ValueError, match="noise"):
        make_task("latch", T=10, noise=-0.1)
    with pytest.raises(ValueError, match="N=10"):
        make_task("two_sequence", T=10, N=10)
