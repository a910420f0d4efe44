import numpy as np
import pytest

from longdeps import runner


def noisy_sum(rngs, length=5, scale=1.0):
    """A toy vectorised trial: each trial draws its own noise; one array op for the batch."""
    noise = np.stack([rng.normal(size=length) for rng in rngs])
    return {"total": scale * noise.sum(axis=1), "first": noise[:, 0], "path": np.cumsum(noise, axis=1)}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LONGDEPS_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_results_do_not_depend_on_batch_split(cache):
    whole = runner.run_trials("t.split", noisy_sum, 12, seed=3, cache=False)
    split = runner.run_trials("t.split", noisy_sum, 12, seed=3, batch_size=5, cache=False)
    for k in whole:
        np.testing.assert_array_equal(whole[k], split[k])
    assert whole["path"].shape == (12, 5)


def test_seed_changes_results():
    a = runner.run_trials("t.seed", noisy_sum, 4, seed=0, cache=False)
    b = runner.run_trials("t.seed", noisy_sum, 4, seed=1, cache=False)
    assert not np.allclose(a["total"], b["total"])


def test_interrupted_run_resumes_with_identical_results(cache):
    reference = runner.run_trials("t.resume", noisy_sum, 10, seed=7, cache=False)
    with pytest.raises(KeyboardInterrupt):
        runner.run_trials("t.resume", noisy_sum, 10, seed=7, batch_size=3, stop_after_batches=2)
    saved = list((cache / "t.resume").rglob("trials_*.npz"))
    assert len(saved) == 2  # the two finished batches survived the interruption

    calls = []

    def counting(rngs, **kw):
        calls.append(len(rngs))
        return noisy_sum(rngs, **kw)

    resumed = runner.run_trials("t.resume", counting, 10, seed=7, batch_size=3)
    assert calls == [3, 1]  # only the 4 unfinished trials ran
    for k in reference:
        np.testing.assert_array_equal(reference[k], resumed[k])


def test_cache_key_follows_config(cache):
    a = runner.run_trials("t.cfg", noisy_sum, 3, config={"scale": 1.0})
    b = runner.run_trials("t.cfg", noisy_sum, 3, config={"scale": 2.0})
    np.testing.assert_allclose(b["total"], 2 * a["total"])
    assert runner.cache_key("e", {"x": 1}, 0) != runner.cache_key("e", {"x": 2}, 0)


def test_cache_off(monkeypatch):
    monkeypatch.setenv("LONGDEPS_CACHE", "off")
    assert runner.cache_root() is None


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_bad_trial_count(bad):
    with pytest.raises(ValueError, match="n_trials"):
        runner.run_trials("t.bad", noisy_sum, bad, cache=False)


def test_wrong_leading_axis_is_reported():
    def wrong(rngs):
        return {"x": np.zeros(len(rngs) + 1)}

    with pytest.raises(ValueError, match="leading axis of 3"):
        runner.run_trials("t.wrong", wrong, 3, cache=False)


def test_divergence_is_data_not_a_crash():
    def diverging(rngs):
        x = np.full(len(rngs), 1e308)
        return {"x": x * 10, "ok": np.isfinite(x * 10)}

    out = runner.run_trials("t.div", diverging, 2, cache=False)
    assert not out["ok"].any()


def per_trial_scale(rngs, trials, scales):
    """Per-trial configuration: trial i uses scales[i], whatever batch it lands in."""
    return {"x": np.asarray(scales)[trials] * np.stack([rng.normal() for rng in rngs])}


def test_per_trial_configuration_is_batch_independent():
    cfg = {"scales": [1.0, 10.0, 100.0, 1000.0, 1e4]}
    whole = runner.run_trials("t.per", per_trial_scale, 5, config=cfg, cache=False)
    split = runner.run_trials("t.per", per_trial_scale, 5, config=cfg, batch_size=2, cache=False)
    np.testing.assert_array_equal(whole["x"], split["x"])
    unit = runner.run_trials("t.per", per_trial_scale, 5, config={"scales": [1.0] * 5}, cache=False)
    np.testing.assert_allclose(whole["x"], unit["x"] * np.array(cfg["scales"]))
