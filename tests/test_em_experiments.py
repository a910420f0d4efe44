"""The experiments of "EM target propagation" at the smoke profile: shapes, protocol, determinism."""

import numpy as np
import pytest

from longdeps import claims
from longdeps.experiments import em_target_propagation as em
from longdeps.experiments.em_target_propagation import common
from longdeps.experiments.em_target_propagation.tables import cell_numbers, paper_cell


@pytest.fixture(scope="module")
def tab():
    return em.tables("smoke", executor="serial")


@pytest.fixture(scope="module")
def dif():
    return em.diffusion("smoke", executor="serial")


def test_tables_cells_and_numbers(tab):
    assert set(tab["cells"]) == {("two_sequence", 5), ("two_sequence", 10), ("parity", 3), ("parity", 5)}
    for (p, T), c in tab["cells"].items():
        assert c["error"].shape == (2,) and np.all((c["error"] >= 0) & (c["error"] <= 100))
        assert np.all(c["presentations"] % tab["n_train"] == 0)
        assert np.all(c["presentations"] <= tab["budget"] + tab["n_train"])
        n = cell_numbers(tab, p, T)
        assert n["problem"] == p and n["T"] == T


def test_paper_reading_of_the_parity_row():
    assert em.PAPER["parity"][3] is None and paper_cell("parity", 3) == (0, 2.3e3, 5)
    assert paper_cell("parity", 500) == (12, 3.4e3, 500)
    assert paper_cell("two_sequence", 50) == (0, 3.2e3, 50)


def test_tables_are_deterministic():
    rngs_a = common.train_trial(
        [np.random.default_rng(s) for s in (1, 2)], "parity", 4, 6, 60, {}, measure=True
    )
    rngs_b = common.train_trial([np.random.default_rng(2)], "parity", 4, 6, 60, {}, measure=True)
    np.testing.assert_allclose(rngs_a["theta"][1], rngs_b["theta"][0])
    np.testing.assert_allclose(rngs_a["info_trained"][1], rngs_b["info_trained"][0])


def test_diffusion_runs_every_ablation(dif):
    assert set(dif["runs"]) == {(p, n) for p, v in em.ABLATIONS.items() for n in v}
    r = dif["runs"][("parity", "full")]
    assert r["info_untrained"].shape == (2, -(-dif["T"] // 2))
    assert np.all((r["info_untrained"] >= -1e-9) & (r["info_untrained"] <= 1 + 1e-9))
    assert np.all(r["logdet_untrained"] <= 1e-9)  # |det| <= 1 for column-stochastic maps


def test_target_information_is_one_at_the_end_and_zero_for_a_flat_model():
    model, task = em.make_model("parity"), em.make_task("parity", 8)
    batch = task.sample([np.random.default_rng(0)], 4)
    flat = common.target_information(model, np.zeros((1, model.n_params)), batch, 3)
    np.testing.assert_allclose(flat[0, 0], 1.0)  # beta_T is the indicator of the class's final state
    np.testing.assert_allclose(flat[0, 1:], 0.0, atol=1e-12)  # phi = 1/2: rank 1, no credit one step back


def test_claims_are_judged(tab, dif):
    card = claims.ChapterCard("em_target_propagation", "smoke")
    verdicts = card.record(em.tables, tab) + card.record(em.diffusion, dif)
    assert all(v in claims.VERDICTS for v in verdicts)


def test_explorer_backend():
    run = em.em_iteration("two_sequence", T=8, iteration=2, seed=1)
    L = run["length"]
    assert run["alpha"].shape == (L + 1, 7) and run["logdet"].shape == (L,)
    np.testing.assert_allclose(run["gamma"].sum(-1), 1.0)
    with pytest.raises(ValueError, match="iteration"):
        em.em_iteration(iteration=-1)


def test_unknown_problem_raises():
    with pytest.raises(KeyError, match="problem"):
        em.make_task("latch", 5)
