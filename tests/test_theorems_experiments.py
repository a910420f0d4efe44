"""The chapter "The theorems": experiments run at the smoke profile, are registered and deterministic,
every claim of the chapter is declared of one of them, and the new pieces compute what they say."""

import importlib

import numpy as np
import pytest

from longdeps import claims
from longdeps.experiments import theorems as th

NAMES = (
    "attractors",
    "basins",
    "theorem3",
    "decay",
    "eq4",
    "hochreiter",
    "local_factor_sweep",
    "module_a",
    "symmetric",
    "dilemma",
)


@pytest.fixture(scope="module")
def smoke():
    return {n: getattr(th, n)("smoke") for n in NAMES}


def test_experiments_are_registered_one_module_each():
    from longdeps import experiments

    reg = experiments.load_all()
    for n in NAMES:
        fn = getattr(th, n)
        assert reg[fn.experiment_name] is fn
        assert fn.__module__.startswith("longdeps.experiments.theorems.")
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("longdeps.experiments.theorems_old")


def test_every_claim_of_the_chapter_is_judged_through_record(smoke):
    card = claims.ChapterCard("theorems", "smoke")
    for n in NAMES:
        for v in card.record(getattr(th, n), smoke[n]):
            assert v in claims.VERDICTS
    assert card.missing() == []
    kinds = {r.kind for r in card.results}
    assert kinds == {claims.CHECK, claims.EXPERIMENT}


def test_deterministic(smoke):
    np.testing.assert_array_equal(th.dilemma("smoke")["p_keep"], smoke["dilemma"]["p_keep"])
    np.testing.assert_array_equal(th.hochreiter("smoke")["measured"], smoke["hochreiter"]["measured"])
    np.testing.assert_array_equal(
        th.module_a("smoke")["log10_grad_median"], smoke["module_a"]["log10_grad_median"]
    )


def test_smoke_results_follow_the_theory(smoke):
    card = claims.ChapterCard("theorems", "smoke")
    for n in ("attractors", "theorem3", "hochreiter", "decay", "symmetric"):
        card.record(getattr(th, n), smoke[n])
    v = {r.id: r for r in card.results}
    assert v["bsf94.eq1.pitchfork"].values["mismatches"] == 0
    assert v["bsf94.thm3.bounded"].values["worst_dev_over_d"] < 1
    assert v["hbfs01.eq2.bound"].values["violations"] == 0
    assert v["bsf94.thm4.decay"].values["max_rate"] < 0
    assert v["bsf94.lemma.boundary"].values["min_rate"] > 0
    assert v["bsf94.sec4a.symmetric"].verdict == claims.REPRODUCED


def test_bottleneck_law_matches_the_transient_length_near_h_star():
    from longdeps import dynamics

    for w in (1.5, 2.0, 3.0):
        h = dynamics.escape_threshold(w) + 1e-4
        L1 = dynamics.transient_length(h, w)
        assert abs(L1 / th.bottleneck_law(1e-4, w) - 1) < 0.01
        assert abs(L1 / (np.pi / np.sqrt(1e-4)) - 1) > 0.05  # the law without s is wrong


def test_peak_of_the_logistic_local_factor():
    x = th.peak_net()
    assert x * np.tanh(x / 2) == pytest.approx(1.0)
    w = np.linspace(0, 40, 400001)
    for a in (0.25, 1.0):
        f = th.local_factor(w, a)
        assert w[np.argmax(f)] == pytest.approx(x / a, abs=1e-3)  # = coth(net/2) / a at net = x
        assert w[np.argmax(f)] == pytest.approx(1 / np.tanh(x / 2) / a, abs=1e-3)


def test_duality_chain_rule_agrees_with_the_complex_step():
    m = importlib.import_module("longdeps.experiments.theorems.module_a")
    rel = m.duality_check(np.random.default_rng(1), 10)
    assert rel.max() < 1e-10


def test_concordance_ignores_ties_and_sees_the_trend():
    # P(keep) tied at 1 for the last three weights: those pairs carry no information
    p = [0.5, 0.8, 1.0, 1.0, 1.0]
    assert th.concordance(p, [1, 2, 3, 4, 5]) == pytest.approx(1.0)
    assert th.concordance(p, [5, 4, 3, 2, 1]) == pytest.approx(-1.0)
    assert np.isnan(th.concordance([0.5, 0.51], [1, 2], margin=0.05))  # within the margin: no pair


def test_symmetric_families_are_what_they_say():
    m = importlib.import_module("longdeps.experiments.theorems.symmetric")
    g = np.random.default_rng(0)
    for _ in range(20):
        W = m.sample(g, m.FAMILIES[0])
        assert np.allclose(W, W.T) and np.linalg.eigvalsh(W).min() > -1
        assert np.linalg.norm(m.sample(g, m.FAMILIES[1]), 2) < 1
        assert np.linalg.eigvalsh(m.sample(g, m.FAMILIES[2])).min() < -1


def test_explorer_run_and_bad_inputs():
    res = th.explorer_run(w=2.0, h=1.0, noise_var=0.0, steps=20)
    assert res["traj"][-1] > 0  # h = 1 > h*(2) = 0.53: escapes
    assert th.explorer_run(w=2.0, h=0.3, noise_var=0.0, steps=200)["traj"][-1] < 0  # below h*: latched
    with pytest.raises(ValueError):
        th.explorer_run(noise_var=-1.0)
    with pytest.raises(ValueError):
        th.explorer_run(w=0.0)


def test_plots_build(smoke):
    import matplotlib.pyplot as plt

    from longdeps.plots import theorems as pt

    figs = [
        pt.plot_attractors(smoke["attractors"], "note"),
        pt.plot_basins(smoke["basins"], "note"),
        pt.plot_theorem3(smoke["theorem3"], "note"),
        pt.plot_decay(smoke["decay"], "note"),
        pt.plot_eq4(smoke["eq4"], "note"),
        pt.plot_hochreiter(smoke["hochreiter"], "note"),
        pt.plot_local_factor(smoke["local_factor_sweep"], "note"),
        pt.plot_module_a(smoke["module_a"], "note"),
        pt.plot_dilemma(smoke["dilemma"], "note"),
        pt.plot_neuron_run(th.explorer_run(steps=10)),
    ]
    for f in figs:
        assert f.axes[0].get_ylabel()
        for ax in f.axes:
            if ax.has_data():
                assert ax.get_xlabel(), ax.get_title()
            assert "profile" not in ax.get_title()  # the scale note is a caption, not an axes title
        plt.close(f)


def test_eq4_figure_does_not_clip_the_curves(smoke):
    import matplotlib.pyplot as plt

    from longdeps.plots import theorems as pt

    fig = pt.plot_eq4(smoke["eq4"])
    lo = fig.axes[0].get_ylim()[0]
    assert lo < np.median(smoke["eq4"]["log10_terms"], axis=1).min()
    plt.close(fig)
