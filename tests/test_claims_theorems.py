"""Every claim of "The theorems" can fail: its rule, fed one plausible wrong result, does not say
"reproduced"; fed our recorded numbers (book/results/theorems.json), it gives the recorded verdict."""

import json
from pathlib import Path

import pytest

from longdeps import claims, experiments

RECORDED = Path(__file__).resolve().parents[1] / "book" / "results" / "theorems.json"

# claim id -> (what would be wrong, the numbers that would show it): each overrides our recorded numbers
WRONG = {
    "bsf94.eq1.pitchfork": ("a strict |slope| < 1 test at w = 1 miscounts the origin", {"mismatches": 1}),
    "bsf94.sec3.hstar": (
        "the simulation disagrees with the formula",
        {"simulated_increasing": False, "max_rel_diff": 0.05},
    ),
    "bsf94.sec3.L1": ("L1 rises again at large h", {"non_increasing": False}),
    "bsf94.sec3.L1_law": ("the law without s, pi / sqrt(h - h*)", {"max_rel_error": 0.316}),
    "bsf94.def4.sets": ("Gamma's edge misses a_c", {"edge_error_in_steps": 5.0}),
    "bsf94.thm1.expand": (
        "the ball shrinks at a step spent where |M'| > 1 (1-D and 2-D)",
        {"min_step_growth_1d": 0.9, "min_step_growth_2d": 0.95},
    ),
    "bsf94.fig3.shrink": ("the ball inside Gamma grows", {"max_ratio_2d": 1.3}),
    "bsf94.thm3.bounded": ("the worst case leaves the ball", {"worst_dev_over_d": 1.02}),
    "bsf94.thm4.decay": ("decay slower than the proof's bound", {"max_rate_minus_bound": 0.01}),
    "bsf94.lemma.boundary": ("a held run decays", {"min_rate": -0.01}),
    "bsf94.eq4.terms": ("far terms only 3x smaller", {"max_median_log10_ratio": -0.5}),
    "hbfs01.eq2.bound": ("the bound is exceeded", {"violations": 3}),
    "hbfs01.eq2.decay": ("one small-weight net grows", {"max_rate_small": 0.01}),
    "hbfs01.sec2.local_factor": ("the peak is elsewhere (w = 2/a)", {"max_peak_error_in_steps": 40.0}),
    "hbfs01.sec2.no_help": (
        "w_max = 8 makes the error grow",
        {"median_rate_by_w_max": [-0.82, -0.46, -0.27, -0.15, 0.05]},
    ),
    "bsf94.sec2.duality": ("a factor f'(theta u) missing", {"max_rel_error": 0.3}),
    "bsf94.sec4b.module_a": (
        "a robust latch still passes a large gradient",
        {"log10_grad_robust_max": -1.0, "robust_grad_falls_with_T": False},
    ),
    "bsf94.sec4a.symmetric": ("a symmetric net settles on a 2-cycle", {"share_not_fixed_symmetric": 0.01}),
    "bf94.sec2.dichotomy": ("a third of the robust cells pass gradient", {"robust_and_gradient": 20}),
    "hbfs01.sec3.dilemma": (
        "at low noise the more robust weight passes more gradient",
        {"gamma": [0.2, 1.0, 1.0]},
    ),
}


def mine():
    experiments.load_all()
    return {c.id: c for c in claims.chapter_claims("theorems")}


@pytest.fixture(scope="module")
def recorded():
    payload = json.loads(RECORDED.read_text())
    return {r["id"]: r for r in payload["claims"]}


def test_every_claim_has_a_wrong_case():
    assert set(WRONG) == set(mine())


def test_checks_and_experiments_are_told_apart():
    kinds = {cid: c.kind for cid, c in mine().items()}
    assert kinds["hbfs01.eq2.bound"] == claims.CHECK and kinds["bsf94.lemma.boundary"] == claims.CHECK
    assert (
        kinds["hbfs01.sec3.dilemma"] == claims.EXPERIMENT
        and kinds["bf94.sec2.dichotomy"] == claims.EXPERIMENT
    )


@pytest.mark.parametrize("cid", sorted(WRONG))
def test_a_plausible_wrong_result_is_not_reproduced(cid, recorded):
    c = mine()[cid]
    ours = dict(recorded[cid]["values"])
    assert c.judge(ours) == recorded[cid]["verdict"]  # the recorded numbers give the recorded verdict
    _, override = WRONG[cid]
    assert set(override) <= set(ours), f"{cid}: override names numbers the claim does not have"
    assert c.judge({**ours, **override}) != claims.REPRODUCED


def test_recorded_at_the_book_profile_for_every_claim(recorded):
    assert json.loads(RECORDED.read_text())["profile"] == "book"
    assert set(recorded) == set(mine())
