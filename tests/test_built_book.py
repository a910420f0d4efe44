"""Checks on the built HTML (`jupyter-book build`), run by `make test` after the build."""

import json
import re

import pytest
from bs4 import BeautifulSoup

from longdeps import claims, scorecard
from longdeps.notebooks import BOOK, ROOT, toc_files

pytestmark = pytest.mark.built
HTML = ROOT / "_build" / "html"


def page(name: str) -> BeautifulSoup:
    path = HTML / f"{name}.html"
    assert path.exists(), f"{path} was not built (run `make html`)"
    return BeautifulSoup(path.read_text(), "html.parser")


@pytest.mark.parametrize("name", toc_files())
def test_every_chapter_page_exists_without_execution_errors(name):
    soup = page(name)
    assert soup.find("h1"), f"{name}: no title"
    text = soup.get_text()
    for marker in ("Traceback (most recent call last)", "Error executing notebook", "nbclient.exceptions"):
        assert marker not in text, f"{name}: {marker}"
    assert not soup.select(".output.traceback, .output.stderr .ansi-red-fg")


@pytest.mark.parametrize("name", [f for f in toc_files() if (ROOT / f"{f}.ipynb").exists()])
def test_every_figure_image_is_non_empty(name):
    soup = page(name)
    for img in soup.select("img"):
        src = img.get("src", "")
        if src.startswith("data:"):
            assert len(src) > 200, f"{name}: tiny inline image"
            continue
        if src.startswith(("http:", "https:")):
            continue
        path = (HTML / name).parent / src
        assert path.exists() and path.stat().st_size > 1000, f"{name}: empty or missing image {src}"


def test_intro_has_its_figure_and_math():
    soup = page("book/intro")
    figures = [i for i in soup.select("img") if "_images" in i.get("src", "")]
    assert figures, "the introduction's computed figure is missing"
    assert soup.select(".math"), "no math on the introduction page"


def test_mathjax_is_served_locally():
    soup = page("book/intro")
    srcs = [s.get("src", "") for s in soup.select("script")]
    mathjax = [s for s in srcs if "mathjax" in s.lower()]
    assert mathjax and all(not s.startswith("http") for s in mathjax), mathjax
    assert (HTML / "_static" / "mathjax" / "tex-chtml.js").exists()


def test_scorecard_tables_are_present_and_agree_with_the_results():
    soup = page("book/scorecard")
    rows = scorecard.rows(BOOK / "results")
    headline = soup.select_one("ul.longdeps-headline")
    assert headline, "the headline (verdicts per kind) is missing"
    for kind, counts in scorecard.kind_verdict_counts(rows).items():
        total = sum(counts.values())
        line = next(
            li.get_text(" ", strip=True) for li in headline.select("li") if scorecard.PLURAL[kind] in li.text
        )
        if total:
            assert f"{counts[claims.REPRODUCED]} of {total} {claims.REPRODUCED}" in line, line
    counts_table = soup.select_one("table.longdeps-table.counts")
    last = [td.get_text() for td in counts_table.select("tbody tr")[-1].select("td")]
    assert last[:2] == ["all", "both"] and int(last[-1]) == len(rows)
    counts = scorecard.verdict_counts(rows)
    assert [int(x) for x in last[2:-1]] == [counts[v] for v in claims.VERDICTS]
    table = soup.select_one("table.longdeps-table.scorecard")
    claim_rows = table.select("tbody tr:not(.group):not(.details)")
    assert len(claim_rows) == len(rows) == len(table.select("tbody tr.details details"))
    for row, tr in zip(rows, claim_rows):
        ours = [s.get_text() for s in tr.select("td.ours span.line")]
        assert ours == scorecard.ours_lines(row), row["id"]
        assert tr.select_one("td.verdict").get_text() == row["verdict"]


def test_scorecard_links_reach_the_chapter_sections():
    soup = page("book/scorecard")
    links = soup.select("table.longdeps-table.scorecard td.artifact a[href]")
    assert links, "no artifact links to the chapters"
    for a in links:
        target, _, anchor = a["href"].partition("#")
        chapter = page(f"book/{target.removesuffix('.html')}")
        if anchor:
            assert chapter.find(id=anchor), f"{a.get_text()}: no section #{anchor} in {target}"


def test_status_page_lists_run_times():
    text = page("book/status").get_text()
    assert re.search(r"total\s*[\d.]+ s", text)


def test_notebook_downloads_are_offered():
    soup = page("book/intro")
    assert soup.find(string=re.compile(r"\.ipynb")) or soup.select('a[href$=".ipynb"]')


def test_results_files_are_valid_json():
    for path in (BOOK / "results").glob("*.json"):
        json.loads(path.read_text())


def test_no_page_outside_the_toc_was_built():
    built = {p.relative_to(HTML).with_suffix("").as_posix() for p in HTML.rglob("*.html")}
    built = {p for p in built if not p.startswith("_")}  # theme assets
    allowed = set(toc_files()) | {"index", "genindex", "search", "prf-prf"}  # prf-prf: sphinx-proof's index
    assert built <= allowed, built - allowed
