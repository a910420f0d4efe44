"""Every notebook of the table of contents: well formed, committed with outputs, runs at the smoke
profile, and its recorded claims agree with its printed output."""

import json
import os

import nbformat
import pytest

from longdeps import claims, scorecard
from longdeps.notebooks import BOOK, EXPLORER_TAGS, ROOT, NotebookRunError, execute, toc_files, toc_notebooks

NOTEBOOKS = toc_notebooks()
IDS = [nb.stem for nb in NOTEBOOKS]


def test_toc_files_exist():
    for f in toc_files():
        assert (ROOT / f"{f}.ipynb").exists() or (ROOT / f"{f}.md").exists(), f


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=IDS)
def test_parameters_cell_holds_only_the_profile(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{nb_path.name}: needs exactly one cell tagged 'parameters'"
    assert tagged[0].source.strip() == 'profile = "book"'


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=IDS)
def test_committed_with_book_outputs_and_no_errors(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    assert nb.metadata.get("papermill", {}).get("parameters", {}).get("profile") == "book", (
        f"{nb_path.name} was not produced by `make regenerate` (papermill, book profile)"
    )
    for cell in nb.cells:
        if cell.cell_type == "code" and "skip-execution" not in cell.metadata.get("tags", []):
            assert cell.execution_count is not None, f"{nb_path.name}: a code cell has no output"
            assert all(o.output_type != "error" for o in cell.outputs), f"{nb_path.name}: stored error"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=IDS)
def test_runs_at_smoke_profile(nb_path, tmp_path, monkeypatch):
    """Bounded: each cell may take CELL_TIMEOUT["smoke"] s, the kernel START_TIMEOUT s to start."""
    monkeypatch.setenv("LONGDEPS_RECORD_DIR", str(tmp_path / "results"))
    monkeypatch.setenv("LONGDEPS_CACHE", "off")
    monkeypatch.setenv("LONGDEPS_PROGRESS", "0")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    execute(nb_path, tmp_path / nb_path.name, "smoke")


def _scratch_notebook(path, *sources, tags=()):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('profile = "book"', metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(src, metadata={"tags": list(tags)}) for src in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_a_hanging_cell_fails_loudly_naming_notebook_and_cell(tmp_path):
    nb = _scratch_notebook(tmp_path / "hangs.ipynb", "x = 1", "import time\ntime.sleep(600)")
    with pytest.raises(NotebookRunError, match=r"hangs\.ipynb .*code cell 3 of 3 \('import time'\)"):
        execute(nb, tmp_path / "out.ipynb", "smoke", timeout=3)


def test_a_dying_kernel_fails_loudly_naming_notebook_and_cell(tmp_path):
    nb = _scratch_notebook(tmp_path / "dies.ipynb", "import os\nos._exit(1)")
    with pytest.raises(NotebookRunError, match=r"dies\.ipynb .*code cell 2 of 2 \('import os'\)"):
        execute(nb, tmp_path / "out.ipynb", "smoke", timeout=30)


def test_explorer_tags_keep_a_cell_out_of_headless_runs(tmp_path):
    """A cell tagged like an explorer is never executed by papermill (it would block forever here)."""
    nb = _scratch_notebook(tmp_path / "skip.ipynb", "import time\ntime.sleep(600)", tags=EXPLORER_TAGS)
    execute(nb, tmp_path / "out.ipynb", "smoke", timeout=5)
    cell = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[-1]
    assert cell.execution_count is None and not cell.outputs


@pytest.mark.parametrize("nb_path", [p for p in NOTEBOOKS if p.stem not in ("scorecard", "status")])
def test_chapters_carry_their_figures(nb_path):
    """A non-inline matplotlib backend (e.g. MPLBACKEND=Agg) silently drops every figure."""
    nb = nbformat.read(nb_path, as_version=4)
    pngs = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})
    ]
    assert pngs, f"{nb_path.name} has no figure in its committed outputs"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=IDS)
def test_explorers_never_run_headless_and_are_left_out_of_the_html(nb_path):
    """An explorer's output is a live widget, and executing one can block a headless kernel
    (nbclient): papermill (``skip-execution``) and nbval (``nbval-skip``) skip it, and the static HTML
    (where no kernel runs it) shows the canonical figure above it (``remove-output``)."""
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "_explorer(" in cell.source:
            assert set(EXPLORER_TAGS) <= set(cell.metadata.get("tags", [])), cell.source[:80]


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=IDS)
def test_no_nbval_comments_in_the_code_readers_see(nb_path):
    """nbval's cell tags (``nbval-ignore-output``, ``nbval-skip``), not comments, so the HTML shows
    only code."""
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.source.lstrip().upper().startswith("# NBVAL"), cell.source[:80]


RESULT_FILES = sorted((BOOK / "results").glob("*.json"))


@pytest.mark.parametrize("path", RESULT_FILES, ids=[p.stem for p in RESULT_FILES])
def test_recorded_claims_agree_with_the_chapter_output(path):
    payload = json.loads(path.read_text())
    assert payload["profile"] == "book"
    nb_path = BOOK / f"{payload['chapter']}.ipynb"
    assert nb_path.exists(), f"{path.name} has no chapter notebook"
    text = "\n".join(
        "".join(o.get("text", ""))
        for c in nbformat.read(nb_path, as_version=4).cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "stream"
    )
    rows = [claims.Result(**c) for c in payload["claims"]]
    assert claims.format_table(rows) in text, (
        f"{path.name} disagrees with the claims printed by {nb_path.name}: run `make regenerate`"
    )
    registry = scorecard.load_all()
    for c in payload["claims"]:
        assert c["id"] in registry, f"{c['id']} recorded but not registered"
        assert registry[c["id"]].judge(c["values"]) == c["verdict"], f"{c['id']}: rule changed since"


def test_no_results_written_by_tests():
    assert os.environ.get("LONGDEPS_RECORD_DIR") is None
