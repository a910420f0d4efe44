import json

import pytest

from longdeps import claims


@pytest.fixture
def toy_claim():
    @claims.claim(
        "test.toy",
        chapter="toychapter",
        paper="BSF94",
        artifact="Fig. 0",
        statement="Rates fall with T.",
        paper_value="~1 at T=2, ~0 at T=50",
    )
    def _(ours):
        """reproduced when the long rate is below 0.1 and the short above 0.9; partly when it falls."""
        if ours["long"] < 0.1 and ours["short"] > 0.9:
            return claims.REPRODUCED
        return claims.PARTLY if ours["long"] < ours["short"] else claims.NOT_REPRODUCED

    yield claims.REGISTRY["test.toy"]
    del claims.REGISTRY["test.toy"]


def test_verdict_is_computed_by_the_rule(toy_claim, tmp_path):
    card = claims.ChapterCard("toychapter", "book")
    assert card.check("test.toy", {"short": 0.95, "long": 0.05}, "18 runs") == claims.REPRODUCED
    assert card.check("test.toy", {"short": 0.95, "long": 0.5}, "18 runs") == claims.PARTLY
    assert len(card.results) == 1  # re-checking a claim replaces it
    assert toy_claim.rule.startswith("reproduced when the long rate")
    path = card.save(tmp_path)
    payload = json.loads(path.read_text())
    assert payload["claims"][0]["verdict"] == claims.PARTLY
    assert "short = 0.95; long = 0.5" in card.table()


def test_scorecard_marks_unrecorded_claims_not_run(toy_claim, tmp_path):
    rows = claims.scorecard_rows(tmp_path)
    row = next(r for r in rows if r["id"] == "test.toy")
    assert row["verdict"] == claims.NOT_RUN
    card = claims.ChapterCard("toychapter", "book")
    card.check("test.toy", {"short": 1.0, "long": 0.0}, "scale")
    card.save(tmp_path)
    row = next(r for r in claims.scorecard_rows(tmp_path) if r["id"] == "test.toy")
    assert row["verdict"] == claims.REPRODUCED
    counts = claims.verdict_counts(claims.scorecard_rows(tmp_path))
    assert counts[claims.REPRODUCED] >= 1
    assert "Bengio, Simard" in repr(claims.scorecard_table(claims.scorecard_rows(tmp_path)))


def test_unknown_claim_and_wrong_chapter(toy_claim):
    card = claims.ChapterCard("other", "book")
    with pytest.raises(KeyError, match="nope"):
        card.check("nope", {}, "")
    with pytest.raises(ValueError, match="belongs to chapter 'toychapter'"):
        card.check("test.toy", {"short": 1, "long": 0}, "")
    with pytest.raises(ValueError, match="unknown profile"):
        claims.ChapterCard("x", "fast")


def test_rule_needs_a_docstring_and_a_known_paper():
    with pytest.raises(ValueError, match="docstring"):

        @claims.claim("test.nodoc", chapter="c", paper="BSF94", artifact="", statement="", paper_value="")
        def _(ours):
            return claims.REPRODUCED

    with pytest.raises(ValueError, match="unknown paper 'XYZ'"):
        claims.claim("test.badpaper", chapter="c", paper="XYZ", artifact="", statement="", paper_value="")


def test_format_value_is_deterministic():
    assert claims.format_value(0.123456) == "0.123"
    assert claims.format_value(True) == "yes"
    assert claims.format_value([1, 0.5]) == "[1, 0.5]"
