"""Every claim of "The minimal task" has a rule that can fail: a plausible wrong result is not
"reproduced", and the rule gives the recorded verdict on the recorded numbers (book profile)."""

import json
from pathlib import Path

import numpy as np
import pytest

from longdeps import claims
from longdeps.experiments import minimal_task as mt

RECORDED = Path(__file__).resolve().parents[1] / "book" / "results" / "minimal_task.json"
IDS = (
    "bsf94.fig1b",
    "bsf94.fig2a",
    "bsf94.fig2b.frozen_w",
    "bsf94.fig2b.trained_w",
    "bsf94.short_first",
    "hbfs01.guessing_latch",
)


def judge(cid, ours):
    return claims.REGISTRY[cid].judge(ours)


def test_the_chapter_declares_these_claims_of_its_experiments():
    mine = {c.id: c for c in claims.chapter_claims("minimal_task")}
    assert sorted(mine) == sorted(IDS)
    assert mine["bsf94.fig1b"].kind == claims.CHECK
    assert all(mine[c].kind == claims.EXPERIMENT for c in IDS if c != "bsf94.fig1b")
    assert all(c.experiment and c.experiment.startswith("minimal_task.") for c in mine.values())


def test_recorded_verdicts_follow_from_recorded_numbers():
    payload = json.loads(RECORDED.read_text())
    assert payload["profile"] == "book"
    recorded = {r["id"]: r for r in payload["claims"]}
    assert sorted(recorded) == sorted(IDS)
    for cid, r in recorded.items():
        assert judge(cid, r["values"]) == r["verdict"], cid


def test_fig1b_rule_fails_on_an_unconverged_or_unlatched_run():
    good = {"converged": True, "w": 4.5, "sum_h0": -0.4, "sum_h1": 0.55}
    assert judge("bsf94.fig1b", good) == claims.REPRODUCED
    assert judge("bsf94.fig1b", {**good, "converged": False}) != claims.REPRODUCED
    assert judge("bsf94.fig1b", {**good, "w": 0.8}) != claims.REPRODUCED  # converged without a latch
    assert judge("bsf94.fig1b", {**good, "sum_h0": 0.3}) != claims.REPRODUCED


def test_fig2a_rule_fails_when_the_corners_do_not_differ():
    base = {"lr": 0.05, "small_lr_low_s_high_w0": 1.0, "small_lr_high_s": 0.0, "small_lr_low_w0": 0.0}
    flat = {**base, "rate_low_s_high_w0": 0.3, "rate_high_s": 0.3, "rate_low_w0": 0.35}
    assert judge("bsf94.fig2a", flat) == claims.NOT_REPRODUCED
    # a weak corner is at most "partly", whatever the (not judged) small-learning-rate numbers say
    weak = {**base, "rate_low_s_high_w0": 0.45, "rate_high_s": 0.05, "rate_low_w0": 0.09}
    assert judge("bsf94.fig2a", weak) == claims.PARTLY
    strong = {**base, "rate_low_s_high_w0": 0.9, "rate_high_s": 0.05, "rate_low_w0": 0.1}
    assert judge("bsf94.fig2a", strong) == claims.REPRODUCED


def _fall(T, rate, sol):
    return mt.fall_numbers(np.array(T), np.array(rate, float), np.array(sol, float))


T = [3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 45, 60]


@pytest.mark.parametrize("cid", ["bsf94.fig2b.frozen_w", "bsf94.fig2b.trained_w"])
def test_fig2b_rules_look_at_how_the_curve_falls(cid):
    # the paper's picture: high at short T, falls while every training set is still solvable
    gradual = _fall(T, [1, 1, 1, 1, 0.95, 0.8, 0.7, 0.55, 0.35, 0.1, 0.05, 0.0], [1.0] * 12)
    assert judge(cid, gradual) == claims.REPRODUCED
    # wrong: the curve falls only together with the task (the training sets stop being solvable)
    with_task = _fall(T, [1, 1, 0.4, 0.1] + [0] * 8, [1, 1, 0.4, 0.1] + [0] * 8)
    assert judge(cid, with_task) == claims.NOT_REPRODUCED
    # wrong: the curve never falls below one half
    flat = _fall(T, [1.0] * 9 + [0.7, 0.6, 0.6], [1.0] * 12)
    assert judge(cid, flat) == claims.NOT_REPRODUCED
    # wrong: it falls, but not to "extremely difficult" at the longest T
    stays = _fall(T, [1, 1, 1, 1, 0.9, 0.7, 0.5, 0.45, 0.4, 0.4, 0.4, 0.4], [1.0] * 12)
    assert judge(cid, stays) == claims.PARTLY


def test_short_first_rule_fails_without_a_clear_gain():
    assert judge(
        "bsf94.short_first", {"curriculum_rate_longest_T": 0.2, "direct_rate_longest_T": 0.25, "T": 80}
    ) == (claims.NOT_REPRODUCED)
    assert judge(
        "bsf94.short_first", {"curriculum_rate_longest_T": 0.22, "direct_rate_longest_T": 0.0, "T": 80}
    ) == (claims.PARTLY)


def test_guessing_rule_fails_when_guessing_grows_with_T_or_is_slow():
    grows = {"min_mean_guesses_L1": 4.0, "max_mean_guesses_L1": 15.0, "gd_rate_L1_longest_T": 0.0}
    assert judge("hbfs01.guessing_latch", grows) != claims.REPRODUCED
    slow = {"min_mean_guesses_L1": 300.0, "max_mean_guesses_L1": 400.0, "gd_rate_L1_longest_T": 0.0}
    assert judge("hbfs01.guessing_latch", slow) == claims.NOT_REPRODUCED
