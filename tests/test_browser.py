"""The built book in a real headless browser (Debian's chromium): title, figures, rendered math.

Serves _build/html on 127.0.0.1, loads pages with `chromium --headless --dump-dom` (the DOM after
scripts ran, so MathJax output is visible), and keeps screenshots under _build/screenshots/.
"""

import functools
import http.server
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from longdeps.notebooks import ROOT

pytestmark = [pytest.mark.built, pytest.mark.browser]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--virtual-time-budget=15000",
]


@pytest.fixture(scope="module")
def chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail("chromium is not installed (make browser installs Debian's package)")
    return exe


@pytest.fixture(scope="module")
def server():
    assert (HTML / "index.html").exists(), "build the book first (make html)"
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def run_chromium(exe: str, url: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [exe, *FLAGS, f"--user-data-dir={tmp}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def dom(exe, url, tmp) -> BeautifulSoup:
    out = run_chromium(exe, url, tmp, "--dump-dom")
    assert out.returncode == 0, out.stderr[-2000:]
    return BeautifulSoup(out.stdout, "html.parser")


def screenshot(exe, url, tmp, name) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    run_chromium(exe, url, tmp, f"--screenshot={path}", "--window-size=1280,1800", "--hide-scrollbars")
    assert path.exists() and path.stat().st_size > 10_000, f"screenshot {path} is empty"
    return path


def test_index_loads_with_title_figure_and_rendered_math(chromium, server, tmp_path):
    soup = dom(chromium, f"{server}/index.html", tmp_path)
    assert "Long-term dependencies, reproduced" in soup.title.get_text()
    figures = [i for i in soup.select("img") if "_images" in i.get("src", "")]
    assert figures, "the introduction's figure is not in the page"
    assert soup.select("mjx-container"), "MathJax did not render the math (is it served locally?)"
    screenshot(chromium, f"{server}/book/intro.html", tmp_path, "intro")


@pytest.mark.parametrize("chapter", ["book/theorems", "book/scorecard"])
def test_a_chapter_loads(chromium, server, tmp_path, chapter):
    soup = dom(chromium, f"{server}/{chapter}.html", tmp_path)
    assert soup.find("h1")
    if chapter == "book/scorecard":
        assert soup.select("table.longdeps-table")
    else:
        assert soup.select('img[src*="_images"]'), f"{chapter}: no figure"
        assert soup.select("mjx-container"), f"{chapter}: math not rendered"
    screenshot(chromium, f"{server}/{chapter}.html", tmp_path, chapter.split("/")[-1])
