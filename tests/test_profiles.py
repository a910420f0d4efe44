import pytest

from longdeps import profiles


def test_unknown_profile_lists_valid_ones():
    with pytest.raises(ValueError, match="unknown profile 'huge'.*smoke, book, paper"):
        profiles.check_profile("huge")
    with pytest.raises(ValueError, match="huge"):
        profiles.sizes("intro.latch_map", "huge")


def test_unknown_experiment_named():
    with pytest.raises(KeyError, match="no.such"):
        profiles.sizes("no.such", "book")


@pytest.mark.parametrize("experiment", sorted(profiles.SIZES))
def test_every_block_has_three_profiles_with_the_same_keys(experiment):
    block = profiles.SIZES[experiment]
    assert set(block) == set(profiles.PROFILES)
    keys = {p: set(block[p]) for p in profiles.PROFILES}
    assert keys["smoke"] == keys["book"] == keys["paper"], keys


def test_sizes_returns_a_copy():
    s = profiles.sizes("intro.latch_map", "book")
    s["grid"] = -1
    assert profiles.sizes("intro.latch_map", "book")["grid"] != -1


def test_scale_note_shows_paper_beside_ours():
    note = profiles.scale_note("intro.latch_map", "smoke", ("grid",))
    assert note == "[smoke profile] grid 41 (paper profile 401)"  # an illustration: no paper number
    assert "(= paper profile)" in profiles.scale_note("intro.latch_map", "paper", ("grid",))


def test_paper_protocol_keys_exist():
    for experiment, keys in profiles.PAPER_PROTOCOL.items():
        assert set(keys) <= set(profiles.SIZES[experiment]["paper"]), experiment
