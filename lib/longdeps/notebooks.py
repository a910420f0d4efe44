"""The book's notebooks: which ones exist (from ``_toc.yml``), and executing them with papermill.

``python -m longdeps.notebooks regenerate --profile book`` is what ``make regenerate`` runs: it executes
every notebook of the table of contents at the ``book`` profile and writes the outputs back into
``book/`` (the committed outputs nbval checks).  Other profiles write into ``_build/<profile>/`` and
never touch ``book/``.  Chapters run first, then the scorecard (which reads the claim files the
chapters wrote), then the execution-status page (which reads the others' run times).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from .profiles import PROFILES, check_profile

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
LAST = ("scorecard", "status")  # these read what the chapters wrote: run them last, in this order
#: seconds one cell may run before the run fails (a hung kernel must fail, never stall a run)
CELL_TIMEOUT = {"smoke": 300, "book": 1800, "paper": 24 * 3600}
START_TIMEOUT = 120  # seconds for a kernel to start and answer
#: tags of a live-widget (explorer) cell: papermill/nbclient and nbval skip it, the HTML shows only code
EXPLORER_TAGS = ("skip-execution", "nbval-skip", "remove-output")


def toc_files(root: Path = ROOT) -> list[str]:
    """Every ``file:`` entry of ``_toc.yml`` (plus its root), in order, without suffix."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(toc.get("parts", toc.get("chapters", [])))
    return files


def toc_notebooks(root: Path = ROOT) -> list[Path]:
    """The notebooks of the table of contents, in execution order (scorecard, then status, last)."""
    nbs = [root / f"{f}.ipynb" for f in toc_files(root) if (root / f"{f}.ipynb").exists()]
    return sorted(nbs, key=lambda p: LAST.index(p.stem) + 1 if p.stem in LAST else 0)


def results_dir(profile: str) -> Path:
    """Where chapters record their claim results: ``$LONGDEPS_RECORD_DIR`` if set, else
    ``book/results`` for the book profile and ``_build/<profile>/results`` for the others."""
    check_profile(profile)
    env = os.environ.get("LONGDEPS_RECORD_DIR")
    if env:
        return Path(env)
    return BOOK / "results" if profile == "book" else ROOT / "_build" / profile / "results"


class NotebookRunError(RuntimeError):
    """A notebook failed under papermill: the message names the notebook and the cell."""


def execute(
    notebook: Path,
    output: Path,
    profile: str,
    cwd: Path | None = None,
    timeout: float | None = None,
    start_timeout: float = START_TIMEOUT,
) -> float:
    """Run ``notebook`` with papermill at ``profile`` and write it to ``output``; return seconds.

    Every wait is bounded: a cell may run ``timeout`` seconds (default :data:`CELL_TIMEOUT` of the
    profile) and the kernel must start within ``start_timeout``.  Cells tagged ``skip-execution``
    (the live-widget explorers) are not run.  A failing, hanging or dying kernel raises
    :class:`NotebookRunError` naming the notebook and the cell.
    """
    import papermill

    check_profile(profile)
    t0 = time.perf_counter()
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters={"profile": profile},
            kernel_name="python3",
            cwd=str(cwd or notebook.parent),
            progress_bar=False,
            execution_timeout=timeout or CELL_TIMEOUT[profile],
            start_timeout=start_timeout,
        )
    except Exception as exc:
        raise NotebookRunError(
            f"{notebook.name} ({profile} profile) failed at {_failed_cell(output)}: {_summary(exc)}"
        ) from exc
    _hide_injected_parameters(output)
    return time.perf_counter() - t0


def _failed_cell(output: Path) -> str:
    """The cell papermill was running when it stopped, read from its partial output notebook: the
    last cell that left the "pending" state (papermill marks a timed-out cell "completed").  Cells
    are numbered as in the source notebook (papermill's injected parameters cell is not counted)."""
    import nbformat

    try:
        nb = nbformat.read(output, as_version=4)
    except Exception:  # the kernel never started: no output notebook
        return "kernel start (no cell ran)"
    code = [
        c
        for c in nb.cells
        if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])
    ]
    started = [i for i, c in enumerate(code) if c.metadata.get("papermill", {}).get("status") != "pending"]
    if not started:
        return "kernel start (no cell ran)"
    i = started[-1]
    first = code[i].source.strip().splitlines()[0] if code[i].source.strip() else ""
    return f"code cell {i + 1} of {len(code)} ({first[:60]!r})"


def _summary(exc: Exception) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip().strip("-")]
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"


def _hide_injected_parameters(path: Path) -> None:
    """papermill's injected cell repeats the parameters cell: keep it in the notebook (it records the
    profile that ran) but out of the HTML."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    nbformat.write(nb, path)


def output_dir(profile: str) -> Path:
    """Where ``regenerate`` writes notebooks: ``book/`` for the book profile, else ``_build/<profile>``."""
    check_profile(profile)
    return BOOK if profile == "book" else ROOT / "_build" / profile


#: notebook -> the notebooks whose recorded results it reads (they must finish first); the scorecard and
#: the status page read every other notebook's output
NEEDS = {"alternatives": ("em_target_propagation",)}


def _needs(nb: Path, names: list[str]) -> set[str]:
    if nb.stem in LAST:
        return set(names[: names.index(nb.stem)])
    return set(NEEDS.get(nb.stem, ())) & set(names)


def regenerate(
    profile: str = "book", only: list[str] | None = None, out_dir: Path | None = None, jobs: int = 2
) -> None:
    """Execute the table of contents' notebooks at ``profile`` (see the module docstring), ``jobs``
    notebooks at a time (one kernel per core), each as soon as the notebooks it reads are done."""
    out_dir = Path(out_dir) if out_dir else output_dir(profile)
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ["LONGDEPS_RECORD_DIR"] = str(results_dir(profile))
    os.environ.setdefault("LONGDEPS_PROGRESS", "0")
    if profile == "book":  # the status page reports real compute times, not cache hits
        os.environ.setdefault("LONGDEPS_CACHE", "off")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as under `make test`: same sums, same order
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.pop("MPLBACKEND", None)  # a non-inline backend would drop every figure from the outputs
    todo = [nb for nb in toc_notebooks() if not only or nb.stem in only]
    names = [nb.stem for nb in todo]

    def run(nb: Path) -> float:
        target = out_dir / nb.name
        with tempfile.TemporaryDirectory() as tmp:
            tmp_out = Path(tmp) / nb.name
            seconds = execute(nb, tmp_out, profile, cwd=nb.parent)
            shutil.move(tmp_out, target)
        shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
        print(f"{nb.stem:28s} {seconds:8.1f} s  -> {shown}", flush=True)
        return seconds

    total, done, running = 0.0, set(), {}
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, int(jobs))) as pool:
        while todo or running:
            for nb in [nb for nb in todo if _needs(nb, names) <= done][: max(1, int(jobs)) - len(running)]:
                todo.remove(nb)
                running[pool.submit(run, nb)] = nb
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                total += fut.result()  # a failed notebook stops the run here, naming itself
                done.add(running.pop(fut).stem)
    wall = time.perf_counter() - t0
    print(f"{'total':28s} {total:8.1f} s  ({profile} profile; {wall:.1f} s wall, {jobs} at a time)")


def slowest_cells(notebooks: list[Path] | None = None) -> list[tuple[float, str]]:
    """(seconds, "notebook: cell") of every executed code cell, slowest first, from the durations
    papermill recorded in the committed notebooks (``make regenerate``, book profile)."""
    import nbformat

    out = []
    for nb_path in notebooks or toc_notebooks():
        nb = nbformat.read(nb_path, as_version=4)
        for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
            duration = cell.metadata.get("papermill", {}).get("duration")
            if duration is not None:
                out.append((float(duration), f"{nb_path.stem}: code cell {i + 1}"))
    return sorted(out, reverse=True)


def nbval_cell_timeout(factor: float = 5.0, floor: float = 60.0) -> int:
    """nbval's per-cell timeout: ``factor`` x the slowest committed cell (2 workers share 2 cores, and a
    CI machine may be slower), but at least ``floor`` seconds (kernel warm-up, imports)."""
    cells = slowest_cells()
    slowest = cells[0][0] if cells else 0.0
    return int(max(floor, factor * slowest) + 0.999)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m longdeps.notebooks")
    sub = parser.add_subparsers(dest="command", required=True)
    reg = sub.add_parser("regenerate", help="execute the book's notebooks with papermill")
    reg.add_argument("--profile", default="book", help=f"one of {', '.join(PROFILES)}")
    reg.add_argument("--only", nargs="*", help="notebook names (e.g. intro theorems); default: all")
    reg.add_argument("--jobs", type=int, default=2, help="notebooks executed at a time (default 2)")
    sub.add_parser("list", help="list the notebooks of _toc.yml in execution order")
    sub.add_parser("nbval-timeout", help="print nbval's cell timeout, sized from the slowest committed cell")
    args = parser.parse_args(argv)
    if args.command == "list":
        for nb in toc_notebooks():
            print(nb.relative_to(ROOT))
        return 0
    if args.command == "nbval-timeout":
        print(nbval_cell_timeout())
        return 0
    if args.profile not in PROFILES:
        print(f"unknown profile {args.profile!r}; valid profiles: {', '.join(PROFILES)}", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print(f"--jobs must be >= 1, got {args.jobs}", file=sys.stderr)
        return 2
    regenerate(args.profile, args.only, jobs=args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
