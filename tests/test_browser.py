"""The built book in a real headless browser (Debian's chromium): title, figures, rendered math.

Serves _build/html on 127.0.0.1, loads pages with `chromium --headless --dump-dom` (the DOM after
scripts ran, so MathJax output is visible), and keeps screenshots under _build/screenshots/.  A page
requested with `?measure` gets a script that writes its layout (widths at the window's size) into the
DOM as JSON, so the dump shows whether anything overflows; `?measure&open` first opens every
`<details>`.
"""

import functools
import http.server
import json
import shutil
import subprocess
import threading
import urllib.parse
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


MEASURE = """<script>
window.addEventListener("load", () => setTimeout(() => {
  if (OPEN) document.querySelectorAll("details").forEach((d) => { d.open = true; });
  const se = document.scrollingElement;
  const tables = [...document.querySelectorAll("table.longdeps-table")].map((t) => ({
    cls: t.className,
    width: t.getBoundingClientRect().width,
    right: t.getBoundingClientRect().right,
    scrollWidth: t.scrollWidth,
    clientWidth: t.clientWidth,
    containerWidth: t.parentElement.clientWidth,
    containerRight: t.parentElement.getBoundingClientRect().right,
  }));
  const out = {innerWidth: window.innerWidth, scrollWidth: se.scrollWidth, tables: tables};
  const pre = document.createElement("pre");
  pre.id = "longdeps-measure";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}, 300));
</script>"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if "measure" not in query or not url.path.endswith(".html"):
            return super().do_GET()
        page = Path(self.translate_path(url.path)).read_text()
        script = MEASURE.replace("OPEN", "true" if "open" in query else "false")
        body = page.replace("</body>", script + "</body>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def run_chromium(exe: str, url: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [exe, *FLAGS, f"--user-data-dir={tmp}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def dom(exe, url, tmp) -> BeautifulSoup:
    out = run_chromium(exe, url, tmp, "--dump-dom")
    assert out.returncode == 0, out.stderr[-2000:]
    return BeautifulSoup(out.stdout, "html.parser")


def screenshot(exe, url, tmp, name, height: int = 1800) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    run_chromium(exe, url, tmp, f"--screenshot={path}", f"--window-size=1280,{height}", "--hide-scrollbars")
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


def layout(exe, url, tmp, width: int) -> dict:
    out = run_chromium(exe, url, tmp, "--dump-dom", f"--window-size={width},1800")
    assert out.returncode == 0, out.stderr[-2000:]
    pre = BeautifulSoup(out.stdout, "html.parser").find(id="longdeps-measure")
    assert pre is not None, "the measuring script did not run"
    return json.loads(pre.get_text())


@pytest.mark.parametrize("details", ["closed", "open"])
def test_scorecard_fits_the_page_at_1280px(chromium, server, tmp_path, details):
    """No horizontal overflow at 1280 px: neither the page nor any table is wider than its container,
    with the scale-and-rule rows closed and open."""
    query = "measure" + ("&open" if details == "open" else "")
    m = layout(chromium, f"{server}/book/scorecard.html?{query}", tmp_path, 1280)
    assert m["innerWidth"] == 1280, m
    assert m["scrollWidth"] <= m["innerWidth"], f"the page scrolls sideways: {m}"
    assert len(m["tables"]) == 2, m["tables"]
    for t in m["tables"]:
        assert t["scrollWidth"] <= t["clientWidth"] + 1, f"{t['cls']} scrolls inside itself: {t}"
        assert t["width"] <= t["containerWidth"] + 1, f"{t['cls']} is wider than its container: {t}"
        assert t["right"] <= t["containerRight"] + 1, f"{t['cls']} runs past its container: {t}"
    if details == "open":
        screenshot(chromium, f"{server}/book/scorecard.html?measure&open", tmp_path, "scorecard-open", 4000)
