"""The chapter "Alternatives to gradient descent": the protocol (same data and start for every algorithm
of a trial), the experiments at the smoke profile (registered, deterministic, the same whatever the
executor), the reading of the parity tables, the presentation count and the explorer's backend."""

import numpy as np
import pytest

from longdeps.experiments import alternatives as al
from longdeps.experiments.alternatives import common, grid, paper
from longdeps.runner import trial_rngs


def test_experiments_are_registered_in_the_subpackage():
    from longdeps import experiments

    reg = experiments.load_all()
    for fn in (al.tables, al.fig4, al.discrete_readings):
        assert reg[fn.experiment_name] is fn
        assert fn.__module__.startswith("longdeps.experiments.alternatives.")


def test_every_algorithm_of_a_trial_gets_the_same_training_set_and_start():
    seeds = [int(np.random.default_rng(7).integers(0, 2**63 - 1))] * 2
    a = common.setup([np.random.default_rng(seeds[0])], "parity", 10)
    b = common.setup([np.random.default_rng(seeds[1])], "parity", 10)
    np.testing.assert_array_equal(a[2].u, b[2].u)
    np.testing.assert_array_equal(a[3], b[3])
    assert np.all(np.abs(a[3][:, np.asarray(a[1].mask) != 0]) <= 0.5)  # U[-0.5, 0.5]


@pytest.fixture(scope="module")
def smoke():
    t = al.tables("smoke", executor="serial")
    return t, al.fig4("smoke", executor="serial", tables_result=t)


def test_smoke_shapes_and_budgets(smoke):
    t, f = smoke
    for p in al.PROBLEMS:
        r = f[p]
        n_T, n_A = len(r["T"]), len(al.ALGORITHMS)
        assert r["errors"].shape == (2, n_T, n_A)
        assert np.all((r["errors"] >= 0) & (r["errors"] <= 1))
        for j, a in enumerate(al.ALGORITHMS):
            # the fit loop may overshoot the budget by part of one step, never by a whole step
            step = common.PROTOCOL.n_train * (16 if a == "guessing" else 10 if a == "multigrid" else 7)
            assert np.all(r["presentations"][:, :, j] <= r["budgets"][a] + step)


def test_online_learners_count_one_presentation_per_sequence_pass(smoke):
    _, f = smoke
    B = common.PROTOCOL.n_train
    for a in common.ONLINE:
        j = al.ALGORITHMS.index(a)
        assert np.all(f["parity"]["presentations"][:, :, j] % B == 0)


def test_results_do_not_depend_on_the_executor(smoke):
    t, _ = smoke
    again = al.tables("smoke", executor="processes")
    for p in ("two_sequence", "parity"):
        for k in ("errors", "presentations", "converged"):
            np.testing.assert_array_equal(t[p][k], again[p][k])


def test_a_cell_does_not_depend_on_the_other_cells():
    b = grid.budgets(200, 2000)
    one = common.problem_trial(
        trial_rngs(3, [0, 1]), problem="parity", Ts=[3, 5], algorithms=["backprop"], budgets=b
    )
    two = common.problem_trial(
        trial_rngs(3, [0, 1]), problem="parity", Ts=[3, 5], algorithms=["multigrid", "backprop"], budgets=b
    )
    np.testing.assert_array_equal(one["errors"][:, :, 0], two["errors"][:, :, 1])


def test_a_column_run_alone_is_that_column_of_the_grid():
    """run_problem runs (and caches) one T column at a time: column k alone gives the numbers it has in
    the whole grid, bit for bit."""
    b = grid.budgets(200, 2000)
    kw = dict(problem="parity", Ts=[3, 5, 10], algorithms=["backprop", "multigrid"], budgets=b)
    whole = common.problem_trial(trial_rngs(3, [0, 1]), **kw)
    for k in range(3):
        alone = common.problem_trial(trial_rngs(3, [0, 1]), **kw, columns=[k])
        for f in whole:
            np.testing.assert_array_equal(alone[f][:, 0], whole[f][:, k])


def test_the_second_reading_meets_the_grids_trials(smoke):
    """The feasible reading runs on the tables' parity trials: run through the same path, the printed
    reading gives the grid's discrete column bit for bit; the feasible one draws other numbers."""
    t, _ = smoke
    s = al.discrete_readings("smoke", executor="serial")
    assert s["errors"].shape == t["parity"]["errors"][:, :, :1].shape
    assert s["budgets"] == {"discrete_feasible": t["parity"]["budgets"]["discrete"]}
    kw = dict(trials=2, online=200, search=2000, seed=1994, executor="serial")
    again = grid.run_problem("test.readings", "parity", [3], algorithms=("discrete",), **kw)
    j = al.ALGORITHMS.index("discrete")
    for f in ("errors", "presentations", "converged"):
        np.testing.assert_array_equal(again[f][:, :, 0], t["parity"][f][:, :1, j])
    with pytest.raises(KeyError, match="unknown algorithm"):
        common.make_learner("discrete_typo", *common.setup(trial_rngs(0, [0]), "parity", 3)[1::-1])


def test_the_parity_reading():
    for table in (paper.TABLE3, paper.TABLE4):
        for a, row in table.items():
            assert len(row) == len(paper.PARITY_T)
            filled = [T for T, v in zip(paper.PARITY_T, row) if v is not None]
            assert filled == list(paper.PARITY_COLUMNS[a])
    # the two cells the 1996 guessing report pins at lengths 25-50 (T = 50)
    assert paper.TABLE4["annealing"][paper.PARITY_T.index(50)] == 8.1e5
    assert paper.TABLE3["annealing"][paper.PARITY_T.index(50)] == 0
    assert paper.TABLE4["discrete"][paper.PARITY_T.index(50)] == 5.4e4
    assert paper.TABLE3["discrete"][paper.PARITY_T.index(50)] == 5


def test_every_algorithm_solves_an_easy_latch():
    # T = 2 (lengths 1-2), no noise: every learner learns the latch in most trials.  (At T = 3 the lengths
    # 2 and 3 differ in parity, and w < 0 -- right for one length, wrong for the other -- is a local
    # minimum that on-line back-prop falls into from U[-0.5, 0.5]: not an easy instance.)
    p = common.Protocol(noise=0.0)
    for a in al.ALGORITHMS:
        rngs = trial_rngs(11, range(6))
        r = common.run_cell(rngs, "latch", 2, a, 3000 if a in common.ONLINE else 30000, p)
        assert r.converged.mean() >= 0.5, a


def test_the_explorer_returns_a_curve():
    run = al.explorer_run("latch", 5, "pseudo_newton", seed=1)
    assert run["presentations"].ndim == 1 and run["loss"].shape == run["presentations"].shape
    assert run["used"] == run["presentations"][-1]


def test_em_cells_read_the_em_chapter_record():
    from longdeps.experiments.alternatives.tables import em_cells

    c = {"id": "bf94.table1.em.two_sequence.T10", "paper": "BF94", "artifact": "Tables 1-2, EM, T = 10"}
    payload = {"claims": [{**c, "ours": "x", "values": {"error": 10.5, "presentations": 1720.0}}]}
    assert em_cells(payload, 1, (5, 10)) == {10: "10.5"}
    assert em_cells(payload, 2, (5, 10)) == {10: "1.7e+03"}
    assert em_cells(payload, 3, (5, 10)) == {}
    assert em_cells({"claims": [{**c, "artifact": "Table 1", "ours": "x = 0"}]}, 1, (10,)) == {10: "x = 0"}
    assert em_cells(None, 1, (5, 10)) == {}


def test_bad_names_raise():
    with pytest.raises(KeyError, match="nope"):
        common.make_task("nope", 5)
    with pytest.raises(KeyError, match="nope"):
        common.make_learner("nope", common.make_model("parity"), common.make_task("parity", 5))
