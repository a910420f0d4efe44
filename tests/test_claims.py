import json
import subprocess
import sys

import pytest

from longdeps import claims, scorecard


def _toy_rule(ours):
    """reproduced when the long rate is below 0.1 and the short above 0.9; partly when it falls."""
    if ours["long"] < 0.1 and ours["short"] > 0.9:
        return claims.REPRODUCED
    return claims.PARTLY if ours["long"] < ours["short"] else claims.NOT_REPRODUCED


@pytest.fixture
def toy_claim():
    def toy_experiment(profile="book"):
        return {"rate": [0.95, 0.05]}

    toy_experiment.experiment_name = "toychapter.toy"
    claims.claim(
        "test.toy",
        of=toy_experiment,
        numbers=lambda r: {"short": r["rate"][0], "long": r["rate"][-1]},
        paper="BSF94",
        artifact="Fig. 0",
        statement="Rates fall with T.",
        paper_value="~1 at T=2, ~0 at T=50",
    )(_toy_rule)
    yield toy_experiment
    del claims.REGISTRY["test.toy"]


def test_verdict_is_computed_by_the_rule(toy_claim, tmp_path):
    card = claims.ChapterCard("toychapter", "book")
    assert card.check("test.toy", {"short": 0.95, "long": 0.05}, "18 runs") == claims.REPRODUCED
    assert card.check("test.toy", {"short": 0.95, "long": 0.5}, "18 runs") == claims.PARTLY
    assert len(card.results) == 1  # re-checking a claim replaces it
    assert claims.REGISTRY["test.toy"].rule.startswith("reproduced when the long rate")
    path = card.save(tmp_path)
    payload = json.loads(path.read_text())
    assert payload["claims"][0]["verdict"] == claims.PARTLY
    assert payload["claims"][0]["kind"] == claims.EXPERIMENT
    assert "short = 0.95; long = 0.5" in card.table()


def test_record_judges_every_claim_of_an_experiment_without_retyping_ids(toy_claim, capsys):
    card = claims.ChapterCard("toychapter", "book")
    assert card.missing() == [claims.REGISTRY["test.toy"]]
    assert card.record(toy_claim, toy_claim(), scale="2 runs") == [claims.REPRODUCED]
    assert card.record("toychapter.toy", {"rate": [0.9, 0.8]}, scale="2 runs") == [claims.PARTLY]
    assert card.missing() == []
    card.show()
    assert "[partly] experiment: BSF94 Fig. 0 (test.toy)" in capsys.readouterr().out
    with pytest.raises(KeyError, match="no claim is declared of experiment 'toychapter.other'"):
        card.record("toychapter.other", {})


def test_show_lists_claims_whose_experiment_did_not_run(toy_claim, capsys):
    claims.ChapterCard("toychapter", "book").show()
    assert "[not run] BSF94 Fig. 0 (test.toy): its experiment toychapter.toy did not run" in (
        capsys.readouterr().out
    )


def test_scorecard_marks_unrecorded_claims_not_run(toy_claim, tmp_path):
    rows = scorecard.rows(tmp_path)
    row = next(r for r in rows if r["id"] == "test.toy")
    assert row["verdict"] == claims.NOT_RUN
    card = claims.ChapterCard("toychapter", "book")
    card.record(toy_claim, {"rate": [1.0, 0.0]}, scale="scale")
    card.save(tmp_path)
    row = next(r for r in scorecard.rows(tmp_path) if r["id"] == "test.toy")
    assert row["verdict"] == claims.REPRODUCED and row["kind"] == claims.EXPERIMENT
    counts = scorecard.verdict_counts(scorecard.rows(tmp_path))
    assert counts[claims.REPRODUCED] >= 1
    by_kind = scorecard.kind_verdict_counts(scorecard.rows(tmp_path))
    assert by_kind[claims.EXPERIMENT][claims.REPRODUCED] >= 1


def test_unknown_claim_and_wrong_chapter(toy_claim):
    card = claims.ChapterCard("other", "book")
    with pytest.raises(KeyError, match="nope"):
        card.check("nope", {}, "")
    with pytest.raises(ValueError, match="belongs to chapter 'toychapter'"):
        card.check("test.toy", {"short": 1, "long": 0}, "")
    with pytest.raises(ValueError, match="unknown profile"):
        claims.ChapterCard("x", "fast")


def test_a_claim_needs_a_docstring_a_known_paper_and_kind_and_its_numbers():
    with pytest.raises(ValueError, match="docstring"):

        @claims.claim("test.nodoc", chapter="c", paper="BSF94", artifact="", statement="", paper_value="")
        def _(ours):
            return claims.REPRODUCED

    with pytest.raises(ValueError, match="unknown paper 'XYZ'"):
        claims.claim("test.badpaper", chapter="c", paper="XYZ", artifact="", statement="", paper_value="")
    with pytest.raises(ValueError, match="unknown claim kind 'proof'"):
        claims.claim(
            "test.k", chapter="c", kind="proof", paper="BSF94", artifact="", statement="", paper_value=""
        )
    with pytest.raises(ValueError, match="needs numbers="):
        claims.claim("test.n", of="c.x", paper="BSF94", artifact="", statement="", paper_value="")


def test_claims_import_nothing_from_the_layers_above():
    """experiments import claims, never the reverse (no import cycle)."""
    code = (
        "import sys, longdeps.claims; print(any(m.startswith('longdeps.experiments') for m in sys.modules))"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
    )


def test_format_value_is_deterministic():
    assert claims.format_value(0.123456) == "0.123"
    assert claims.format_value(True) == "yes"
    assert claims.format_value([1, 0.5]) == "[1, 0.5]"
