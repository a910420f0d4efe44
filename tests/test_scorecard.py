"""The scorecard page's data and tables (longdeps.scorecard, longdeps.tables): counts that agree with
the rows, checks and experiments counted apart, readable "ours", scale and rule one click away."""

import json

import pytest
from bs4 import BeautifulSoup

from longdeps import claims, scorecard
from longdeps.notebooks import BOOK
from longdeps.tables import Cell, Details, Table


@pytest.fixture
def toy_claims():
    """One check and one experiment of a toy chapter, removed from the registry afterwards."""

    @claims.claim(
        "test.card.exp",
        chapter="toycard",
        kind=claims.EXPERIMENT,
        paper="BSF94",
        artifact="Fig. 2b",
        statement="convergence falls with T",
        paper_value="~1 at T=2, ~0 by T=20",
    )
    def _exp(ours):
        """reproduced when the rate at the largest T is below 0.1."""
        return claims.REPRODUCED if ours["rate_largest_T"] < 0.1 else claims.NOT_REPRODUCED

    @claims.claim(
        "test.card.check",
        chapter="toycard",
        kind=claims.CHECK,
        paper="BSF94",
        artifact="Thm. 4",
        statement="the rate bound holds",
        paper_value="rate <= log10 w",
    )
    def _check(ours):
        """reproduced when no pair violates the bound."""
        return claims.REPRODUCED if ours["violations"] == 0 else claims.NOT_REPRODUCED

    yield
    for cid in ("test.card.exp", "test.card.check"):
        claims.REGISTRY.pop(cid, None)


def record(folder, exp_values, check_values):
    card = claims.ChapterCard("toycard", "book")
    card.check("test.card.exp", exp_values, scale="[book profile] 18 runs (paper profile 50)")
    card.check("test.card.check", check_values, scale="[book profile] 95200 pairs")
    card.save(folder)


def toy_rows(rows):
    return [r for r in rows if r["id"].startswith("test.card.")]


def test_headline_counts_agree_with_the_rows_and_kinds_are_counted_apart(toy_claims, tmp_path):
    record(tmp_path, {"rate_largest_T": 0.4, "T": [3, 60]}, {"violations": 0})
    rows = scorecard.rows(tmp_path)
    mine = toy_rows(rows)
    by_kind = scorecard.kind_verdict_counts(mine)
    assert by_kind[claims.EXPERIMENT][claims.NOT_REPRODUCED] == 1
    assert by_kind[claims.EXPERIMENT][claims.REPRODUCED] == 0
    assert by_kind[claims.CHECK][claims.REPRODUCED] == 1
    assert by_kind[claims.CHECK][claims.NOT_REPRODUCED] == 0
    # over all registered claims: kinds partition the rows, and each count is the rows' count
    by_kind = scorecard.kind_verdict_counts(rows)
    assert sum(sum(c.values()) for c in by_kind.values()) == len(rows)
    for kind, counts in by_kind.items():
        for verdict, n in counts.items():
            assert n == sum(1 for r in rows if r["kind"] == kind and r["verdict"] == verdict)
    text = repr(scorecard.headline(mine))
    assert "experiments (" in text and "0 of 1 reproduced, 1 not reproduced" in text
    assert "checks (" in text and "1 of 1 reproduced" in text


def test_counts_table_rows_per_paper_and_kind_and_all(toy_claims, tmp_path):
    record(tmp_path, {"rate_largest_T": 0.0}, {"violations": 3})
    rows = scorecard.rows(tmp_path)
    t = scorecard.counts_table(rows)
    i = {h: k for k, h in enumerate(t.headers)}
    body = {(r[i["paper"]], r[i["kind"]]): r for r in t.rows}
    for kind, plural in scorecard.PLURAL.items():
        sel = [r for r in rows if r["kind"] == kind]
        if sel:
            assert int(body[("all", plural)][i["claims"]]) == len(sel)
            for v in claims.VERDICTS:
                assert int(body[("all", plural)][i[v]]) == sum(r["verdict"] == v for r in sel)
    assert t.rows[-1][:2] == ["all", "both"] and int(t.rows[-1][i["claims"]]) == len(rows)
    bsf = [r for r in rows if r["paper"] == "BSF94" and r["kind"] == claims.CHECK]
    assert int(body[("BSF94", "checks")][i[claims.NOT_REPRODUCED]]) == sum(
        r["verdict"] == claims.NOT_REPRODUCED for r in bsf
    )


def test_kind_comes_from_the_registry_for_old_result_files(toy_claims, tmp_path):
    record(tmp_path, {"rate_largest_T": 0.0}, {"violations": 0})
    path = tmp_path / "toycard.json"
    payload = json.loads(path.read_text())
    for c in payload["claims"]:
        c.pop("kind")
        c.pop("values")
    path.write_text(json.dumps(payload))
    mine = {r["id"]: r for r in toy_rows(scorecard.rows(tmp_path))}
    assert mine["test.card.check"]["kind"] == claims.CHECK
    assert mine["test.card.exp"]["kind"] == claims.EXPERIMENT
    # without recorded values, the text is split into labelled lines
    assert scorecard.ours_lines(mine["test.card.exp"]) == ["rate_largest_T: 0"]


def test_ours_is_labelled_lines_with_three_significant_digits(toy_claims, tmp_path):
    record(tmp_path, {"rate_largest_T": 0.0123456, "T": [3, 60]}, {"violations": 0})
    row = next(r for r in scorecard.rows(tmp_path) if r["id"] == "test.card.exp")
    assert scorecard.ours_lines(row) == ["rate largest T: 0.0123", "T: [3, 60]"]
    table = scorecard.table(toy_rows(scorecard.rows(tmp_path)))
    ours = table.headers.index("ours")
    for cells in table.rows:
        assert ";" not in cells[ours] and " = " not in cells[ours], cells[ours]
    soup = BeautifulSoup(table._repr_html_(), "html.parser")
    lines = [s.get_text() for s in soup.select("td.ours span.line")]
    assert "rate largest T: 0.0123" in lines and "violations: 0" in lines


def test_scale_and_rule_sit_in_a_collapsible_row(toy_claims, tmp_path):
    record(tmp_path, {"rate_largest_T": 0.0}, {"violations": 0})
    rows = toy_rows(scorecard.rows(tmp_path))
    soup = BeautifulSoup(scorecard.table(rows)._repr_html_(), "html.parser")
    claim_rows = soup.select("tbody tr:not(.group):not(.details)")
    details = soup.select("tbody tr.details details")
    assert len(claim_rows) == len(details) == len(rows)
    for row, d in zip(rows, details):
        assert d.find("summary").get_text() == "scale and rule"
        text = d.get_text()
        assert row["scale"] in text and row["rule"] in text and row["id"] in text
        assert row["scale"] not in " ".join(td.get_text() for td in claim_rows[rows.index(row)].select("td"))
    verdicts = [td.get("class") for td in soup.select("td.verdict")]
    assert all(f"verdict-{r['verdict'].replace(' ', '-')}" in c for r, c in zip(rows, verdicts))


def test_text_form_is_deterministic_and_complete(toy_claims, tmp_path):
    record(tmp_path, {"rate_largest_T": 0.0}, {"violations": 0})
    rows = toy_rows(scorecard.rows(tmp_path))
    text = repr(scorecard.table(rows))
    assert text == repr(scorecard.table(toy_rows(scorecard.rows(tmp_path))))
    for row in rows:
        assert f"    scale: {row['scale']}" in text and f"    rule: {row['rule']}" in text


def test_artifacts_link_to_their_chapter_section(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    (book / "toycard.md").write_text(
        "# Toy chapter\n\n## 1. Setting\n\n```python\n# Fig. 2b in a comment\n```\n\n"
        "## 2. Fig. 2(b): convergence versus $T$\n\n## 3. Theorem 4 and the Lemma\n"
    )
    fig = claims.Claim("t.f", "toycard", claims.EXPERIMENT, "BSF94", "Fig. 2b", "", "", "r", str)
    thm = claims.Claim("t.t", "toycard", claims.CHECK, "BSF94", "Thm. 4", "", "", "r", str)
    other = claims.Claim("t.o", "toycard", claims.CHECK, "BSF94", "Defs. 3-4", "", "", "r", str)
    nopage = claims.Claim("t.n", "nopage", claims.CHECK, "BSF94", "Fig. 1", "", "", "r", str)
    assert scorecard.chapter_link(fig, book) == "toycard.html#fig-2-b-convergence-versus-t"
    assert scorecard.chapter_link(thm, book) == "toycard.html#theorem-4-and-the-lemma"
    assert scorecard.chapter_link(other, book) == "toycard.html"
    assert scorecard.chapter_link(nopage, book) is None


def test_every_registered_claim_links_to_a_chapter_page():
    for row in scorecard.rows(BOOK / "results"):
        if row["chapter"] != "?":
            assert row["href"] and row["href"].split("#")[0] == f"{row['chapter']}.html", row["id"]


def test_table_text_wraps_and_multiline_cells_align():
    t = Table(
        ["a", "b"],
        [[Cell.lines(["x: 1", "y: 2"]), "w" * 70], [Cell.link("Fig. 1", "p.html#f"), "short"]],
        details=[Details("more", [("rule", "r")]), None],
    )
    lines = repr(t).split("\n")
    assert lines[2].startswith("x: 1") and lines[3].startswith("y: 2")
    assert max(len(line) for line in lines[:-1]) <= 60 + 3 + 6
    assert "    rule: r" in lines
    html = t._repr_html_()
    assert '<a href="p.html#f">Fig. 1</a>' in html and "<details><summary>more</summary>" in html
    with pytest.raises(ValueError, match="details for"):
        Table(["a"], [["1"]], details=[None, None])
