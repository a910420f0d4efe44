"""The chapter "The theorems": experiments run at the smoke profile, are deterministic, and every claim
of the chapter gets a verdict from its rule."""

import numpy as np
import pytest

from longdeps import claims
from longdeps.experiments import theorems as th

NAMES = ("attractors", "basins", "theorem3", "decay", "eq4", "hochreiter", "dilemma")


@pytest.fixture(scope="module")
def smoke():
    return {n: getattr(th, n)("smoke") for n in NAMES}


def test_experiments_are_registered():
    from longdeps import experiments

    reg = experiments.load_all()
    for n in NAMES:
        assert f"theorems.{n}" in reg


def test_deterministic(smoke):
    again = th.dilemma("smoke")
    np.testing.assert_array_equal(again["p_keep"], smoke["dilemma"]["p_keep"])
    np.testing.assert_array_equal(th.hochreiter("smoke")["measured"], smoke["hochreiter"]["measured"])


def test_every_claim_gets_a_verdict(smoke):
    ours = th.summary(*[smoke[n] for n in NAMES])
    mine = {cid for cid, c in claims.REGISTRY.items() if c.chapter == "theorems"}
    assert set(ours) == mine
    card = claims.ChapterCard("theorems", "smoke")
    for cid, numbers in ours.items():
        assert card.check(cid, numbers, scale="smoke") in claims.VERDICTS


def test_smoke_results_follow_the_theory(smoke):
    ours = th.summary(*[smoke[n] for n in NAMES])
    assert ours["bsf94.eq1.pitchfork"]["mismatches"] == 0
    assert ours["bsf94.thm3.bounded"]["worst_dev_over_d"] < 1
    assert ours["hbfs01.eq2.bound"]["violations"] == 0
    assert ours["bsf94.thm4.decay"]["max_rate"] < 0
    assert ours["bsf94.lemma.boundary"]["min_rate"] > 0


def test_rank_correlation():
    assert th.rank_correlation([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert th.rank_correlation([1, 1, 2], [0, 0, 5]) == pytest.approx(1.0)
    assert np.isnan(th.rank_correlation([1, 1, 1], [1, 2, 3]))


def test_explorer_run_and_bad_inputs():
    res = th.explorer_run(w=2.0, h=1.0, noise_var=0.0, steps=20)
    assert res["traj"][-1] > 0  # h = 1 > h*(2) = 0.53: escapes
    assert th.explorer_run(w=2.0, h=0.3, noise_var=0.0, steps=200)["traj"][-1] < 0  # below h*: latched
    with pytest.raises(ValueError):
        th.explorer_run(noise_var=-1.0)
    with pytest.raises(ValueError):
        th.explorer_run(w=0.0)


def test_plots_and_widget_build():
    import matplotlib.pyplot as plt

    from longdeps.plots import theorems as pt

    figs = [
        pt.plot_attractors(th.attractors("smoke")),
        pt.plot_neuron_run(th.explorer_run(steps=10)),
    ]
    for f in figs:
        plt.close(f)
